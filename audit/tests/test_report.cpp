// report.html: self-contained, small numbers suppressed, and it renders. The
// render test draws the page with headless Chromium (Debian package
// `chromium`, in the Makefile's TEST_PKGS) into a PNG; set
// CPE_KEEP_TEST_OUTPUT=1 to keep the PNG and look at it.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <regex>

#include "audit/activity_audit.h"
#include "audit/generator/activity_generator.h"
#include "audit/report/html_format.h"
#include "audit/report/outputs.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

using namespace cpe;
using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

std::string auditSmall(const TempDir& dir, bool suppress, const std::string& name) {
    auto rules = ebiRules();
    auto m = rules.compile();
    ActivityAuditOptions o;
    o.activityPath = dataPath("activity_small.csv");
    o.outDir = dir.file(name);
    o.policiesLabel = "test rules";
    o.suppress = suppress;
    o.progress = false;
    runActivityAudit(*m, o);
    return readFile(dir.file(name + "/report.html"));
}

bool haveChromium() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

}  // namespace

TEST_CASE("number formatting for the report and the CSV files") {
    CHECK(thousands(0) == "0");
    CHECK(thousands(1234567) == "1,234,567");
    CHECK(shownCount(0, true) == "0");
    CHECK(shownCount(1, true) == "*");
    CHECK(shownCount(5, true) == "*");
    CHECK(shownCount(6, true) == "6");
    CHECK(shownCount(3, false) == "3");
    CHECK(decimalWithThousands(1234.5678, 2) == "1,234.57");
    CHECK(decimalWithThousands(0.005, 2) == "0.01");
    CHECK(shownCountStatistic(2.5, true) == "*");
    CHECK(shownCountStatistic(0, true) == "0");
    CHECK(shownCountStatistic(7.25, true) == "7.3");
    CHECK(formatNumber(3) == "3");
    CHECK(formatNumber(0.2) == "0.2");
    CHECK(formatNumber(46.0 / 14.0) == "3.285714");
    CHECK(formatNumber(1e-9) == "0");
    CHECK(csvField("a,b") == "\"a,b\"");
    CHECK(csvField("say \"x\"") == "\"say \"\"x\"\"\"");
    CHECK(escapeHtml("<a&'\">") == "&lt;a&amp;&#39;&quot;&gt;");
}

TEST_CASE("report.html is self-contained: one inline script, no external resource") {
    TempDir dir("cpe-audit-report");
    std::string html = auditSmall(dir, true, "out");
    CHECK(html.find("<!DOCTYPE html>") == 0);
    // One inline script (sortable, filterable tables), loading nothing.
    const size_t script = html.find("<script>");
    REQUIRE(script != std::string::npos);
    CHECK(html.find("<script", script + 1) == std::string::npos);
    CHECK(html.find("fetch(") == std::string::npos);
    CHECK(html.find("XMLHttpRequest") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find(" src=") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    std::string stripped = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    CHECK(stripped.find("http:") == std::string::npos);
    CHECK(stripped.find("https:") == std::string::npos);
    // url(...) only refers to clip paths inside the page.
    std::smatch m;
    std::string rest = html;
    while (std::regex_search(rest, m, std::regex("url\\(([^)]*)\\)"))) {
        CHECK(m[1].str().rfind("#", 0) == 0);
        rest = m.suffix();
    }
    // One section and one funnel plot per intervention.
    size_t svgs = 0;
    for (size_t at = html.find("<svg class=\"funnel\""); at != std::string::npos; at = html.find("<svg class=\"funnel\"", at + 1))
        ++svgs;
    CHECK(svgs == 17);
    // These rules' titles are their ids: the id is not repeated beside them.
    CHECK(html.find("<h2>ebi.tonsillectomy</h2>") != std::string::npos);
    CHECK(html.find("<span class=\"id\">") == std::string::npos);
    CHECK(html.find(" · policies from test rules · by provider · ") != std::string::npos);
}

TEST_CASE("counts from 1 to 5 are shown as * unless suppression is off") {
    TempDir dir("cpe-audit-suppress");
    std::string html = auditSmall(dir, true, "on");
    // RAJ did 2 snoring operations: suppressed in the table...
    CHECK(html.find("<td><code>RAJ</code></td><td class=\"n\">*</td>") != std::string::npos);
    CHECK(html.find("<td><code>RAJ</code></td><td class=\"n\">2</td>") == std::string::npos);
    // ... and not plotted, since the point's height would give it away.
    CHECK(html.find("with 1 to 5 episodes are not plotted") != std::string::npos);
    CHECK(html.find("Counts from 1 to 5 are shown as *") != std::string::npos);
    // The CSV keeps the exact count.
    CHECK(readFile(dir.file("on/activity.csv")).find("ebi.snoring_surgery,RAJ,2\n") != std::string::npos);

    std::string open = auditSmall(dir, false, "off");
    CHECK(open.find("<td><code>RAJ</code></td><td class=\"n\">2</td>") != std::string::npos);
    CHECK(open.find("not plotted") == std::string::npos);
    CHECK(open.find("Small numbers are not suppressed") != std::string::npos);
}

TEST_CASE("report.html renders in headless Chromium") {
    if (!haveChromium()) {
        MESSAGE("chromium is not installed (make setup-test installs it): render test skipped");
        return;
    }
    TempDir dir("cpe-audit-render");
    // Realistic data: 40 providers, every intervention, some outliers.
    GeneratorOptions g;
    g.rows = 200000;
    std::FILE* f = std::fopen(dir.file("activity.csv").c_str(), "wb");
    REQUIRE(generateActivity(g, f));
    std::fclose(f);
    auto rules = ebiRules();
    auto m = rules.compile();
    ActivityAuditOptions o;
    o.activityPath = dir.file("activity.csv");
    o.outDir = dir.file("out");
    o.policiesLabel = "test rules";
    o.progress = false;
    runActivityAudit(*m, o);

    std::string png = dir.file("report.png");
    std::string cmd =
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
        dir.file("profile") + " --screenshot=" + png + " --window-size=1200,1600 file://" + dir.file("out/report.html") + " >" +
        dir.file("chromium.log") + " 2>&1";
    int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status));
    std::string image = readFile(png);
    INFO("chromium output: " << readFile(dir.file("chromium.log")));
    REQUIRE(image.size() > 8);
    CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    // A blank or broken page compresses to a few kilobytes; this one has
    // tables, text and plots.
    CHECK(image.size() > 60000);
    if (std::getenv("CPE_KEEP_TEST_OUTPUT")) MESSAGE("report rendered to " << png);
}
