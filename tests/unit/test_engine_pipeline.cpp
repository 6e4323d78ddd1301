// Stage by stage: parse, check (golden error text), evaluate (three-valued),
// dates, and the formatter (golden layout, idempotence).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine/check/model.h"
#include "engine/syntax/parse.h"
#include "engine/syntax/printer.h"
#include "library_fixture.h"

using namespace cpe;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Compares with a golden file; CPE_UPDATE_GOLDEN=1 rewrites it instead.
void checkGolden(const std::string& path, const std::string& actual) {
    if (std::getenv("CPE_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    std::string expected = readFile(path);
    CHECK_MESSAGE(expected == actual, "golden file differs: " << path << "\n--- actual ---\n" << actual);
}

const std::string kGolden = std::string(CPE_SOURCE_DIR) + "/tests/golden/";

Decision decide(const PolicyLibrary& lib, const std::string& policy, const std::string& facts,
                const char* asOf = "2026-06-01") {
    nlohmann::json f = nlohmann::json::parse(facts);
    DecideResult r = lib.decide({policy, &f, std::string(asOf)});
    REQUIRE_MESSAGE(std::holds_alternative<Decision>(r), (std::holds_alternative<InputError>(r) ? std::get<InputError>(r).message : ""));
    return std::get<Decision>(r);
}

const char* kThreeValued = R"(policy t.ivf {
    title "Three-valued"
    version "1"
    effective 2026-01-01
    use fx
    fact amh: decimal [pmol/L] "AMH"
    fact test_date: date "Test date"
    type level = levels (no < low < moderate < high < severe < priority)
    fact d1: level
    fact d2: level
    fact d3: level up to high
    group domains = (d1, d2, d3)
    criterion non_smoker "Does not smoke" = not smoker
    criterion bmi_ok "BMI 19 to 30" = bmi between 19 and 30
    criterion amh_ok "AMH above 5.4" = amh > 5.4
    criterion recent "Test within 12 months" = test_date within 12 months
    criterion two_severe "Two or more severe" = count of domains where it is severe >= 2
    decide {
        eligible route fast_track when two_severe
        eligible when all of (non_smoker, bmi_ok, amh_ok, recent)
        otherwise not_eligible
    }
    output offered "Offered" = if outcome is eligible then 2 else 0
}
)";

}  // namespace

TEST_CASE("checker reports every error at once, with location, caret and did-you-mean (golden)") {
    auto b = testing::build({{"tests/golden/errors/many_errors.cpl", readFile(kGolden + "errors/many_errors.cpl")}});
    CHECK_FALSE(b.library);
    CHECK(b.diags.errorCount() == 7);
    checkGolden(kGolden + "errors/many_errors.txt", b.errors());
}

TEST_CASE("syntax errors name line and column and yield no AST") {
    auto b = testing::build({{"bad.cpl", "policy p {\n    title \"x\"\n    criterion c \"C\" = (a and\n}\n"}});
    CHECK_FALSE(b.library);
    REQUIRE(b.diags.hasErrors());
    CHECK(b.diags.all()[0].span.line == 4);
    auto deep = testing::build({{"deep.cpl", "policy p { criterion c \"C\" = " + std::string(5000, '(') + "}"}});
    CHECK(deep.errors().find("nested more than") != std::string::npos);
    auto chars = testing::build({{"chars.cpl", "policy p { title \"x\" § }"}});
    CHECK(chars.errors().find("chars.cpl:1:22: error: unexpected character") != std::string::npos);
}

TEST_CASE("import cycles, duplicate ids and unreachable rules are errors") {
    auto cycle = testing::build({{"a.cpl", "module a { use b }\nmodule b { use a }\n"}});
    CHECK(cycle.errors().find("import cycle: a -> b -> a") != std::string::npos);
    auto dup = testing::build({{"d.cpl", std::string(testing::kFixtureModule) +
                                             "policy p { title \"P\" version \"1\" effective 2026-01-01 decide { otherwise eligible } }\n"
                                             "policy p { title \"P\" version \"1\" effective 2026-01-01 decide { otherwise eligible } }\n"}});
    CHECK(dup.errors().find("version '1' is declared twice") != std::string::npos);
    auto same = testing::build({{"s.cpl", std::string(testing::kFixtureModule) +
                                              "policy p { title \"P\" version \"1\" effective 2026-01-01 use fx\n"
                                              "decide { eligible when smoker\n eligible when smoker\n otherwise not_eligible } }\n"}});
    CHECK(same.errors().find("unreachable: the rule at") != std::string::npos);
}

TEST_CASE("three-valued evaluation decides as soon as the known facts decide") {
    auto b = testing::build({{"fx.cpl", testing::kFixtureModule}, {"t.cpl", kThreeValued}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const PolicyLibrary& lib = *b.library;

    SUBCASE("a smoker is not eligible whatever the BMI, even unknown") {
        Decision d = decide(lib, "t.ivf", R"({"smoker": true, "d1": "no"})");
        // two_severe is unknown (d2, d3 unknown) but cannot reach 2 with d1 = no and d3 at most high.
        CHECK(d.outcome == Outcome::NotEligible);
        CHECK(d.route == Route::Ifr);
        bool smokingIsAReason = false;
        for (const Reason& r : d.reasons) smokingIsAReason |= r.criterion == "non_smoker" && r.result == Tri::False;
        CHECK(smokingIsAReason);
        CHECK(d.missingFacts.empty());
    }
    SUBCASE("two known severe domains decide whatever the third") {
        Decision d = decide(lib, "t.ivf", R"({"d1": "severe", "d2": "severe"})");
        CHECK(d.outcome == Outcome::Eligible);
        CHECK(d.route == Route::FastTrack);
    }
    SUBCASE("a count's missing facts are the unknown members that could take the level") {
        // d1 severe, d2 unknown, d3 unknown but `up to high`: only d2 could make a second severe.
        Decision d = decide(lib, "t.ivf", R"({"smoker": true, "d1": "severe"})");
        CHECK(d.outcome == Outcome::Undetermined);
        std::vector<std::string_view> expected{"d2"};
        CHECK(d.missingFacts == expected);
        Decision two = decide(lib, "t.ivf", R"({"smoker": true, "d1": "severe", "d2": "severe", "d3": "high"})");
        CHECK(two.outcome == Outcome::Eligible);
        Decision one = decide(lib, "t.ivf", R"({"smoker": true, "d1": "severe", "d2": "priority", "d3": "high"})");
        CHECK(one.outcome == Outcome::NotEligible);
    }
    SUBCASE("missing facts are exactly the deciding unknowns, in reading order") {
        Decision d = decide(lib, "t.ivf", R"({"smoker": false, "bmi": 24, "d1": "no", "d2": "low", "test_date": "2026-01-01"})");
        CHECK(d.outcome == Outcome::Undetermined);
        std::vector<std::string_view> expected{"amh"};
        CHECK(d.missingFacts == expected);
        CHECK(outputToJson(d.outputs[0]).is_null());
    }
    SUBCASE("boundaries: between is inclusive, > is strict, within counts calendar months") {
        auto base = R"({"smoker": false, "d1": "no", "d2": "no", "d3": "no", "amh": 5.41, "test_date": "2025-06-01", "bmi": )";
        CHECK(decide(lib, "t.ivf", std::string(base) + "19}").outcome == Outcome::Eligible);
        CHECK(decide(lib, "t.ivf", std::string(base) + "30}").outcome == Outcome::Eligible);
        CHECK(decide(lib, "t.ivf", std::string(base) + "30.1}").outcome == Outcome::NotEligible);
        CHECK(decide(lib, "t.ivf", std::string(base) + "18.9}").outcome == Outcome::NotEligible);
        Decision old = decide(lib, "t.ivf", R"({"smoker": false, "d1": "no", "d2": "no", "d3": "no", "amh": 6, "bmi": 20, "test_date": "2025-05-31"})");
        CHECK(old.outcome == Outcome::NotEligible);
        Decision eligible = decide(lib, "t.ivf", std::string(base) + "25}");
        CHECK(outputToJson(eligible.outputs[0]) == 2);
    }
    SUBCASE("bad input is refused, naming the fact, the type and the value") {
        nlohmann::json f = nlohmann::json::parse(R"({"d3": "severe"})");
        auto r = lib.decide({"t.ivf", &f, std::string("2026-06-01")});
        REQUIRE(std::holds_alternative<InputError>(r));
        CHECK(std::get<InputError>(r).field == "facts.d3");
        CHECK(std::get<InputError>(r).message.find("one of no, low, moderate, high") != std::string::npos);
        nlohmann::json typo = nlohmann::json::parse(R"({"smokr": true})");
        auto t = lib.decide({"t.ivf", &typo, std::nullopt});
        REQUIRE(std::holds_alternative<InputError>(t));
        CHECK(std::get<InputError>(t).message.find("did you mean 'smoker'") != std::string::npos);
        auto unknown = lib.decide({"t.iv", &f, std::nullopt});
        CHECK(std::get<InputError>(unknown).code == "unknown_policy");
    }
}

TEST_CASE("calendar arithmetic") {
    int d = *parseDate("2026-03-31");
    CHECK(formatDate(subtractMonths(d, 1)) == "2026-02-28");
    CHECK(formatDate(subtractMonths(d, 12)) == "2025-03-31");
    CHECK(wholeYearsBetween(*parseDate("2000-06-02"), *parseDate("2026-06-01")) == 25);
    CHECK(wholeYearsBetween(*parseDate("2000-06-01"), *parseDate("2026-06-01")) == 26);
    CHECK_FALSE(parseDate("2026-02-29"));
    CHECK(parseDate("2024-02-29"));
}

TEST_CASE("fmt lays files out canonically, keeps every comment, and is idempotent (golden)") {
    SourceSet sources;
    Diagnostics diags;
    uint32_t f = sources.add("messy.cpl", readFile(kGolden + "fmt/messy.cpl"));
    auto ast = parseFile(sources, f, diags);
    REQUIRE(ast);
    std::string once = formatFile(*ast);
    checkGolden(kGolden + "fmt/messy.formatted.cpl", once);
    uint32_t g = sources.add("once.cpl", once);
    auto again = parseFile(sources, g, diags);
    REQUIRE(again);
    CHECK(formatFile(*again) == once);
    for (const char* comment : {"// A policy written by hand", "// trailing comment on the header",
                                "// why the threshold is 7", "// the usual case"})
        CHECK(once.find(comment) != std::string::npos);
}
