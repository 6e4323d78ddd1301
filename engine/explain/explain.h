#pragma once
// Policies in plain English, generated from the checked model so the text a
// person reads can never drift from the rules that are applied. Used by
// `cpe explain` and the published criteria documents.
#include <string>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"

namespace cpe {

// A condition as a sentence fragment: "BMI is between 19 and 30 kg/m2".
std::string conditionInEnglish(const Expr& e);
// Human wording of the access route and IFR position.
std::string accessRouteInEnglish(const PolicyModel& p);
// The whole policy as indented plain text.
std::string explainPolicy(const PolicyModel& p);
// The same as a JSON tree: {"id", "title", ..., "rules": [{"outcome", "route", "condition": {...}}]}.
nlohmann::ordered_json explainPolicyJson(const PolicyModel& p);

}  // namespace cpe
