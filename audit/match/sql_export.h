#pragma once
// The compiled coding rules as one SQLite query over the activity table as
// `sqlite3 .import --csv` creates it (every column text). The benchmark runs
// it to compare `cpe audit` with the tool analysts would otherwise use, and
// to check that both count the same. Its output has the shape of
// activity.csv: intervention,provider,episodes sorted the same way.
//
// Codes are matched with GLOB patterns over '|'-delimited, dot-less,
// upper-cased code lists, so '*|F34*' is "some code starts with F34" and a
// range such as C00-C97 becomes character-class patterns.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "audit/match/matcher.h"

namespace cpe::audit {

struct SqlOptions {
    std::string table = "activity";
    std::optional<std::string> from, to;  // YYYY-MM-DD, inclusive
};

// Throws std::runtime_error for a rule it cannot express (a code range whose
// ends differ in length, or a code with GLOB metacharacters).
std::string countingSql(const Matcher& matcher, const SqlOptions& options);

// GLOB patterns (without the trailing '*') for the codes whose first
// |lo| characters lie in [lo, hi]; exposed for tests.
std::vector<std::string> rangeGlobs(const std::string& lo, const std::string& hi);

}  // namespace cpe::audit
