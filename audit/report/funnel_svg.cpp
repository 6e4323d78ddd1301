#include "audit/report/funnel_svg.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include "audit/count/stats.h"
#include "audit/report/html_format.h"
#include "engine/base/axis_ticks.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 70, kRight = 22, kTop = 40, kBottom = 56;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

const char* kBlue = "#005eb8";
const char* kAmber = "#e59400";
const char* kRed = "#d5281b";
const char* kGrey = "#425563";

// A coordinate with one decimal, as "%.1f" writes it. std::to_chars, because
// a report draws tens of thousands of curve points and snprintf took 2,000
// instructions a number (a fifth of a one-row audit's instructions).
std::string num(double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
    return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// One unit for a whole axis, chosen by its largest tick: 0, 5k, 10k rather
// than 0, 5,000, 10k.
std::string tickLabel(double v, double step, double axisMax) {
    if (v == 0) return "0";
    if (axisMax >= 1e6 && step >= 1e5) return decimalWithThousands(v / 1e6, decimalsFor(step / 1e6)) + "M";
    if (axisMax >= 1e4 && step >= 1e2) return decimalWithThousands(v / 1e3, decimalsFor(step / 1e3)) + "k";
    return decimalWithThousands(v, decimalsFor(step));
}

const char* colourOf(FunnelPosition p) {
    switch (p) {
        case FunnelPosition::Above998:
        case FunnelPosition::Below998: return kRed;
        case FunnelPosition::Above95:
        case FunnelPosition::Below95: return kAmber;
        default: return kBlue;
    }
}

const char* describe(FunnelPosition p) {
    switch (p) {
        case FunnelPosition::Above998: return "above the 99.8% limit";
        case FunnelPosition::Below998: return "below the 99.8% limit";
        case FunnelPosition::Above95: return "above the 95% limit";
        case FunnelPosition::Below95: return "below the 95% limit";
        default: return "within the limits";
    }
}

}  // namespace

std::string funnelFlagPill(stats::FunnelFlag f) {
    switch (f) {
        case stats::FunnelFlag::HighAlert: return "<span class=\"pill p2\">&#9650; alert (99.8%)</span>";
        case stats::FunnelFlag::LowAlert: return "<span class=\"pill p2\">&#9660; alert (99.8%)</span>";
        case stats::FunnelFlag::HighWarning: return "<span class=\"pill p1\">&#9650; warning (95%)</span>";
        case stats::FunnelFlag::LowWarning: return "<span class=\"pill p1\">&#9660; warning (95%)</span>";
        case stats::FunnelFlag::Within: break;
    }
    return "<span class=\"pill p0\">within</span>";
}

std::function<Limits(double, bool)> exactProportionLimits(double p, double scale) {
    return [p, scale](double n, bool outer) {
        const auto whole = static_cast<uint64_t>(std::max(1.0, std::round(n)));
        const stats::Interval i = stats::proportionFunnelLimits(whole, p, outer ? 0.998 : 0.95);
        return Limits{i.lower * scale, i.upper * scale};
    };
}

std::function<Limits(double, bool)> byarRatioLimits() {
    return [](double expected, bool outer) {
        if (expected <= 0) return Limits{0, 0};
        const stats::Interval i = stats::byarPoissonLimits(expected, outer ? stats::kZ998 : stats::kZ95);
        return Limits{i.lower / expected, i.upper / expected};
    };
}

std::string funnelSvg(const InterventionAnalysis& ia, const Analysis& analysis, const PublishedIntervention& pi,
                      RateMethod method, bool suppress) {
    const bool againstExpected = method != RateMethod::Proportion;
    FunnelPlot plot;
    plot.id = ia.id;
    plot.title = ia.title;
    if (againstExpected) {
        plot.xTitle = "Expected episodes (E)";
        plot.yTitle = "Observed / expected (O/E)";
        plot.target = 1;
        plot.limits = byarRatioLimits();
    } else {
        plot.xTitle = analysis.grouping == Grouping::Provider ? "Provider's episodes of any kind (volume)"
                                                              : "Commissioner's episodes of any kind (volume)";
        plot.yTitle = "Episodes per 1,000 episodes";
        plot.target = ia.target;
        plot.limits = exactProportionLimits(ia.target / 1000.0, 1000.0);
    }
    // With suppression on, groups with 1 to 5 episodes are not plotted: a
    // point's height times its volume would give the hidden count away.
    for (const PublishedGroup& g : pi.groups) {
        const double x = againstExpected ? g.expected : g.denominator;
        const double y = x <= 0 ? 0 : againstExpected ? static_cast<double>(g.episodes) / x : g.rate.value_or(0);
        if (x <= 0) continue;  // no expected episodes (or no volume): nothing to compare
        plot.extentX.push_back(x);
        plot.extentY.push_back(y);
        if (suppress && g.episodes >= 1 && g.episodes <= 5) continue;
        const FunnelPosition position = funnelPositionOf(g.flag);
        const std::string shownName = g.name.empty() ? g.group : g.group + " " + g.name;
        std::string tip = escapeHtml(shownName) + ": " + shownCount(g.episodes, suppress) + " episodes, " +
                          (againstExpected ? "expected " + decimalWithThousands(x, 1) + ", O/E " + decimalWithThousands(y, 2)
                                           : "volume " + thousands(static_cast<uint64_t>(x)) + ", " + decimalWithThousands(y, 2) +
                                                 " per 1,000 episodes") +
                          " (" + describe(position) + ")";
        plot.points.push_back({g.group, tip, x, y, position});
    }
    return funnelPlotSvg(plot);
}

std::string funnelPlotSvg(const FunnelPlot& plot) {
    double maxX = 0, maxY = 0, minX = 0;
    for (double x : plot.extentX) {
        maxX = std::max(maxX, x);
        if (x > 0 && (minX == 0 || x < minX)) minX = x;
    }
    for (double y : plot.extentY) maxY = std::max(maxY, y);
    if (maxX <= 0) maxX = 1;
    const double target = plot.target;
    // Show the limits over the points' range, not their blow-up near zero.
    double limitTop = minX > 0 ? plot.limits(minX, true).upper : 0;
    double limitEnd = plot.limits(maxX, true).upper * 1.05;  // keep the limits in view at the right
    double yTop = std::max({maxY, target * 1.5, std::min(limitTop, std::max(maxY, target) * 1.6), limitEnd});
    if (yTop <= 0) yTop = 1;
    double xStep = niceStep(maxX * 1.04, 5), yStep = niceStep(yTop * 1.08, 5);
    double xMax = std::ceil(maxX * 1.04 / xStep) * xStep, yMax = std::ceil(yTop * 1.08 / yStep) * yStep;
    if (plot.yCeiling && yMax > *plot.yCeiling) {
        yMax = *plot.yCeiling;
        yStep = niceStep(yMax, 5);
    }
    auto px = [&](double x) { return kLeft + x / xMax * kPlotW; };
    auto py = [&](double y) { return kTop + kPlotH - y / yMax * kPlotH; };

    std::string clipId = "clip-" + plot.id;
    for (char& c : clipId)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
    std::string s;
    s += "<svg class=\"funnel\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Funnel plot for " + escapeHtml(plot.title) + "\">";
    s += "<defs><clipPath id=\"" + clipId + "\"><rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotW) +
         "\" height=\"" + num(kPlotH) + "\"/></clipPath></defs>";
    s += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotW) + "\" height=\"" + num(kPlotH) +
         "\" fill=\"#f8fafb\"/>";

    // Grid and ticks.
    for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
        s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(py(y)) + "\" y2=\"" + num(py(y)) +
             "\" stroke=\"#e3e8ec\"/>";
        s += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\" class=\"tick\">" +
             tickLabel(y, yStep, yMax) + "</text>";
    }
    for (double x = 0; x <= xMax + xStep / 2; x += xStep) {
        s += "<line x1=\"" + num(px(x)) + "\" x2=\"" + num(px(x)) + "\" y1=\"" + num(kTop) + "\" y2=\"" + num(kTop + kPlotH) +
             "\" stroke=\"#e3e8ec\"/>";
        s += "<text x=\"" + num(px(x)) + "\" y=\"" + num(kTop + kPlotH + 18) + "\" text-anchor=\"middle\" class=\"tick\">" +
             tickLabel(x, xStep, xMax) + "</text>";
    }
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(kTop + kPlotH) + "\" y2=\"" +
         num(kTop + kPlotH) + "\" stroke=\"" + kGrey + "\"/>";
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" y2=\"" + num(kTop + kPlotH) +
         "\" stroke=\"" + kGrey + "\"/>";
    s += "<text x=\"" + num(kLeft + kPlotW / 2) + "\" y=\"" + num(kHeight - 12) + "\" text-anchor=\"middle\" class=\"axis\">" +
         plot.xTitle + "</text>";
    s += "<text transform=\"translate(18," + num(kTop + kPlotH / 2) + ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">" +
         plot.yTitle + "</text>";

    // Control limits, sampled densely where they curve (small volumes).
    s += "<g clip-path=\"url(#" + clipId + ")\" fill=\"none\">";
    if (target > 0) {
        for (bool outer : {false, true}) {
            std::string upper, lower;
            for (int i = 1; i <= 160; ++i) {
                double t = i / 160.0;
                double n = xMax * t * t;
                Limits l = plot.limits(n, outer);
                upper += (i == 1 ? "M" : "L") + num(px(n)) + "," + num(py(std::min(l.upper, yMax * 4)));
                lower += (i == 1 ? "M" : "L") + num(px(n)) + "," + num(py(l.lower));
            }
            std::string style = !outer ? "stroke=\"#768692\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\""
                                       : "stroke=\"#425563\" stroke-width=\"1.5\"";
            s += "<path d=\"" + upper + "\" " + style + "/><path d=\"" + lower + "\" " + style + "/>";
        }
    }
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(py(target)) + "\" y2=\"" +
         num(py(target)) + "\" stroke=\"" + kBlue + "\" stroke-width=\"1.2\" opacity=\"0.6\"/>";
    s += "</g>";

    // Points: ordinary ones first so outliers are drawn on top.
    std::vector<const FunnelPoint*> order;
    for (const FunnelPoint& p : plot.points) order.push_back(&p);
    std::stable_sort(order.begin(), order.end(), [](const FunnelPoint* a, const FunnelPoint* b) {
        return std::abs(static_cast<int>(a->position)) < std::abs(static_cast<int>(b->position));
    });
    // Points beyond either limit are labelled, alerts placed first. Each label tries spots around its point and
    // takes the first that stays inside the plot and clear of the points and
    // the labels already placed; when none is free the label is left out
    // (the table beside the plot lists every group).
    struct Box {
        double x0, y0, x1, y1;
        bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
    };
    std::vector<Box> taken;
    for (const FunnelPoint* g : order) {
        double x = px(g->x), y = py(std::min(g->y, yMax));
        taken.push_back({x - 4, y - 4, x + 4, y + 4});
    }
    std::string labels;
    for (const FunnelPoint* g : order)
        s += "<circle cx=\"" + num(px(g->x)) + "\" cy=\"" + num(py(std::min(g->y, yMax))) + "\" r=\"4.5\" fill=\"" +
             colourOf(g->position) + "\" stroke=\"#fff\" stroke-width=\"1\"><title>" + g->tip + "</title></circle>";
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const FunnelPoint* g = *it;
        double x = px(g->x), y = py(std::min(g->y, yMax));
        if (g->position == FunnelPosition::Within) continue;
        double w = 6.6 * static_cast<double>(g->name.size()) + 2, h = 11;
        // (dx, dy) of the text anchor, and where the text sits relative to it.
        struct Spot {
            double dx, dy;
            int align;  // -1 end, 0 middle, 1 start
        };
        static const Spot spots[] = {{7, 4, 1},  {-7, 4, -1},  {0, -8, 0},   {0, 15, 0},  {7, -6, 1},
                                     {7, 14, 1}, {-7, -6, -1}, {-7, 14, -1}, {0, -19, 0}, {0, 26, 0}};
        for (const Spot& sp : spots) {
            double ax = x + sp.dx, ay = y + sp.dy;
            double x0 = sp.align == 1 ? ax : sp.align == -1 ? ax - w : ax - w / 2;
            Box b{x0, ay - h + 2, x0 + w, ay + 2};
            if (b.x0 < kLeft + 1 || b.x1 > kLeft + kPlotW - 1 || b.y0 < kTop + 1 || b.y1 > kTop + kPlotH - 1) continue;
            bool clash = false;
            for (const Box& t : taken) clash = clash || b.overlaps(t);
            if (clash) continue;
            taken.push_back(b);
            const char* anchor = sp.align == 1 ? "" : sp.align == -1 ? " text-anchor=\"end\"" : " text-anchor=\"middle\"";
            labels += "<text x=\"" + num(ax) + "\" y=\"" + num(ay) + "\" class=\"label\"" + anchor + ">" + escapeHtml(g->name) +
                      "</text>";
            break;
        }
    }
    s += labels;

    // Legend.
    double lx = kLeft;
    auto legendDot = [&](const char* colour, const std::string& text, double width) {
        s += "<circle cx=\"" + num(lx + 5) + "\" cy=\"18\" r=\"4.5\" fill=\"" + colour + "\"/>";
        s += "<text x=\"" + num(lx + 14) + "\" y=\"22\" class=\"legend\">" + text + "</text>";
        lx += width;
    };
    auto legendLine = [&](const std::string& style, const std::string& text, double width) {
        s += "<line x1=\"" + num(lx) + "\" x2=\"" + num(lx + 18) + "\" y1=\"18\" y2=\"18\" " + style + "/>";
        s += "<text x=\"" + num(lx + 23) + "\" y=\"22\" class=\"legend\">" + text + "</text>";
        lx += width;
    };
    legendDot(kBlue, "within", 62);
    legendDot(kAmber, "beyond 95%", 92);
    legendDot(kRed, "beyond 99.8%", 102);
    legendLine("stroke=\"#005eb8\" opacity=\"0.6\" stroke-width=\"1.2\"", "overall", 74);
    legendLine("stroke=\"#768692\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"", "95% limits", 92);
    legendLine("stroke=\"#425563\" stroke-width=\"1.5\"", "99.8% limits", 100);
    s += "</svg>";
    return s;
}

}  // namespace cpe::audit
