// `cpe doc`: the inline marks of the HTML rendering, and the pages generated
// for a policy with two versions and an area variant (what each page leads
// with, what changed between versions, the differences from the base policy).
#include <doctest/doctest.h>

#include <algorithm>

#include "engine/compile/program.h"
#include "engine/doc/criteria_doc.h"
#include "engine/doc/writer.h"
#include "library_fixture.h"

using namespace cpe;
using cpe::testing::build;
using cpe::testing::kFixtureModule;

TEST_CASE("inline marks become HTML; text is escaped; dates do not break at their hyphens") {
    CHECK(doc::inlineHtml("a `x < 1` and **bold** <b>") ==
          "a <code class=\"code\">x &lt; 1</code> and <strong>bold</strong> &lt;b&gt;");
    CHECK(doc::inlineHtml("[fertility.ivf](fertility.ivf.page)") == "<a href=\"fertility.ivf.html\">fertility.ivf</a>");
    CHECK(doc::inlineHtml("from 2026-04-01 (in force)") == "from <span class=\"nowrap\">2026-04-01</span> (in force)");
    CHECK(doc::inlineHtml("2025-04-01 to 2026-03-31") ==
          "<span class=\"nowrap\">2025-04-01</span> to <span class=\"nowrap\">2026-03-31</span>");
    // Not a date: part of a longer token, or the wrong shape.
    CHECK(doc::inlineHtml("v12026-04-01 2026-04-012 2026-4-01 2026-04-0") == "v12026-04-01 2026-04-012 2026-4-01 2026-04-0");
    CHECK(doc::inlineHtml("`2026-04-01`") == "<code class=\"code\">2026-04-01</code>");
}

namespace {

const char* kPolicies = R"cpl(policy p {
    title "Demo policy"
    version "2025"
    effective 2025-04-01 until 2026-03-31
    source "Old board policy"
    use fx
    criterion bmi_ok "BMI between 19 and 30" = bmi between 19 and 30
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}

policy p {
    title "Demo policy"
    version "2026"
    effective 2026-04-01
    source "Harmonised policy"
    use fx
    criterion bmi_ok "BMI between 19 and 32" = bmi between 19 and 32
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}

policy p.snee extends p {
    title "Demo policy (SNEE)"
    version "2026"
    effective 2026-04-01
    variant of p when legacy_area is snee
    override criterion bmi_ok "BMI between 19 and 29" = bmi between 19 and 29
}
)cpl";

const std::string& file(const std::vector<DocFile>& files, const std::string& name) {
    auto it = std::find_if(files.begin(), files.end(), [&](const DocFile& f) { return f.name == name; });
    REQUIRE_MESSAGE(it != files.end(), name << " was not written");
    return it->content;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a page per policy and an index, in Markdown and HTML, from the policies themselves") {
    auto b = build({{"fx.cpl", kFixtureModule}, {"p.cpl", kPolicies}});
    REQUIRE_MESSAGE(b.library, b.errors());
    std::vector<DocFile> files = criteriaDocument(*b.library, {*parseDate("2026-06-01")});
    std::vector<std::string> names;
    for (const DocFile& f : files) names.push_back(f.name);
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"index.html", "index.md", "p.html", "p.md", "p.snee.html", "p.snee.md"});

    const std::string& md = file(files, "p.md");
    const std::string& html = file(files, "p.html");
    // The page leads with the version in force on the day, and lists both.
    CHECK(has(md, "version 2026 · in force from 2026-04-01 · in force on 2026-06-01"));
    CHECK(has(md, "2025 | 2025-04-01 to 2026-03-31 | ended |"));
    CHECK(has(md, "What changed in version 2026 (from 2025)"));
    CHECK(has(md, "upper limit of bmi: 30 kg/m2 → 32 kg/m2"));
    CHECK(has(md, "Harmonised policy"));
    CHECK_FALSE(has(md, "Old board policy\n"));  // the 2025 source shows only as a change
    // The same statements in the HTML, which is self-contained.
    CHECK(has(html, "upper limit of bmi: 30 kg/m2 → 32 kg/m2"));
    CHECK(has(html, "<a href=\"p.snee.html\">p.snee</a>"));
    CHECK_FALSE(has(html, "<script"));
    CHECK_FALSE(has(html, "<link"));

    // The variant names its base and when it applies, and lists only real differences.
    const std::string& variant = file(files, "p.snee.md");
    CHECK(has(variant, "[p](p.md), applied when"));
    CHECK(has(variant, "Differences from p"));
    CHECK(has(variant, "upper limit of bmi: 32 kg/m2 → 29 kg/m2"));
    CHECK_FALSE(has(variant, "extends:"));
    CHECK_FALSE(has(variant, "variant of:"));

    const std::string& index = file(files, "index.md");
    CHECK(has(index, "2 policies · versions in force on 2026-06-01"));
    CHECK(has(index, "| [p](p.md) | Demo policy | 2026 | from 2026-04-01 | criteria based |"));
    CHECK(has(index, "| [p.snee](p.snee.md) | Demo policy (SNEE) | 2026 | from 2026-04-01 | criteria based |"));
}

TEST_CASE("before its first version takes effect a page leads with the newest version, marked scheduled") {
    auto b = build({{"fx.cpl", kFixtureModule}, {"p.cpl", kPolicies}});
    REQUIRE_MESSAGE(b.library, b.errors());
    std::vector<DocFile> files = criteriaDocument(*b.library, {*parseDate("2025-01-01")});
    CHECK(has(file(files, "p.md"), "version 2026 · in force from 2026-04-01 · scheduled on 2025-01-01"));
    CHECK(has(file(files, "index.md"), "| [p](p.md) | Demo policy | 2026 | from 2026-04-01 (scheduled) | criteria based |"));
}
