#pragma once
// The report's parts for the published statistics: per intervention, a table
// of every group with its name, rate and interval, crude rate, expected count,
// O/E and funnel flag (audit/count/published.h), and a small SVG chart of the
// intervention's episodes per month or quarter.
#include <string>
#include <vector>

#include "audit/count/published.h"
#include "audit/report/published_csv.h"

namespace cpe::audit {

std::string publishedTableHtml(const PublishedIntervention& intervention, RateMethod method, bool suppress);

// The intervention's total episodes per period over every group, as a line
// chart (inline SVG); empty when there is nothing to draw.
std::string trendSvg(const std::vector<TrendSeries>& series, const std::string& intervention, bool suppress);

}  // namespace cpe::audit
