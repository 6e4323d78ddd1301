// Rule conditions run as flattened jumps (engine/compile/flatten.cpp) must
// decide exactly as the tree interpreter does. Every policy of the library in
// policies/ and a fixture of awkward leaves are decided on random facts, some
// unknown and many on a boundary, once with the steps and once with the same
// program with the steps switched off; outcome, route, deciding rule, reasons,
// missing facts and outputs must be identical, and the outcome-only path
// (verdict) must give decide()'s outcome and route.
#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <set>

#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "library_fixture.h"

using namespace cpe;

namespace {

constexpr int kDay = 20605;  // 2026-06-01

// The program with every rule evaluated as a tree.
Program withoutSteps(const Program& p) {
    Program tree = p;
    for (CompiledRule& r : tree.rules) r.entry = kNoSteps;
    return tree;
}

// Numbers worth trying: every constant the program compares with, and its neighbours.
std::vector<double> boundaries(const Program& p) {
    std::set<double> values{0, 1, 2, 3, 4, 5};
    for (const Node& n : p.nodes)
        for (double d : {-1.0, -0.5, 0.0, 0.5, 1.0}) values.insert(n.imm + d);
    for (double c : p.consts)
        for (double d : {-1.0, 0.0, 1.0}) values.insert(c + d);
    for (int back : {0, 1, 200, 364, 366, 800, 9000, 15000}) values.insert(kDay - back);
    return {values.begin(), values.end()};
}

struct Counts {
    size_t rules = 0, flattened = 0, cases = 0;
};

void compareWithTree(const Program& flat, uint32_t seed, size_t cases, Counts& counts) {
    Program tree = withoutSteps(flat);
    Evaluator a(flat), b(tree);
    FactValues f;
    f.prepare(flat);
    std::vector<double> numbers = boundaries(flat);
    std::vector<std::string> words{"other"};
    for (const auto& set : flat.textSets) words.insert(words.end(), set.begin(), set.end());
    for (const auto& set : flat.codeSets)
        for (const CodeRange& r : set) words.push_back(r.lo);
    std::mt19937 rng(seed);
    auto below = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    Decision da, db;
    for (size_t c = 0; c < cases; ++c) {
        f.clear();
        for (uint32_t s = 0; s < flat.slots.size(); ++s) {
            if (below(4) == 0) continue;  // a quarter of the facts unknown
            const FactInfo& fact = *flat.slots[s];
            switch (flat.slotKinds[s]) {
                case SlotKind::Bool: f.set(s, static_cast<double>(below(2))); break;
                case SlotKind::Number:
                    if (fact.type.kind == TypeKind::Enum)
                        f.set(s, static_cast<double>(below(fact.type.enumInfo->members.size())));
                    else f.set(s, numbers[below(numbers.size())]);
                    break;
                case SlotKind::Text:
                    f.text[s] = words[below(words.size())];
                    f.known[s] = 1;
                    break;
                case SlotKind::List:
                    f.lists[s].clear();
                    for (size_t i = below(3); i > 0; --i) f.lists[s].push_back(words[below(words.size())]);
                    f.known[s] = 1;
                    break;
            }
        }
        FactView view = FactView::of(f);
        Evaluator::Verdict va = a.verdict(view, kDay), vb = b.verdict(view, kDay);
        REQUIRE(va.outcome == vb.outcome);
        REQUIRE(va.route == vb.route);
        REQUIRE(va.decidingRule == vb.decidingRule);
        a.decide(view, kDay, da);
        b.decide(view, kDay, db);
        // verdict(), the outcome-only path, refines on its own: the same answer as decide().
        REQUIRE(va.outcome == da.outcome);
        REQUIRE(va.route == da.route);
        REQUIRE(da.outcome == db.outcome);
        REQUIRE(da.missingFacts == db.missingFacts);
        REQUIRE(da.reasons.size() == db.reasons.size());
        for (size_t i = 0; i < da.reasons.size(); ++i) {
            CHECK(da.reasons[i].criterion == db.reasons[i].criterion);
            CHECK(da.reasons[i].result == db.reasons[i].result);
        }
        REQUIRE(da.outputs.size() == db.outputs.size());
        for (size_t i = 0; i < da.outputs.size(); ++i) {
            CHECK(da.outputs[i].known == db.outputs[i].known);
            CHECK(da.outputs[i].number == db.outputs[i].number);
        }
    }
    counts.cases += cases;
    for (const CompiledRule& r : flat.rules) {
        counts.rules += r.when >= 0;
        counts.flattened += r.when >= 0 && r.entry != kNoSteps;
    }
}

// Leaves the steps decide themselves, each next to the unknowns that make them awkward.
const char* kAwkward = R"(module aw {
    type level = levels (no < low < moderate < high < severe)
    fact d1: level "D1"
    fact d2: level up to high "D2"
    fact d3: level except moderate "D3"
    fact d4: level "D4"
    fact n: integer in 0..10 "N"
    fact x: decimal "X"
    fact p: boolean "P"
    fact q: boolean "Q"
    group ds = (d1, d2, d3, d4)
}
policy aw.leaves {
    title "Awkward leaves"
    version "1"
    effective 2026-01-01
    use aw
    value highs "Domains at high" = count of ds where it is high
    value moderates "Domains at moderate" = count of ds where it is moderate
    criterion c1 "Two high" = highs >= 2
    criterion c2 "Not exactly one moderate" = moderates != 1
    criterion c3 "Fewer than 2 moderate" = moderates < 2
    criterion c4 "D2 is severe" = d2 is severe
    criterion c5 "D3 is not moderate" = d3 is not moderate
    criterion c6 "N small" = n <= 3 or n > 12 or n < -1
    criterion c7 "X in range" = x between 2.5 and 4
    criterion c8 "N between" = n between 0 and 10
    criterion c9 "D1 at least high" = d1 >= high and not (d4 < low)
    decide {
        exempt when p and not q
        eligible when any of (all of (c1, any of (c4, not c5)), all of (c6, not c7, any of (c2, c3)))
        review route panel when at least 2 of (c8, c9, q) or any of (c4, c5, true)
        otherwise not_eligible
    }
}
)";

}  // namespace

TEST_CASE("flattened rule conditions decide exactly as the tree does, on every policy in policies/") {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto lib = PolicyLibrary::load({std::string(CPE_SOURCE_DIR) + "/policies"}, diags, sources);
    REQUIRE_MESSAGE(lib, diags.render(*sources));
    Counts counts;
    uint32_t seed = 1;
    for (const std::string& id : lib->policyIds())
        for (const CompiledPolicy* p : lib->versions(id)) compareWithTree(p->program, seed++, 300, counts);
    // Not vacuous: most conditions run as steps.
    CHECK(counts.rules > 20);
    CHECK(counts.flattened * 10 >= counts.rules * 9);
    MESSAGE(counts.flattened << " of " << counts.rules << " rule conditions flattened, " << counts.cases << " cases");
}

TEST_CASE("flattened leaves: counts, restricted levels, ranges, negations and constants agree with the tree") {
    auto b = testing::build({{"aw.cpl", kAwkward}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const CompiledPolicy* p = b.library->find("aw.leaves", kDay);
    REQUIRE(p);
    Counts counts;
    compareWithTree(p->program, 7, 20000, counts);
    CHECK(counts.flattened == counts.rules);
    // The count, level and range leaves are decided by the steps themselves; only `at least` is a call.
    size_t calls = 0;
    for (const Step& s : p->program.steps) calls += s.kind == Step::Kind::Call;
    CHECK(calls >= 1);
    CHECK(calls <= 2);
}

TEST_CASE("a condition too big to flatten stays a tree and still decides by Kleene logic") {
    // all of (any of (all of (any of (...)))), four deep, four wide, over 256
    // distinct facts: flattening doubles each later branch for every
    // enclosing unknown, past the step limit.
    constexpr int kWide = 4, kDeep = 4, kFacts = 256;
    std::string facts;
    for (int f = 0; f < kFacts; ++f) facts += "    fact f" + std::to_string(f) + ": boolean \"F\"\n";
    int next = 0;
    std::function<std::string(int)> tree = [&](int depth) -> std::string {
        if (depth == kDeep) return "f" + std::to_string(next++);
        std::string s = depth % 2 == 0 ? "all of (" : "any of (";
        for (int i = 0; i < kWide; ++i) s += (i ? ", " : "") + tree(depth + 1);
        return s + ")";
    };
    std::string text = "policy big.tree {\n    title \"Big\"\n    version \"1\"\n    effective 2026-01-01\n" + facts +
                       "    decide {\n        eligible when " + tree(0) + "\n        otherwise not_eligible\n    }\n}\n";
    auto b = testing::build({{"big.cpl", text}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const CompiledPolicy* p = b.library->find("big.tree", kDay);
    REQUIRE(p);
    const Program& program = p->program;
    CHECK(program.rules[0].entry == kNoSteps);
    CHECK(program.steps.empty());

    // Reference Kleene logic over the same shape: 0 false, 1 true, 2 unknown.
    std::vector<int> value(kFacts);
    std::function<int(int, int&)> kleene = [&](int depth, int& leaf) -> int {
        if (depth == kDeep) return value[static_cast<size_t>(leaf++)];
        bool all = depth % 2 == 0, unknown = false, decided = false;
        for (int i = 0; i < kWide; ++i) {
            int v = kleene(depth + 1, leaf);
            decided |= v == (all ? 0 : 1);
            unknown |= v == 2;
        }
        return decided ? (all ? 0 : 1) : unknown ? 2 : (all ? 1 : 0);
    };
    std::vector<uint32_t> slot(kFacts);
    for (uint32_t s = 0; s < program.slots.size(); ++s) slot[std::stoul(program.slots[s]->name.substr(1))] = s;
    FactValues values;
    values.prepare(program);
    Evaluator ev(program);
    std::mt19937 rng(3);
    int seen[3] = {0, 0, 0};
    for (int c = 0; c < 3000; ++c) {
        // A different share of true facts per case, so that all three results come up.
        unsigned trueIn16 = 2 + static_cast<unsigned>(c) % 13;
        for (size_t f = 0; f < kFacts; ++f) {
            unsigned r = rng() % 16;
            value[f] = r == 15 ? 2 : r < trueIn16 ? 1 : 0;
            if (value[f] == 2) values.known[slot[f]] = 0;
            else values.set(slot[f], value[f]);
        }
        int leaf = 0;
        int expected = kleene(0, leaf);
        ++seen[expected];
        Outcome want = expected == 1 ? Outcome::Eligible : expected == 0 ? Outcome::NotEligible : Outcome::Undetermined;
        REQUIRE(ev.verdict(FactView::of(values), kDay).outcome == want);
    }
    CHECK(seen[0] > 0);
    CHECK(seen[1] > 0);
    CHECK(seen[2] > 0);
}
