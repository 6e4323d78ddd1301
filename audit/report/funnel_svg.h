#pragma once
// A funnel plot as inline SVG: each group's rate against its volume, the
// overall rate as the centre line, and 95% and 99.8% control limits. Groups
// beyond the 99.8% limits are labelled. No script and no external resource.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/count/analysis.h"
#include "audit/count/stats.h"

namespace cpe::audit {

std::string funnelSvg(const InterventionAnalysis& intervention, const Analysis& analysis, bool suppress);

// Any funnel plot, in the same look: the activity audit's above, and the
// care audit's proportions (audit/care/care_report.cpp).
struct FunnelPoint {
    std::string name, tip;  // the tip is the point's <title>
    double x = 0, y = 0;    // volume, and the value in the plot's units
    FunnelPosition position = FunnelPosition::Within;
};
struct FunnelPlot {
    std::string id, title;            // id keeps the clip path unique on the page
    std::string xTitle, yTitle;       // axis titles, as HTML
    double target = 0;                // the centre line, in the plot's units
    std::optional<double> yCeiling;   // the axis goes no higher (100 for percentages)
    std::vector<FunnelPoint> points;  // the plotted points
    // Volumes and values that set the axes: every group's, plotted or not
    // (suppressed groups still shape the axes, as they always have).
    std::vector<double> extentX, extentY;
    // The limits at volume n, in the plot's units: the 95% ones, or with
    // outer the 99.8% ones.
    std::function<Limits(double n, bool outer)> limits;
};
std::string funnelPlotSvg(const FunnelPlot& plot);

}  // namespace cpe::audit
