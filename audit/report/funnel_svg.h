#pragma once
// A funnel plot as inline SVG, by the published methodology
// (shared/reference/statistics.md, "Funnel plots"): the centre line, the 95%
// and 99.8% control limits, each group a point coloured by where it falls,
// and the points beyond either limit labelled. No script and no external
// resource.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/count/analysis.h"
#include "audit/count/published.h"
#include "audit/count/stats.h"

namespace cpe::audit {

// The activity audit's plot of one intervention, from its published
// statistics. With a population (counts against expected): each
// commissioner's observed / expected ratio against its expected count E, the
// limits Byar's Poisson limits of E divided by E, around 1. By provider (a
// proportion): episodes per 1,000 of the provider's episodes against that
// volume, the limits the exact binomial ones around the overall share. Points
// take the published flags, so the plot agrees with groups.csv.
std::string funnelSvg(const InterventionAnalysis& intervention, const Analysis& analysis, const PublishedIntervention& published,
                      RateMethod method, bool suppress);

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

// A table cell's pill for a flag: "alert (99.8%)" or "warning (95%)" with its side, or "within".
std::string funnelFlagPill(stats::FunnelFlag flag);

// FunnelPlot::limits for a proportion: the exact binomial limits around
// target p at denominator n (rounded, at least 1), times `scale` (1,000 per
// 1,000 episodes, 100 for per cent).
std::function<Limits(double n, bool outer)> exactProportionLimits(double p, double scale);
// FunnelPlot::limits for observed / expected against E: Byar's limits of E, divided by E.
std::function<Limits(double expected, bool outer)> byarRatioLimits();

}  // namespace cpe::audit
