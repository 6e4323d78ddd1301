#pragma once
// report.html: one self-contained page (inline CSS and SVG, no script, no
// network) with an overview of every intervention and, for each, its
// variation statistics, a funnel plot and a table of groups. Counts from 1
// to 5 are shown as "*" unless suppression is turned off.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/count/analysis.h"
#include "audit/count/published.h"
#include "audit/count/rules_applied.h"
#include "audit/report/published_csv.h"

namespace cpe::audit {

struct ReportInfo {
    std::string activityPath;
    std::string policiesPath;
    std::string period;       // "all admission dates", or "2024-04-01 to 2025-03-31"
    std::string generatedAt;  // local time, as text
    double seconds = 0;
    bool suppress = true;
    uint64_t rowsRead = 0, rowsRejected = 0, rowsOutsidePeriod = 0, episodesCounted = 0;
    std::vector<std::pair<uint64_t, std::string>> firstRejects;                           // a sample; all are in rejects.csv
    std::vector<std::string> ignoredColumns;                                              // header columns no field uses
    std::vector<std::pair<std::pair<std::string, std::string>, uint64_t>> rejectSummary;  // ((provider, kind), rows)
    const PublishedStats* published = nullptr;                                            // groups.csv's statistics, when given
    const std::vector<TrendSeries>* trend = nullptr;                                      // trend.csv's series, when given
    const RulesApplied* rules = nullptr;                                                  // versions.csv's, when given
    bool forcedAsOf = false;                                                              // --as-of judged every episode
};

std::string renderReport(const Analysis& analysis, const ReportInfo& info);

// The audit reports' shared look, for the care audit's page (audit/care/care_report.cpp):
// the style sheet, and a summary card (a figure over its label; warn draws it amber).
// The case audit's page (report/case_report.cpp) takes the tables' sorting and filtering script too.
const char* auditReportStyle();
const char* auditTableScript();
std::string reportCard(const std::string& n, const std::string& label, bool warn = false);

}  // namespace cpe::audit
