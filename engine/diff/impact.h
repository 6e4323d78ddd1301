#pragma once
// Impact of a policy change on real cases (`cpe diff OLD NEW --cases F`):
// every case of a batch file (the NDJSON of shared/spec/decision.md) is
// decided under OLD and under NEW, and the changes of outcome and route are
// counted — overall, and broken down by the facts the user names — with a few
// example case ids for each kind of change.
#include <array>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/line_reader.h"
#include "engine/decision/json_input.h"
#include "engine/diff/policy_ref.h"

namespace cpe {

// The headline kinds of change, in the order reports show them.
enum class ChangeClass : uint8_t {
    Unchanged,
    GainsEligibility,  // not eligible → eligible
    LosesEligibility,  // eligible → not eligible
    ToUndetermined,    // decided → undetermined
    FromUndetermined,  // undetermined → decided
    RouteChanged,      // same outcome, other route
    OtherChange,       // anything else (to or from review)
};
inline constexpr size_t kChangeClasses = 7;
const char* changeClassName(ChangeClass c);   // "gains_eligibility", ...
const char* changeClassLabel(ChangeClass c);  // "becomes eligible", ...
ChangeClass classify(Outcome oldOutcome, Route oldRoute, Outcome newOutcome, Route newRoute);

struct ImpactOptions {
    std::vector<std::string> byFacts;  // breakdowns, one per fact
    size_t examplesPerChange = 3;
    int defaultDay = 0;                       // for cases without as_of
    std::size_t maxLine = kDefaultMaxLine;    // longer lines are errors, skipped unread
    std::size_t maxDepth = kDefaultMaxDepth;  // nesting of a case's JSON
    unsigned threads = 1;                     // cases decided on this many threads; the report is the same
    bool referenceReader = false;             // every case read by the reference reader, not the fast one (benchmarks)
};

struct ImpactCounts {
    size_t cases = 0;
    std::array<size_t, kChangeClasses> byClass{};
    size_t changed() const { return cases - byClass[0]; }
};

struct ImpactTransition {
    Outcome oldOutcome, newOutcome;
    Route oldRoute, newRoute;
    size_t count = 0;
    std::vector<std::string> examples;  // case ids, in input order
};

struct ImpactCaseError {
    size_t line = 0;
    std::string id;
    std::string message;
};

struct ImpactReport {
    std::string oldLabel, newLabel;
    size_t lines = 0;  // non-blank input lines
    ImpactCounts total;
    std::vector<ImpactTransition> transitions;  // every (old, new) pair seen, changed ones first, then by count
    std::array<std::vector<std::string>, kChangeClasses> examples;
    struct Group {
        std::string value;  // the fact's value as text, "unknown" when absent
        ImpactCounts counts;
    };
    struct Breakdown {
        std::string fact;
        std::vector<Group> groups;  // ordered by value (numbers numerically)
    };
    std::vector<Breakdown> breakdowns;
    size_t errorCount = 0;
    std::vector<ImpactCaseError> errors;  // the first few
    double seconds = 0;
    size_t fastLines = 0;  // lines the fast case reader took (the rest went to the reference); not rendered
};

// Decides every case in `cases` under both sides. Bad lines (invalid JSON,
// facts refused by either side) are counted as errors with their line
// numbers, and the run goes on. A `--by` fact that no policy declares is an
// analysis dimension only: it is read from the case (its facts, or the case
// object itself) and not passed to the policies.
// When the sides come from different libraries (a draft file, the registry),
// a fact only one side declares is not passed to the other: the old version
// ignores a fact only the new one asks about, and the reverse.
ImpactReport runImpact(const ResolvedPolicy& oldSide, const ResolvedPolicy& newSide, std::istream& cases,
                       const ImpactOptions& options);

std::string impactToText(const ImpactReport& report);
nlohmann::ordered_json impactToJson(const ImpactReport& report);
// The impact's part of the consultation page (engine/doc/consultation.h):
// summary cards, inline SVG bar charts, the tables behind them, from <h3>
// down; and the CSS those need beside the shared page styles.
std::string impactSectionsHtml(const ImpactReport& report);
const char* impactStyles();

}  // namespace cpe
