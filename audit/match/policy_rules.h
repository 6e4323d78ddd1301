#pragma once
// Which coding rules an audit runs: from a loaded policy library, every
// policy id with a coding rule, in the version in force on a reference date.
#include <string>
#include <vector>

#include "audit/match/matcher.h"
#include "engine/library/policy_library.h"

namespace cpe::audit {

struct RuleSelection {
    std::vector<RuleSpec> rules;     // sorted by intervention id
    std::vector<std::string> notes;  // e.g. "ebi.x: no version in force on DATE; using 2026-04-01"
};

// For each policy id with a coding rule: the version in force on `day` (days
// since 1970-01-01); when none is, the first version that starts after `day`
// (the rule as the board adopted it) or else the latest. `only`, when not
// empty, keeps just those ids and reports unknown ones in `errors`.
RuleSelection selectCodingRules(const PolicyLibrary& library, int day, const std::vector<std::string>& only,
                                std::vector<std::string>& errors);

// Looks codesets up by name in the library (the checker already resolves
// them; this serves fragments built elsewhere).
CodesetLookup libraryCodesets(const PolicyLibrary& library);

}  // namespace cpe::audit
