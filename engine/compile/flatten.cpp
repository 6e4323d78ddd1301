// Rule conditions -> short-circuit jump steps (Program::steps).
//
// A condition tree of `all of` / `any of` / `not` over leaves becomes a graph
// of leaf tests: target(node, T, F, U) emits the steps that evaluate `node`
// and continue at T, F or U according to its three-valued result. Kleene
// logic needs to know whether an earlier kid of `all of` / `any of` was
// unknown (then the end result is unknown rather than true / false), so the
// rest of the kids are emitted twice: once for "no unknown yet" and once for
// "an unknown seen". Identical (node, T, F, U) requests share their steps, and
// a condition that would need more than kMaxSteps falls back to the tree.
//
// Leaves the steps decide themselves: a fact against a constant (an unknown
// fact's result is worked out here from its declaration, as the evaluator
// would), a boolean fact, `between` constants, and a count of a group at one
// level against a constant. Any other leaf is a call into the tree evaluator.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "engine/compile/fact_range.h"
#include "engine/compile/program.h"
#include "engine/decision/decision.h"

namespace cpe {
namespace {

constexpr size_t kMaxSteps = 512;  // per rule; deep trees with many unknown paths stay trees
constexpr double kInf = std::numeric_limits<double>::infinity();

uint32_t done(Tri t) { return kStepDone | static_cast<uint32_t>(t); }

// `value <cmp> c` as "value in [lo, hi]"; `!=` is `==` with its true and false swapped.
struct Truth {
    double lo, hi;
    bool swapped;
};
Truth truthOf(CompareOp cmp, double c) {
    switch (cmp) {
        case CompareOp::Lt: return {-kInf, std::nextafter(c, -kInf), false};
        case CompareOp::Le: return {-kInf, c, false};
        case CompareOp::Gt: return {std::nextafter(c, kInf), kInf, false};
        case CompareOp::Ge: return {c, kInf, false};
        case CompareOp::Eq: return {c, c, false};
        case CompareOp::Ne: return {c, c, true};
    }
    return {c, c, false};
}

// An interval of possible values against [lo, hi]: inside, outside or across.
Tri inside(double vlo, double vhi, double lo, double hi) {
    if (vlo >= lo && vhi <= hi) return Tri::True;
    if (vhi < lo || vlo > hi) return Tri::False;
    return Tri::Unknown;
}

Tri swap(Tri t) { return t == Tri::True ? Tri::False : t == Tri::False ? Tri::True : t; }

int32_t clampCount(double v) { return static_cast<int32_t>(std::clamp(v, -1.0, 512.0)); }

class Flattener {
public:
    explicit Flattener(Program& p) : p_(p) {}

    void rule(CompiledRule& r) {
        if (r.when < 0) return;
        size_t start = p_.steps.size();
        memo_.clear();
        overflow_ = false;
        start_ = start;
        uint32_t entry = target(static_cast<uint32_t>(r.when), done(Tri::True), done(Tri::False), done(Tri::Unknown));
        if (overflow_) {
            p_.steps.resize(start);
            return;
        }
        r.entry = entry;
    }

private:
    Program& p_;
    std::map<std::array<uint32_t, 4>, uint32_t> memo_;
    bool overflow_ = false;
    size_t start_ = 0;

    // The steps that evaluate `node` and go on to t, f or u by its result.
    uint32_t target(uint32_t node, uint32_t t, uint32_t f, uint32_t u) {
        if (overflow_) return t;
        std::array<uint32_t, 4> key{node, t, f, u};
        if (auto it = memo_.find(key); it != memo_.end()) return it->second;
        uint32_t result = build(node, t, f, u);
        memo_[key] = result;
        return result;
    }

    uint32_t build(uint32_t node, uint32_t t, uint32_t f, uint32_t u) {
        const Node& n = p_.nodes[node];
        const uint32_t* k = p_.kidsOf(n);
        switch (n.op) {
            case Op::BCriterion: return target(k[0], t, f, u);
            case Op::BNot: return target(k[0], f, t, u);
            case Op::BConst: return n.imm != 0 ? t : f;
            case Op::BAnd:
            case Op::BOr: {
                // From the last kid back: `clean` continues after kid i when no
                // kid so far was unknown, `seen` when one was.
                const bool all = n.op == Op::BAnd;
                uint32_t clean = all ? t : f, seen = u;
                for (size_t i = n.nkids; i-- > 0;) {
                    uint32_t c = all ? target(k[i], clean, f, seen) : target(k[i], t, clean, seen);
                    uint32_t s = i == 0 ? c : all ? target(k[i], seen, f, seen) : target(k[i], t, seen, seen);
                    clean = c;
                    seen = s;
                }
                return clean;
            }
            case Op::BFact: {  // true when the value is not 0
                Step s{Step::Kind::Slot};
                s.a = n.a;
                return emit(s, {t, f, u});  // next[1] (value in [0, 0]) is false
            }
            case Op::BCmpSlotConst: {
                if (!std::isfinite(n.imm)) break;
                Truth truth = truthOf(static_cast<CompareOp>(n.cmp), n.imm);
                const FactInfo& fact = *p_.slots[n.a];
                // Exactly the evaluator's answer for this fact unknown.
                Tri unknown;
                if (!mayTake(fact, n.imm) &&
                    (static_cast<CompareOp>(n.cmp) == CompareOp::Eq || static_cast<CompareOp>(n.cmp) == CompareOp::Ne)) {
                    unknown = static_cast<CompareOp>(n.cmp) == CompareOp::Eq ? Tri::False : Tri::True;
                } else {
                    ValueRange r = possibleValues(fact);
                    unknown = inside(r.lo, r.hi, truth.lo, truth.hi);
                    if (truth.swapped) unknown = swap(unknown);
                }
                return slotStep(n.a, truth, t, f, pick(unknown, t, f, u));
            }
            case Op::BBetweenSlotConst: {
                double hi = p_.consts[n.b];
                if (!std::isfinite(n.imm) || !std::isfinite(hi)) break;
                ValueRange r = possibleValues(*p_.slots[n.a]);
                Truth truth{n.imm, hi, false};
                return slotStep(n.a, truth, t, f, pick(inside(r.lo, r.hi, n.imm, hi), t, f, u));
            }
            case Op::BCmpConst: {
                // `count of G where it is X <cmp> c`, read from G's level histogram.
                const Node& count = p_.nodes[k[0]];
                if (count.op != Op::NCountCmp || !count.b || !std::isfinite(n.imm)) break;
                const Program::LevelHistogram& hist = p_.histograms[count.b - 1];
                if (!hist.packed || count.imm < 0 || count.imm >= hist.levels || count.imm != std::floor(count.imm)) break;
                Truth truth = truthOf(static_cast<CompareOp>(n.cmp), n.imm);
                Step s{Step::Kind::Level};
                s.a = count.b - 1;
                s.shift = static_cast<uint8_t>(8 * static_cast<uint32_t>(count.imm));
                // Counts are whole numbers: x >= lo is x >= ceil(lo), x <= hi is x <= floor(hi).
                s.ilo = clampCount(std::ceil(truth.lo));
                s.ihi = clampCount(std::floor(truth.hi));
                return truth.swapped ? emit(s, {t, f, u}) : emit(s, {f, t, u});
            }
            default: break;
        }
        Step s{Step::Kind::Call};
        s.a = node;
        return emit(s, {f, t, u});
    }

    static uint32_t pick(Tri r, uint32_t t, uint32_t f, uint32_t u) { return r == Tri::True ? t : r == Tri::False ? f : u; }

    uint32_t slotStep(uint32_t slot, const Truth& truth, uint32_t t, uint32_t f, uint32_t ifUnknown) {
        Step s{Step::Kind::Slot};
        s.a = slot;
        s.lo = truth.lo;
        s.hi = truth.hi;
        return truth.swapped ? emit(s, {t, f, ifUnknown}) : emit(s, {f, t, ifUnknown});
    }

    uint32_t emit(Step s, std::array<uint32_t, 3> next) {
        if (p_.steps.size() - start_ >= kMaxSteps) {
            overflow_ = true;
            return done(Tri::Unknown);
        }
        for (size_t i = 0; i < 3; ++i) s.next[i] = next[i];
        p_.steps.push_back(s);
        return static_cast<uint32_t>(p_.steps.size() - 1);
    }
};

}  // namespace

void flattenRules(Program& p) {
    Flattener flattener(p);
    for (CompiledRule& r : p.rules) flattener.rule(r);
}

}  // namespace cpe
