#pragma once
// The case audit's outputs beyond compliance.csv: case_findings.csv and
// report.html, in the activity report's look (report_html.h's style, cards
// and sortable tables; funnel_svg.h's plots).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/count/case_results.h"

namespace cpe::audit {

// case_findings.csv: line,id,policy,provider,outcome,reasons,missing_facts for
// every case not eligible or undetermined, in line order; reasons are
// "criterion: yes|no|not known" joined by "; ", missing facts by "|".
void writeCaseFindingsCsv(const std::string& path, const std::vector<CaseFinding>& findings);

struct CaseReportInfo {
    std::string casesPath, policiesPath;
    uint64_t linesRead = 0, linesRejected = 0, casesDecided = 0;
    double seconds = 0;
    bool suppress = true;
    std::vector<std::pair<uint64_t, std::string>> firstRejects;  // a sample; all are in rejects.csv
};

// Per policy: the outcomes, compliance by provider (the share of cases that
// met the policy) with a funnel plot of exact binomial limits and the
// providers beyond them named, the facts most often missing, and the cases
// not eligible and undetermined listed with their ids and reasons. Counts
// of 1 to 5, and shares whose count, cases or difference is 1 to 5, are "*"
// when suppressing (such providers are not plotted).
std::string renderCaseReport(const CaseResults& results, const CaseReportInfo& info);

}  // namespace cpe::audit
