#include "audit/report/case_report.h"

#include <cctype>

#include "audit/report/funnel_svg.h"
#include "audit/report/html_format.h"
#include "audit/report/outputs.h"
#include "audit/report/report_html.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

// Cases listed per policy and outcome in the page; case_findings.csv has every one.
constexpr size_t kListed = 500;

bool small(uint64_t n) { return n >= 1 && n <= 5; }

// A share is hidden when a count behind it is small: the share and the other
// count would give the hidden one away.
bool hiddenShare(uint64_t k, uint64_t n, bool sup) { return sup && (small(k) || small(n) || small(n - k)); }

std::string percentOf(double share) { return decimalWithThousands(share * 100, 1) + "%"; }

std::string joined(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
    return out;
}

std::string anchorOf(const std::string& policy) {
    std::string a = "policy-";
    for (char c : policy) a += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
    return a;
}

std::string complianceFunnel(const PolicyCompliance& p, bool sup, size_t& notPlotted) {
    FunnelPlot plot;
    plot.id = p.policy;
    plot.title = p.policy;
    plot.xTitle = "Provider's cases";
    plot.yTitle = "Per cent meeting the policy";
    plot.target = p.share * 100;
    plot.yCeiling = 100;
    plot.limits = exactProportionLimits(p.share, 100);
    for (const ProviderCompliance& r : p.providers) {
        const double y = r.cases ? 100.0 * static_cast<double>(r.eligible) / static_cast<double>(r.cases) : 0;
        plot.extentX.push_back(static_cast<double>(r.cases));
        if (hiddenShare(r.eligible, r.cases, sup)) {
            ++notPlotted;
            continue;
        }
        plot.extentY.push_back(y);
        plot.points.push_back({r.provider,
                               escapeHtml(r.provider) + ": " + thousands(r.eligible) + " of " + thousands(r.cases) + " cases, " +
                                   decimalWithThousands(y, 1) + "% (" + stats::funnelFlagName(r.flag) + ")",
                               static_cast<double>(r.cases), y, funnelPositionOf(r.flag)});
    }
    return funnelPlotSvg(plot);
}

std::string findingsTable(const std::vector<const CaseFinding*>& cases, bool withMissing) {
    std::string h =
        "<div class=\"scroll\"><table><thead><tr><th class=\"n\">Line</th><th>Case id</th><th>Provider</th>"
        "<th>Reasons</th>";
    if (withMissing) h += "<th>Missing facts</th>";
    h += "</tr></thead><tbody>";
    for (size_t i = 0; i < cases.size() && i < kListed; ++i) {
        const CaseFinding& f = *cases[i];
        h += "<tr><td class=\"n\">" + std::to_string(f.line) + "</td><td><code>" + escapeHtml(f.id) + "</code></td><td><code>" +
             escapeHtml(f.provider) + "</code></td><td style=\"white-space:normal\">" + escapeHtml(joined(f.reasons, "; ")) +
             "</td>";
        if (withMissing) h += "<td style=\"white-space:normal\"><code>" + escapeHtml(joined(f.missing, ", ")) + "</code></td>";
        h += "</tr>";
    }
    h += "</tbody></table></div>";
    if (cases.size() > kListed)
        h += "<p class=\"muted\">The first " + thousands(kListed) + " of " + thousands(cases.size()) +
             "; every one is in <code>case_findings.csv</code>.</p>";
    return h;
}

}  // namespace

void writeCaseFindingsCsv(const std::string& path, const std::vector<CaseFinding>& findings) {
    OutputFile f(path);
    // Appended in place, one scratch string for the joined lists: a row a
    // case, most of a case audit's output.
    std::string out = "line,id,policy,provider,outcome,reasons,missing_facts\n";
    std::string list;
    auto appendJoined = [&](const std::vector<std::string>& items, std::string_view separator) {
        list.clear();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) list += separator;
            list += items[i];
        }
        appendCsvField(out, list);
    };
    for (const CaseFinding& c : findings) {
        out += std::to_string(c.line);
        out += ',';
        appendCsvField(out, c.id);
        out += ',';
        appendCsvField(out, c.policy);
        out += ',';
        appendCsvField(out, c.provider);
        out += ',';
        out += outcomeName(c.outcome);
        out += ',';
        appendJoined(c.reasons, "; ");
        out += ',';
        appendJoined(c.missing, "|");
        out += '\n';
        if (out.size() > (1u << 20)) {  // written in pieces: a year of findings need not be held twice
            f.write(out);
            out.clear();
        }
    }
    f.write(out);
    f.commit();
}

std::string renderCaseReport(const CaseResults& results, const CaseReportInfo& info) {
    const bool sup = info.suppress;
    const std::vector<PolicyCompliance> policies = caseCompliance(results);
    uint64_t outcomes[4] = {};
    for (const PolicyCompliance& p : policies)
        for (size_t o = 0; o < 4; ++o) outcomes[o] += p.outcomes[o];
    auto count = [](Outcome o) { return static_cast<size_t>(o); };

    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    h += "<title>Case audit — cpe</title><style>";
    h += auditReportStyle();
    h += "h3 { margin: 18px 0 4px; font-size: 16px; color: var(--dark); } nav a { color: var(--blue); margin-right: 14px; }";
    h += "</style></head><body>";
    h += "<header><h1>Case audit: did treated cases meet the policy?</h1><p>" + escapeHtml(info.casesPath) + " · policies from " +
         escapeHtml(info.policiesPath) + " · by provider · generated " + escapeHtml(reportTimestamp()) + "</p></header><main>";
    h += "<div class=\"cards\">";
    h += reportCard(thousands(info.linesRead), "cases read");
    h += reportCard(thousands(info.linesRejected), "cases rejected (see rejects.csv)", info.linesRejected > 0);
    h += reportCard(shownCount(outcomes[count(Outcome::Eligible)], sup), "eligible");
    h += reportCard(shownCount(outcomes[count(Outcome::NotEligible)], sup), "not eligible",
                    outcomes[count(Outcome::NotEligible)] > 0);
    h += reportCard(shownCount(outcomes[count(Outcome::Review)], sup), "for review");
    h += reportCard(shownCount(outcomes[count(Outcome::Undetermined)], sup), "undetermined (facts missing)",
                    outcomes[count(Outcome::Undetermined)] > 0);
    h += "</div>";
    if (policies.size() > 1) {
        h += "<nav>";
        for (const PolicyCompliance& p : policies)
            h += "<a href=\"#" + anchorOf(p.policy) + "\">" + escapeHtml(p.policy) + "</a>";
        h += "</nav><br>";
    }
    if (policies.empty()) h += "<section><h2>No cases decided</h2><p class=\"none\">Every line was rejected.</p></section>";

    for (const PolicyCompliance& p : policies) {
        uint64_t cases = 0;
        for (uint64_t n : p.outcomes) cases += n;
        const uint64_t eligible = p.outcomes[count(Outcome::Eligible)];
        h += "<section id=\"" + anchorOf(p.policy) + "\"><h2>" + escapeHtml(p.policy) + "</h2><p class=\"stats\"><b>" +
             shownCount(cases, sup) + "</b> cases · eligible <b>" + shownCount(eligible, sup) + "</b> · not eligible <b>" +
             shownCount(p.outcomes[count(Outcome::NotEligible)], sup) + "</b> · review <b>" +
             shownCount(p.outcomes[count(Outcome::Review)], sup) + "</b> · undetermined <b>" +
             shownCount(p.outcomes[count(Outcome::Undetermined)], sup) + "</b> · met the policy overall <b>" +
             (hiddenShare(eligible, cases, sup) ? std::string("*") : percentOf(p.share)) + "</b></p>";

        h += "<h3>Compliance by provider</h3><p class=\"stats\">The share of each provider's cases that met the policy "
             "(eligible), against the overall share; exact binomial limits at 95% and 99.8%.";
        std::vector<std::string> beyond;
        for (const ProviderCompliance& r : p.providers)
            if (r.flag != stats::FunnelFlag::Within && !hiddenShare(r.eligible, r.cases, sup))
                beyond.push_back("<code>" + escapeHtml(r.provider) + "</code> (" + stats::funnelFlagName(r.flag) + ")");
        h += " Beyond the limits: " + (beyond.empty() ? std::string("none") : joined(beyond, ", ")) + ".</p>";
        size_t notPlotted = 0;
        const std::string svg = complianceFunnel(p, sup, notPlotted);
        h += "<div class=\"grid\"><div>" + svg;
        if (notPlotted)
            h += "<p class=\"muted\">" + std::to_string(notPlotted) + " provider" + (notPlotted == 1 ? " is" : "s are") +
                 " not plotted (small numbers).</p>";
        h += "</div><div><div class=\"scroll\"><table><thead><tr><th>Provider</th><th class=\"n\">Cases</th>"
             "<th class=\"n\">Eligible</th><th class=\"n\">Share</th><th class=\"n\">95% limits</th><th>Funnel</th></tr>"
             "</thead><tbody>";
        for (const ProviderCompliance& r : p.providers) {
            const bool hidden = hiddenShare(r.eligible, r.cases, sup);
            const double share = r.cases ? static_cast<double>(r.eligible) / static_cast<double>(r.cases) : 0;
            h += "<tr><td><code>" + escapeHtml(r.provider) + "</code></td><td class=\"n\">" + shownCount(r.cases, sup) +
                 "</td><td class=\"n\">" + shownCount(r.eligible, sup) + "</td><td class=\"n\">" +
                 (hidden ? std::string("*") : percentOf(share)) + "</td><td class=\"n\">" +
                 (hidden ? std::string("*") : percentOf(r.limits95.lower) + "–" + percentOf(r.limits95.upper)) + "</td><td>" +
                 (hidden ? std::string("<span class=\"pill p0\">*</span>") : funnelFlagPill(r.flag)) + "</td></tr>";
        }
        h += "</tbody></table></div></div></div>";

        h += "<h3>Facts most often missing</h3>";
        if (p.missingFacts.empty()) {
            h += "<p class=\"none\">No undetermined case: every case had the facts its decision needed.</p>";
        } else {
            h += "<div class=\"scroll\" style=\"max-height:260px\"><table><thead><tr><th>Fact</th><th class=\"n\">Undetermined "
                 "cases missing it</th></tr></thead><tbody>";
            for (const auto& [fact, n] : p.missingFacts)
                h += "<tr><td><code>" + escapeHtml(fact) + "</code></td><td class=\"n\">" + shownCount(n, sup) + "</td></tr>";
            h += "</tbody></table></div>";
        }
        for (Outcome o : {Outcome::NotEligible, Outcome::Undetermined}) {
            std::vector<const CaseFinding*> listed;
            for (const CaseFinding& f : results.findings)
                if (f.policy == p.policy && f.outcome == o) listed.push_back(&f);
            h += std::string("<h3>") + (o == Outcome::NotEligible ? "Cases not eligible" : "Cases undetermined") + " (" +
                 thousands(listed.size()) + ")</h3>";
            if (listed.empty()) h += "<p class=\"none\">None.</p>";
            else h += findingsTable(listed, o == Outcome::Undetermined);
        }
        h += "</section>";
    }

    h += "<section id=\"quality\"><h2>Data quality</h2><p class=\"stats\">" + thousands(info.linesRead) + " cases read, " +
         thousands(info.linesRejected) + " rejected, " + thousands(info.casesDecided) + " decided, in " +
         decimalWithThousands(info.seconds, 2) + " s.</p>";
    if (!info.firstRejects.empty()) {
        h += "<div class=\"scroll\" style=\"max-height:260px\"><table><thead><tr><th class=\"n\">Line</th><th>Reason</th></tr>"
             "</thead><tbody>";
        for (const auto& [line, reason] : info.firstRejects)
            h += "<tr><td class=\"n\">" + std::to_string(line) + "</td><td style=\"white-space:normal\">" + escapeHtml(reason) +
                 "</td></tr>";
        h += "</tbody></table></div>";
        if (info.linesRejected > info.firstRejects.size())
            h += "<p class=\"muted\">The first " + std::to_string(info.firstRejects.size()) + " of " +
                 thousands(info.linesRejected) + "; every one is in <code>rejects.csv</code>.</p>";
    } else {
        h += "<p class=\"none\">No line was rejected.</p>";
    }
    h += "</section></main><footer>";
    h += "<p><b>Method.</b> Each case is decided by its policy exactly as <code>cpe decide --cases</code> decides it, as of "
         "its own <code>as_of</code> (else <code>--as-of</code>, else today). A case met the policy when it was decided "
         "eligible; the funnel limits are the exact binomial limits around the policy's overall share at each provider's "
         "number of cases (shared/reference/statistics.md). Reasons are the criteria that decided the case, with their "
         "result; missing facts are those that could change an undetermined decision. Every case not eligible or "
         "undetermined is in <code>case_findings.csv</code>.</p>";
    h += sup ? "<p><b>Small numbers.</b> Counts from 1 to 5 are shown as *, and so is any share whose count, cases or their "
               "difference is 1 to 5; the CSV files hold exact counts.</p>"
             : "<p><b>Small numbers are not suppressed</b> in this report (<code>--no-suppress</code>): do not publish it.</p>";
    h += "<p>Generated by <code>cpe audit --cases</code>. Click a column heading to sort; type in the box above a table to "
         "filter it.</p></footer>";
    h += auditTableScript();
    h += "</body></html>\n";
    return h;
}

}  // namespace cpe::audit
