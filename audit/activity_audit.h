#pragma once
// `cpe audit --activity`: scan the file, analyse, and write activity.csv,
// variation.csv, rejects.csv and report.html into the output folder. The
// command-line layer only parses options and loads the policies.
#include <optional>
#include <string>

#include "audit/count/activity_scan.h"
#include "audit/count/analysis.h"
#include "audit/match/matcher.h"

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
};

struct ActivityAuditSummary {
    uint64_t rowsRead = 0, rowsRejected = 0, rowsOutsidePeriod = 0, episodesCounted = 0, bytes = 0;
    double seconds = 0;
    std::vector<std::string> warnings;  // e.g. commissioners without a population
    std::string line() const;           // the one-line summary
};

// Throws AuditError (bad file, bad header, bad option value, or with
// --strict the first malformed row as "FILE:LINE: reason").
ActivityAuditSummary runActivityAudit(const Matcher& matcher, const ActivityAuditOptions& options);

}  // namespace cpe::audit
