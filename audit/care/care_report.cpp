#include "audit/care/care_report.h"

#include <algorithm>
#include <set>

#include "audit/care/care_csv.h"
#include "audit/care/care_funnels.h"
#include "audit/care/trend_svg.h"
#include "audit/report/funnel_svg.h"
#include "audit/report/html_format.h"
#include "audit/report/report_html.h"
#include "engine/base/civil_date.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

bool small(uint64_t n) { return n >= 1 && n <= 5; }

// A share is hidden when either count behind it is: the percentage and the
// other count would give the hidden one away.
bool hiddenShare(const Share& s, bool sup) { return sup && (small(s.n) || small(s.of) || small(s.of - s.n)); }

std::string percent(const Share& s, bool sup) {
    if (!s.of) return "–";
    if (hiddenShare(s, sup)) return "*";
    return decimalWithThousands(*s.value() * 100, 1) + "%";
}

std::string days(const std::optional<double>& d) { return d ? decimalWithThousands(*d, 1) : "–"; }

std::string td(const std::string& v) { return "<td class=\"n\">" + v + "</td>"; }

std::string code(const std::string& v) { return "<code>" + escapeHtml(v) + "</code>"; }

// The funnel plot of one measure across localities, exact binomial limits.
std::string funnelFor(const MeasureFunnel& f, bool sup, size_t& notPlotted) {
    FunnelPlot plot;
    plot.id = f.measure;
    plot.title = f.title;
    plot.xTitle = "Cases in the locality (denominator)";
    plot.yTitle = "Per cent";
    plot.target = f.target * 100;
    plot.yCeiling = 100;
    plot.limits = exactProportionLimits(f.target, 100);
    for (const FunnelRow& r : f.rows) {
        plot.extentX.push_back(static_cast<double>(r.share.of));
        if (hiddenShare(r.share, sup)) {
            ++notPlotted;
            continue;
        }
        double y = *r.share.value() * 100;
        plot.extentY.push_back(y);
        plot.points.push_back({r.locality,
                               escapeHtml(r.locality) + ": " + thousands(r.share.n) + " of " + thousands(r.share.of) + ", " +
                                   decimalWithThousands(y, 1) + "% (" + stats::funnelFlagName(r.flag) + ")",
                               static_cast<double>(r.share.of), y, funnelPositionOf(r.flag)});
    }
    return funnelPlotSvg(plot);
}

std::string periodLabel(int start, TrendPeriod p) {
    int y;
    unsigned m, d;
    civilFromDays(start, y, m, d);
    if (p == TrendPeriod::Month) return formatDate(start).substr(0, 7);
    return std::to_string(y) + " Q" + std::to_string((m - 1) / 3 + 1);
}

std::string trendFor(const CareResults& r, const std::string& measure, const std::string& title, bool sup) {
    std::set<int> starts;
    for (const auto& [key, share] : r.trends)
        if (std::get<0>(key) == measure) starts.insert(std::get<1>(key));
    if (starts.empty()) return "<p class=\"none\">No cases in any period.</p>";
    std::vector<int> periods(starts.begin(), starts.end());
    std::vector<std::string> labels;
    for (int p : periods) labels.push_back(periodLabel(p, r.period));
    std::vector<TrendLine> lines;
    for (size_t i = 0; i < r.localities.size(); ++i) {
        TrendLine line{r.localities[i].locality, {}, i + 1 == r.localities.size()};
        for (int p : periods) {
            auto it = r.trends.find({measure, p, i});
            if (it == r.trends.end() || !it->second.of || hiddenShare(it->second, sup)) line.values.push_back(std::nullopt);
            else line.values.push_back(it->second.value());
        }
        lines.push_back(std::move(line));
    }
    return trendSvg(measure, title, labels, lines);
}

struct HeadCell {
    std::string title;
    bool numeric = true;
};

std::string tableHead(const std::vector<HeadCell>& cols) {
    std::string h = "<div class=\"scroll\"><table><thead><tr>";
    for (const HeadCell& c : cols) h += std::string("<th") + (c.numeric ? " class=\"n\"" : "") + ">" + c.title + "</th>";
    return h + "</tr></thead><tbody>";
}

const char* const kTableEnd = "</tbody></table></div>";

// The funnel's table of localities and the plot, with the localities beyond named.
std::string funnelBlock(const MeasureFunnel& f, bool sup) {
    std::string h;
    size_t notPlotted = 0;
    std::string svg = f.rows.empty() ? std::string() : funnelFor(f, sup, notPlotted);
    h += "<h3>" + escapeHtml(f.title) + "</h3><p class=\"stats\">Target <b>" + decimalWithThousands(f.target * 100, 1) +
         "%</b> (" + (f.benchmark ? "the benchmark given" : "the overall share") + "); exact binomial limits at 95% and 99.8%.";
    std::vector<std::string> beyond;
    for (const FunnelRow& r : f.rows)
        if (r.flag == stats::FunnelFlag::HighAlert || r.flag == stats::FunnelFlag::LowAlert ||
            r.flag == stats::FunnelFlag::HighWarning || r.flag == stats::FunnelFlag::LowWarning)
            beyond.push_back(code(r.locality) + " (" + stats::funnelFlagName(r.flag) + ")");
    if (!f.rows.empty()) {
        h += " Beyond the limits: ";
        if (beyond.empty()) h += "none";
        for (size_t i = 0; i < beyond.size(); ++i) h += (i ? ", " : "") + beyond[i];
        h += ".";
    }
    h += "</p>";
    if (f.rows.empty()) return h + "<p class=\"none\">No cases.</p>";
    h += "<div class=\"grid\"><div>" + svg;
    if (notPlotted)
        h += "<p class=\"muted\">" + std::to_string(notPlotted) + " localit" + (notPlotted == 1 ? "y is" : "ies are") +
             " not plotted (small numbers).</p>";
    h += "</div><div>" + tableHead({{"Locality", false}, {"Cases"}, {"Of"}, {"Share"}, {"95% limits"}, {"Funnel", false}});
    for (const FunnelRow& r : f.rows) {
        h += "<tr><td>" + code(r.locality) + "</td>" + td(shownCount(r.share.n, sup)) + td(shownCount(r.share.of, sup)) +
             td(percent(r.share, sup)) +
             // The limits depend on the denominator, so they are hidden with it.
             td(hiddenShare(r.share, sup) ? std::string("*")
                                          : decimalWithThousands(r.limits95.lower * 100, 1) + "–" +
                                                decimalWithThousands(r.limits95.upper * 100, 1) + "%") +
             "<td>" + (hiddenShare(r.share, sup) ? std::string("<span class=\"pill p0\">*</span>") : funnelFlagPill(r.flag)) +
             "</td></tr>";
    }
    return h + kTableEnd + "</div></div>";
}

std::string section(const std::string& id, const std::string& title, const std::string& lead) {
    return "<section id=\"" + id + "\"><h2>" + title + "</h2><p class=\"stats\">" + lead + "</p>";
}

}  // namespace

std::string renderCareReport(const CareResults& r, const CareReportInfo& info) {
    const bool sup = info.suppress;
    const LocalityMeasures& all = r.localities.back();
    const std::vector<MeasureFunnel> funnels = careFunnels(r, info.benchmarks);
    auto funnel = [&](const std::string& m) -> const MeasureFunnel& {
        for (const MeasureFunnel& f : funnels)
            if (f.measure == m) return f;
        return funnels.front();
    };
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>Continuing care and Section 117 audit — cpe</title><style>";
    h += auditReportStyle();
    h += "h3 { margin: 18px 0 2px; font-size: 16px; color: var(--dark); } nav a { color: var(--blue); margin-right: 14px; }"
         ".pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; } @media (max-width: 1000px) { .pair { "
         "grid-template-columns: 1fr; } }";
    h += "</style></head><body>";
    h += "<header><h1>Continuing care and Section 117 audit</h1><p>" + escapeHtml(info.inputPath) + " · policies from " +
         escapeHtml(info.policiesPath) + " · by locality · trends by " + (r.period == TrendPeriod::Month ? "month" : "quarter") +
         " · generated " + escapeHtml(info.generatedAt) + "</p></header><main>";
    h += "<div class=\"cards\">";
    h += reportCard(thousands(info.recordsRead), "records read");
    h += reportCard(thousands(info.recordsRejected), "records rejected (see rejects.csv)", info.recordsRejected > 0);
    h += reportCard(percent(all.within28, sup), "CHC decisions within 28 days",
                    hiddenShare(all.within28, sup) ? false : all.within28.n < all.within28.of);
    h += reportCard(percent(all.converted, sup), "full assessments found eligible");
    h += reportCard(percent(all.agreement, sup), "recorded decisions agreeing with chc.dst");
    h += reportCard(percent(all.planByDischarge, sup), "s117 plans agreed by discharge");
    h += "</div>";
    h += "<nav><a href=\"#days\">28 days</a><a href=\"#conversion\">Conversion</a><a href=\"#consistency\">Consistency</a>"
         "<a href=\"#s117\">Section 117</a><a href=\"#trends\">Trends</a><a href=\"#quality\">Data quality</a></nav><br>";

    // 28 days.
    h += section("days", "The 28-day standard",
                 "Calendar days from the positive Checklist (or referral) being received to the eligibility decision; a "
                 "decision on day 28 is within the standard (National Framework 2022). Fast Track cases are apart, below.");
    h += tableHead(
        {{"Locality", false}, {"Decisions"}, {"Within 28"}, {"Share"}, {"Median days"}, {"P90 days"}, {"Over 28"}, {"Open"}});
    for (const LocalityMeasures& m : r.localities)
        h += "<tr><td>" + (m.locality == "overall" ? "<b>overall</b>" : code(m.locality)) + "</td>" +
             td(shownCount(m.within28.of, sup)) + td(shownCount(m.within28.n, sup)) + td(percent(m.within28, sup)) +
             td(days(m.days.median)) + td(days(m.days.p90)) + td(shownCount(m.within28.of - m.within28.n, sup)) +
             td(shownCount(m.open, sup)) + "</tr>";
    h += kTableEnd;
    h += funnelBlock(funnel("within_28_days"), sup);
    h += "<h3>Decisions over 28 days</h3>";
    if (r.late.empty()) h += "<p class=\"none\">None.</p>";
    else {
        h += tableHead({{"Case", false}, {"Locality", false}, {"Received", false}, {"Decided", false}, {"Days"}});
        for (const LateDecision& l : r.late)
            h += "<tr><td>" + code(l.id) + "</td><td>" + code(l.locality) + "</td><td>" + formatDate(l.referral) + "</td><td>" +
                 formatDate(l.decision) + "</td>" + td(std::to_string(l.decision - l.referral)) + "</tr>";
        h += kTableEnd;
    }
    h += "<h3>Fast Track</h3><p class=\"stats\">Fast Track referrals are decided at once and are not in the 28-day "
         "figures.</p>";
    h += tableHead({{"Locality", false}, {"Cases"}, {"Meet chc.fast_track"}, {"Decided"}, {"Median days"}, {"P90 days"}});
    for (const LocalityMeasures& m : r.localities)
        h += "<tr><td>" + (m.locality == "overall" ? "<b>overall</b>" : code(m.locality)) + "</td>" +
             td(shownCount(m.fastTrackCases, sup)) + td(shownCount(m.fastTrackMeetsPolicy, sup)) +
             td(shownCount(m.fastTrackDays.count, sup)) + td(days(m.fastTrackDays.median)) + td(days(m.fastTrackDays.p90)) +
             "</tr>";
    h += kTableEnd + std::string("</section>");

    // Conversion.
    h += section("conversion", "Conversion",
                 "A positive Checklist is one chc.checklist finds eligible on its recorded domains; it went on to a full "
                 "assessment when a Decision Support Tool date is recorded. Conversion is the share of full assessments "
                 "decided eligible.");
    h += tableHead({{"Locality", false},
                    {"Positive Checklists"},
                    {"Assessed"},
                    {"Share"},
                    {"Assessments decided"},
                    {"Eligible"},
                    {"Conversion"}});
    for (const LocalityMeasures& m : r.localities)
        h += "<tr><td>" + (m.locality == "overall" ? "<b>overall</b>" : code(m.locality)) + "</td>" +
             td(shownCount(m.assessed.of, sup)) + td(shownCount(m.assessed.n, sup)) + td(percent(m.assessed, sup)) +
             td(shownCount(m.converted.of, sup)) + td(shownCount(m.converted.n, sup)) + td(percent(m.converted, sup)) + "</tr>";
    h += kTableEnd;
    h += funnelBlock(funnel("conversion"), sup);
    h += funnelBlock(funnel("full_assessment"), sup);
    h += "</section>";

    // Consistency.
    h += section("consistency", "Consistency of eligibility",
                 "chc.dst's band on the recorded Decision Support Tool domains against the team's recorded decision. The "
                 "agreement rate is over the cases the policy bands eligible or not eligible; <code>review</code> (the "
                 "board's panel band) and <code>undetermined</code> (domains missing) are listed whichever way they went.");
    h += tableHead({{"Locality", false},
                    {"Compared"},
                    {"Agree"},
                    {"Disagree"},
                    {"Agreement"},
                    {"Review → eligible"},
                    {"Review → not eligible"},
                    {"Undetermined"}});
    for (const LocalityMeasures& m : r.localities)
        h += "<tr><td>" + (m.locality == "overall" ? "<b>overall</b>" : code(m.locality)) + "</td>" +
             td(shownCount(m.agreement.of, sup)) + td(shownCount(m.agreement.n, sup)) +
             td(shownCount(m.agreement.of - m.agreement.n, sup)) + td(percent(m.agreement, sup)) +
             td(shownCount(m.reviewRecordedEligible, sup)) + td(shownCount(m.reviewRecordedNotEligible, sup)) +
             td(shownCount(m.undetermined, sup)) + "</tr>";
    h += kTableEnd;
    h += funnelBlock(funnel("agreement"), sup);
    h += "<h3>Cases where the policy and the recorded decision differ, or the policy bands review</h3>";
    if (r.consistency.empty()) h += "<p class=\"none\">None.</p>";
    else {
        std::vector<HeadCell> cols{{"Case", false}, {"Locality", false}, {"Decided", false},
                                   {"Kind", false}, {"Recorded", false}, {"Policy", false}};
        for (const std::string& f : dstDomainFacts()) cols.push_back({escapeHtml(f.substr(4)), false});
        h += tableHead(cols);
        for (const ConsistencyCase& c : r.consistency) {
            h += "<tr><td>" + code(c.id) + "</td><td>" + code(c.locality) + "</td><td>" + formatDate(c.decisionDate) +
                 "</td><td>" + c.kind + "</td><td>" + (c.recordedEligible ? "eligible" : "not_eligible") + "</td><td><b>" +
                 outcomeName(c.band) + "</b></td>";
            for (const std::string& d : c.domains) h += "<td>" + (d.empty() ? std::string("–") : escapeHtml(d)) + "</td>";
            h += "</tr>";
        }
        h += kTableEnd;
    }
    h += "</section>";

    // Section 117.
    h += section("s117", "Section 117 aftercare",
                 "Among discharges s117.aftercare finds eligible (detained under section 3, 37, 45A, 47 or 48), the share with "
                 "an aftercare plan agreed on or before the discharge date, and the days from discharge to plan for the "
                 "others.");
    h += tableHead({{"Locality", false},
                    {"Eligible"},
                    {"Plan by discharge"},
                    {"Share"},
                    {"Plan after"},
                    {"Median days"},
                    {"P90 days"},
                    {"No plan"},
                    {"Not eligible"}});
    for (const LocalityMeasures& m : r.localities)
        h += "<tr><td>" + (m.locality == "overall" ? "<b>overall</b>" : code(m.locality)) + "</td>" +
             td(shownCount(m.planByDischarge.of, sup)) + td(shownCount(m.planByDischarge.n, sup)) +
             td(percent(m.planByDischarge, sup)) + td(shownCount(m.planAfter, sup)) + td(days(m.daysToPlan.median)) +
             td(days(m.daysToPlan.p90)) + td(shownCount(m.noPlan, sup)) + td(shownCount(m.s117NotEligible, sup)) + "</tr>";
    h += kTableEnd;
    h += funnelBlock(funnel("s117_plan_by_discharge"), sup);
    h += "<h3>People without a plan by discharge</h3>";
    if (r.aftercare.empty()) h += "<p class=\"none\">None.</p>";
    else {
        h += tableHead({{"Person", false},
                        {"Locality", false},
                        {"Sections", false},
                        {"Discharged", false},
                        {"Plan agreed", false},
                        {"Days"}});
        for (const AftercareGap& g : r.aftercare)
            h += "<tr><td>" + code(g.id) + "</td><td>" + code(g.locality) + "</td><td>" + escapeHtml(g.sections) + "</td><td>" +
                 formatDate(g.discharge) + "</td><td>" + (g.plan ? formatDate(*g.plan) : "<b>none</b>") + "</td>" +
                 td(g.plan ? std::to_string(*g.plan - g.discharge) : "–") + "</tr>";
        h += kTableEnd;
    }
    h += "</section>";

    // Trends.
    h += section("trends", "Trends",
                 std::string("Each measure by ") + (r.period == TrendPeriod::Month ? "month" : "quarter") +
                     " of its date (the decision, the referral for assessment, the discharge); a gap is a "
                     "period without cases or with small numbers hidden.");
    h += "<div class=\"pair\">";
    for (const MeasureFunnel& f : funnels)
        h += "<div><h3>" + escapeHtml(f.title) + "</h3>" + trendFor(r, f.measure, f.title, sup) + "</div>";
    h += "</div></section>";

    // Data quality.
    h += "<section id=\"quality\"><h2>Data quality</h2><p class=\"stats\">" + thousands(info.recordsRead) + " records read, " +
         thousands(info.recordsRejected) + " rejected.</p>";
    if (!info.firstRejects.empty()) {
        h += tableHead({{"Line"}, {"Reason", false}});
        for (const auto& [line, reason] : info.firstRejects)
            h += "<tr>" + td(std::to_string(line)) + "<td>" + escapeHtml(reason) + "</td></tr>";
        h += kTableEnd;
        if (info.recordsRejected > info.firstRejects.size())
            h += "<p class=\"muted\">The first " + std::to_string(info.firstRejects.size()) + " of " +
                 thousands(info.recordsRejected) + "; every one is in <code>rejects.csv</code>.</p>";
    }
    h += "</section></main><footer>";
    h += "<p><b>Method.</b> Each record is decided by the policies that decide one case (chc.checklist, chc.dst, "
         "chc.fast_track, s117.aftercare) on its recorded facts. Days are calendar days; medians and P90 interpolate between "
         "order statistics (type 7). Funnel limits are the exact binomial limits around the target proportion at 95% "
         "(dashed) and 99.8% (solid) (shared/reference/statistics.md); beyond 99.8% is an alert, between the two a "
         "warning.</p>";
    h += sup ? "<p><b>Small numbers.</b> Counts from 1 to 5 are shown as *, with any share or point that would reveal "
               "them; the CSV files hold exact counts.</p>"
             : "<p><b>Small numbers are not suppressed</b> in this report (<code>--no-suppress</code>): do not publish it.</p>";
    h += "<p>Generated by <code>cpe audit --care</code>.</p></footer></body></html>\n";
    return h;
}

}  // namespace cpe::audit
