#pragma once
// What the person should do next, for each outcome and route: the policy's
// own words (`next step KEY "..."`, docs/language.md), else the board's, else
// the defaults here. One wording for the decision's answer (JSON, text, the
// triage page), `cpe explain` and `cpe doc`.
#include <string>

#include "engine/check/model.h"

namespace cpe {

// The wording for a decision with this outcome and route: the policy's (or
// its modules', or the `board` module's) words for the outcome, else for the
// route, else defaultNextStep().
std::string nextStepFor(const PolicyModel& p, Outcome outcome, Route route);
// The built-in wording when no policy or board setting words it.
std::string defaultNextStep(Outcome outcome, Route route);

}  // namespace cpe
