#pragma once
// The care audit's report.html: one self-contained page (inline CSS and SVG,
// no script, no network) in the activity audit's look, with each measure's
// table by locality, its funnel or trend plot, and the cases listed by id.
// Counts from 1 to 5 are shown as "*" unless suppression is turned off.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "audit/care/care_measures.h"

namespace cpe::audit {

struct CareReportInfo {
    std::string inputPath, policiesPath, generatedAt;
    bool suppress = true;
    uint64_t recordsRead = 0, recordsRejected = 0, earlierThanPolicies = 0;
    std::vector<std::pair<uint64_t, std::string>> firstRejects;  // a sample; all are in rejects.csv
    std::map<std::string, double> benchmarks;
};

std::string renderCareReport(const CareResults& results, const CareReportInfo& info);

}  // namespace cpe::audit
