// The boundary classes of each slot, for the evaluator's exact refinement
// (engine/eval/refine.cpp). See Program::slotClasses.
//
// A slot's classes are a finite set of values such that every value the fact
// may take behaves, in every node of the program, exactly like one of them:
// - a boolean: false and true; an enum or levels: every member the fact allows;
// - a number read only by comparisons with constants (`bmi >= 30`,
//   `bmi between 19 and 30`, `x in {1, 2}`, `count of G where it >= 2`): each
//   constant, a value strictly between each two neighbouring constants, and a
//   value beyond each end, inside the declared range. Two values that no
//   constant separates give the same result in every such comparison;
// - an integer with at most kMaxEnumeratedRange values read any other way
//   (arithmetic, `min`, comparisons with other facts): every value.
// - a date read only against constant days and by `within N months`: each
//   constant and each window's ends, the day before and the day after;
//   the windows end on the decision date, so these classes are worked out per
//   decision (Program::slotDates, refine.cpp).
// Any other slot (a date under `years_since`, a decimal in arithmetic, text, a
// code list) gets none: the refinement leaves it unknown, which is sound (the
// three-valued pass decides nothing a value of it could overturn) though not
// always exact.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/compile/fact_range.h"
#include "engine/compile/program.h"

namespace cpe {
namespace {

constexpr double kMaxEnumeratedRange = 64;

struct SlotUse {
    std::set<double> thresholds;
    std::set<std::pair<uint32_t, int>> windows;  // `within N units` (dates)
    bool general = false;                        // read some way other than against a constant
    std::set<uint32_t> directReads;              // nodes that read the slot itself
    std::set<uint32_t> countReads;               // count nodes that count it as a member
};

bool isConst(const Program& p, uint32_t node, double& value) {
    const Node& n = p.nodes[node];
    if (n.op == Op::NConst) {
        value = n.imm;
        return true;
    }
    if (n.op == Op::NNeg && p.nodes[p.kidsOf(n)[0]].op == Op::NConst) {
        value = -p.nodes[p.kidsOf(n)[0]].imm;
        return true;
    }
    return false;
}

// The slot a numeric leaf reads, when the node is just that fact.
bool factSlot(const Program& p, uint32_t node, uint32_t& slot) {
    const Node& n = p.nodes[node];
    if (n.op != Op::NFact || n.a == kOutcomeSlot) return false;
    slot = n.a;
    return true;
}

std::vector<SlotUse> collectUses(const Program& p) {
    std::vector<SlotUse> uses(p.slots.size());
    // Fact leaves reached through a parent that compares them with constants;
    // every other NFact is a general read.
    std::vector<uint32_t> comparedLeaf(p.nodes.size(), 0);
    for (uint32_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        const uint32_t* k = p.kidsOf(n);
        uint32_t slot = 0;
        double c = 0;
        switch (n.op) {
            case Op::BFact:
            case Op::BHasCodes:
            case Op::BHasText:
            case Op::TFact: uses[n.a].directReads.insert(i); break;
            case Op::BCmpSlotConst:
                uses[n.a].thresholds.insert(n.imm);
                uses[n.a].directReads.insert(i);
                break;
            case Op::BBetweenSlotConst:
                uses[n.a].thresholds.insert(n.imm);
                uses[n.a].thresholds.insert(p.consts[n.b]);
                uses[n.a].directReads.insert(i);
                break;
            case Op::BCmpConst:
                if (factSlot(p, k[0], slot)) {
                    uses[slot].thresholds.insert(n.imm);
                    ++comparedLeaf[k[0]];
                }
                break;
            case Op::BCmp:
                for (int side = 0; side < 2; ++side)
                    if (factSlot(p, k[side], slot) && isConst(p, k[1 - side], c)) {
                        uses[slot].thresholds.insert(c);
                        ++comparedLeaf[k[side]];
                    }
                break;
            case Op::BInNum:
                if (factSlot(p, k[0], slot)) {
                    for (double v : p.numSets[n.b]) uses[slot].thresholds.insert(v);
                    ++comparedLeaf[k[0]];
                }
                break;
            case Op::BBetween: {
                double lo = 0, hi = 0;
                if (factSlot(p, k[0], slot) && isConst(p, k[1], lo) && isConst(p, k[2], hi)) {
                    uses[slot].thresholds.insert(lo);
                    uses[slot].thresholds.insert(hi);
                    ++comparedLeaf[k[0]];
                }
                break;
            }
            case Op::BWithin: {
                double amount = 0;
                if (factSlot(p, k[0], slot) && isConst(p, k[1], amount)) {
                    uses[slot].windows.insert({n.b, static_cast<int>(amount)});
                    ++comparedLeaf[k[0]];
                }
                break;
            }
            case Op::NCountCmp:
                for (uint16_t m = 0; m < n.nkids; ++m) {
                    uses[k[m]].thresholds.insert(n.imm);
                    uses[k[m]].countReads.insert(i);
                }
                break;
            case Op::NCount:
                // kids[0] is the predicate over `it`; the members' own leaf nodes
                // belong to this count alone. A numeric member's values are
                // tested through the predicate, whose constants are not
                // gathered here: only finite kinds (booleans, enums) get classes.
                for (uint16_t m = 1; m < n.nkids; ++m) {
                    uint32_t member = p.nodes[k[m]].a;
                    uses[member].countReads.insert(i);
                    ++comparedLeaf[k[m]];
                    if (p.nodes[k[m]].op == Op::NFact) uses[member].general = true;
                }
                break;
            default: break;
        }
    }
    // A fact leaf is read only against constants when every reference to it
    // is one of those above (nodes can be shared, and an output or a rule may
    // be the leaf itself).
    std::vector<uint32_t> refs(p.nodes.size(), 0);
    for (const Node& n : p.nodes)
        for (uint16_t m = 0; m < n.nkids; ++m) ++refs[p.kidsOf(n)[m]];
    for (const CompiledOutput& o : p.outputs) ++refs[o.node];
    for (const CompiledRule& r : p.rules)
        if (r.when >= 0) ++refs[static_cast<uint32_t>(r.when)];
    for (uint32_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        if (n.op != Op::NFact || n.a == kOutcomeSlot) continue;
        uses[n.a].directReads.insert(i);
        if (comparedLeaf[i] < refs[i]) uses[n.a].general = true;
    }
    // Rule steps only re-test nodes above (flatten.cpp), so they add nothing.
    return uses;
}

std::vector<double> numberClasses(const FactInfo& fact, const SlotUse& use) {
    ValueRange r = possibleValues(fact);
    const bool integer = fact.type.kind == TypeKind::Int;
    if (use.general) {
        if (!integer || !std::isfinite(r.lo) || !std::isfinite(r.hi) || r.hi - r.lo + 1 > kMaxEnumeratedRange) return {};
        std::vector<double> all;
        for (double v = std::ceil(r.lo); v <= r.hi; ++v) all.push_back(v);
        return all;
    }
    std::set<double> points;
    auto add = [&](double v) {
        if (v >= r.lo && v <= r.hi && std::isfinite(v)) points.insert(v);
    };
    if (integer) {
        for (double t : use.thresholds) {
            for (double v : {std::floor(t) - 1, std::floor(t), std::ceil(t), std::ceil(t) + 1}) add(v);
        }
        add(std::ceil(r.lo));
        add(std::floor(r.hi));
        if (points.empty()) add(std::isfinite(r.lo) ? std::ceil(r.lo) : std::isfinite(r.hi) ? std::floor(r.hi) : 0);
        return {points.begin(), points.end()};
    }
    std::set<double> marks(use.thresholds.begin(), use.thresholds.end());
    for (double t : use.thresholds) add(t);
    if (std::isfinite(r.lo)) marks.insert(r.lo);
    if (std::isfinite(r.hi)) marks.insert(r.hi);
    std::vector<double> sorted(marks.begin(), marks.end());
    for (double m : sorted) add(m);
    for (size_t i = 1; i < sorted.size(); ++i) add((sorted[i - 1] + sorted[i]) / 2);
    if (!sorted.empty()) {
        add(sorted.front() - 1);
        add(sorted.back() + 1);
    } else {
        add(0);
    }
    return {points.begin(), points.end()};
}

}  // namespace

void computeSlotClasses(Program& p) {
    std::vector<SlotUse> uses = collectUses(p);
    p.slotClasses.assign(p.slots.size(), {});
    p.slotSymmetry.assign(p.slots.size(), 0);
    p.slotDates.assign(p.slots.size(), {});
    for (uint32_t s = 0; s < p.slots.size(); ++s) {
        const FactInfo& fact = *p.slots[s];
        std::vector<double>& classes = p.slotClasses[s];
        switch (p.slotKinds[s]) {
            case SlotKind::Bool: classes = {0, 1}; break;
            case SlotKind::Number:
                if (fact.type.kind == TypeKind::Enum) {
                    for (size_t m = 0; m < fact.type.enumInfo->members.size(); ++m)
                        if (mayTake(fact, static_cast<double>(m))) classes.push_back(static_cast<double>(m));
                } else if (fact.type.kind == TypeKind::Int || fact.type.kind == TypeKind::Dec) {
                    classes = numberClasses(fact, uses[s]);
                } else if (fact.type.kind == TypeKind::Date && !uses[s].general) {
                    Program::DateReads& d = p.slotDates[s];
                    d.classable = true;
                    d.thresholds.assign(uses[s].thresholds.begin(), uses[s].thresholds.end());
                    d.windows.assign(uses[s].windows.begin(), uses[s].windows.end());
                }
                break;
            default: break;  // text and lists: left unknown
        }
    }
    // Interchangeable slots: members read only by the same counts, with the
    // same classes. Swapping two of them changes no node's value, so the
    // refinement tries their values in non-decreasing order only.
    std::map<std::pair<std::set<uint32_t>, std::vector<double>>, uint32_t> groups;
    uint32_t next = 1;
    for (uint32_t s = 0; s < p.slots.size(); ++s) {
        const SlotUse& u = uses[s];
        if (u.countReads.empty() || !u.directReads.empty() || p.slotClasses[s].empty()) {
            p.slotSymmetry[s] = next++;
            continue;
        }
        auto [it, fresh] = groups.try_emplace({u.countReads, p.slotClasses[s]}, next);
        if (fresh) ++next;
        p.slotSymmetry[s] = it->second;
    }
}

}  // namespace cpe
