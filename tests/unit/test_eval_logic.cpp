// Evaluation stage: Kleene logic over every combination of true, false and
// unknown, checked against a reference written out here; missing facts are
// exactly the unknowns that could change the outcome; code matching.
#include <doctest/doctest.h>

#include <array>

#include "library_fixture.h"

using namespace cpe;

namespace {

enum class K { F, T, U };

const char* kLogic = R"(module k.facts {
    fact x: boolean "X"
    fact y: boolean "Y"
    fact z: boolean "Z"
}
policy k.logic {
    title "Kleene"
    version "1"
    effective 2026-01-01
    use k.facts
    criterion all3 "All" = all of (x, y, z)
    criterion any3 "Any" = any of (x, y, z)
    criterion two "Two" = at least 2 of (x, y, z)
    criterion notx "Not X" = not x
    decide {
        eligible when all3
        otherwise not_eligible
    }
}
policy k.either { title "Any" version "1" effective 2026-01-01 use k.facts decide { eligible when any of (x, y, z) otherwise not_eligible } }
policy k.two { title "Two" version "1" effective 2026-01-01 use k.facts decide { eligible when at least 2 of (x, y, z) otherwise not_eligible } }
policy k.negated { title "Not" version "1" effective 2026-01-01 use k.facts decide { eligible when not x otherwise not_eligible } }
)";

K kand(const std::array<K, 3>& v) {
    bool unknown = false;
    for (K k : v) {
        if (k == K::F) return K::F;
        unknown |= k == K::U;
    }
    return unknown ? K::U : K::T;
}
K kor(const std::array<K, 3>& v) {
    bool unknown = false;
    for (K k : v) {
        if (k == K::T) return K::T;
        unknown |= k == K::U;
    }
    return unknown ? K::U : K::F;
}
K katLeast2(const std::array<K, 3>& v) {
    int yes = 0, open = 0;
    for (K k : v) yes += k == K::T, open += k == K::U;
    return yes >= 2 ? K::T : yes + open >= 2 ? K::U : K::F;
}

Outcome expected(K k) { return k == K::T ? Outcome::Eligible : k == K::F ? Outcome::NotEligible : Outcome::Undetermined; }

Decision run(const PolicyLibrary& lib, const std::string& policy, const std::array<K, 3>& v) {
    nlohmann::json facts = nlohmann::json::object();
    const char* names[] = {"x", "y", "z"};
    for (int i = 0; i < 3; ++i)
        if (v[static_cast<size_t>(i)] != K::U) facts[names[i]] = v[static_cast<size_t>(i)] == K::T;
    DecideResult r = lib.decide({policy, &facts, std::string("2026-06-01")});
    REQUIRE(std::holds_alternative<Decision>(r));
    return std::get<Decision>(r);
}

}  // namespace

TEST_CASE("all of / any of / at least / not follow Kleene logic on all 27 combinations") {
    auto b = testing::build({{"k.cpl", kLogic}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const K values[] = {K::F, K::T, K::U};
    for (K x : values)
        for (K y : values)
            for (K z : values) {
                std::array<K, 3> v{x, y, z};
                CAPTURE(static_cast<int>(x));
                CAPTURE(static_cast<int>(y));
                CAPTURE(static_cast<int>(z));
                Decision all = run(*b.library, "k.logic", v);
                CHECK(all.outcome == expected(kand(v)));
                CHECK(run(*b.library, "k.either", v).outcome == expected(kor(v)));
                CHECK(run(*b.library, "k.two", v).outcome == expected(katLeast2(v)));
                K notx = x == K::U ? K::U : x == K::T ? K::F : K::T;
                CHECK(run(*b.library, "k.negated", v).outcome == expected(notx));
                // Undetermined: exactly the unknown facts are missing, in reading order.
                if (all.outcome == Outcome::Undetermined) {
                    std::vector<std::string_view> unknown;
                    if (x == K::U) unknown.push_back("x");
                    if (y == K::U) unknown.push_back("y");
                    if (z == K::U) unknown.push_back("z");
                    CHECK(all.missingFacts == unknown);
                } else {
                    CHECK(all.missingFacts.empty());
                }
            }
}

TEST_CASE("rules that disagree on unknown facts give undetermined; rules that agree decide") {
    auto b = testing::build({{"r.cpl", R"(policy r.p {
    title "Rules"
    version "1"
    effective 2026-01-01
    route prior approval
    fact cancer: boolean "Suspected cancer"
    fact ok: boolean "Criteria met"
    decide {
        exempt when cancer
        eligible when ok
        otherwise not_eligible
    }
}
policy r.q {
    title "Same route"
    version "1"
    effective 2026-01-01
    fact a: boolean "A"
    fact b: boolean "B"
    decide {
        eligible when a
        eligible when b
        otherwise eligible
    }
}
)"}});
    REQUIRE_MESSAGE(b.library, b.errors());
    auto decide = [&](const char* policy, const char* facts) {
        nlohmann::json f = nlohmann::json::parse(facts);
        return std::get<Decision>(b.library->decide({policy, &f, std::string("2026-06-01")}));
    };
    // Criteria met but cancer unknown: exempt (route none) and eligible (route
    // prior approval) differ in route, so the decision waits for `cancer`.
    Decision waits = decide("r.p", R"({"ok": true})");
    CHECK(waits.outcome == Outcome::Undetermined);
    CHECK(waits.missingFacts == std::vector<std::string_view>{"cancer"});
    Decision approval = decide("r.p", R"({"ok": true, "cancer": false})");
    CHECK(approval.outcome == Outcome::Eligible);
    CHECK(approval.route == Route::PriorApproval);
    Decision exempt = decide("r.p", R"({"cancer": true})");
    CHECK(exempt.outcome == Outcome::Eligible);
    CHECK(exempt.route == Route::None);
    // Every rule gives the same outcome and route: nothing needs to be known.
    Decision same = decide("r.q", "{}");
    CHECK(same.outcome == Outcome::Eligible);
    CHECK(same.missingFacts.empty());
}

TEST_CASE("code lists match by prefix and range, ignoring dots") {
    auto b = testing::build({{"c.cpl", R"(policy c.p {
    title "Codes"
    version "1"
    effective 2026-01-01
    fact diagnoses: list of icd10 "Diagnoses"
    codeset cancer "Cancer" = {C00-C97, D00-D09, D37-D48}
    criterion has_cancer "Cancer diagnosis" = diagnoses has cancer
    criterion tonsillitis "Tonsillitis" = diagnoses has {J03, J350}
    decide {
        review when has_cancer
        eligible when tonsillitis
        otherwise not_eligible
    }
}
)"}});
    REQUIRE_MESSAGE(b.library, b.errors());
    auto outcome = [&](const char* codes) {
        nlohmann::json f = {{"diagnoses", nlohmann::json::parse(codes)}};
        return std::get<Decision>(b.library->decide({"c.p", &f, std::string("2026-06-01")})).outcome;
    };
    CHECK(outcome(R"(["C50.9"])") == Outcome::Review);
    CHECK(outcome(R"(["C979"])") == Outcome::Review);
    CHECK(outcome(R"(["D48.1"])") == Outcome::Review);
    CHECK(outcome(R"(["D10", "J03.9"])") == Outcome::Eligible);  // D10 lies between the ranges
    CHECK(outcome(R"(["D49", "J039"])") == Outcome::Eligible);
    CHECK(outcome(R"(["J35.0"])") == Outcome::Eligible);
    CHECK(outcome(R"(["J35.1"])") == Outcome::NotEligible);  // J350 is a prefix; J351 is not under it
    CHECK(outcome(R"(["C98"])") == Outcome::NotEligible);
    CHECK(outcome("[]") == Outcome::NotEligible);
}
