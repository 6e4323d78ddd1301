#pragma once
// The policy descriptions GET /v1/policies and GET /v1/policies/{id} serve:
// enough for a client to build a form (the facts a policy reads, with their
// types and allowed values) and to show a person the criteria in the policy's
// own words, and how the rules combine them.
#include <string>

#include <nlohmann/json.hpp>

#include "engine/library/policy_library.h"

namespace cpe::server {

// The version of `id` in force on `day`, or the newest version when none is
// (a policy not yet in force is still worth describing); null for an unknown id.
const PolicyModel* describedVersion(const PolicyLibrary& lib, const std::string& id, int day);

// id, title, version, kind, facts read, ...
nlohmann::ordered_json policySummaryJson(const PolicyModel& policy, int day);
// The summary plus criteria (with their text and source location), the
// decide rules with their conditions (rulesJson: the structure `cpe explain`
// and `cpe doc` show), outputs and every version of the id.
nlohmann::ordered_json policyDetailJson(const PolicyLibrary& lib, const PolicyModel& policy, int day);
// GET /v1/policies/{id}/form, what the triage page builds its form from:
// {"id", "title", "version", "effective", "in_force", "facts": [factJson() +
// "decides" ("19 to 30 qualifies") + "criteria" (the ids that read it)]}.
nlohmann::ordered_json policyFormJson(const PolicyModel& policy, int day);

}  // namespace cpe::server
