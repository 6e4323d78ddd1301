// Stage by stage: how errors render (golden text), evaluate (three-valued),
// dates, and the formatter (golden layout, idempotence). Which diagnostics
// each input gives is the corpus under tests/check (test_check_corpus.cpp).
#include <doctest/doctest.h>

#include "engine/check/model.h"
#include "engine/syntax/parse.h"
#include "engine/syntax/printer.h"
#include "golden.h"
#include "library_fixture.h"

using namespace cpe;

namespace {

using testing::checkGolden;
using testing::readFile;

const std::string kGolden = std::string(CPE_SOURCE_DIR) + "/tests/golden/";

Decision decide(const PolicyLibrary& lib, const std::string& policy, const std::string& facts, const char* asOf = "2026-06-01") {
    nlohmann::json f = nlohmann::json::parse(facts);
    DecideResult r = lib.decide({policy, &f, std::string(asOf)});
    REQUIRE_MESSAGE(std::holds_alternative<Decision>(r),
                    (std::holds_alternative<InputError>(r) ? std::get<InputError>(r).message : ""));
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

// The rendering itself: `file:line:col: error: message`, the source line,
// and a caret with ~ under the span, lined up by code point and keeping tabs;
// did-you-mean suggestions; every error of the library, in order.
TEST_CASE("errors render with location, source line, caret and did-you-mean (golden)") {
    auto b = testing::build({{"tests/golden/errors/many_errors.cpl", readFile(kGolden + "errors/many_errors.cpl")},
                             {"tests/golden/errors/carets.cpl", readFile(kGolden + "errors/carets.cpl")}});
    CHECK_FALSE(b.library);
    checkGolden(kGolden + "errors/many_errors.txt", b.errors());
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
        Decision old =
            decide(lib, "t.ivf",
                   R"({"smoker": false, "d1": "no", "d2": "no", "d3": "no", "amh": 6, "bmi": 20, "test_date": "2025-05-31"})");
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
    for (const char* comment :
         {"// A policy written by hand", "// trailing comment on the header", "// why the threshold is 7", "// the usual case"})
        CHECK(once.find(comment) != std::string::npos);
}
