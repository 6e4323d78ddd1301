// Impact runs: classification, examples, breakdowns and bad lines on a small
// library; then 100,000 generated fertility referrals across the older area
// policies and the harmonised draft, with every count checked against an
// independent model of the criteria and against PolicyLibrary::decide.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

#include "engine/compile/program.h"
#include "engine/diff/impact.h"
#include "engine/diff/policy_ref.h"
#include "fertility_reference.h"

using namespace cpe;
using namespace cpe::testing;
namespace fs = std::filesystem;

TEST_CASE("changes are classified from the old and new outcome and route") {
    CHECK(classify(Outcome::Eligible, Route::None, Outcome::Eligible, Route::None) == ChangeClass::Unchanged);
    CHECK(classify(Outcome::NotEligible, Route::Ifr, Outcome::Eligible, Route::PriorApproval) == ChangeClass::GainsEligibility);
    CHECK(classify(Outcome::Eligible, Route::PriorApproval, Outcome::NotEligible, Route::Ifr) == ChangeClass::LosesEligibility);
    CHECK(classify(Outcome::Eligible, Route::None, Outcome::Undetermined, Route::None) == ChangeClass::ToUndetermined);
    CHECK(classify(Outcome::Undetermined, Route::None, Outcome::NotEligible, Route::Ifr) == ChangeClass::FromUndetermined);
    CHECK(classify(Outcome::NotEligible, Route::Ifr, Outcome::NotEligible, Route::None) == ChangeClass::RouteChanged);
    CHECK(classify(Outcome::Eligible, Route::None, Outcome::Review, Route::Panel) == ChangeClass::OtherChange);
}

TEST_CASE("an impact run counts, breaks down and gives examples; bad lines are reported and skipped") {
    fs::path lib = fs::path(CPE_SOURCE_DIR) / "tests" / "golden" / "diff" / "variant" / "library.cpl";
    PolicyResolver resolver(readPolicyFiles({lib.string()}), *parseDate("2026-06-01"));
    ResolvedPolicy base = resolver.resolve(parsePolicyRef("t.ivf"));
    ResolvedPolicy snee = resolver.resolve(parsePolicyRef("t.ivf.snee"));
    ResolvedPolicy family = resolver.resolve(parsePolicyRef("t.ivf+variants"));
    // t.ivf.snee: ages 23-39 only, and the partner's BMI must be under 30.
    std::string good = R"("bmi": 25, "smoker": false, "amh_pmol_l": 10, "amh_test_date": "2026-01-01")";
    std::istringstream cases(
        "{\"id\": \"a\", \"facts\": {\"age_years\": 41, \"partner_bmi\": 25, \"legacy_area\": \"snee\", " + good +
        "}}\n"
        "{\"id\": \"b\", \"facts\": {\"age_years\": 30, \"partner_bmi\": 25, \"legacy_area\": \"hwe\", \"region\": \"north\", " +
        good +
        "}}\n"
        "\n"
        "{\"id\": \"c\", \"facts\": {\"age_years\": 30, \"legacy_area\": \"snee\", " +
        good +
        "}}\n"
        "not json\n"
        "{\"id\": \"e\", \"facts\": {\"age_years\": \"thirty\"}}\n"
        "{\"id\": \"f\", \"region\": \"south\", \"facts\": {\"age_years\": 40, \"partner_bmi\": 31, \"legacy_area\": \"mse\", " +
        good + "}}\n");
    ImpactOptions options;
    options.byFacts = {"legacy_area", "region"};
    options.defaultDay = *parseDate("2026-06-01");
    ImpactReport r = runImpact(snee, base, cases, options);
    CHECK(r.lines == 6);
    CHECK(r.total.cases == 4);
    CHECK(r.errorCount == 2);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].line == 5);
    CHECK(r.errors[0].message.rfind("invalid JSON: ", 0) == 0);  // and then nlohmann's position and reason
    CHECK(r.errors[1].id == "e");
    CHECK(r.errors[1].message.find("refused by t.ivf.snee@2023: 'age_years' expects integer") == 0);
    auto count = [&](ChangeClass c) { return r.total.byClass[static_cast<size_t>(c)]; };
    CHECK(count(ChangeClass::GainsEligibility) == 2);  // a (age 41) and f (age 40, partner BMI 31)
    CHECK(count(ChangeClass::ToUndetermined) == 0);
    CHECK(count(ChangeClass::FromUndetermined) == 1);  // c: the partner's BMI was unknown, and no longer matters
    CHECK(count(ChangeClass::Unchanged) == 1);
    CHECK(r.examples[static_cast<size_t>(ChangeClass::GainsEligibility)] == std::vector<std::string>{"a", "f"});
    REQUIRE(r.breakdowns.size() == 2);
    CHECK(r.breakdowns[0].fact == "legacy_area");
    REQUIRE(r.breakdowns[0].groups.size() == 3);
    CHECK(r.breakdowns[0].groups[2].value == "snee");
    CHECK(r.breakdowns[0].groups[2].counts.cases == 2);
    CHECK(r.breakdowns[0].groups[2].counts.changed() == 2);
    // `region` is declared by no policy: read for the breakdown, from the facts or the case, never passed on.
    REQUIRE(r.breakdowns[1].groups.size() == 3);
    CHECK(r.breakdowns[1].groups[0].value == "north");
    CHECK(r.breakdowns[1].groups[1].value == "south");
    CHECK(r.breakdowns[1].groups[2].value == "unknown");

    // The same cases against the declared variants: only SNEE referrals take the older rules.
    cases.clear();
    cases.seekg(0);
    ImpactReport fr = runImpact(family, base, cases, options);
    CHECK(fr.total.cases == 4);
    CHECK(fr.total.byClass[static_cast<size_t>(ChangeClass::GainsEligibility)] == 1);  // a only: f is MSE

    std::string text = impactToText(r), html = impactSectionsHtml(r);
    CHECK(text.find("becomes eligible") != std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("http://") == html.find("http://www.w3.org/2000/svg"));  // nothing fetched from elsewhere
    nlohmann::ordered_json j = impactToJson(r);
    CHECK(j["summary"]["gains_eligibility"] == 2);
    CHECK(j["breakdowns"][0]["groups"][2]["value"] == "snee");
}

// ---------------------------------------------------------------- 100,000 cases

namespace {

using Classes = std::array<size_t, kChangeClasses>;

struct Expected {
    Classes total{};
    std::map<std::string, Classes> byArea;
};

// The area ("" for the draft) whose rules decide a case on the OLD side.
Expected expectedCounts(const std::vector<FertilityCase>& cases, const std::string& oldArea) {
    Expected e;
    for (const FertilityCase& c : cases) {
        ReferenceDecision before = referenceFertility(c, oldArea == "{legacy_area}" ? c.area : oldArea);
        ReferenceDecision after = referenceFertility(c, "");
        auto k = static_cast<size_t>(classify(before.outcome, before.route, after.outcome, after.route));
        ++e.total[k];
        ++e.byArea[c.area][k];
    }
    return e;
}

Expected decidedCounts(const PolicyLibrary& lib, const std::vector<FertilityCase>& cases, const std::string& oldArea,
                       std::string& firstMismatch) {
    Expected e;
    for (const FertilityCase& c : cases) {
        nlohmann::json line = fertilityCaseJson(c);
        const nlohmann::json& facts = line["facts"];
        std::string area = oldArea == "{legacy_area}" ? c.area : oldArea;
        auto decide = [&](const std::string& id) {
            DecideResult r = lib.decide({id, &facts, c.asOf, false});
            REQUIRE_MESSAGE(std::holds_alternative<Decision>(r), c.id << ": " << std::get<InputError>(r).message);
            return std::get<Decision>(std::move(r));
        };
        Decision before = decide(area.empty() ? "fertility.ivf" : "fertility.ivf." + area);
        Decision after = decide("fertility.ivf");
        ReferenceDecision ref = referenceFertility(c, area);
        if (firstMismatch.empty() && (ref.outcome != before.outcome || ref.route != before.route))
            firstMismatch = c.id + " under " + before.policy + ": engine " + outcomeName(before.outcome) + "/" +
                            routeName(before.route) + ", reference " + outcomeName(ref.outcome) + "/" + routeName(ref.route) +
                            "; " + line.dump();
        auto k = static_cast<size_t>(classify(before.outcome, before.route, after.outcome, after.route));
        ++e.total[k];
        ++e.byArea[c.area][k];
    }
    return e;
}

}  // namespace

TEST_CASE("impact of the harmonised fertility draft on 100,000 generated referrals, checked independently") {
    const size_t n = 100000;
    std::vector<FertilityCase> cases = generateFertilityCases(n, 20260401);
    std::string ndjson;
    for (const FertilityCase& c : cases) ndjson += fertilityCaseJson(c).dump() + "\n";

    PolicyResolver resolver(readPolicyFiles({std::string(CPE_SOURCE_DIR) + "/policies"}), *parseDate("2026-06-01"));
    ResolvedPolicy draft = resolver.resolve(parsePolicyRef("fertility.ivf"));
    std::string mismatch;

    for (std::string old : {"{legacy_area}", "hwe", "snee", "mse"}) {
        CAPTURE(old);
        ResolvedPolicy before = resolver.resolve(parsePolicyRef("fertility.ivf." + old));
        std::istringstream in(ndjson);
        ImpactOptions options;
        options.byFacts = {"legacy_area", "imd_quintile"};
        options.defaultDay = *parseDate("2026-06-01");
        ImpactReport report = runImpact(before, draft, in, options);
        MESSAGE("fertility.ivf." << old << " → fertility.ivf: " << report.total.cases << " cases in " << report.seconds << " s, "
                                 << report.total.changed() << " changed");
        CHECK(report.errorCount == 0);
        CHECK(report.total.cases == n);
        CHECK(report.seconds < 30);  // typically about a second; generous for a loaded machine

        Expected reference = expectedCounts(cases, old);
        Expected decided = decidedCounts(*draft.library, cases, old, mismatch);
        CHECK_MESSAGE(mismatch.empty(), mismatch);
        for (size_t k = 0; k < kChangeClasses; ++k) {
            CAPTURE(changeClassName(static_cast<ChangeClass>(k)));
            CHECK(report.total.byClass[k] == reference.total[k]);
            CHECK(report.total.byClass[k] == decided.total[k]);
        }
        REQUIRE(report.breakdowns.size() == 2);
        REQUIRE(report.breakdowns[0].groups.size() == 3);
        for (const auto& group : report.breakdowns[0].groups) {
            CAPTURE(group.value);
            for (size_t k = 0; k < kChangeClasses; ++k) CHECK(group.counts.byClass[k] == reference.byArea[group.value][k]);
        }
        CHECK(report.breakdowns[1].groups.size() == 5);  // imd_quintile 1..5, read from the case object
    }
}

TEST_CASE("the fast case reader gives the reference reader's report, on one thread and two") {
    std::vector<FertilityCase> cases = generateFertilityCases(5000, 19);
    std::string ndjson;
    std::size_t i = 0;
    // Every 50th case followed by a line the fast reader must leave to the reference.
    const char* awkward[] = {R"({"id":"e","facts":{"age_years":300}})",
                             R"({"facts":{"bmi":24.50}})",
                             R"({"id":"x\u0041","facts":{}})",
                             R"({"id":3,"legacy_area":"mse","facts":{"age_years":33}})",
                             "{",
                             R"({"id":"n","facts":{"legacy_area":null}})"};
    for (const FertilityCase& c : cases) {
        ndjson += fertilityCaseJson(c).dump() + "\n";
        if (++i % 50 == 0) ndjson += std::string(awkward[i / 50 % std::size(awkward)]) + "\n";
    }
    PolicyResolver resolver(readPolicyFiles({std::string(CPE_SOURCE_DIR) + "/policies"}), *parseDate("2026-06-01"));
    ResolvedPolicy draft = resolver.resolve(parsePolicyRef("fertility.ivf"));
    auto report = [&](const ResolvedPolicy& before, std::vector<std::string> by, unsigned threads, bool reference) {
        std::istringstream in(ndjson);
        ImpactOptions options;
        options.byFacts = std::move(by);
        options.defaultDay = *parseDate("2026-06-01");
        options.threads = threads;
        options.referenceReader = reference;
        return runImpact(before, draft, in, options);
    };
    auto text = [](ImpactReport r) {
        r.seconds = 0;
        return impactToJson(r).dump(1) + impactToText(r) + impactSectionsHtml(r);
    };
    for (std::string old : {"{legacy_area}", "snee"}) {
        CAPTURE(old);
        ResolvedPolicy before = resolver.resolve(parsePolicyRef("fertility.ivf." + old));
        ImpactReport reference = report(before, {"legacy_area", "bmi"}, 1, true);
        CHECK(reference.fastLines == 0);
        CHECK(reference.errorCount > 0);
        for (unsigned threads : {1u, 2u}) {
            ImpactReport fast = report(before, {"legacy_area", "bmi"}, threads, false);
            CHECK(text(fast) == text(reference));
            CHECK(fast.fastLines >= cases.size() * 9 / 10);  // the common shape is read fast
            CHECK(fast.fastLines < fast.lines);              // and the awkward lines are not
        }
        // A --by fact the policies do not declare is read from the case object: all by the reference.
        ImpactReport analysis = report(before, {"imd_quintile"}, 2, false);
        CHECK(analysis.fastLines == 0);
        CHECK(text(analysis) == text(report(before, {"imd_quintile"}, 1, true)));
    }
}
