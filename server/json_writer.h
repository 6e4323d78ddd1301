#pragma once
// The decision writer is the engine's (engine/decision/json_writer.h), shared
// by every path; the server's code names it here as before.
#include "engine/decision/json_writer.h"

namespace cpe::server {

using cpe::appendDecisionJson;
using cpe::appendJsonString;

}  // namespace cpe::server
