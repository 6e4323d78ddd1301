// Compile stage: facts become slots in reading order, named criteria and
// values compile once, and counts over one enum group share one histogram.
#include <doctest/doctest.h>

#include "engine/compile/program.h"
#include "library_fixture.h"

using namespace cpe;

TEST_CASE("slots follow the order the policy reads its facts; counts share a histogram") {
    auto b = testing::build({{"c.cpl", R"(policy c.p {
    title "Compile"
    version "1"
    effective 2026-01-01
    type level = enum (a, b, c)
    fact unused: boolean "Never read"
    fact d1: level "D1"
    fact d2: level "D2"
    fact first: boolean "Read first"
    group ds = (d1, d2)
    value a_count "At A" = count of ds where it is a
    value b_count "At B" = count of ds where it is b
    criterion two_a "Two A" = a_count >= 2
    criterion mixed "A and B" = all of (a_count >= 1, b_count >= 1)
    decide {
        eligible when first
        eligible when two_a
        eligible when mixed
        otherwise not_eligible
    }
}
)"}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const CompiledPolicy* policy = b.library->find("c.p", *parseDate("2026-06-01"));
    REQUIRE(policy);
    const Program& p = policy->program;
    std::vector<std::string> slots;
    for (const FactInfo* f : p.slots) slots.push_back(f->name);
    CHECK(slots == std::vector<std::string>{"first", "d1", "d2"});  // `unused` gets no slot
    CHECK(p.histograms.size() == 1);
    CHECK(p.histograms[0].levels == 3);
    CHECK(p.criteria.size() == 2);
    size_t counts = 0;
    for (const Node& n : p.nodes) counts += n.op == Op::NCountCmp;
    CHECK(counts == 2);  // a_count is compiled once, however often it is read

    auto decide = [&](const char* facts) {
        nlohmann::json f = nlohmann::json::parse(facts);
        return std::get<Decision>(b.library->decide({"c.p", &f, std::string("2026-06-01")}));
    };
    CHECK(decide(R"({"first": false, "d1": "a", "d2": "b"})").outcome == Outcome::Eligible);
    CHECK(decide(R"({"first": false, "d1": "c", "d2": "b"})").outcome == Outcome::NotEligible);
    Decision open = decide(R"({"first": false, "d1": "a"})");
    CHECK(open.outcome == Outcome::Undetermined);
    CHECK(open.missingFacts == std::vector<std::string_view>{"d2"});
}
