#pragma once
// A decision as triage staff read it on a terminal: outcome and route in
// words, the criteria that decided it, what is still missing, the outputs.
#include <string>

#include "engine/decision/decision.h"

namespace cpe {

std::string decisionToText(const Decision& d);

}  // namespace cpe
