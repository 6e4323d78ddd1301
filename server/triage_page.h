#pragma once
// The triage page (server/page/README.md): one self-contained HTML file, its
// styles the doc pages' (engine/base/html.h) plus server/page/triage.css, its
// script server/page/triage.js. `cpe serve` serves it at / (server "" : the
// same origin); `cpe page --server URL` writes it for use against any server.
#include <string>

namespace cpe::server {

std::string triagePage(const std::string& serverUrl);

}  // namespace cpe::server
