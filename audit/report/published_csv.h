#pragma once
// The tidy CSV files beside the contract's: groups.csv (one row per
// intervention and group, every published statistic in its own column) and
// trend.csv (episodes per month or quarter), which a spreadsheet or Power BI
// reads without reshaping. Counts are exact, as in every CSV file.
#include <string>

#include "audit/count/published.h"

#include "audit/stats/trend_period.h"

namespace cpe::audit {

// groups.csv: intervention,group,name,episodes,denominator,rate,rate_lower,
// rate_upper,crude_rate,expected,ratio,limit95_lower,limit95_upper,
// limit998_lower,limit998_upper,z_score,flag,method.
void writeGroupsCsv(const std::string& path, const PublishedStats& stats);

// The periods of trend.csv: "2024-04", or "2024-Q2" (calendar quarters).
std::string trendPeriodLabel(uint32_t monthCell, TrendPeriod period);

struct TrendSeries {
    std::string intervention, group;
    std::vector<std::pair<std::string, uint64_t>> points;  // (period, episodes), every period of the data
};
// Every (intervention, group) with a counted episode, periods from the first
// to the last month with any counted episode (empty periods as 0).
std::vector<TrendSeries> trendSeries(const Matcher& matcher, const CellCounts& months, TrendPeriod period);

// trend.csv: intervention,group,name,period,episodes.
void writeTrendCsv(const std::string& path, const std::vector<TrendSeries>& series, const OrganisationNames* names);

}  // namespace cpe::audit
