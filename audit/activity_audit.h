#pragma once
// `cpe audit --activity`: scan the file, analyse, and write activity.csv,
// variation.csv, rejects.csv, versions.csv and report.html (and the other
// tidy files) into the output folder. The
// command-line layer only parses options and loads the policies.
#include <optional>
#include <string>

#include "audit/count/activity_scan.h"
#include "audit/count/analysis.h"
#include "audit/count/rules_applied.h"
#include "audit/match/matcher.h"
#include "audit/report/published_csv.h"

namespace cpe::audit {

struct ActivityAuditOptions {
    std::string activityPath;                                 // a file, "-", or the name of openSource's stream
    std::function<std::unique_ptr<ByteSource>()> openSource;  // set for a database query
    std::string outDir;
    std::string policiesLabel;  // for the report
    std::optional<std::string> populationPath;
    std::optional<std::string> from, to;  // YYYY-MM-DD, inclusive
    Grouping grouping = Grouping::Provider;
    bool strict = false;   // the first malformed row is fatal
    bool suppress = true;  // small-number suppression in report.html
    unsigned threads = 2;
    bool progress = true;  // on a terminal
    size_t blockSize = size_t{4} << 20;
    ColumnMapping mapping;
    std::optional<std::string> namesPath;    // --names: ODS code,name
    TrendPeriod trend = TrendPeriod::Month;  // --columns / --mapping; nothing given: the contract's layout
    // The versions judging each episode by its date; null: the matcher given
    // judges every row (which must be the schedule's reference() otherwise).
    const RuleSchedule* schedule = nullptr;
    bool forcedAsOf = false;  // --as-of chose one date's versions (said in the report)
};

struct ActivityAuditSummary {
    uint64_t rowsRead = 0, rowsRejected = 0, rowsOutsidePeriod = 0, episodesCounted = 0, bytes = 0;
    double seconds = 0;
    std::vector<std::string> warnings;        // e.g. commissioners without a population
    std::vector<std::string> ignoredColumns;  // header columns no field uses
    bool mapped = false;                      // read through a column mapping
    RulesApplied rules;                       // the data period and the versions applied (versions.csv)
    std::string line() const;                 // the one-line summary
    // The data period and each version applied with its episodes, a line each.
    std::vector<std::string> rulesLines() const;
};

// Throws AuditError (bad file, bad header, bad option value, or with
// --strict the first malformed row as "FILE:LINE: reason").
ActivityAuditSummary runActivityAudit(const Matcher& matcher, const ActivityAuditOptions& options);

}  // namespace cpe::audit
