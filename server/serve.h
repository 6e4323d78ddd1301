#pragma once
#include "server/options.h"

namespace cpe::server {

// Runs `cpe serve` until SIGTERM or SIGINT: loads the library, opens the
// decision log, serves, then drains in-flight requests and flushes the log.
// Returns the process exit code.
int runServe(const ServeOptions& options);

}  // namespace cpe::server
