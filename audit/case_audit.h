#pragma once
// `cpe audit --cases`: decides recorded cases (the batch format of
// shared/spec/decision.md, each line also carrying "provider") and counts the
// outcomes by policy and provider into compliance.csv; case_findings.csv and
// report.html list the cases that did not meet their policy and why.
#include <cstdint>
#include <optional>
#include <string>

#include "engine/base/line_reader.h"
#include "engine/decision/json_input.h"
#include "engine/library/policy_library.h"

namespace cpe::audit {

struct CaseAuditOptions {
    std::string casesPath;  // NDJSON, or "-" for standard input
    std::string outDir;
    bool strict = false;  // the first bad line is fatal
    unsigned threads = 2;
    std::size_t maxLine = kDefaultMaxLine;    // longer lines are rejects, skipped unread
    std::size_t maxDepth = kDefaultMaxDepth;  // nesting of a case's JSON
    std::optional<int> day;                   // --as-of: the decision date of cases without their own as_of
    bool suppress = true;                     // small-number suppression in report.html
    std::string policiesLabel;                // for the report
    bool referenceReader = false;             // every case read by the reference reader, not the fast one (tests, benchmarks)
};

struct CaseAuditSummary {
    uint64_t linesRead = 0, casesDecided = 0, linesRejected = 0;
    uint64_t fastLines = 0;  // cases the fast case reader took (the rest went to the reference); not rendered
    double seconds = 0;
    std::string line() const;
};

// Cases in the common shape are read and decided by the fast case reader
// (engine/library/fast_decider.h), on every thread; whatever it declines,
// each error among them, by the reference reader (readCase and
// PolicyLibrary::decide), so every output is the same bytes either way.
// Writes DIR/compliance.csv (policy,provider,cases,eligible,not_eligible,
// review,undetermined; sorted by policy then provider), DIR/rejects.csv
// (line,reason for every line that could not be decided),
// DIR/case_findings.csv (every case not eligible or undetermined, with its
// reasons and missing facts) and DIR/report.html. Throws
// audit::AuditError for an unreadable file, or with --strict the first bad line.
CaseAuditSummary runCaseAudit(const PolicyLibrary& library, const CaseAuditOptions& options);

}  // namespace cpe::audit
