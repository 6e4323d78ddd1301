#include "engine/eval/evaluator.h"

#include "engine/compile/fact_range.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace cpe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Interval kAnything{-kInf, kInf};

Tri fromBool(bool b) { return b ? Tri::True : Tri::False; }

Tri compare(Interval a, Interval b, CompareOp cmp) {
    switch (cmp) {
        case CompareOp::Lt:
            if (a.hi < b.lo) return Tri::True;
            if (a.lo >= b.hi) return Tri::False;
            return Tri::Unknown;
        case CompareOp::Le:
            if (a.hi <= b.lo) return Tri::True;
            if (a.lo > b.hi) return Tri::False;
            return Tri::Unknown;
        case CompareOp::Gt: return compare(b, a, CompareOp::Lt);
        case CompareOp::Ge: return compare(b, a, CompareOp::Le);
        case CompareOp::Eq:
            if (a.point() && b.point()) return fromBool(a.lo == b.lo);
            if (a.hi < b.lo || b.hi < a.lo) return Tri::False;
            return Tri::Unknown;
        case CompareOp::Ne: {
            Tri eq = compare(a, b, CompareOp::Eq);
            return eq == Tri::Unknown ? eq : fromBool(eq == Tri::False);
        }
    }
    return Tri::Unknown;
}

// `v <op> n.imm` for a known v: the leaf of most criteria.
inline Tri compareConst(double v, const Node& n) { return fromBool(cpe::compare(static_cast<CompareOp>(n.cmp), v, n.imm)); }

Tri negate(Tri t) { return t == Tri::Unknown ? t : fromBool(t == Tri::False); }

// Interval product; 0 * inf counts as anything.
Interval multiply(Interval a, Interval b) {
    double c[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
    for (double v : c)
        if (std::isnan(v)) return kAnything;
    return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}

}  // namespace

// What an unknown numeric fact could be: its declared range, or any member of its enum.
Interval Evaluator::unknownRange(uint32_t slot) const {
    ValueRange r = possibleValues(*p_.slots[slot]);
    return {r.lo, r.hi};
}

// Whether an enum fact may take the member with this ordinal (numbers: always).
bool Evaluator::allows(uint32_t slot, double ordinal) const { return mayTake(*p_.slots[slot], ordinal); }

// The first day that is "within N units" of as_of. Calendar arithmetic is
// dear next to everything else here, so the last answer is kept.
int Evaluator::earliestDay(uint32_t unit, int amount) {
    if (withinKey_[0] == asOf_ && withinKey_[1] == static_cast<int>(unit) && withinKey_[2] == amount) return withinValue_;
    int earliest = unit == 0   ? asOf_ - amount
                   : unit == 1 ? asOf_ - 7 * amount
                   : unit == 2 ? subtractMonths(asOf_, amount)
                               : subtractMonths(asOf_, 12 * amount);
    withinKey_[0] = asOf_;
    withinKey_[1] = static_cast<int>(unit);
    withinKey_[2] = amount;
    withinValue_ = earliest;
    return earliest;
}

// `years_since` (unit 0), `months_since` (1), `days_since` (2) of a day, up to the decision date.
double Evaluator::elapsed(uint32_t unit, int from) const {
    return unit == 0 ? wholeYearsBetween(from, asOf_) : unit == 1 ? wholeMonthsBetween(from, asOf_) : asOf_ - from;
}

Evaluator::Evaluator(const Program& program)
    : p_(program), ruleResults_(program.rules.size(), Tri::Unknown), cacheGen_(program.valueCaches, 0),
      cacheValue_(program.valueCaches), histGen_(program.histograms.size(), 0), histLanes_(2 * program.histograms.size(), 0) {
    if (!program.histograms.empty()) histCounts_.resize(program.histograms.back().offset + 2 * program.histograms.back().levels);
    // For packed histograms: the levels each member may take, one byte lane each.
    slotLevelLanes_.assign(program.slots.size(), 0);
    for (const Program::LevelHistogram& h : program.histograms)
        if (h.packed)
            for (uint32_t slot : h.slots)
                for (uint32_t l = 0; l < h.levels; ++l)
                    if (allows(slot, l)) slotLevelLanes_[slot] |= std::uint64_t{1} << (8 * l);
    // The groups whose kids are groups too (memoised()).
    auto isGroup = [](Op op) {
        return op == Op::BAnd || op == Op::BOr || op == Op::BAtLeast || op == Op::BNot || op == Op::BCriterion;
    };
    groupOfGroups_.assign(program.nodes.size(), 0);
    for (size_t i = 0; i < program.nodes.size(); ++i) {
        const Node& n = program.nodes[i];
        if (!isGroup(n.op)) continue;
        const uint32_t* k = program.kidsOf(n);
        for (uint16_t j = 0; j < n.nkids; ++j) groupOfGroups_[i] |= isGroup(program.nodes[k[j]].op);
    }
    // What explain() can say beneath each node: 0 nothing (no criterion at or
    // beneath it), 2 a criterion's reason alone (added in place, without a
    // call), 1 more beneath.
    constexpr uint8_t kNotYet = 3;
    explains_.assign(program.nodes.size(), kNotYet);
    std::function<uint8_t(uint32_t)> explains = [&](uint32_t i) -> uint8_t {
        if (explains_[i] != kNotYet) return explains_[i];
        explains_[i] = 0;  // a cycle cannot occur; this only bounds the recursion
        const Node& n = program.nodes[i];
        bool below = false;  // a kid explain() would go on to
        const uint32_t* k = program.kidsOf(n);
        if (isGroup(n.op))
            for (uint16_t j = 0; j < n.nkids; ++j) below = explains(k[j]) != 0 || below;
        else if (n.op == Op::BIf) below = explains(k[1]) != 0 || explains(k[2]) != 0 || below;
        explains_[i] = below ? 1 : n.criterion ? 2 : 0;
        return explains_[i];
    };
    for (uint32_t i = 0; i < program.nodes.size(); ++i) explains(i);
    // What the refinement knows of the program's shape: worked out once per
    // compiled program (analyse(), called by the library), else here.
    if (program.analysed) {
        classOrder_ = &program.classOrder;
        kleeneExact_ = program.kleeneExact;
    } else {
        orderClasses();
        classOrder_ = &ownClassOrder_;
        kleeneExact_ = kleeneIsExact();
    }
}

void Evaluator::analyse(Program& program) {
    Evaluator ev(program);
    program.classOrder = std::move(ev.ownClassOrder_);
    program.kleeneExact = ev.kleeneExact_;
    program.analysed = true;
}

// How many members of a group are known to be at each level, and how many
// unknown members could be (`except` levels excluded), counted once per decision.
void Evaluator::fillLevelCounts(uint32_t h) {
    histGen_[h] = generation_;
    const Program::LevelHistogram& hist = p_.histograms[h];
    const uint32_t levels = hist.levels;
    if (hist.packed) {
        // One byte-lane counter per level in a register: repeated levels do
        // not wait on each other in memory, and nothing needs clearing.
        // (Pointers held locally: read through `this`, they are reloaded for every member.)
        std::uint64_t known = 0, open = 0;
        const uint8_t* isKnown = f_.known;
        const double* num = f_.num;
        const std::uint64_t* mayBe = slotLevelLanes_.data();
        for (uint32_t slot : hist.slots) {
            if (isKnown[slot]) {
                // Bound facts hold a member's ordinal; anything else counts nowhere.
                auto v = static_cast<uint32_t>(static_cast<int>(num[slot]));
                if (v < levels) known += std::uint64_t{1} << (8 * v);
            } else {
                open += mayBe[slot];
            }
        }
        histLanes_[2 * h] = known;
        histLanes_[2 * h + 1] = open;
        return;
    }
    int* counts = histCounts_.data() + hist.offset;
    std::fill(counts, counts + 2 * levels, 0);
    for (uint32_t slot : hist.slots) {
        if (f_.known[slot]) {
            auto v = static_cast<uint32_t>(static_cast<int>(f_.num[slot]));
            if (v < levels) ++counts[v];
        } else {
            for (uint32_t l = 0; l < levels; ++l) counts[levels + l] += allows(slot, l);
        }
    }
}

// The count of one level: known members at it, up to those that could be.
// The group's histogram is filled on the first count of a decision.
[[gnu::always_inline]] inline Interval Evaluator::levelCount(const Node& n) {
    const uint32_t h = n.b - 1;
    if (histGen_[h] != generation_) fillLevelCounts(h);
    const Program::LevelHistogram& hist = p_.histograms[h];
    if (n.imm < 0 || n.imm >= hist.levels) return {0, 0};
    auto level = static_cast<uint32_t>(n.imm);
    if (hist.packed) {
        auto yes = static_cast<double>((histLanes_[2 * h] >> (8 * level)) & 0xFF);
        auto open = static_cast<double>((histLanes_[2 * h + 1] >> (8 * level)) & 0xFF);
        return {yes, yes + open};
    }
    const int* counts = histCounts_.data() + hist.offset;
    return {static_cast<double>(counts[level]), static_cast<double>(counts[level] + counts[hist.levels + level])};
}

template <bool Memo>
Tri Evaluator::bool_(uint32_t index) {
    // Memoised only outside `count of`, where `it` changes what a node means.
    if constexpr (Memo) {
        if (countDepth_ == 0) {
            if (memo_[index] != kNotDone) return static_cast<Tri>(memo_[index]);
            Tri t = memoised(index);
            memo_[index] = static_cast<uint8_t>(t);
            return t;
        }
    }
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    switch (n.op) {
        case Op::BConst: return fromBool(n.imm != 0);
        case Op::BFact: return f_.known[n.a] ? fromBool(f_.num[n.a] != 0) : Tri::Unknown;
        case Op::BIt: return itBool_;
        case Op::BNot: return negate(bool_<Memo>(k[0]));
        case Op::BAnd:
        case Op::BOr: return allOrAny<Memo, 1>(n, k);
        case Op::BAtLeast: {
            int need = static_cast<int>(n.imm), yes = 0, open = 0;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = bool_<Memo>(k[i]);
                yes += t == Tri::True;
                open += t == Tri::Unknown;
                if (yes >= need) return Tri::True;
            }
            return yes + open >= need ? Tri::Unknown : Tri::False;
        }
        case Op::BCriterion: return bool_<Memo>(k[0]);
        case Op::BCmpConst: {
            Interval v;
            if (!cached(k[0], v)) v = num_<Memo>(k[0]);
            if (v.point()) return compareConst(v.lo, n);
            return compare(v, {n.imm, n.imm}, static_cast<CompareOp>(n.cmp));
        }
        case Op::BCmpSlotConst:
            if (f_.known[n.a]) return compareConst(f_.num[n.a], n);
            if (!allows(n.a, n.imm)) {
                if (static_cast<CompareOp>(n.cmp) == CompareOp::Eq) return Tri::False;
                if (static_cast<CompareOp>(n.cmp) == CompareOp::Ne) return Tri::True;
            }
            return compare(unknownRange(n.a), {n.imm, n.imm}, static_cast<CompareOp>(n.cmp));
        case Op::BBetweenSlotConst: {
            double hi = p_.consts[n.b];
            if (f_.known[n.a]) return fromBool(f_.num[n.a] >= n.imm && f_.num[n.a] <= hi);
            Interval r = unknownRange(n.a);
            if (r.hi < n.imm || r.lo > hi) return Tri::False;
            return r.lo >= n.imm && r.hi <= hi ? Tri::True : Tri::Unknown;
        }
        default: return boolRare_<Memo>(n, k);
    }
    return Tri::Unknown;
}

// A node's value for explain() and missing(), which ask for a node and then
// for each of its kids. A group of groups has its kids worked out memoised,
// every one (no stopping at the first that decides), so that a deep tree is
// not worked out again at each level; anything shallower is worked out
// afresh, which costs less than memoising its leaves (callgrind,
// BENCH_PROFILE=20t, instructions per decision: the checklist 4.7k -> 3.9k
// memoising every group, IVF 4.1k -> 4.6k, so IVF's criteria over one leaf
// are left out).
Tri Evaluator::memoised(uint32_t index) {
    if (!groupOfGroups_[index]) return bool_<false>(index);
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    switch (n.op) {
        case Op::BNot: return negate(memoKid(k[0]));
        case Op::BCriterion: return memoKid(k[0]);
        case Op::BAnd:
        case Op::BOr: {
            const Tri decides = n.op == Op::BAnd ? Tri::False : Tri::True;
            Tri result = n.op == Op::BAnd ? Tri::True : Tri::False;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = memoKid(k[i]);
                if (t == decides) result = t;
                else if (t == Tri::Unknown && result != decides) result = Tri::Unknown;
            }
            return result;
        }
        case Op::BAtLeast: {
            int need = static_cast<int>(n.imm), yes = 0, open = 0;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = memoKid(k[i]);
                yes += t == Tri::True;
                open += t == Tri::Unknown;
            }
            return yes >= need ? Tri::True : yes + open >= need ? Tri::Unknown : Tri::False;
        }
        default: return bool_<false>(index);
    }
}

// bool_<true>(kid) from memoised(), where countDepth_ is 0, without its checks
// and its call for the kids that are worked out afresh.
inline Tri Evaluator::memoKid(uint32_t kid) {
    if (memo_[kid] != kNotDone) return static_cast<Tri>(memo_[kid]);
    Tri t = groupOfGroups_[kid] ? memoised(kid) : bool_<false>(kid);
    memo_[kid] = static_cast<uint8_t>(t);
    return t;
}

// A rule's condition or a kid of `all of` / `any of`: quick leaves (most
// criteria) and shallow all of / any of over them are decided without a call.
template <bool Memo>
[[gnu::always_inline]] inline Tri Evaluator::leaf(uint32_t index) {
    Tri t;
    if (quick(index, t)) return t;
    const Node& n = p_.nodes[index];
    // Two levels further down (`any of (x, all of (y, z))`) are also done here.
    if (n.op == Op::BAnd || n.op == Op::BOr) return allOrAny<Memo, 1>(n, p_.kidsOf(n));
    return bool_<Memo>(index);
}

// `all of` / `any of`, stopping at the first kid that decides. Quick leaves
// are decided in place, and `Depth` more levels of all of / any of with them;
// anything else is a call.
template <bool Memo, int Depth>
[[gnu::always_inline]] inline Tri Evaluator::allOrAny(const Node& n, const uint32_t* k) {
    const Tri decides = n.op == Op::BAnd ? Tri::False : Tri::True;
    Tri result = n.op == Op::BAnd ? Tri::True : Tri::False;
    for (uint16_t i = 0; i < n.nkids; ++i) {
        Tri t;
        if (!quick(k[i], t)) {
            const Node& kid = p_.nodes[k[i]];
            if constexpr (Depth > 0) {
                t = kid.op == Op::BAnd || kid.op == Op::BOr ? allOrAny<Memo, Depth - 1>(kid, p_.kidsOf(kid)) : bool_<Memo>(k[i]);
            } else {
                t = bool_<Memo>(k[i]);
            }
        }
        if (t == decides) return t;
        if (t == Tri::Unknown) result = Tri::Unknown;
    }
    return result;
}

// A leaf decided without a call: a known fact against a constant, or a number
// already worked out against a constant. False when the node needs bool_.
[[gnu::always_inline]] inline bool Evaluator::quick(uint32_t index, Tri& out) {
    const Node& n = p_.nodes[index];
    if (n.op == Op::BCmpSlotConst && f_.known[n.a]) {
        out = compareConst(f_.num[n.a], n);
        return true;
    }
    Interval v;
    if (n.op == Op::BCmpConst && cached(p_.kidsOf(n)[0], v) && v.point()) {
        out = compareConst(v.lo, n);
        return true;
    }
    return false;
}

// A number this decision has already worked out (a named value), or a count
// read from its group's level histogram, read in place without a call.
[[gnu::always_inline]] inline bool Evaluator::cached(uint32_t index, Interval& out) {
    const Node& n = p_.nodes[index];
    if (n.op == Op::NValue) {
        if (countDepth_ != 0 || cacheGen_[n.b] != generation_) return false;
        out = cacheValue_[n.b];
        return true;
    }
    if (n.op == Op::NCountCmp && n.b) {
        out = levelCount(n);
        return true;
    }
    return false;
}

template <bool Memo>
Interval Evaluator::num_(uint32_t index) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    switch (n.op) {
        case Op::NConst: return {n.imm, n.imm};
        case Op::NFact: {
            if (n.a == kOutcomeSlot) return outcome_ < 0 ? kAnything : Interval{outcome_, outcome_};
            if (f_.known[n.a]) return {f_.num[n.a], f_.num[n.a]};
            return unknownRange(n.a);
        }
        case Op::NCountCmp: {
            if (n.b) {  // `it is X` over an enum group: read the group's level histogram
                return levelCount(n);
            }
            int yes = 0, open = 0;
            Interval c{n.imm, n.imm};
            auto cmp = static_cast<CompareOp>(n.cmp);
            for (uint16_t i = 0; i < n.nkids; ++i) {
                uint32_t slot = k[i];
                if (f_.known[slot]) {
                    if (cmp == CompareOp::Eq) {  // `it is X`, by far the commonest count
                        yes += f_.num[slot] == n.imm;
                        continue;
                    }
                    yes += compare({f_.num[slot], f_.num[slot]}, c, cmp) == Tri::True;
                } else if (cmp == CompareOp::Eq && !allows(slot, n.imm)) {
                    continue;  // an unknown that cannot take this level (`except severe`)
                } else {
                    Tri t = compare(unknownRange(slot), c, cmp);
                    yes += t == Tri::True;
                    open += t == Tri::Unknown;
                }
            }
            return {static_cast<double>(yes), static_cast<double>(yes + open)};
        }
        case Op::NValue: {
            if (countDepth_ > 0) return num_<Memo>(k[0]);
            if (cacheGen_[n.b] == generation_) return cacheValue_[n.b];
            Interval v = num_<Memo>(k[0]);
            cacheGen_[n.b] = generation_;
            cacheValue_[n.b] = v;
            return v;
        }
        default: return numRare_<Memo>(n, k);
    }
    return kAnything;
}

// The operators that policies use less often, kept out of bool_ and num_ so
// that those stay small: their prologues run on every node of every decision.
template <bool Memo>
[[gnu::noinline]] Tri Evaluator::boolRare_(const Node& n, const uint32_t* k) {
    switch (n.op) {
        case Op::BCmp: return compare(num_<Memo>(k[0]), num_<Memo>(k[1]), static_cast<CompareOp>(n.cmp));
        case Op::BBoolEq: {
            Tri a = bool_<Memo>(k[0]), b = bool_<Memo>(k[1]);
            if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
            bool eq = a == b;
            return fromBool(static_cast<CompareOp>(n.cmp) == CompareOp::Eq ? eq : !eq);
        }
        case Op::BTextEq: {
            const std::string* a = text(k[0]);
            const std::string* b = text(k[1]);
            if (!a || !b) return Tri::Unknown;
            bool eq = *a == *b;
            return fromBool(static_cast<CompareOp>(n.cmp) == CompareOp::Eq ? eq : !eq);
        }
        case Op::BInNum: {
            Interval v = num_<Memo>(k[0]);
            if (!v.point()) return Tri::Unknown;
            const auto& set = p_.numSets[n.b];
            bool in = std::find(set.begin(), set.end(), v.lo) != set.end();
            return fromBool(static_cast<CompareOp>(n.cmp) == CompareOp::Eq ? in : !in);
        }
        case Op::BInText: {
            const std::string* v = text(k[0]);
            if (!v) return Tri::Unknown;
            const auto& set = p_.textSets[n.b];
            bool in = std::find(set.begin(), set.end(), *v) != set.end();
            return fromBool(static_cast<CompareOp>(n.cmp) == CompareOp::Eq ? in : !in);
        }
        case Op::BBetween: {
            Interval v = num_<Memo>(k[0]);
            Tri lo = compare(num_<Memo>(k[1]), v, CompareOp::Le);
            if (lo == Tri::False) return Tri::False;
            Tri hi = compare(v, num_<Memo>(k[2]), CompareOp::Le);
            if (hi == Tri::False) return Tri::False;
            return lo == Tri::True && hi == Tri::True ? Tri::True : Tri::Unknown;
        }
        case Op::BWithin: {
            Interval date = num_<Memo>(k[0]);
            Interval amount = num_<Memo>(k[1]);
            if (!date.point() || !amount.point()) return Tri::Unknown;
            int a = static_cast<int>(amount.lo);
            int earliest = earliestDay(n.b, a);
            return fromBool(date.lo >= earliest && date.lo <= asOf_);
        }
        case Op::BHasCodes:
            if (!f_.known[n.a]) return Tri::Unknown;
            return fromBool(hasCodes(f_.lists[n.a], p_.codeSets[n.b]));
        case Op::BHasText: {
            if (!f_.known[n.a]) return Tri::Unknown;
            const auto& set = p_.textSets[n.b];
            for (const std::string& item : f_.lists[n.a]) {
                std::string_view v = item;
                if (n.c) v = v.substr(0, v.find(static_cast<char>(n.c)));
                if (std::find(set.begin(), set.end(), v) != set.end()) return Tri::True;
            }
            return Tri::False;
        }
        case Op::BIf: {
            Tri c = bool_<Memo>(k[0]);
            if (c == Tri::True) return bool_<Memo>(k[1]);
            if (c == Tri::False) return bool_<Memo>(k[2]);
            Tri a = bool_<Memo>(k[1]), b = bool_<Memo>(k[2]);
            return a == b ? a : Tri::Unknown;
        }
        case Op::BOutcomeIs: return outcome_ < 0 ? Tri::Unknown : fromBool(outcome_ == n.imm);
        default: break;
    }
    return Tri::Unknown;
}

template <bool Memo>
[[gnu::noinline]] Interval Evaluator::numRare_(const Node& n, const uint32_t* k) {
    switch (n.op) {
        case Op::NIt: return it_;
        case Op::NNeg: {
            Interval v = num_<Memo>(k[0]);
            return {-v.hi, -v.lo};
        }
        case Op::NArith: {
            Interval a = num_<Memo>(k[0]), b = num_<Memo>(k[1]);
            switch (n.cmp) {
                case '+': return {a.lo + b.lo, a.hi + b.hi};
                case '-': return {a.lo - b.hi, a.hi - b.lo};
                case '*': return multiply(a, b);
                case '/':
                    if (b.lo <= 0 && b.hi >= 0) return kAnything;  // includes division by zero
                    return multiply(a, {1 / b.hi, 1 / b.lo});
            }
            return kAnything;
        }
        case Op::NIf: {
            Tri c = bool_<Memo>(k[0]);
            if (c == Tri::True) return num_<Memo>(k[1]);
            if (c == Tri::False) return num_<Memo>(k[2]);
            Interval a = num_<Memo>(k[1]), b = num_<Memo>(k[2]);
            return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
        }
        case Op::NMin:
        case Op::NMax: {
            Interval r = num_<Memo>(k[0]);
            for (uint16_t i = 1; i < n.nkids; ++i) {
                Interval v = num_<Memo>(k[i]);
                r = n.op == Op::NMin ? Interval{std::min(r.lo, v.lo), std::min(r.hi, v.hi)}
                                     : Interval{std::max(r.lo, v.lo), std::max(r.hi, v.hi)};
            }
            return r;
        }
        case Op::NCount: {
            double yes = 0, open = 0;
            Interval savedIt = it_;
            Tri savedBool = itBool_;
            ++countDepth_;
            for (uint16_t i = 1; i < n.nkids; ++i) {
                const Node& member = p_.nodes[k[i]];
                if (member.op == Op::BFact) itBool_ = bool_<Memo>(k[i]);
                else it_ = num_<Memo>(k[i]);
                Tri t = bool_<Memo>(k[0]);
                yes += t == Tri::True;
                open += t == Tri::Unknown;
            }
            --countDepth_;
            it_ = savedIt;
            itBool_ = savedBool;
            return {yes, yes + open};
        }
        case Op::NSince: {
            Interval d = num_<Memo>(k[0]);
            if (!d.point()) return kAnything;
            double v = elapsed(n.b, static_cast<int>(d.lo));
            return {v, v};
        }
        default: break;
    }
    return kAnything;
}

const std::string* Evaluator::text(uint32_t index) {
    const Node& n = p_.nodes[index];
    if (n.op == Op::TConst) return &p_.texts[n.b];
    if (n.op == Op::TFact) return f_.known[n.a] ? &f_.text[n.a] : nullptr;
    return nullptr;
}

bool Evaluator::hasCodes(const std::vector<std::string>& list, const std::vector<CodeRange>& ranges) const {
    for (const std::string& code : list)
        for (const CodeRange& r : ranges)
            if (r.matches(code)) return true;
    return false;
}

// Rules are tried in order; the first that holds decides. A rule whose
// condition is unknown might hold, so its outcome stays possible: the case is
// decided only if every possible rule leads to the same outcome and route.
Evaluator::Verdict Evaluator::verdict(const FactView& facts, int asOfDay) {
    f_ = facts;
    asOf_ = asOfDay;
    Verdict v = run();
    if (v.decidingRule >= 0 || (kleeneExact_ && exact_)) return v;
    // Open: decided all the same if every completion of the unknown facts
    // gives one outcome and route (refine.cpp).
    Refined exact;
    if (refine(v, false, false, exact) && exact.decided) return {exact.outcome, exact.route, -1};
    return v;
}

// A rule's condition as flattened jumps (flatten.cpp): one leaf test per step.
// Each way out of a leaf is its own branch loading its own `next`, never an
// index computed from the test (`next[v >= lo && v <= hi]`): a predicted branch
// lets the processor start on the following step at once, while a computed
// index makes every step wait for the facts of the one before. Written that
// way, the checklist benchmark ran 14 M/s; as branches, 25 M/s.
Tri Evaluator::steps(uint32_t at) {
    const Step* all = p_.steps.data();
    while (!(at & kStepDone)) {
        const Step& s = all[at];
        switch (s.kind) {
            case Step::Kind::Slot:
                if (!f_.known[s.a]) {
                    at = s.next[2];
                } else if (f_.num[s.a] >= s.lo && f_.num[s.a] <= s.hi) {
                    at = s.next[1];
                } else {
                    at = s.next[0];
                }
                break;
            case Step::Kind::Level: {
                if (histGen_[s.a] != generation_) fillLevelCounts(s.a);
                auto yes = static_cast<int32_t>((histLanes_[2 * s.a] >> s.shift) & 0xFF);
                auto most = yes + static_cast<int32_t>((histLanes_[2 * s.a + 1] >> s.shift) & 0xFF);
                if (yes >= s.ilo && most <= s.ihi) at = s.next[1];
                else if (most < s.ilo || yes > s.ihi) at = s.next[0];
                else at = s.next[2];
                break;
            }
            case Step::Kind::Call: at = s.next[static_cast<uint8_t>(bool_<false>(s.a))]; break;
        }
    }
    return static_cast<Tri>(at & ~kStepDone);
}

// Forgets the named values and level counts cached for the facts as they were.
void Evaluator::nextGeneration() {
    if (++generation_ == 0) {  // wrapped: forget every stamp
        std::fill(cacheGen_.begin(), cacheGen_.end(), 0);
        std::fill(histGen_.begin(), histGen_.end(), 0);
        generation_ = 1;
    }
}

Evaluator::Verdict Evaluator::run() {
    nextGeneration();
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    bool any = false, conflict = false;
    int deciding = -1;
    const size_t rules = p_.rules.size();
    size_t i = 0;
    for (; i < rules; ++i) {
        const CompiledRule& r = p_.rules[i];
        Tri t = r.when < 0 ? Tri::True : r.entry != kNoSteps ? steps(r.entry) : leaf<false>(static_cast<uint32_t>(r.when));
        ruleResults_[i] = t;
        if (t == Tri::False) continue;
        if (!any) {
            outcome = r.outcome;
            route = r.route;
            any = true;
        } else if (r.outcome != outcome || r.route != route) {
            conflict = true;
        }
        if (t == Tri::True) {
            deciding = static_cast<int>(i++);
            break;
        }
    }
    rulesRun_ = i;
    if (conflict || deciding < 0) return {Outcome::Undetermined, Route::None, -1};
    return {outcome, route, deciding};
}

// A node's criterion (if it carries one) as a reason, once per decision.
[[gnu::always_inline]] inline void Evaluator::addReason(const Node& n, Tri result, std::vector<Reason>& out) {
    if (!n.criterion || seenCriteria_[n.criterion - 1]) return;
    seenCriteria_[n.criterion - 1] = 1;
    const CompiledCriterion& c = p_.criteria[n.criterion - 1];
    out.push_back({c.id, c.text, result, c.at, c.jsonHead, c.jsonTail});
}

void Evaluator::explain(uint32_t index, std::vector<Reason>& out) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    Tri result = bool_<true>(index);
    addReason(n, result, out);
    // Only kids with a criterion at or beneath them can add a reason
    // (explains_), so the others are not worked out, and a criterion with
    // nothing beneath it has its reason added here, without a call (callgrind,
    // with reasons at 20% unknown, 20,000 decisions: the checklist 203 M
    // instructions -> 189 M, IVF 128 M -> 117 M).
    switch (n.op) {
        case Op::BCriterion:
        case Op::BNot:
            if (explains_[k[0]]) explain(k[0], out);
            return;
        case Op::BAnd:
        case Op::BOr:
        case Op::BAtLeast:
            // The children that agree with the result are the ones that made it.
            for (uint16_t i = 0; i < n.nkids; ++i) {
                if (!explains_[k[i]] || bool_<true>(k[i]) != result) continue;
                if (explains_[k[i]] == 2) addReason(p_.nodes[k[i]], result, out);  // a criterion alone, without the call
                else explain(k[i], out);
            }
            return;
        case Op::BIf: {
            Tri c = bool_<true>(k[0]);
            if (c != Tri::False && explains_[k[1]]) explain(k[1], out);
            if (c != Tri::True && explains_[k[2]]) explain(k[2], out);
            return;
        }
        default: return;
    }
}

void Evaluator::missing(uint32_t index) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    if (bool_<true>(index) != Tri::Unknown) return;
    switch (n.op) {
        case Op::BFact:
        case Op::BHasCodes:
        case Op::BHasText:
        case Op::BCmpSlotConst:
        case Op::BBetweenSlotConst: missingSlots_[n.a] = 1; return;
        case Op::BIt: return;
        case Op::BNot:
        case Op::BCriterion: missing(k[0]); return;
        case Op::BAnd:
        case Op::BOr:
        case Op::BAtLeast:
        case Op::BBoolEq:
            for (uint16_t i = 0; i < n.nkids; ++i) missing(k[i]);
            return;
        case Op::BIf:
            missing(k[0]);
            if (bool_<true>(k[0]) != Tri::False) missing(k[1]);
            if (bool_<true>(k[0]) != Tri::True) missing(k[2]);
            return;
        case Op::BTextEq:
        case Op::BInText:
            for (uint16_t i = 0; i < n.nkids; ++i)
                if (p_.nodes[k[i]].op == Op::TFact && !f_.known[p_.nodes[k[i]].a]) missingSlots_[p_.nodes[k[i]].a] = 1;
            return;
        default:
            for (uint16_t i = 0; i < n.nkids; ++i) missingNumber(k[i]);
            return;
    }
}

void Evaluator::missingNumber(uint32_t index) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    if (n.op == Op::BFact || n.op == Op::BNot || n.op == Op::BAnd || n.op == Op::BOr || n.op == Op::BCriterion ||
        n.op == Op::BAtLeast || n.op == Op::BCmp || n.op == Op::BIf) {
        missing(index);
        return;
    }
    switch (n.op) {
        case Op::NFact:
            if (n.a != kOutcomeSlot && !f_.known[n.a]) missingSlots_[n.a] = 1;
            return;
        case Op::NCountCmp:
            // An unknown member that cannot take the level (`up to high`) cannot change the count.
            for (uint16_t i = 0; i < n.nkids; ++i)
                if (!f_.known[k[i]] && (static_cast<CompareOp>(n.cmp) != CompareOp::Eq || allows(k[i], n.imm)))
                    missingSlots_[k[i]] = 1;
            return;
        case Op::NCount: {
            for (uint16_t i = 1; i < n.nkids; ++i) {
                const Node& member = p_.nodes[k[i]];
                if (!f_.known[member.a]) missingSlots_[member.a] = 1;
            }
            return;
        }
        case Op::NIf: {
            Tri c = bool_<true>(k[0]);
            if (c == Tri::Unknown) missing(k[0]);
            if (c != Tri::False) missingNumber(k[1]);
            if (c != Tri::True) missingNumber(k[2]);
            return;
        }
        default:
            if (n.op == Op::NConst || n.op == Op::NIt) return;
            if (num_<true>(index).point()) return;
            for (uint16_t i = 0; i < n.nkids; ++i) missingNumber(k[i]);
    }
}

// An output's value as the facts and `outcome_` stand (not for text
// outputs); false when it is not known.
template <bool Memo>
bool Evaluator::outputValue(const CompiledOutput& o, double& value) {
    if (o.isBool) {
        Tri t = bool_<Memo>(o.node);
        value = t == Tri::True ? 1 : 0;
        return t != Tri::Unknown;
    }
    Interval i = num_<Memo>(o.node);
    value = i.lo;
    return i.point();
}
template bool Evaluator::outputValue<false>(const CompiledOutput&, double&);
template bool Evaluator::outputValue<true>(const CompiledOutput&, double&);
template Tri Evaluator::bool_<false>(uint32_t);      // refine.cpp: orderClasses(), kleeneIsExact()
template Interval Evaluator::num_<false>(uint32_t);  // probe.cpp: coverage readings

void Evaluator::decide(const FactView& facts, int asOfDay, Decision& out) {
    f_ = facts;
    asOf_ = asOfDay;
    Verdict v = run();
    // Left open by the three-valued pass: the exact answer (refine.cpp).
    Refined exact;
    const bool searchless = kleeneExact_ && exact_ && p_.outputs.empty();  // exact as it stands
    const bool tried = v.decidingRule < 0 && !searchless;
    memoOfGiven_ = false;
    bool refined = tried && refine(v, true, true, exact);
    out.outcome = refined && exact.decided ? exact.outcome : v.outcome;
    out.route = refined && exact.decided ? exact.route : v.route;
    out.reasons.clear();
    out.missingFacts.clear();
    out.outputs.clear();
    seenCriteria_.assign(p_.criteria.size(), 0);
    if (!memoOfGiven_) memo_.assign(p_.nodes.size(), kNotDone);  // else the refinement's, of these facts

    auto explainRule = [&](size_t i) {
        const CompiledRule& r = p_.rules[i];
        if (r.when < 0) return;
        size_t before = out.reasons.size();
        explain(static_cast<uint32_t>(r.when), out.reasons);
        // A rule written without a named criterion still gets a reason: its condition.
        if (out.reasons.size() == before)
            out.reasons.push_back(
                {r.conditionText, r.conditionText, bool_<true>(static_cast<uint32_t>(r.when)), r.at, r.jsonHead, r.jsonTail});
    };

    if (v.decidingRule >= 0) {
        const CompiledRule& deciding = p_.rules[static_cast<size_t>(v.decidingRule)];
        if (deciding.when >= 0) {
            explainRule(static_cast<size_t>(v.decidingRule));
        } else {
            // Fell through to `otherwise`: the reasons are the rules that did
            // not hold. Exemptions ("suspected malignancy: no") are only noise
            // unless nothing else explains the outcome.
            for (int pass = 0; pass < 2 && out.reasons.empty(); ++pass)
                for (size_t i = 0; i < static_cast<size_t>(v.decidingRule); ++i)
                    if (ruleResults_[i] == Tri::False && (pass == 1 || !p_.rules[i].exempt) &&
                        p_.rules[i].outcome != deciding.outcome)
                        explainRule(i);
        }
    } else {
        // Undetermined, or decided only by the refinement (no one rule held):
        // the reasons are the rules left open. The missing facts are the
        // refinement's when it ran, else every unknown fact beneath them.
        missingSlots_.assign(p_.slots.size(), 0);
        for (size_t i = 0; i < rulesRun_; ++i)
            if (ruleResults_[i] == Tri::Unknown) {
                explainRule(i);
                if (!refined && !searchless) missing(static_cast<uint32_t>(p_.rules[i].when));  // else refine() settled them
            }
        if (searchless) missingIn();
        if (!refined) {
            for (size_t s = 0; s < missingSlots_.size(); ++s)
                if (missingSlots_[s]) out.missingFacts.push_back(p_.slots[s]->name);
        } else if (!exact.decided) {
            for (uint32_t s : exact.missing) out.missingFacts.push_back(p_.slots[s]->name);
        }
    }

    memo_.assign(p_.nodes.size(), kNotDone);  // outputs may read `outcome`, which changes now
    outcome_ = static_cast<double>(out.outcome);
    if (out.outcome == Outcome::Undetermined) outcome_ = -1;
    bool open = false;
    for (const CompiledOutput& o : p_.outputs) {
        OutputValue& value = out.outputs.emplace_back();
        value.name = o.name;
        value.type = o.type;
        if (!o.isText) value.known = outputValue<true>(o, value.number);
        open |= !o.isText && !value.known;
    }
    outcome_ = -1;
    // An output left open: the value every completion gives, if they agree.
    if (open && !tried) refined = refine(v, true, false, exact);
    if (refined)
        for (size_t i = 0; i < p_.outputs.size(); ++i) {
            const ExactOutput& x = exact.outputs[i];
            if (p_.outputs[i].isText || out.outputs[i].known || x.state != ExactOutput::Same) continue;
            out.outputs[i].known = true;
            out.outputs[i].number = x.value;
        }
}

}  // namespace cpe
