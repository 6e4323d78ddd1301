#include "audit/funnel_svg.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "audit/html_format.h"
#include "audit/stats.h"

namespace cpe::audit {

namespace {

constexpr double kWidth = 640, kHeight = 400;
constexpr double kLeft = 70, kRight = 22, kTop = 40, kBottom = 56;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

const char* kBlue = "#005eb8";
const char* kAmber = "#e59400";
const char* kRed = "#d5281b";
const char* kGrey = "#425563";

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

double niceStep(double range, int targetTicks) {
    if (range <= 0) return 1;
    double raw = range / targetTicks;
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return step * mag;
}

std::string tickLabel(double v, double step) {
    if (v >= 1e6 && step >= 1e5) return shownDecimal(v / 1e6, step >= 1e6 ? 0 : 1) + "M";
    if (v >= 1e4 && step >= 1e3) return shownDecimal(v / 1e3, 0) + "k";
    int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    return shownDecimal(v, std::min(decimals, 4));
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

std::string funnelSvg(const InterventionAnalysis& ia, const Analysis& analysis, bool suppress) {
    const double scale = analysis.funnelScale();
    const bool poisson = analysis.perPopulation;
    const double target = ia.target / scale;  // per unit of volume
    auto limit = [&](double n, double z) { return poisson ? rateLimits(target, n, z) : proportionLimits(target, n, z); };

    double maxX = 0, maxY = 0, minX = 0;
    for (const GroupRow& g : ia.groups) {
        maxX = std::max(maxX, g.volume);
        maxY = std::max(maxY, g.funnelY);
        if (g.volume > 0 && (minX == 0 || g.volume < minX)) minX = g.volume;
    }
    if (maxX <= 0) maxX = 1;
    // Show the limits over the points' range, not their blow-up near zero.
    double limitTop = minX > 0 ? limit(minX, kZ998).upper * scale : 0;
    double yTop = std::max({maxY, ia.target * 1.5, std::min(limitTop, std::max(maxY, ia.target) * 1.6)});
    if (yTop <= 0) yTop = 1;
    double xStep = niceStep(maxX * 1.04, 5), yStep = niceStep(yTop * 1.08, 5);
    double xMax = std::ceil(maxX * 1.04 / xStep) * xStep, yMax = std::ceil(yTop * 1.08 / yStep) * yStep;
    auto px = [&](double x) { return kLeft + x / xMax * kPlotW; };
    auto py = [&](double y) { return kTop + kPlotH - y / yMax * kPlotH; };

    std::string clipId = "clip-" + ia.id;
    for (char& c : clipId)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
    std::string yUnit = poisson ? "per 100,000 population" : "per 1,000 episodes";
    std::string s;
    s += "<svg class=\"funnel\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Funnel plot for " + htmlEscape(ia.title) + "\">";
    s += "<defs><clipPath id=\"" + clipId + "\"><rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" +
         num(kPlotW) + "\" height=\"" + num(kPlotH) + "\"/></clipPath></defs>";
    s += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotW) + "\" height=\"" + num(kPlotH) +
         "\" fill=\"#f8fafb\"/>";

    // Grid and ticks.
    for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
        s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(py(y)) + "\" y2=\"" +
             num(py(y)) + "\" stroke=\"#e3e8ec\"/>";
        s += "<text x=\"" + num(kLeft - 8) + "\" y=\"" + num(py(y) + 4) + "\" text-anchor=\"end\" class=\"tick\">" +
             tickLabel(y, yStep) + "</text>";
    }
    for (double x = 0; x <= xMax + xStep / 2; x += xStep) {
        s += "<line x1=\"" + num(px(x)) + "\" x2=\"" + num(px(x)) + "\" y1=\"" + num(kTop) + "\" y2=\"" +
             num(kTop + kPlotH) + "\" stroke=\"#e3e8ec\"/>";
        s += "<text x=\"" + num(px(x)) + "\" y=\"" + num(kTop + kPlotH + 18) + "\" text-anchor=\"middle\" class=\"tick\">" +
             tickLabel(x, xStep) + "</text>";
    }
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(kTop + kPlotH) + "\" y2=\"" +
         num(kTop + kPlotH) + "\" stroke=\"" + kGrey + "\"/>";
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" y2=\"" + num(kTop + kPlotH) +
         "\" stroke=\"" + kGrey + "\"/>";
    std::string xTitle = analysis.perPopulation ? "Population"
                         : analysis.grouping == Grouping::Provider ? "Provider's episodes of any kind (volume)"
                                                                   : "Commissioner's episodes of any kind (volume)";
    s += "<text x=\"" + num(kLeft + kPlotW / 2) + "\" y=\"" + num(kHeight - 12) + "\" text-anchor=\"middle\" class=\"axis\">" +
         xTitle + "</text>";
    s += "<text transform=\"translate(18," + num(kTop + kPlotH / 2) + ") rotate(-90)\" text-anchor=\"middle\" class=\"axis\">Episodes " +
         yUnit + "</text>";

    // Control limits, sampled densely where they curve (small volumes).
    s += "<g clip-path=\"url(#" + clipId + ")\" fill=\"none\">";
    if (target > 0) {
        for (double z : {kZ95, kZ998}) {
            std::string upper, lower;
            for (int i = 1; i <= 160; ++i) {
                double t = i / 160.0;
                double n = xMax * t * t;
                Limits l = limit(n, z);
                upper += (i == 1 ? "M" : "L") + num(px(n)) + "," + num(py(std::min(l.upper * scale, yMax * 4)));
                lower += (i == 1 ? "M" : "L") + num(px(n)) + "," + num(py(l.lower * scale));
            }
            std::string style = z == kZ95 ? "stroke=\"#768692\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\""
                                          : "stroke=\"#425563\" stroke-width=\"1.5\"";
            s += "<path d=\"" + upper + "\" " + style + "/><path d=\"" + lower + "\" " + style + "/>";
        }
    }
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(py(ia.target)) + "\" y2=\"" +
         num(py(ia.target)) + "\" stroke=\"" + kBlue + "\" stroke-width=\"1.2\" opacity=\"0.6\"/>";
    s += "</g>";

    // Points: ordinary ones first so outliers are drawn on top.
    std::vector<const GroupRow*> order;
    for (const GroupRow& g : ia.groups) order.push_back(&g);
    std::stable_sort(order.begin(), order.end(), [](const GroupRow* a, const GroupRow* b) {
        return std::abs(static_cast<int>(a->position)) < std::abs(static_cast<int>(b->position));
    });
    std::vector<std::pair<double, double>> labelSpots;
    std::string labels;
    for (const GroupRow* g : order) {
        double x = px(g->volume), y = py(std::min(g->funnelY, yMax));
        std::string tip = htmlEscape(g->name) + ": " + shownCount(g->episodes, suppress) + " episodes, " +
                          (analysis.perPopulation ? "population " : "volume ") + withThousands(static_cast<uint64_t>(g->volume)) +
                          (suppress && g->episodes >= 1 && g->episodes <= 5 ? "" : ", " + shownDecimal(g->funnelY, 2) + " " + yUnit) +
                          " (" + describe(g->position) + ")";
        s += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"4.5\" fill=\"" + colourOf(g->position) +
             "\" stroke=\"#fff\" stroke-width=\"1\"><title>" + tip + "</title></circle>";
        if (g->position == FunnelPosition::Above998 || g->position == FunnelPosition::Below998) {
            // Labels go right of the point, moved down past labels already placed.
            double lx = x + 7, ly = y + 4;
            for (int tries = 0; tries < 8; ++tries) {
                bool clash = false;
                for (auto [ox, oy] : labelSpots)
                    if (std::fabs(ox - lx) < 46 && std::fabs(oy - ly) < 12) clash = true;
                if (!clash) break;
                ly += 12;
            }
            bool flip = lx + 46 > kLeft + kPlotW;
            if (flip) lx = x - 7;
            labelSpots.emplace_back(lx, ly);
            labels += "<text x=\"" + num(lx) + "\" y=\"" + num(ly) + "\" class=\"label\"" +
                      (flip ? " text-anchor=\"end\"" : "") + ">" + htmlEscape(g->name) + "</text>";
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
