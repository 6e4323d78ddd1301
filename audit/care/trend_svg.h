#pragma once
// A trend plot as inline SVG: one measure's share (0 to 100%) by month or
// quarter, a line per locality and a heavier one overall, in the audit
// report's look. Periods whose share is hidden (small numbers) or has no
// denominator break the line. No script and no external resource.
#include <optional>
#include <string>
#include <vector>

namespace cpe::audit {

struct TrendLine {
    std::string name;
    std::vector<std::optional<double>> values;  // a share 0..1 per period, or none
    bool overall = false;
};

std::string trendSvg(const std::string& id, const std::string& title, const std::vector<std::string>& periods,
                     const std::vector<TrendLine>& lines);

}  // namespace cpe::audit
