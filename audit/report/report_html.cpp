#include "audit/report/report_html.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "audit/report/funnel_svg.h"
#include "audit/report/html_format.h"
#include "audit/report/published_html.h"
#include "audit/report/rules_applied_output.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

const char* kStyle = R"CSS(
:root { --blue:#005eb8; --dark:#003087; --grey:#425563; --pale:#f0f4f5; --line:#d8dde0; --red:#d5281b; --amber:#e59400; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: #212b32; background: var(--pale); }
header { background: var(--blue); color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 700; letter-spacing: -0.2px; }
header p { margin: 0; opacity: 0.92; font-size: 14px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 40px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 4px 0 22px; }
.card { background: #fff; border-radius: 6px; padding: 12px 16px; border-top: 4px solid var(--blue); }
.card .n { font-size: 24px; font-weight: 700; color: var(--dark); }
.card .l { font-size: 13px; color: var(--grey); }
.card.warn { border-top-color: var(--amber); }
section { background: #fff; border-radius: 6px; padding: 18px 22px 20px; margin: 0 0 20px; }
h2 { margin: 0 0 2px; font-size: 20px; color: var(--dark); }
h2 .id { font: 13px/1 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--grey); font-weight: 400; margin-left: 8px; }
.stats { color: var(--grey); font-size: 14px; margin: 4px 0 12px; }
.stats b { color: #212b32; }
.grid { display: grid; grid-template-columns: minmax(0, 570px) minmax(0, 1fr); gap: 18px; align-items: start; }
@media (max-width: 1000px) { .grid { grid-template-columns: 1fr; } }
svg.funnel { width: 100%; height: auto; display: block; }
svg .tick { font-size: 11px; fill: var(--grey); }
svg .axis { font-size: 12px; fill: #212b32; }
svg .legend { font-size: 11.5px; fill: #212b32; }
svg .label { font-size: 11px; font-weight: 700; fill: #212b32; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th { text-align: left; font-weight: 700; border-bottom: 2px solid var(--line); padding: 6px 7px; background: #fff; position: sticky; top: 0; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 5px 7px; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr:hover td { background: #f7f9fa; }
.scroll { max-height: 372px; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
.p2 { background: #fbe3e1; color: #9d1c12; } .p1 { background: #fff1d6; color: #7a4f00; } .p0 { color: var(--grey); }
.overview td { white-space: normal; }
.overview td:first-child a { color: var(--blue); font-weight: 600; text-decoration: none; }
.overview td:first-child a:hover { text-decoration: underline; }
.muted { color: var(--grey); font-size: 13px; }
.none { color: var(--grey); font-size: 13px; margin-top: 8px; }
footer { color: var(--grey); font-size: 13px; max-width: 1180px; margin: 0 auto; padding: 0 24px 32px; }
th.sortable { cursor: pointer; } th[aria-sort=ascending]::after { content: " \25B2"; } th[aria-sort=descending]::after { content: " \25BC"; }
input.filter { margin: 6px 0; padding: 3px 6px; font: inherit; font-size: 13px; border: 1px solid var(--line); border-radius: 4px; width: 220px; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
)CSS";

// Sortable, filterable tables: a click on a heading sorts by that column (as
// numbers where the cells are numbers, by the text shown, so a suppressed "*"
// sorts as text and reveals nothing); a box above each table keeps the rows
// containing what is typed. Plain script in the page, no library, no network.
const char* kTableScript = R"JS(<script>
(function () {
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  each(document.querySelectorAll('table'), function (t) {
    var body = t.tBodies[0];
    if (!body || !t.tHead || body.rows.length < 2) return;
    var box = document.createElement('input');
    box.type = 'search'; box.className = 'filter'; box.placeholder = 'Filter rows';
    box.setAttribute('aria-label', 'Filter the rows of this table');
    var holder = t.parentNode.classList.contains('scroll') ? t.parentNode : t;
    holder.parentNode.insertBefore(box, holder);
    box.addEventListener('input', function () {
      var q = box.value.toLowerCase();
      each(body.rows, function (r) { r.style.display = r.textContent.toLowerCase().indexOf(q) < 0 ? 'none' : ''; });
    });
    var heads = t.tHead.rows[0].cells;
    each(heads, function (th, i) {
      th.classList.add('sortable'); th.setAttribute('aria-sort', 'none'); th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        each(heads, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var key = function (r) {
          var s = r.cells[i] ? r.cells[i].textContent.trim() : '';
          var n = /^-?[0-9][0-9,]*(\.[0-9]+)?/.test(s) ? parseFloat(s.replace(/,/g, '')) : NaN;
          return isNaN(n) ? s.toLowerCase() : n;
        };
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a), y = key(b), c;
          if (typeof x === typeof y) c = x < y ? -1 : x > y ? 1 : 0; else c = typeof x === 'number' ? 1 : -1;
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
    });
  });
})();
</script>)JS";

std::string pill(FunnelPosition p) {
    switch (p) {
        case FunnelPosition::Above998:
            return "<span class=\"pill p2\" title=\"above the 99.8% control limit\">&#9650; 99.8%</span>";
        case FunnelPosition::Below998:
            return "<span class=\"pill p2\" title=\"below the 99.8% control limit\">&#9660; 99.8%</span>";
        case FunnelPosition::Above95: return "<span class=\"pill p1\" title=\"above the 95% control limit\">&#9650; 95%</span>";
        case FunnelPosition::Below95: return "<span class=\"pill p1\" title=\"below the 95% control limit\">&#9660; 95%</span>";
        default: return "<span class=\"pill p0\" title=\"within the 95% control limits\">within</span>";
    }
}

std::string card(const std::string& n, const std::string& label, bool warn = false) { return reportCard(n, label, warn); }

std::string anchorOf(const std::string& id) {
    std::string a = "iv-";
    for (char c : id) a += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    return a;
}

std::string statistic(double v, const Analysis& a, bool suppress) {
    return a.perPopulation ? decimalWithThousands(v, 1) : shownCountStatistic(v, suppress);
}

}  // namespace

const char* auditReportStyle() { return kStyle; }
const char* auditTableScript() { return kTableScript; }

std::string reportCard(const std::string& n, const std::string& label, bool warn) {
    return std::string("<div class=\"card") + (warn ? " warn" : "") + "\"><div class=\"n\">" + n + "</div><div class=\"l\">" +
           label + "</div></div>";
}

std::string renderReport(const Analysis& a, const ReportInfo& info) {
    const bool sup = info.suppress;
    const std::string groupWord = a.grouping == Grouping::Provider ? "provider" : "commissioner";
    const std::string groupTitle = a.grouping == Grouping::Provider ? "Provider" : "Commissioner";
    const std::string valueWord = a.perPopulation ? "rate per 100,000" : "episodes";
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>Coded activity audit — cpe</title><style>";
    h += kStyle;
    h += "</style></head><body>";
    h += "<header><h1>Coded activity audit: evidence-based interventions</h1><p>" + escapeHtml(info.activityPath) + " · " +
         escapeHtml(info.period) + " · policies from " + escapeHtml(info.policiesPath) + " · by " + groupWord + " · generated " +
         escapeHtml(info.generatedAt) + "</p></header><main>";

    size_t groupsWithRows = a.interventions.empty() ? 0 : a.interventions.front().groups.size();
    h += "<div class=\"cards\">";
    h += card(thousands(info.rowsRead), "rows read");
    h += card(thousands(info.rowsRejected), "rows rejected (see rejects.csv)", info.rowsRejected > 0);
    if (info.rowsOutsidePeriod) h += card(thousands(info.rowsOutsidePeriod), "rows outside the period");
    h += card(shownCount(info.episodesCounted, sup), "EBI episodes counted");
    h += card(std::to_string(a.interventions.size()), "interventions audited");
    h += card(std::to_string(groupsWithRows),
              groupWord + (groupsWithRows == 1 ? "" : "s") + (a.perPopulation ? " with a population" : " with activity"));
    h += "</div>";

    // Overview.
    h += "<section><h2>Overview</h2><p class=\"stats\">Variation between " + groupWord + "s in " + valueWord +
         ". N-fold is the 90th percentile divided by the 10th (the EBI programme's measure); a dash means the 10th percentile is "
         "0.</p>";
    h += "<div class=\"scroll\" style=\"max-height:none\"><table class=\"overview\"><thead><tr><th>Intervention</th>"
         "<th class=\"n\">Episodes</th><th class=\"n\">" +
         groupTitle +
         "s with any</th><th class=\"n\">P10</th>"
         "<th class=\"n\">Median</th><th class=\"n\">P90</th><th class=\"n\">N-fold</th><th class=\"n\">High (99.8%)</th>"
         "<th class=\"n\">Low (99.8%)</th></tr></thead><tbody>";
    for (const InterventionAnalysis& ia : a.interventions) {
        size_t withAny = 0, high = 0, low = 0;
        for (const GroupRow& g : ia.groups) {
            withAny += g.episodes > 0;
            high += g.position == FunnelPosition::Above998;
            low += g.position == FunnelPosition::Below998;
        }
        const Variation& v = ia.variation;
        h += "<tr><td><a href=\"#" + anchorOf(ia.id) + "\">" + escapeHtml(ia.title.empty() ? ia.id : ia.title) + "</a></td>";
        h += "<td class=\"n\">" + shownCount(v.episodes, sup) + "</td><td class=\"n\">" + std::to_string(withAny) + " of " +
             std::to_string(v.groups) + "</td>";
        h += "<td class=\"n\">" + statistic(v.p10, a, sup) + "</td><td class=\"n\">" + statistic(v.p50, a, sup) +
             "</td><td class=\"n\">" + statistic(v.p90, a, sup) + "</td>";
        h += "<td class=\"n\">" + (v.nFold ? decimalWithThousands(*v.nFold, 1) : std::string("–")) + "</td>";
        h += "<td class=\"n\">" + std::string(high ? "<b style=\"color:var(--red)\">" + std::to_string(high) + "</b>" : "0") +
             "</td><td class=\"n\">" + std::to_string(low) + "</td></tr>";
    }
    h += "</tbody></table></div></section>";
    if (info.rules) h += rulesAppliedSectionHtml(*info.rules, info.forcedAsOf, sup);

    // One section per intervention.
    const std::string perUnit = a.perPopulation ? "Per 100k" : "Per 1,000";
    for (const InterventionAnalysis& ia : a.interventions) {
        const Variation& v = ia.variation;
        // The policy id goes beside the title, unless the title is the id.
        const bool titled = !ia.title.empty() && ia.title != ia.id;
        h += "<section id=\"" + anchorOf(ia.id) + "\"><h2>" + escapeHtml(titled ? ia.title : ia.id) +
             (titled ? "<span class=\"id\">" + escapeHtml(ia.id) + "</span>" : std::string()) + "</h2>";
        h += "<p class=\"stats\"><b>" + shownCount(v.episodes, sup) + "</b> episodes · <b>" + std::to_string(v.groups) + "</b> " +
             groupWord + "s · " + valueWord + ": min <b>" + statistic(v.min, a, sup) + "</b>, P10 <b>" +
             statistic(v.p10, a, sup) + "</b>, P25 <b>" + statistic(v.p25, a, sup) + "</b>, median <b>" +
             statistic(v.p50, a, sup) + "</b>, P75 <b>" + statistic(v.p75, a, sup) + "</b>, P90 <b>" + statistic(v.p90, a, sup) +
             "</b>, max <b>" + statistic(v.max, a, sup) + "</b> · N-fold <b>" +
             (v.nFold ? decimalWithThousands(*v.nFold, 1) : std::string("–")) + "</b> · overall " +
             decimalWithThousands(ia.target, 2) + " " + (a.perPopulation ? "per 100,000 population" : "per 1,000 episodes") +
             "</p>";
        size_t notPlotted = 0;
        if (sup)
            for (const GroupRow& g : ia.groups) notPlotted += g.episodes >= 1 && g.episodes <= 5;
        const PublishedIntervention* pi = nullptr;
        if (info.published)
            for (const PublishedIntervention& p : info.published->interventions)
                if (p.id == ia.id) pi = &p;
        h += "<div class=\"grid\"><div>" + (pi ? funnelSvg(ia, a, *pi, info.published->method, sup) : std::string());
        if (notPlotted)
            h += "<p class=\"muted\">" + std::to_string(notPlotted) + " " + groupWord + (notPlotted == 1 ? "" : "s") +
                 " with 1 to 5 episodes " + (notPlotted == 1 ? "is" : "are") + " not plotted (small numbers).</p>";
        h += "</div><div>";

        std::vector<const GroupRow*> rows;
        std::vector<std::string> none;
        for (const GroupRow& g : ia.groups) {
            if (g.episodes > 0) rows.push_back(&g);
            else none.push_back(g.name);
        }
        std::stable_sort(rows.begin(), rows.end(), [](const GroupRow* x, const GroupRow* y) { return x->funnelY > y->funnelY; });
        h += "<div class=\"scroll\"><table><thead><tr><th>" + groupTitle + "</th><th class=\"n\">Episodes</th><th class=\"n\">" +
             (a.perPopulation ? "Population" : "All eps.") + "</th><th class=\"n\">" + perUnit +
             "</th><th>Funnel</th></tr></thead><tbody>";
        for (const GroupRow* g : rows) {
            bool hidden = sup && g->episodes >= 1 && g->episodes <= 5;
            h += "<tr><td><code>" + escapeHtml(g->name) + "</code></td><td class=\"n\">" + shownCount(g->episodes, sup) +
                 "</td><td class=\"n\">" + thousands(static_cast<uint64_t>(std::llround(g->volume))) + "</td><td class=\"n\">" +
                 (hidden ? "*" : decimalWithThousands(g->funnelY, 2)) + "</td><td>" + pill(g->position) + "</td></tr>";
        }
        if (rows.empty()) h += "<tr><td colspan=\"5\" class=\"muted\">No episodes counted.</td></tr>";
        h += "</tbody></table></div>";
        if (!none.empty()) {
            h += "<p class=\"none\">No episodes at " + std::to_string(none.size()) + " " + groupWord +
                 (none.size() == 1 ? "" : "s") + " (counted as 0): ";
            for (size_t i = 0; i < none.size(); ++i)
                h += (i ? ", " : "") + std::string("<code>") + escapeHtml(none[i]) + "</code>";
            h += "</p>";
        }
        h += "</div></div>";
        if (pi || info.trend) {
            h += "<div>";
            if (pi) h += "<h3>Published statistics</h3>" + publishedTableHtml(*pi, info.published->method, sup);
            if (info.trend) {
                std::string chart = trendSvg(*info.trend, ia.id, sup);
                if (!chart.empty())
                    h += "<h3>Trend</h3>" + chart + "<p class=\"muted\">Episodes per period, all " + groupWord +
                         "s (<code>trend.csv</code> has each).</p>";
            }
            h += "</div>";
        }
        h += "</section>";
    }

    // Data quality.
    h += "<section><h2>Data quality</h2><p class=\"stats\">" + thousands(info.rowsRead) + " rows read, " +
         thousands(info.rowsRejected) + " rejected" +
         (info.rowsOutsidePeriod ? ", " + thousands(info.rowsOutsidePeriod) + " outside the period" : std::string()) + ", in " +
         decimalWithThousands(info.seconds, 2) + " s.";
    if (!a.withoutPopulation.empty()) {
        h += " Commissioners with activity but no population (left out of rates): ";
        for (size_t i = 0; i < a.withoutPopulation.size(); ++i)
            h += (i ? ", " : "") + std::string("<code>") + escapeHtml(a.withoutPopulation[i]) + "</code>";
        h += ".";
    }
    if (!info.ignoredColumns.empty()) {
        h += " Columns not used: ";
        for (size_t i = 0; i < info.ignoredColumns.size(); ++i)
            h += (i ? ", " : "") + std::string("<code>") + escapeHtml(info.ignoredColumns[i]) + "</code>";
        h += ".";
    }
    h += "</p>";
    if (!info.rejectSummary.empty()) {
        auto rows = info.rejectSummary;
        std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
        h += "<h3>Rejected rows by provider and reason</h3><div class=\"scroll\" style=\"max-height:260px\"><table><thead><tr>"
             "<th>Provider</th><th>Reason</th><th class=\"n\">Rows</th></tr></thead><tbody>";
        for (const auto& [key, n] : rows)
            h += "<tr><td><code>" + escapeHtml(key.first.empty() ? "(not readable)" : key.first) + "</code></td><td>" +
                 escapeHtml(key.second) + "</td><td class=\"n\">" + thousands(n) + "</td></tr>";
        h += "</tbody></table></div><p class=\"muted\">Every row, with its episode id, is in <code>rejects_detail.csv</code> "
             "(this table is <code>rejects_summary.csv</code>).</p>";
    }
    if (!info.firstRejects.empty()) {
        h += "<div class=\"scroll\" style=\"max-height:260px\"><table><thead><tr><th "
             "class=\"n\">Line</th><th>Reason</th></tr></thead><tbody>";
        for (const auto& [line, reason] : info.firstRejects)
            h += "<tr><td class=\"n\">" + std::to_string(line) + "</td><td>" + escapeHtml(reason) + "</td></tr>";
        h += "</tbody></table></div>";
        if (info.rowsRejected > info.firstRejects.size())
            h += "<p class=\"muted\">The first " + std::to_string(info.firstRejects.size()) + " of " +
                 thousands(info.rowsRejected) + "; every one is in <code>rejects.csv</code>.</p>";
    }
    h += "</section></main><footer>";
    h +=
        "<p><b>Method.</b> Each policy's coding rule (its procedure and diagnosis codes by position, age, sex and setting) is "
        "applied to "
        "every episode; unless a rule says otherwise, emergency admissions and episodes with a cancer diagnosis are left out. "
        "The variation statistics run over every " +
        groupWord + (a.perPopulation ? " in the population file" : " with activity in the period") +
        ", counting 0 where it had none. Percentiles interpolate between order statistics (type 7). Funnel plots follow the "
        "published "
        "methodology: " +
        std::string(a.perPopulation
                        ? "each commissioner's observed / expected ratio (O/E, expected by indirect standardisation) against its "
                          "expected count, with Byar's Poisson limits of the expected count divided by it"
                        : "each provider's episodes per 1,000 of its episodes against that volume, with the exact binomial "
                          "limits around the overall share (no normal approximation)") +
        ", at 95% (dashed) and 99.8% (solid); beyond 95% is a warning, beyond 99.8% an alert, and every point beyond "
        "either is labelled where a label fits.</p>";
    h += sup ? "<p><b>Small numbers.</b> Counts from 1 to 5 are shown as * to protect patients; the CSV files hold exact "
               "counts.</p>"
             : "<p><b>Small numbers are not suppressed</b> in this report (<code>--no-suppress</code>): do not publish it.</p>";
    h += "<p>Generated by <code>cpe audit</code>. Click a column heading to sort; type in the box above a table to filter "
         "it.</p></footer>";
    h += kTableScript;
    h += "</body></html>\n";
    return h;
}

}  // namespace cpe::audit
