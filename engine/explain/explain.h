#pragma once
// Policies in plain English, generated from the checked model so the text a
// person reads can never drift from the rules that are applied. Used by
// `cpe explain` and the published criteria documents.
#include <string>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/explain/condition_tree.h"

namespace cpe {

// A condition as a sentence fragment: "BMI is between 19 and 30 kg/m2".
std::string conditionInEnglish(const Expr& e);
// Human wording of the access route and IFR position.
std::string accessRouteInEnglish(const PolicyModel& p);
// A decision's route for a person: "no approval needed", "Individual Funding Request", ...
std::string routeInEnglish(Route r);
// A decision for a person: "eligible, no approval needed", "not eligible, Individual Funding Request".
std::string decisionInEnglish(Outcome o, Route r);
// The whole policy as indented plain text.
std::string explainPolicy(const PolicyModel& p);
// The same as a JSON tree: {"id", "title", ..., "rules": [{"outcome", "route", "condition": {...}}]}.
// With `sources`, every rule and condition also says where it is written ("at").
nlohmann::ordered_json explainPolicyJson(const PolicyModel& p, const SourceSet* sources = nullptr);

// A condition's presented structure (condition_tree.h) as JSON, the form
// `cpe explain --format json` and GET /v1/policies/{id} give:
//   {"kind": "all" | "any", "items": [...]}, {"kind": "at_least", "items": [...], "count": N},
//   {"kind": "criterion", "criterion": ID, "text": WORDING, "condition": {...its body}},
//   {"kind": "condition", "text": PLAIN ENGLISH, "expression": AS WRITTEN}, and for `not X`
//   the same with "negates": {...X}.
// With `sources`, each node also has "at": a criterion where it is declared,
// anything else where it is written.
nlohmann::ordered_json conditionJson(const ConditionNode& condition, const SourceSet* sources = nullptr);
// The decide rules in order: [{"outcome", "route", "exempt", "condition" (null for otherwise), "at"?}].
nlohmann::ordered_json rulesJson(const PolicyModel& p, const SourceSet* sources = nullptr);

}  // namespace cpe
