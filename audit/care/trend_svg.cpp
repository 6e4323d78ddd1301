#include "audit/care/trend_svg.h"

#include <cctype>
#include <cstdio>

#include "engine/base/html.h"

namespace cpe::audit {

namespace {

constexpr double kWidth = 640, kHeight = 300;
constexpr double kLeft = 56, kRight = 110, kTop = 18, kBottom = 46;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
const char* const kColours[] = {"#41b6e6", "#ffb81c", "#78be20", "#ae2573", "#00a499", "#768692", "#ed8b00", "#330072"};

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

}  // namespace

std::string trendSvg(const std::string& id, const std::string& title, const std::vector<std::string>& periods,
                     const std::vector<TrendLine>& lines) {
    const size_t n = periods.size();
    auto px = [&](size_t i) {
        return kLeft + (n <= 1 ? kPlotW / 2 : kPlotW * static_cast<double>(i) / static_cast<double>(n - 1));
    };
    auto py = [&](double share) { return kTop + kPlotH - share * kPlotH; };
    std::string clip = "trend-" + id;
    for (char& c : clip)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
    std::string s = "<svg class=\"funnel\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Trend of " + escapeHtml(title) + "\">";
    s += "<rect x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" + num(kPlotW) + "\" height=\"" + num(kPlotH) +
         "\" fill=\"#f8fafb\"/>";
    for (int pct = 0; pct <= 100; pct += 20) {
        double y = py(pct / 100.0);
        s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
             "\" stroke=\"#e3e8ec\"/><text x=\"" + num(kLeft - 8) + "\" y=\"" + num(y + 4) +
             "\" text-anchor=\"end\" class=\"tick\">" + std::to_string(pct) + "%</text>";
    }
    // Label at most about eight periods, evenly.
    const size_t every = n > 8 ? (n + 7) / 8 : 1;
    for (size_t i = 0; i < n; ++i)
        if (i % every == 0 || i + 1 == n)
            s += "<text x=\"" + num(px(i)) + "\" y=\"" + num(kTop + kPlotH + 18) + "\" text-anchor=\"middle\" class=\"tick\">" +
                 escapeHtml(periods[i]) + "</text>";
    s += "<line x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + kPlotW) + "\" y1=\"" + num(kTop + kPlotH) + "\" y2=\"" +
         num(kTop + kPlotH) + "\" stroke=\"#425563\"/>";
    size_t colour = 0;
    double legendY = kTop + 10;
    for (const TrendLine& line : lines) {
        const char* c = line.overall ? "#003087" : kColours[colour++ % (sizeof kColours / sizeof *kColours)];
        const char* width = line.overall ? "3" : "1.8";
        std::string d;
        bool open = false;
        for (size_t i = 0; i < n && i < line.values.size(); ++i) {
            if (!line.values[i]) {
                open = false;
                continue;
            }
            d += (open ? "L" : "M") + num(px(i)) + "," + num(py(*line.values[i]));
            open = true;
            s += "<circle cx=\"" + num(px(i)) + "\" cy=\"" + num(py(*line.values[i])) + "\" r=\"" +
                 (line.overall ? "3.5" : "2.5") + "\" fill=\"" + c + "\"><title>" + escapeHtml(line.name) + ", " +
                 escapeHtml(periods[i]) + ": " + num(*line.values[i] * 100) + "%</title></circle>";
        }
        if (!d.empty()) s += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + c + "\" stroke-width=\"" + width + "\"/>";
        s += "<line x1=\"" + num(kLeft + kPlotW + 12) + "\" x2=\"" + num(kLeft + kPlotW + 30) + "\" y1=\"" + num(legendY) +
             "\" y2=\"" + num(legendY) + "\" stroke=\"" + c + "\" stroke-width=\"" + width + "\"/><text x=\"" +
             num(kLeft + kPlotW + 35) + "\" y=\"" + num(legendY + 4) + "\" class=\"legend\">" + escapeHtml(line.name) + "</text>";
        legendY += 17;
    }
    s += "</svg>";
    return s;
}

}  // namespace cpe::audit
