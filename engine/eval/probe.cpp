// Evaluator::probe: what one case reads at each comparison with constants,
// for threshold coverage (engine/library/coverage.cpp). It walks every node
// once per case, which is fine for a library's tests and never on the hot
// path; the decision itself still comes from verdict().
#include <algorithm>

#include "engine/eval/evaluator.h"

namespace cpe {
namespace {

// Nodes that mean something only for one member of a `count of` (they read
// `it`): they cannot be read outside the count.
std::vector<uint8_t> insideCounts(const Program& p) {
    std::vector<uint8_t> inside(p.nodes.size(), 0);
    std::vector<uint32_t> stack;
    for (const Node& n : p.nodes)
        if (n.op == Op::NCount && n.nkids > 0) stack.push_back(p.kidsOf(n)[0]);
    while (!stack.empty()) {
        uint32_t i = stack.back();
        stack.pop_back();
        if (inside[i]) continue;
        inside[i] = 1;
        const Node& n = p.nodes[i];
        if (n.op == Op::NCountCmp) continue;  // its kids are slots, not nodes
        for (uint16_t k = 0; k < n.nkids; ++k) stack.push_back(p.kidsOf(n)[k]);
    }
    return inside;
}

std::optional<double> constantOf(const Program& p, uint32_t node) {
    const Node& n = p.nodes[node];
    if (n.op == Op::NConst) return n.imm;
    return std::nullopt;
}

}  // namespace

void Evaluator::probe(const FactView& facts, int asOfDay, Probe& out) {
    out.readings.clear();
    Verdict decided = verdict(facts, asOfDay);
    out.decidingRule = decided.decidingRule;
    f_ = facts;
    asOf_ = asOfDay;
    nextGeneration();
    // Outputs read `outcome`: the one decided, as decide() gives them.
    outcome_ = decided.outcome == Outcome::Undetermined ? -1 : static_cast<double>(decided.outcome);
    const std::vector<uint8_t> inside = insideCounts(p_);
    auto point = [](Interval v) { return v.lo == v.hi; };
    for (uint32_t i = 0; i < p_.nodes.size(); ++i) {
        if (inside[i]) continue;
        const Node& n = p_.nodes[i];
        const uint32_t* k = p_.kidsOf(n);
        Reading r{i, false, 0, {0, 0}, 1, static_cast<CompareOp>(n.cmp)};
        if (n.op == Op::BCmpSlotConst && n.a == kOutcomeSlot) continue;
        auto readSlot = [&](uint32_t slot) {
            r.known = f_.known[slot] != 0;
            r.value = f_.num[slot];
        };
        auto readNode = [&](uint32_t node) {
            Interval v = num_<false>(node);
            r.known = point(v);
            r.value = v.lo;
        };
        switch (n.op) {
            case Op::BCmpSlotConst:
                readSlot(n.a);
                r.edges[0] = n.imm;
                break;
            case Op::BCmpConst:
                readNode(k[0]);
                r.edges[0] = n.imm;
                break;
            case Op::BCmp: {
                auto right = constantOf(p_, k[1]), left = constantOf(p_, k[0]);
                if (right == left) continue;  // both or neither constant: no threshold
                readNode(right ? k[0] : k[1]);
                r.edges[0] = right ? *right : *left;
                if (!right) r.cmp = flip(r.cmp);
                break;
            }
            case Op::BBetweenSlotConst:
                readSlot(n.a);
                r.edges[0] = n.imm;
                r.edges[1] = p_.consts[n.b];
                r.edgeCount = 2;
                r.cmp = CompareOp::Ge;
                break;
            case Op::BBetween: {
                auto lo = constantOf(p_, k[1]), hi = constantOf(p_, k[2]);
                if (!lo || !hi) continue;
                readNode(k[0]);
                r.edges[0] = *lo;
                r.edges[1] = *hi;
                r.edgeCount = 2;
                r.cmp = CompareOp::Ge;
                break;
            }
            case Op::BWithin: {
                Interval amount = num_<false>(k[1]);
                if (!point(amount)) continue;
                readNode(k[0]);
                r.edges[0] = earliestDay(n.b, static_cast<int>(amount.lo));
                r.cmp = CompareOp::Ge;
                break;
            }
            default: continue;
        }
        out.readings.push_back(r);
    }
    out.criteria.assign(p_.criteria.size(), kNotRead);
    for (uint32_t i = 0; i < p_.nodes.size(); ++i) {
        const Node& n = p_.nodes[i];
        if (n.criterion == 0 || inside[i]) continue;
        Tri t = n.op == Op::BCriterion ? bool_<false>(p_.kidsOf(n)[0]) : bool_<false>(i);
        out.criteria[n.criterion - 1] = static_cast<uint8_t>(t);
    }
    outcome_ = -1;
}

}  // namespace cpe
