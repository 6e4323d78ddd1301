#include "audit/report/published_html.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "audit/report/html_format.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

std::string flagPill(stats::FunnelFlag f) {
    const char* cls = f == stats::FunnelFlag::Within                                          ? "p0"
                      : f == stats::FunnelFlag::HighAlert || f == stats::FunnelFlag::LowAlert ? "p2"
                                                                                              : "p1";
    return std::string("<span class=\"pill ") + cls + "\">" + stats::funnelFlagName(f) + "</span>";
}

std::string fixed(double v, int places) { return decimalWithThousands(v, places); }

}  // namespace

std::string publishedTableHtml(const PublishedIntervention& pi, RateMethod method, bool suppress) {
    const bool perPerson = method != RateMethod::Proportion;
    std::string h = "<p class=\"muted\">" + std::string(rateMethodDescription(method)) +
                    (perPerson ? "; denominator: " + escapeHtml(pi.countable) + " (the population its coding rule can count)"
                               : std::string()) +
                    (method == RateMethod::Standardised ? ", 95% interval by the Dobson method, none for fewer than 10 events"
                     : method == RateMethod::Crude      ? ", 95% interval from Byar's Poisson limits"
                                                        : ", exact binomial funnel limits") +
                    (pi.unknownSex ? "; " + std::to_string(pi.unknownSex) + " episodes with sex not known are not standardised"
                                   : std::string()) +
                    ".</p>";
    h += "<div class=\"scroll\"><table><thead><tr><th>Group</th><th>Name</th><th class=\"n\">Episodes</th><th class=\"n\">" +
         std::string(perPerson ? "Persons" : "All eps.") + "</th><th class=\"n\">Rate</th><th class=\"n\">95% interval</th>" +
         (perPerson ? "<th class=\"n\">Crude</th>" : "") +
         "<th class=\"n\">Expected</th><th class=\"n\">O/E</th><th>Funnel</th></tr></thead><tbody>";
    std::vector<const PublishedGroup*> rows;
    for (const PublishedGroup& g : pi.groups) rows.push_back(&g);
    std::stable_sort(rows.begin(), rows.end(), [](const PublishedGroup* a, const PublishedGroup* b) {
        return a->rate.value_or(-1) > b->rate.value_or(-1);
    });
    for (const PublishedGroup* g : rows) {
        const bool hidden = suppress && g->episodes >= 1 && g->episodes <= 5;
        auto shown = [&](const std::optional<double>& v, int places) {
            return hidden ? std::string("*") : v ? fixed(*v, places) : std::string("–");
        };
        std::string interval = hidden ? "*" : g->lower && g->upper ? fixed(*g->lower, 1) + " – " + fixed(*g->upper, 1) : "–";
        h += "<tr><td><code>" + escapeHtml(g->group) + "</code></td><td>" + escapeHtml(g->name) + "</td><td class=\"n\">" +
             shownCount(g->episodes, suppress) + "</td><td class=\"n\">" +
             thousands(static_cast<uint64_t>(std::llround(g->denominator))) + "</td><td class=\"n\">" + shown(g->rate, 1) +
             "</td><td class=\"n\">" + interval + "</td>" + (perPerson ? "<td class=\"n\">" + shown(g->crude, 1) + "</td>" : "") +
             "<td class=\"n\">" + (hidden ? "*" : fixed(g->expected, 1)) + "</td><td class=\"n\">" +
             (hidden || g->expected <= 0 ? std::string("–") : fixed(static_cast<double>(g->episodes) / g->expected, 2)) +
             "</td><td>" + flagPill(g->flag) + "</td></tr>";
    }
    h += "</tbody></table></div>";
    return h;
}

std::string trendSvg(const std::vector<TrendSeries>& series, const std::string& intervention, bool suppress) {
    std::vector<std::string> labels;
    std::map<std::string, uint64_t> totals;
    for (const TrendSeries& s : series) {
        if (s.intervention != intervention) continue;
        if (labels.empty())
            for (const auto& p : s.points) labels.push_back(p.first);
        for (const auto& [label, n] : s.points) totals[label] += n;
    }
    if (labels.empty()) return "";
    uint64_t top = 1;
    for (const auto& [l, n] : totals) top = std::max(top, n);
    const double w = 420, hgt = 120, left = 40, bottom = 22, right = 10, topPad = 10;
    const double step = labels.size() > 1 ? (w - left - right) / static_cast<double>(labels.size() - 1) : 0;
    auto x = [&](size_t i) { return left + step * static_cast<double>(i); };
    auto y = [&](uint64_t n) {
        return topPad + (hgt - topPad - bottom) * (1 - static_cast<double>(n) / static_cast<double>(top));
    };
    std::string svg =
        "<svg class=\"trend\" viewBox=\"0 0 420 120\" width=\"420\" height=\"120\" role=\"img\" aria-label=\"Episodes per "
        "period\"><title>Episodes per period, all groups</title>";
    svg += "<line x1=\"" + fixed(left, 0) + "\" y1=\"" + fixed(y(0), 1) + "\" x2=\"" + fixed(w - right, 0) + "\" y2=\"" +
           fixed(y(0), 1) + "\" stroke=\"#999\"/>";
    svg += "<text x=\"" + fixed(left - 4, 0) + "\" y=\"" + fixed(y(top) + 4, 1) + "\" font-size=\"10\" text-anchor=\"end\">" +
           shownCount(top, suppress) + "</text>";
    svg +=
        "<text x=\"" + fixed(left - 4, 0) + "\" y=\"" + fixed(y(0) + 4, 1) + "\" font-size=\"10\" text-anchor=\"end\">0</text>";
    // A period with 1 to 5 episodes is left out when suppressing (its height
    // would give the count away): the line breaks there.
    std::string path;
    bool open = false;
    for (size_t i = 0; i < labels.size(); ++i) {
        const uint64_t n = totals[labels[i]];
        if (suppress && n >= 1 && n <= 5) {
            open = false;
            continue;
        }
        path += (open ? " L" : " M") + fixed(x(i), 1) + " " + fixed(y(n), 1);
        open = true;
        svg += "<circle cx=\"" + fixed(x(i), 1) + "\" cy=\"" + fixed(y(n), 1) + "\" r=\"2.5\" fill=\"#1f5fa8\"><title>" +
               escapeHtml(labels[i]) + ": " + std::to_string(n) + "</title></circle>";
    }
    svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.5\"/>";
    svg += "<text x=\"" + fixed(left, 0) + "\" y=\"116\" font-size=\"10\">" + escapeHtml(labels.front()) + "</text>";
    if (labels.size() > 1)
        svg += "<text x=\"" + fixed(w - right, 0) + "\" y=\"116\" font-size=\"10\" text-anchor=\"end\">" +
               escapeHtml(labels.back()) + "</text>";
    return svg + "</svg>";
}

}  // namespace cpe::audit
