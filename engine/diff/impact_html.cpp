// The impact of a change on cases, for the consultation page
// (engine/doc/consultation.h): summary cards, a bar chart per breakdown drawn
// as inline SVG (no scripts, no external files, so the page can be mailed,
// archived or printed as is), and the tables behind them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "engine/base/axis_ticks.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"
#include "engine/diff/impact.h"
#include "engine/explain/explain.h"
#include "engine/source/utf8.h"

namespace cpe {
namespace {

// One colour per kind of change; "unchanged" is never drawn.
const char* kColours[kChangeClasses] = {"#c8ced3", "#2e7d32", "#c62828", "#f2a900", "#1565c0", "#7b3fa0", "#6d7a84"};

std::string pct(size_t part, size_t whole) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return buf;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

struct BarRow {
    std::string label;
    std::array<size_t, kChangeClasses> counts{};  // [0] unused
    std::string right;                            // text after the bar
};

// Horizontal stacked bars, one row per group, one segment per kind of change.
std::string stackedBars(const std::vector<BarRow>& rows, const std::string& caption) {
    size_t maxTotal = 0;
    std::array<bool, kChangeClasses> used{};
    for (const BarRow& r : rows) {
        size_t t = 0;
        for (size_t k = 1; k < kChangeClasses; ++k) {
            t += r.counts[k];
            used[k] = used[k] || r.counts[k] > 0;
        }
        maxTotal = std::max(maxTotal, t);
    }
    if (maxTotal == 0) return "<p class=\"muted\">No case changes outcome or route.</p>\n";
    // The label column fits the longest label (about 8.5 units a character
    // at 14px), so "becomes undetermined" or a long --by value is never cut.
    size_t longest = 0;
    for (const BarRow& r : rows) longest = std::max(longest, countCodePoints(r.label));
    const double labelW = std::clamp(8.5 * static_cast<double>(longest) + 18, 60.0, 320.0);
    const double width = 1000, rightW = 200, legendH = 34, rowH = 34, barH = 20, axisH = 26;
    const double barW = width - labelW - rightW - 16;
    const double height = legendH + rowH * static_cast<double>(rows.size()) + axisH;
    // Whole-number ticks: a count of 2 has the ticks 0, 1, 2 (engine/base/axis_ticks.h).
    const AxisTicks ticks = axisTicks(static_cast<double>(maxTotal), 5, true);
    const double scaleMax = ticks.top;
    std::ostringstream s;
    s << "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << width << " " << height
      << "\" width=\"100%\" role=\"img\" aria-label=\"" << escapeHtml(caption) << "\">\n";
    // Legend: only the kinds of change that occur.
    double x = labelW;
    for (size_t k = 1; k < kChangeClasses; ++k) {
        if (!used[k]) continue;
        std::string label = changeClassLabel(static_cast<ChangeClass>(k));
        s << "<rect x=\"" << num(x) << "\" y=\"8\" width=\"14\" height=\"14\" rx=\"3\" fill=\"" << kColours[k] << "\"/>"
          << "<text x=\"" << num(x + 20) << "\" y=\"20\" font-size=\"13\" fill=\"#33404a\">" << label << "</text>\n";
        x += 20 + 7.2 * static_cast<double>(label.size()) + 22;
    }
    // Grid and axis.
    double plotTop = legendH, plotBottom = legendH + rowH * static_cast<double>(rows.size());
    for (double value : ticks.values) {
        double gx = labelW + barW * value / scaleMax;
        s << "<line x1=\"" << num(gx) << "\" y1=\"" << num(plotTop) << "\" x2=\"" << num(gx) << "\" y2=\"" << num(plotBottom)
          << "\" stroke=\"" << (value == 0 ? "#8a969f" : "#e3e7ea") << "\" stroke-width=\"1\"/>"
          << "<text x=\"" << num(gx) << "\" y=\"" << num(plotBottom + 17) << "\" font-size=\"12\" fill=\"#5b6770\" "
          << "text-anchor=\"middle\">" << thousands(static_cast<size_t>(std::llround(value))) << "</text>\n";
    }
    // Bars.
    for (size_t i = 0; i < rows.size(); ++i) {
        const BarRow& r = rows[i];
        double y = legendH + rowH * static_cast<double>(i);
        s << "<text x=\"" << num(labelW - 10) << "\" y=\"" << num(y + rowH / 2 + 5) << "\" font-size=\"14\" "
          << "text-anchor=\"end\" fill=\"#1d2730\">" << escapeHtml(r.label) << "</text>\n";
        double bx = labelW;
        for (size_t k = 1; k < kChangeClasses; ++k) {
            if (!r.counts[k]) continue;
            double w = barW * static_cast<double>(r.counts[k]) / scaleMax;
            s << "<rect x=\"" << num(bx) << "\" y=\"" << num(y + (rowH - barH) / 2) << "\" width=\"" << num(std::max(w, 1.0))
              << "\" height=\"" << barH << "\" fill=\"" << kColours[k] << "\"><title>" << escapeHtml(r.label) << ": "
              << thousands(r.counts[k]) << " " << changeClassLabel(static_cast<ChangeClass>(k)) << "</title></rect>\n";
            bx += w;
        }
        s << "<text x=\"" << num(bx + 8) << "\" y=\"" << num(y + rowH / 2 + 5) << "\" font-size=\"13\" fill=\"#33404a\">"
          << escapeHtml(r.right) << "</text>\n";
    }
    s << "</svg><figcaption class=\"muted\">" << escapeHtml(caption) << "</figcaption></figure>\n";
    return s.str();
}

std::string examplesCell(const std::vector<std::string>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::string("<code>") + escapeHtml(ids[i]) + "</code>";
    return s;
}

}  // namespace

const char* impactStyles() {
    return R"css(
figure.chart { margin: 10px 0 4px; }
figure.chart figcaption { font-size: 13px; margin-top: 2px; }
table.breakdown th { vertical-align: bottom; }
table.breakdown th.num { white-space: normal; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 7px; vertical-align: -1px; }
)css";
}

std::string impactSectionsHtml(const ImpactReport& r) {
    std::ostringstream h;
    auto card = [&](const std::string& n, const std::string& label, const char* colour) {
        h << "<div class=\"card\" style=\"border-top: 4px solid " << colour << "\"><div class=\"n\">" << n
          << "</div><div class=\"l\">" << label << "</div></div>\n";
    };
    h << "<div class=\"cards\">\n";
    card(thousands(r.total.cases), "cases", "#005eb8");
    card(thousands(r.total.changed()), "change outcome or route", "#1d2730");
    for (ChangeClass c :
         {ChangeClass::GainsEligibility, ChangeClass::LosesEligibility, ChangeClass::ToUndetermined, ChangeClass::RouteChanged})
        card(thousands(r.total.byClass[static_cast<size_t>(c)]), changeClassLabel(c), kColours[static_cast<size_t>(c)]);
    h << "</div>\n";

    // Overall: one bar per kind of change.
    h << "<h3>How decisions change</h3>\n";
    std::vector<BarRow> overall;
    for (size_t k = 1; k < kChangeClasses; ++k) {
        if (!r.total.byClass[k]) continue;
        BarRow row;
        row.label = changeClassLabel(static_cast<ChangeClass>(k));
        row.counts[k] = r.total.byClass[k];
        row.right = thousands(r.total.byClass[k]) + " (" + pct(r.total.byClass[k], r.total.cases) + " of cases)";
        overall.push_back(row);
    }
    h << stackedBars(overall, "Cases by kind of change, out of " + thousands(r.total.cases));
    h << "<table><tr><th>Change</th><th class=\"num\">Cases</th><th class=\"num\">Share</th><th>Example cases</th></tr>\n";
    for (size_t k = 0; k < kChangeClasses; ++k)
        h << "<tr><td><span class=\"swatch\" style=\"background:" << kColours[k] << "\"></span>"
          << changeClassLabel(static_cast<ChangeClass>(k)) << "</td><td class=\"num\">" << thousands(r.total.byClass[k])
          << "</td><td class=\"num\">" << pct(r.total.byClass[k], r.total.cases) << "</td><td>"
          << (k ? examplesCell(r.examples[k]) : "") << "</td></tr>\n";
    h << "</table>\n";

    h << "<h3>From which decision to which</h3>\n<table><tr><th>Decision now</th><th>Decision proposed</th><th "
         "class=\"num\">Cases</th>"
         "<th>Example cases</th></tr>\n";
    for (const ImpactTransition& t : r.transitions) {
        auto cls = static_cast<size_t>(classify(t.oldOutcome, t.oldRoute, t.newOutcome, t.newRoute));
        h << "<tr" << (cls ? "" : " class=\"muted\"") << "><td>" << decisionInEnglish(t.oldOutcome, t.oldRoute) << "</td><td>"
          << "<span class=\"swatch\" style=\"background:" << kColours[cls] << "\"></span>"
          << decisionInEnglish(t.newOutcome, t.newRoute) << "</td><td class=\"num\">" << thousands(t.count) << "</td><td>"
          << examplesCell(t.examples) << "</td></tr>\n";
    }
    h << "</table>\n";

    for (const ImpactReport::Breakdown& b : r.breakdowns) {
        h << "<h3>By <code>" << escapeHtml(b.fact) << "</code></h3>\n";
        std::vector<BarRow> rows;
        for (const auto& g : b.groups) {
            BarRow row;
            row.label = g.value;
            row.counts = g.counts.byClass;
            row.right = thousands(g.counts.changed()) + " of " + thousands(g.counts.cases) + " (" +
                        pct(g.counts.changed(), g.counts.cases) + ")";
            rows.push_back(row);
        }
        h << stackedBars(rows, "Cases that change, by " + b.fact + " (the label gives changed of all cases in the group)");
        // Nine columns: the headings wrap so the table keeps to the page width.
        h << "<table class=\"breakdown\"><tr><th>" << escapeHtml(b.fact)
          << "</th><th class=\"num\">Cases</th><th class=\"num\">Changed</th>";
        for (size_t k = 1; k < kChangeClasses; ++k)
            h << "<th class=\"num\"><span class=\"swatch\" style=\"background:" << kColours[k] << "\"></span>"
              << changeClassLabel(static_cast<ChangeClass>(k)) << "</th>";
        h << "</tr>\n";
        for (const auto& g : b.groups) {
            h << "<tr><td>" << escapeHtml(g.value) << "</td><td class=\"num\">" << thousands(g.counts.cases)
              << "</td><td class=\"num\">" << thousands(g.counts.changed()) << " <span class=\"muted\">("
              << pct(g.counts.changed(), g.counts.cases) << ")</span></td>";
            for (size_t k = 1; k < kChangeClasses; ++k) h << "<td class=\"num\">" << thousands(g.counts.byClass[k]) << "</td>";
            h << "</tr>\n";
        }
        h << "</table>\n";
    }

    if (r.errorCount) {
        h << "<h3>Lines with errors</h3>\n<p>" << thousands(r.errorCount)
          << " lines could not be decided under both versions and are not counted above. The first of them:</p>\n"
             "<table><tr><th class=\"num\">Line</th><th>Case</th><th>Error</th></tr>\n";
        for (const ImpactCaseError& e : r.errors)
            h << "<tr><td class=\"num\">" << e.line << "</td><td><code>" << escapeHtml(e.id) << "</code></td><td>"
              << escapeHtml(e.message) << "</td></tr>\n";
        h << "</table>\n";
    }
    return h.str();
}

}  // namespace cpe
