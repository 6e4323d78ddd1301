#include "engine/eval/evaluator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cpe {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr Interval kAnything{-kInf, kInf};

Tri fromBool(bool b) { return b ? Tri::True : Tri::False; }

Tri compare(Interval a, Interval b, Cmp cmp) {
    switch (cmp) {
        case Cmp::Lt:
            if (a.hi < b.lo) return Tri::True;
            if (a.lo >= b.hi) return Tri::False;
            return Tri::Unknown;
        case Cmp::Le:
            if (a.hi <= b.lo) return Tri::True;
            if (a.lo > b.hi) return Tri::False;
            return Tri::Unknown;
        case Cmp::Gt: return compare(b, a, Cmp::Lt);
        case Cmp::Ge: return compare(b, a, Cmp::Le);
        case Cmp::Eq:
            if (a.point() && b.point()) return fromBool(a.lo == b.lo);
            if (a.hi < b.lo || b.hi < a.lo) return Tri::False;
            return Tri::Unknown;
        case Cmp::Ne: {
            Tri eq = compare(a, b, Cmp::Eq);
            return eq == Tri::Unknown ? eq : fromBool(eq == Tri::False);
        }
    }
    return Tri::Unknown;
}

Tri negate(Tri t) { return t == Tri::Unknown ? t : fromBool(t == Tri::False); }

// Interval product; 0 * inf counts as anything.
Interval multiply(Interval a, Interval b) {
    double c[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
    for (double v : c)
        if (std::isnan(v)) return kAnything;
    return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}

}  // namespace

Tri Evaluator::boolean(uint32_t index) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    switch (n.op) {
        case Op::BConst: return fromBool(n.imm != 0);
        case Op::BFact: return f_.known[n.a] ? fromBool(f_.num[n.a] != 0) : Tri::Unknown;
        case Op::BIt: return itBool_;
        case Op::BNot: return negate(boolean(k[0]));
        case Op::BAnd: {
            Tri result = Tri::True;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = boolean(k[i]);
                if (t == Tri::False) return Tri::False;
                if (t == Tri::Unknown) result = Tri::Unknown;
            }
            return result;
        }
        case Op::BOr: {
            Tri result = Tri::False;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = boolean(k[i]);
                if (t == Tri::True) return Tri::True;
                if (t == Tri::Unknown) result = Tri::Unknown;
            }
            return result;
        }
        case Op::BAtLeast: {
            int need = static_cast<int>(n.imm), yes = 0, open = 0;
            for (uint16_t i = 0; i < n.nkids; ++i) {
                Tri t = boolean(k[i]);
                yes += t == Tri::True;
                open += t == Tri::Unknown;
                if (yes >= need) return Tri::True;
            }
            return yes + open >= need ? Tri::Unknown : Tri::False;
        }
        case Op::BCmp: return compare(number(k[0]), number(k[1]), static_cast<Cmp>(n.cmp));
        case Op::BBoolEq: {
            Tri a = boolean(k[0]), b = boolean(k[1]);
            if (a == Tri::Unknown || b == Tri::Unknown) return Tri::Unknown;
            bool eq = a == b;
            return fromBool(static_cast<Cmp>(n.cmp) == Cmp::Eq ? eq : !eq);
        }
        case Op::BTextEq: {
            const std::string* a = text(k[0]);
            const std::string* b = text(k[1]);
            if (!a || !b) return Tri::Unknown;
            bool eq = *a == *b;
            return fromBool(static_cast<Cmp>(n.cmp) == Cmp::Eq ? eq : !eq);
        }
        case Op::BInNum: {
            Interval v = number(k[0]);
            if (!v.point()) return Tri::Unknown;
            const auto& set = p_.numSets[n.b];
            bool in = std::find(set.begin(), set.end(), v.lo) != set.end();
            return fromBool(static_cast<Cmp>(n.cmp) == Cmp::Eq ? in : !in);
        }
        case Op::BInText: {
            const std::string* v = text(k[0]);
            if (!v) return Tri::Unknown;
            const auto& set = p_.textSets[n.b];
            bool in = std::find(set.begin(), set.end(), *v) != set.end();
            return fromBool(static_cast<Cmp>(n.cmp) == Cmp::Eq ? in : !in);
        }
        case Op::BBetween: {
            Interval v = number(k[0]);
            Tri lo = compare(number(k[1]), v, Cmp::Le);
            if (lo == Tri::False) return Tri::False;
            Tri hi = compare(v, number(k[2]), Cmp::Le);
            if (hi == Tri::False) return Tri::False;
            return lo == Tri::True && hi == Tri::True ? Tri::True : Tri::Unknown;
        }
        case Op::BWithin: {
            Interval date = number(k[0]);
            Interval amount = number(k[1]);
            if (!date.point() || !amount.point()) return Tri::Unknown;
            int a = static_cast<int>(amount.lo);
            int earliest = n.b == 0 ? asOf_ - a
                           : n.b == 1 ? asOf_ - 7 * a
                           : n.b == 2 ? subtractMonths(asOf_, a)
                                      : subtractMonths(asOf_, 12 * a);
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
        case Op::BCriterion: return boolean(k[0]);
        case Op::BIf: {
            Tri c = boolean(k[0]);
            if (c == Tri::True) return boolean(k[1]);
            if (c == Tri::False) return boolean(k[2]);
            Tri a = boolean(k[1]), b = boolean(k[2]);
            return a == b ? a : Tri::Unknown;
        }
        case Op::BOutcomeIs: return outcome_ < 0 ? Tri::Unknown : fromBool(outcome_ == n.imm);
        default: break;
    }
    return Tri::Unknown;
}

Interval Evaluator::number(uint32_t index) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    switch (n.op) {
        case Op::NConst: return {n.imm, n.imm};
        case Op::NFact: {
            if (n.a == kOutcomeSlot) return outcome_ < 0 ? kAnything : Interval{outcome_, outcome_};
            if (f_.known[n.a]) return {f_.num[n.a], f_.num[n.a]};
            const FactInfo* fact = p_.slots[n.a];
            if (fact->type.kind == TypeKind::Enum)
                return {0, static_cast<double>(fact->type.enumInfo->members.size() - 1)};
            return {fact->min.value_or(-kInf), fact->max.value_or(kInf)};
        }
        case Op::NIt: return it_;
        case Op::NNeg: {
            Interval v = number(k[0]);
            return {-v.hi, -v.lo};
        }
        case Op::NArith: {
            Interval a = number(k[0]), b = number(k[1]);
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
            Tri c = boolean(k[0]);
            if (c == Tri::True) return number(k[1]);
            if (c == Tri::False) return number(k[2]);
            Interval a = number(k[1]), b = number(k[2]);
            return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)};
        }
        case Op::NMin:
        case Op::NMax: {
            Interval r = number(k[0]);
            for (uint16_t i = 1; i < n.nkids; ++i) {
                Interval v = number(k[i]);
                r = n.op == Op::NMin ? Interval{std::min(r.lo, v.lo), std::min(r.hi, v.hi)}
                                     : Interval{std::max(r.lo, v.lo), std::max(r.hi, v.hi)};
            }
            return r;
        }
        case Op::NCount: {
            double yes = 0, open = 0;
            Interval savedIt = it_;
            Tri savedBool = itBool_;
            for (uint16_t i = 1; i < n.nkids; ++i) {
                const Node& member = p_.nodes[k[i]];
                if (member.op == Op::BFact) itBool_ = boolean(k[i]);
                else it_ = number(k[i]);
                Tri t = boolean(k[0]);
                yes += t == Tri::True;
                open += t == Tri::Unknown;
            }
            it_ = savedIt;
            itBool_ = savedBool;
            return {yes, yes + open};
        }
        case Op::NSince: {
            Interval d = number(k[0]);
            if (!d.point()) return kAnything;
            int from = static_cast<int>(d.lo);
            double v = n.b == 0 ? wholeYearsBetween(from, asOf_) : n.b == 1 ? wholeMonthsBetween(from, asOf_) : asOf_ - from;
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
Evaluator::Verdict Evaluator::verdict() {
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    bool any = false, conflict = false;
    int deciding = -1;
    ruleResults_.clear();
    for (size_t i = 0; i < p_.rules.size(); ++i) {
        const CompiledRule& r = p_.rules[i];
        Tri t = r.when < 0 ? Tri::True : boolean(static_cast<uint32_t>(r.when));
        ruleResults_.push_back(t);
        if (t == Tri::False) continue;
        if (!any) {
            outcome = r.outcome;
            route = r.route;
            any = true;
        } else if (r.outcome != outcome || r.route != route) {
            conflict = true;
        }
        if (t == Tri::True) {
            deciding = static_cast<int>(i);
            break;
        }
    }
    if (conflict || deciding < 0) return {Outcome::Undetermined, Route::None, -1};
    return {outcome, route, deciding};
}

void Evaluator::explain(uint32_t index, std::vector<uint8_t>& seen, std::vector<Reason>& out) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    Tri result = boolean(index);
    switch (n.op) {
        case Op::BCriterion:
            if (!seen[n.a]) {
                seen[n.a] = 1;
                const CompiledCriterion& c = p_.criteria[n.a];
                out.push_back({c.id, c.text, result, c.at});
            }
            explain(k[0], seen, out);
            return;
        case Op::BNot: explain(k[0], seen, out); return;
        case Op::BAnd:
        case Op::BOr:
        case Op::BAtLeast:
            // The children that agree with the result are the ones that made it.
            for (uint16_t i = 0; i < n.nkids; ++i)
                if (boolean(k[i]) == result) explain(k[i], seen, out);
            return;
        case Op::BIf: {
            Tri c = boolean(k[0]);
            if (c != Tri::False) explain(k[1], seen, out);
            if (c != Tri::True) explain(k[2], seen, out);
            return;
        }
        default: return;
    }
}

void Evaluator::missing(uint32_t index, std::vector<uint8_t>& slots) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    if (boolean(index) != Tri::Unknown) return;
    switch (n.op) {
        case Op::BFact:
        case Op::BHasCodes:
        case Op::BHasText: slots[n.a] = 1; return;
        case Op::BIt: return;
        case Op::BNot:
        case Op::BCriterion: missing(k[0], slots); return;
        case Op::BAnd:
        case Op::BOr:
        case Op::BAtLeast:
        case Op::BBoolEq:
            for (uint16_t i = 0; i < n.nkids; ++i) missing(k[i], slots);
            return;
        case Op::BIf:
            missing(k[0], slots);
            if (boolean(k[0]) != Tri::False) missing(k[1], slots);
            if (boolean(k[0]) != Tri::True) missing(k[2], slots);
            return;
        case Op::BTextEq:
        case Op::BInText:
            for (uint16_t i = 0; i < n.nkids; ++i)
                if (p_.nodes[k[i]].op == Op::TFact && !f_.known[p_.nodes[k[i]].a]) slots[p_.nodes[k[i]].a] = 1;
            return;
        default:
            for (uint16_t i = 0; i < n.nkids; ++i) missingNumber(k[i], slots);
            return;
    }
}

void Evaluator::missingNumber(uint32_t index, std::vector<uint8_t>& slots) {
    const Node& n = p_.nodes[index];
    const uint32_t* k = p_.kidsOf(n);
    if (n.op == Op::BFact || n.op == Op::BNot || n.op == Op::BAnd || n.op == Op::BOr || n.op == Op::BCriterion ||
        n.op == Op::BAtLeast || n.op == Op::BCmp || n.op == Op::BIf) {
        missing(index, slots);
        return;
    }
    switch (n.op) {
        case Op::NFact:
            if (n.a != kOutcomeSlot && !f_.known[n.a]) slots[n.a] = 1;
            return;
        case Op::NCount: {
            for (uint16_t i = 1; i < n.nkids; ++i) {
                const Node& member = p_.nodes[k[i]];
                if (!f_.known[member.a]) slots[member.a] = 1;
            }
            return;
        }
        case Op::NIf: {
            Tri c = boolean(k[0]);
            if (c == Tri::Unknown) missing(k[0], slots);
            if (c != Tri::False) missingNumber(k[1], slots);
            if (c != Tri::True) missingNumber(k[2], slots);
            return;
        }
        default:
            if (n.op == Op::NConst || n.op == Op::NIt) return;
            if (number(index).point()) return;
            for (uint16_t i = 0; i < n.nkids; ++i) missingNumber(k[i], slots);
    }
}

void Evaluator::decide(Decision& out) {
    Verdict v = verdict();
    out.outcome = v.outcome;
    out.route = v.route;
    out.reasons.clear();
    out.missingFacts.clear();
    out.outputs.clear();
    std::vector<uint8_t> seen(p_.criteria.size(), 0);

    auto explainRule = [&](size_t i) {
        const CompiledRule& r = p_.rules[i];
        if (r.when < 0) return;
        size_t before = out.reasons.size();
        explain(static_cast<uint32_t>(r.when), seen, out.reasons);
        // A rule written without a named criterion still gets a reason: its condition.
        if (out.reasons.size() == before)
            out.reasons.push_back({r.conditionText, r.conditionText, boolean(static_cast<uint32_t>(r.when)), r.at});
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
        std::vector<uint8_t> slots(p_.slots.size(), 0);
        for (size_t i = 0; i < ruleResults_.size(); ++i)
            if (ruleResults_[i] == Tri::Unknown) {
                explainRule(i);
                missing(static_cast<uint32_t>(p_.rules[i].when), slots);
            }
        for (size_t s = 0; s < slots.size(); ++s)
            if (slots[s]) out.missingFacts.push_back(p_.slots[s]->name);
    }

    outcome_ = static_cast<double>(v.outcome);
    if (v.outcome == Outcome::Undetermined) outcome_ = -1;
    for (const CompiledOutput& o : p_.outputs) {
        OutputValue value;
        value.name = o.name;
        value.type = o.type;
        if (o.isBool) {
            Tri t = boolean(o.node);
            value.known = t != Tri::Unknown;
            value.number = t == Tri::True ? 1 : 0;
        } else if (!o.isText) {
            Interval i = number(o.node);
            value.known = i.point();
            value.number = i.lo;
        }
        out.outputs.push_back(std::move(value));
    }
    outcome_ = -1;
}

}  // namespace cpe
