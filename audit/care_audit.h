#pragma once
// `cpe audit --care FILE`: the continuing-care (CHC) and Section 117 case
// record audit. Reads care records (audit/care/care_record.h) as NDJSON, or
// as CSV with a column mapping (audit/care/care_csv.h), decides each with
// the library's chc.checklist, chc.dst, chc.fast_track and s117.aftercare,
// and writes the measures of audit/care/care_measures.h by locality and
// overall as tidy CSV files and report.html (audit/README.md lists them).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/care/care_measures.h"
#include "engine/base/line_reader.h"
#include "engine/decision/json_input.h"
#include "engine/library/policy_library.h"

namespace cpe::audit {

struct CareAuditOptions {
    std::string carePath;  // NDJSON, or CSV (.csv, .csv.gz, or whenever columns are mapped); "-" is stdin
    std::string outDir;
    std::string policiesLabel;                   // for the report
    std::optional<std::string> localitiesPath;   // --localities FILE; default hwe, mse, snee
    std::optional<bool> csv;                     // the input's format; by default from its name
    std::map<std::string, std::string> columns;  // --columns field=COLUMN
    std::map<std::string, double> benchmarks;    // --benchmark conversion=0.2, assessment=0.8
    TrendPeriod period = TrendPeriod::Month;
    bool strict = false;
    bool suppress = true;
    unsigned threads = 2;
    std::size_t maxLine = kDefaultMaxLine;
    std::size_t maxDepth = kDefaultMaxDepth;
};

struct CareAuditSummary {
    uint64_t recordsRead = 0, recordsRejected = 0, chcRecords = 0, s117Records = 0;
    uint64_t earlierThanPolicies = 0;  // records decided by a policy's first version, which came after them
    double seconds = 0;
    std::string line() const;
};

// The policies the audit asks; the library must hold each.
inline constexpr const char* kCarePolicies[] = {"chc.checklist", "chc.dst", "chc.fast_track", "s117.aftercare"};

// One record decided: what the measures count, or why it is refused.
struct DecidedCare {
    CareCase decided;
    std::string error;                 // "" when decided
    bool earlierThanPolicies = false;  // dated before a policy's first version, decided by that version
};

// Decides records with the care policies, each as of the record's day; a
// record dated before a policy's first version is decided by that first
// version, as the activity audit picks the first version adopted after its
// date when none was in force (audit/match/policy_rules.cpp).
class CareDecider {
public:
    // Throws AuditError when the library lacks one of kCarePolicies.
    explicit CareDecider(const PolicyLibrary& library);
    DecidedCare decide(CareRead&& read) const;

private:
    std::optional<Outcome> decideOne(const char* policy, const CareRecord& r, std::string& error, bool& earlier) const;
    const PolicyLibrary& lib_;
    std::map<std::string, int> firstDay_;  // policy -> the first version's effective day
};

// Throws AuditError for an unreadable file, a bad header or option, a
// library without the care policies, or with --strict the first bad record.
CareAuditSummary runCareAudit(const PolicyLibrary& library, const CareAuditOptions& options);

}  // namespace cpe::audit
