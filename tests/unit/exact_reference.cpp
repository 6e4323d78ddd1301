// The brute-force reference (exact_reference.h). Reads the checked model only:
// nothing here includes engine/compile or engine/eval.
#include "exact_reference.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>

namespace cpe::exact {

// ================================================================== calendar

namespace {

unsigned monthLength(int y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

// `day` plus n calendar months (n may be negative), the day of the month
// clamped to the length of the month reached.
int plusMonths(int day, int n) {
    int y;
    unsigned m, d;
    civilFromDays(day, y, m, d);
    long index = static_cast<long>(y) * 12 + static_cast<long>(m) - 1 + n;
    long ny = index >= 0 ? index / 12 : -((-index + 11) / 12);
    auto nm = static_cast<unsigned>(index - ny * 12) + 1;
    int year = static_cast<int>(ny);
    return daysFromCivil(year, nm, std::min(d, monthLength(year, nm)));
}

}  // namespace

int refMinusMonths(int day, int months) { return plusMonths(day, -months); }

// Whole months from `from` to `to`: the largest k whose k-month anniversary
// of `from` (clamped to a shorter month's last day) is on or before `to`.
int refWholeMonths(int from, int to) {
    if (from > to) return -refWholeMonths(to, from);
    int y1, y2;
    unsigned m1, d1, m2, d2;
    civilFromDays(from, y1, m1, d1);
    civilFromDays(to, y2, m2, d2);
    int k = (y2 - y1) * 12 + static_cast<int>(m2) - static_cast<int>(m1);
    while (k > 0 && plusMonths(from, k) > to) --k;
    return k;
}

int refWholeYears(int from, int to) {
    if (from > to) return -refWholeYears(to, from);
    return refWholeMonths(from, to) / 12;
}

// ================================================================== helpers

namespace {

std::string normalise(std::string_view code) {
    std::string s;
    for (char c : code)
        if (c != '.') s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// docs/language.md: `J03` matches every code starting J03; a range `C00-C97`
// matches the codes whose first |lo| characters lie between lo and hi.
bool codeMatches(const std::string& code, const std::string& lo, const std::string& hi) {
    if (code.size() < lo.size()) return false;
    std::string head = code.substr(0, lo.size());
    if (hi.empty()) return head == lo;
    return head >= lo && head <= hi;
}

// What the engine accepts as a code (fact binding): 3 to 7 characters, an
// upper-case letter then letters or digits.
bool validCode(const std::string& c) {
    if (c.size() < 3 || c.size() > 7 || !std::isupper(static_cast<unsigned char>(c[0]))) return false;
    for (size_t i = 1; i < c.size(); ++i)
        if (!std::isalnum(static_cast<unsigned char>(c[i]))) return false;
    return true;
}

std::string cutAt(const std::string& item, const std::string& sep) {
    if (sep.empty()) return item;
    size_t at = item.find(sep);
    return at == std::string::npos ? item : item.substr(0, at);
}

bool compareNumbers(double a, double b, const std::string& op) {
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "!=") return a != b;
    return a == b;
}

// The range items a `has` tests against: a named code set's and the inline ones.
struct CodeTest {
    std::vector<std::pair<std::string, std::string>> ranges;  // normalised lo, hi ("" = prefix)
};

CodeTest codeTest(const Expr& has) {
    CodeTest t;
    if (has.set->codeset)
        for (const CodeRange& r : has.set->codeset->ranges) t.ranges.emplace_back(r.lo, r.hi);
    for (const SetItem& i : has.set->items) t.ranges.emplace_back(normalise(i.lo), normalise(i.hi));
    return t;
}

// The list fact a `has` reads, and the separator of `before(list, sep)` ("" for none).
std::pair<const FactInfo*, std::string> hasList(const Expr& has) {
    const Expr* list = has.args[0].get();
    std::string sep;
    if (list->kind == ExprKind::Call) {
        sep = list->args[1]->text;
        list = list->args[0].get();
    }
    if (!list->fact) throw ReferenceUnsupported("'has' on something other than a list fact");
    return {list->fact, sep};
}

double sinceValue(Builtin b, int from, int asOf) {
    switch (b) {
        case Builtin::YearsSince: return refWholeYears(from, asOf);
        case Builtin::MonthsSince: return refWholeMonths(from, asOf);
        default: return asOf - from;
    }
}

int earliestWithin(const std::string& unit, int amount, int asOf) {
    if (unit == "days") return asOf - amount;
    if (unit == "weeks") return asOf - 7 * amount;
    if (unit == "months") return refMinusMonths(asOf, amount);
    return refMinusMonths(asOf, 12 * amount);
}

}  // namespace

// ================================================================== the interpreter

// Two-valued evaluation of the checked AST: every fact has a value.
class Interp {
public:
    Interp(const Reference& r, const std::vector<Val>& v, double outcome = -1) : r_(r), v_(v), outcome_(outcome) {}

    bool boolean(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Bool: return e.boolValue;
            case ExprKind::It: return it_->num != 0;
            case ExprKind::Name:
                if (e.fact) return fact(e.fact).num != 0;
                if (e.named) return boolean(*e.named->expr);
                break;
            case ExprKind::Not: return !boolean(*e.args[0]);
            case ExprKind::And:
            case ExprKind::AllOf:
                for (const auto& a : e.args)
                    if (!boolean(*a)) return false;
                return true;
            case ExprKind::Or:
            case ExprKind::AnyOf:
                for (const auto& a : e.args)
                    if (boolean(*a)) return true;
                return false;
            case ExprKind::AtLeast: {
                int yes = 0;
                for (const auto& a : e.args) yes += boolean(*a);
                return yes >= e.number;
            }
            case ExprKind::Compare:
            case ExprKind::Is: {
                std::string op = e.kind == ExprKind::Is ? (e.negated ? "!=" : "==") : std::string(spelling(e.compareOp));
                TypeKind k = e.args[0]->type.kind;
                if (k == TypeKind::Bool) {
                    bool eq = boolean(*e.args[0]) == boolean(*e.args[1]);
                    return op == "!=" ? !eq : eq;
                }
                if (k == TypeKind::Text) {
                    bool eq = text(*e.args[0]) == text(*e.args[1]);
                    return op == "!=" ? !eq : eq;
                }
                return compareNumbers(number(*e.args[0]), number(*e.args[1]), op);
            }
            case ExprKind::In: {
                bool in = false;
                if (e.args[0]->type.kind == TypeKind::Text) {
                    std::string v = text(*e.args[0]);
                    for (const SetItem& i : e.set->items) in |= i.lo == v;
                } else {
                    double v = number(*e.args[0]);
                    for (const SetItem& i : e.set->items) in |= i.number == v;
                }
                return e.negated ? !in : in;
            }
            case ExprKind::Between: {
                double v = number(*e.args[0]);
                return number(*e.args[1]) <= v && v <= number(*e.args[2]);
            }
            case ExprKind::Within: {
                double d = number(*e.args[0]);
                int earliest = earliestWithin(e.text, static_cast<int>(number(*e.args[1])), r_.asOf_);
                return d >= earliest && d <= r_.asOf_;
            }
            case ExprKind::Has: {
                auto [f, sep] = hasList(e);
                const Val& list = fact(f);
                if (f->type.kind == TypeKind::CodeList) {
                    CodeTest t = codeTest(e);
                    for (const std::string& item : list.list) {
                        std::string c = normalise(item);
                        for (const auto& [lo, hi] : t.ranges)
                            if (codeMatches(c, lo, hi)) return true;
                    }
                    return false;
                }
                for (const std::string& item : list.list) {
                    std::string v = cutAt(item, sep);
                    for (const SetItem& i : e.set->items)
                        if (i.lo == v) return true;
                }
                return false;
            }
            case ExprKind::If: return boolean(*e.args[0]) ? boolean(*e.args[1]) : boolean(*e.args[2]);
            default: break;
        }
        throw ReferenceUnsupported("not a boolean expression the reference knows (kind " +
                                   std::to_string(static_cast<int>(e.kind)) + ")");
    }

    double number(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Number:
            case ExprKind::Date: return e.number;
            case ExprKind::It: return it_->num;
            case ExprKind::Name:
                if (e.enumOrdinal >= 0) return e.enumOrdinal;
                if (e.fact) return fact(e.fact).num;
                if (e.named) return number(*e.named->expr);
                if (e.builtin == static_cast<int>(Builtin::Outcome)) {
                    if (outcome_ < 0) throw std::logic_error("'outcome' read outside an output");
                    return outcome_;
                }
                break;
            case ExprKind::Negate: return -number(*e.args[0]);
            case ExprKind::Arith: {
                double a = number(*e.args[0]), b = number(*e.args[1]);
                switch (e.text[0]) {
                    case '+': return a + b;
                    case '-': return a - b;
                    case '*': return a * b;
                    case '/':
                        if (b == 0) throw ReferenceUnsupported("division by zero");
                        return a / b;
                    default: break;
                }
                break;
            }
            case ExprKind::If: return boolean(*e.args[0]) ? number(*e.args[1]) : number(*e.args[2]);
            case ExprKind::Call: {
                auto b = static_cast<Builtin>(e.builtin);
                if (b == Builtin::Min || b == Builtin::Max) {
                    double r = number(*e.args[0]);
                    for (size_t i = 1; i < e.args.size(); ++i)
                        r = b == Builtin::Min ? std::min(r, number(*e.args[i])) : std::max(r, number(*e.args[i]));
                    return r;
                }
                if (b == Builtin::YearsSince || b == Builtin::MonthsSince || b == Builtin::DaysSince)
                    return sinceValue(b, static_cast<int>(number(*e.args[0])), r_.asOf_);
                break;
            }
            case ExprKind::CountOf: {
                const Val* saved = it_;
                int yes = 0;
                for (const FactInfo* m : e.group->members) {
                    it_ = &fact(m);
                    yes += boolean(*e.args[0]);
                }
                it_ = saved;
                return yes;
            }
            default: break;
        }
        throw ReferenceUnsupported("not a numeric expression the reference knows (kind " +
                                   std::to_string(static_cast<int>(e.kind)) + ")");
    }

    std::string text(const Expr& e) {
        switch (e.kind) {
            case ExprKind::String: return e.text;
            case ExprKind::It: return it_->text;
            case ExprKind::Name:
                if (e.fact) return fact(e.fact).text;
                if (e.named) return text(*e.named->expr);
                break;
            case ExprKind::If: return boolean(*e.args[0]) ? text(*e.args[1]) : text(*e.args[2]);
            default: break;
        }
        throw ReferenceUnsupported("not a text expression the reference knows");
    }

private:
    const Reference& r_;
    const std::vector<Val>& v_;
    double outcome_;
    const Val* it_ = nullptr;

    const Val& fact(const FactInfo* f) {
        int i = r_.localOf_[f->id];
        if (i < 0) throw std::logic_error("fact '" + f->name + "' is not among the facts the policy reads");
        return v_[static_cast<size_t>(i)];
    }
};

// ================================================================== boundary classes
//
// Every behaviour-changing point of a fact must be among its samples.
//
// Numbers and dates: each comparison-like construct (compare, is, between,
// in, the two sides of min/max, `count of G where it <op> ...` for each
// member) is rewritten as D = left - right, and each side is expanded into
// its *affine alternatives*: a named value is its expression, `if` is the
// union of its branches (its condition is scanned on its own), min/max the
// union of their arguments, `count of` the constants 0..|G|, years_since /
// months_since / days_since of a date fact a variable of its own, + - and
// multiplication or division by a constant stay affine. An alternative of D
// with exactly one variable v and coefficient a gives the threshold v = -c/a;
// so `entitlement - previous_ivf_cycles >= 1` with entitlement in {1, 2}
// gives previous_ivf_cycles in {0, 1}. Around each threshold:
//   - integers: t-1, t, t+1 (or floor t, ceil t when t is not whole), plus the
//     declared range ends (two beyond the outermost thresholds when unbounded);
//   - decimals: t, t +- eps, the midpoints between consecutive thresholds and
//     the range ends (eps smaller than a quarter of the smallest gap);
//   - dates compared directly or by `within`: t-1, t, t+1 (t = the earliest
//     day `within` allows, and as_of); through years/months/days_since: every
//     day near each anniversary k (k around the threshold) where the whole
//     count changes, and the day after; plus days 30 and 31 beyond the outermost.
// So every open region between thresholds holds two samples when it holds two
// values: an output that is affine in the fact on a region is seen to vary.
//
// Over-approximations (documented in notes()): an alternative with two or
// more variables (x >= y, x * y), or an operand the expansion cannot follow,
// marks its facts *dense*: an integer with a declared range of at most 5,000
// values then takes every value in the range (exact, larger); a decimal or a
// date stays on its thresholds and the note says the classes may miss points.
//
// Enums and levels: every allowed member. Booleans: false, true. Text: every
// string the policy compares text with, plus "" and one matching nothing.
// Lists: each `has` test is a bit; each candidate item (every text item, every
// code range's ends, padded to a valid code, and their neighbours one letter
// or digit away) has a bit vector; the classes are the empty list plus one
// list for each OR of candidate vectors (the closure), i.e. one list for each
// achievable combination of `has` results.
class ClassBuilder {
public:
    explicit ClassBuilder(Reference& r) : r_(r) {}

    void build() {
        for (const CheckedRule& rule : r_.policy_.rules)
            if (rule.when) scan(*rule.when, -1);
        for (const auto& o : r_.policy_.outputs) scan(*o->expr, -1);
        r_.classes_.resize(r_.facts_.size());
        for (size_t i = 0; i < r_.facts_.size(); ++i) r_.classes_[i] = classesOf(static_cast<int>(i));
    }

private:
    Reference& r_;

    struct Var {
        int fact;
        int transform;  // 0: the fact itself, 1 years_since, 2 months_since, 3 days_since
        bool operator<(const Var& o) const { return fact != o.fact ? fact < o.fact : transform < o.transform; }
        bool operator==(const Var& o) const { return fact == o.fact && transform == o.transform; }
    };
    struct Lin {
        std::vector<std::pair<Var, double>> terms;  // sorted by Var, no zero coefficients
        double c = 0;
        bool opaque = false;     // not affine (or enum-valued: then `facts` is empty, nothing to learn)
        std::vector<int> facts;  // opaque: the facts it reads
        bool operator==(const Lin& o) const { return opaque == o.opaque && c == o.c && facts == o.facts && terms == o.terms; }
    };
    using Alts = std::vector<Lin>;

    std::map<Var, std::vector<double>> thresholds_;
    std::set<int> dense_;
    std::map<int, std::string> denseWhy_;
    std::vector<std::string> texts_;
    struct HasTest {
        int fact;
        bool code;
        std::string sep;
        std::vector<std::pair<std::string, std::string>> ranges;  // codes
        std::vector<std::string> items;                           // text
    };
    std::vector<HasTest> has_;
    std::set<const NamedExpr*> scanned_;
    std::map<const NamedExpr*, Alts> altsOfNamed_;

    int local(const FactInfo* f) const { return r_.localOf_[f->id]; }

    static Lin constant(double c) {
        Lin l;
        l.c = c;
        return l;
    }
    static Lin variable(int fact, int transform) {
        Lin l;
        l.terms.push_back({Var{fact, transform}, 1.0});
        return l;
    }
    static Lin opaqueOf(std::vector<int> facts) {
        Lin l;
        l.opaque = true;
        std::sort(facts.begin(), facts.end());
        facts.erase(std::unique(facts.begin(), facts.end()), facts.end());
        l.facts = std::move(facts);
        return l;
    }
    static std::vector<int> factsOf(const Lin& l) {
        std::vector<int> out = l.facts;
        for (const auto& [v, _] : l.terms) out.push_back(v.fact);
        return out;
    }
    static Lin combine(const Lin& a, const Lin& b, double sign) {
        if (a.opaque || b.opaque) {
            std::vector<int> f = factsOf(a), g = factsOf(b);
            f.insert(f.end(), g.begin(), g.end());
            return opaqueOf(f);
        }
        Lin r;
        r.c = a.c + sign * b.c;
        std::map<Var, double> t;
        for (const auto& [v, k] : a.terms) t[v] += k;
        for (const auto& [v, k] : b.terms) t[v] += sign * k;
        for (const auto& [v, k] : t)
            if (k != 0) r.terms.push_back({v, k});
        return r;
    }
    static Lin scale(const Lin& a, double k) {
        if (a.opaque) return a;
        Lin r;
        r.c = a.c * k;
        for (const auto& [v, x] : a.terms)
            if (x * k != 0) r.terms.push_back({v, x * k});
        return r;
    }
    static Alts dedupe(Alts a) {
        Alts out;
        for (Lin& l : a)
            if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(std::move(l));
        if (out.size() > 256) {  // too many to follow: one opaque alternative over every fact read
            std::vector<int> all;
            for (const Lin& l : out) {
                std::vector<int> f = factsOf(l);
                all.insert(all.end(), f.begin(), f.end());
            }
            return {opaqueOf(all)};
        }
        return out;
    }
    std::vector<int> factsRead(const Expr& e, int it) {
        std::vector<int> out;
        std::function<void(const Expr&)> walk = [&](const Expr& x) {
            if (x.fact && local(x.fact) >= 0) out.push_back(local(x.fact));
            if (x.kind == ExprKind::It && it >= 0) out.push_back(it);
            if (x.named && x.named->expr) walk(*x.named->expr);
            if (x.group)
                for (const FactInfo* m : x.group->members) out.push_back(local(m));
            for (const auto& a : x.args) walk(*a);
        };
        walk(e);
        return out;
    }

    bool numericKind(TypeKind k) { return k == TypeKind::Int || k == TypeKind::Dec || k == TypeKind::Date; }

    Alts alts(const Expr& e, int it) {
        switch (e.kind) {
            case ExprKind::Number:
            case ExprKind::Date: return {constant(e.number)};
            case ExprKind::Name:
                if (e.enumOrdinal >= 0) return {constant(e.enumOrdinal)};
                if (e.fact) {
                    if (numericKind(e.fact->type.kind)) return {variable(local(e.fact), 0)};
                    return {opaqueOf({})};  // an enum: enumerated whole
                }
                if (e.named) {
                    auto found = altsOfNamed_.find(e.named);
                    if (found != altsOfNamed_.end()) return found->second;
                    Alts a = alts(*e.named->expr, -1);
                    altsOfNamed_[e.named] = a;
                    return a;
                }
                return {opaqueOf({})};  // `outcome`
            case ExprKind::It:
                if (it >= 0 && numericKind(r_.facts_[static_cast<size_t>(it)]->type.kind)) return {variable(it, 0)};
                return {opaqueOf({})};
            case ExprKind::Negate: {
                Alts out;
                for (const Lin& l : alts(*e.args[0], it)) out.push_back(scale(l, -1));
                return out;
            }
            case ExprKind::Arith: {
                Alts a = alts(*e.args[0], it), b = alts(*e.args[1], it);
                Alts out;
                for (const Lin& x : a)
                    for (const Lin& y : b) {
                        switch (e.text[0]) {
                            case '+': out.push_back(combine(x, y, 1)); break;
                            case '-': out.push_back(combine(x, y, -1)); break;
                            case '*':
                                if (!x.opaque && !y.opaque && x.terms.empty()) out.push_back(scale(y, x.c));
                                else if (!x.opaque && !y.opaque && y.terms.empty()) out.push_back(scale(x, y.c));
                                else out.push_back(combine(opaqueOf(factsOf(x)), y, 1));
                                break;
                            default:  // '/'
                                if (!y.opaque && y.terms.empty() && y.c != 0) out.push_back(scale(x, 1 / y.c));
                                else out.push_back(combine(opaqueOf(factsOf(x)), y, 1));
                                break;
                        }
                    }
                return dedupe(std::move(out));
            }
            case ExprKind::If: {
                Alts a = alts(*e.args[1], it), b = alts(*e.args[2], it);
                a.insert(a.end(), b.begin(), b.end());
                return dedupe(std::move(a));
            }
            case ExprKind::Call: {
                auto b = static_cast<Builtin>(e.builtin);
                if (b == Builtin::Min || b == Builtin::Max) {
                    Alts out;
                    for (const auto& arg : e.args) {
                        Alts x = alts(*arg, it);
                        out.insert(out.end(), x.begin(), x.end());
                    }
                    return dedupe(std::move(out));
                }
                if (b == Builtin::YearsSince || b == Builtin::MonthsSince || b == Builtin::DaysSince) {
                    int transform = b == Builtin::YearsSince ? 1 : b == Builtin::MonthsSince ? 2 : 3;
                    Alts out;
                    for (const Lin& l : alts(*e.args[0], it)) {
                        if (!l.opaque && l.terms.empty()) out.push_back(constant(sinceValue(b, static_cast<int>(l.c), r_.asOf_)));
                        else if (!l.opaque && l.terms.size() == 1 && l.terms[0].second == 1 && l.c == 0 &&
                                 l.terms[0].first.transform == 0)
                            out.push_back(variable(l.terms[0].first.fact, transform));
                        else out.push_back(opaqueOf(factsOf(l)));
                    }
                    return dedupe(std::move(out));
                }
                break;
            }
            case ExprKind::CountOf: {
                Alts out;
                for (size_t k = 0; k <= e.group->members.size(); ++k) out.push_back(constant(static_cast<double>(k)));
                return out;
            }
            default: break;
        }
        return {opaqueOf(factsRead(e, it))};
    }

    void dense(const std::vector<int>& facts, const std::string& why) {
        for (int f : facts) {
            dense_.insert(f);
            denseWhy_.emplace(f, why);
        }
    }

    // Where left == right, for every pair of alternatives.
    void equalAt(const Alts& left, const Alts& right, const Expr& where) {
        for (const Lin& a : left)
            for (const Lin& b : right) {
                Lin d = combine(a, b, -1);
                if (d.opaque) {
                    dense(d.facts, "an operand that is not affine at " + r_.lib_.sources->location(where.span));
                } else if (d.terms.size() == 1) {
                    thresholds_[d.terms[0].first].push_back(-d.c / d.terms[0].second);
                } else if (d.terms.size() > 1) {
                    dense(factsOf(d), "a comparison of several facts at " + r_.lib_.sources->location(where.span));
                }
            }
    }

    void collectTexts(const Expr& e) {
        if (e.kind == ExprKind::String) texts_.push_back(e.text);
        if (e.named && e.named->expr) collectTexts(*e.named->expr);
        for (const auto& a : e.args) collectTexts(*a);
    }

    void scan(const Expr& e, int it) {
        switch (e.kind) {
            case ExprKind::Compare:
            case ExprKind::Is: {
                TypeKind k = e.args[0]->type.kind;
                if (numericKind(k)) equalAt(alts(*e.args[0], it), alts(*e.args[1], it), e);
                if (k == TypeKind::Text) collectTexts(e);
                break;
            }
            case ExprKind::In: {
                TypeKind k = e.args[0]->type.kind;
                if (k == TypeKind::Int || k == TypeKind::Dec) {
                    Alts a = alts(*e.args[0], it);
                    for (const SetItem& i : e.set->items) equalAt(a, {constant(i.number)}, e);
                }
                if (k == TypeKind::Text)
                    for (const SetItem& i : e.set->items) texts_.push_back(i.lo);
                break;
            }
            case ExprKind::Between: {
                Alts a = alts(*e.args[0], it);
                equalAt(a, alts(*e.args[1], it), e);
                equalAt(a, alts(*e.args[2], it), e);
                break;
            }
            case ExprKind::Within: {
                Alts amounts = alts(*e.args[1], it);
                for (const Lin& d : alts(*e.args[0], it)) {
                    if (d.opaque || d.terms.empty()) continue;
                    if (d.terms.size() != 1 || d.terms[0].first.transform != 0 || d.terms[0].second != 1 || d.c != 0) {
                        dense(factsOf(d), "'within' of a computed date");
                        continue;
                    }
                    for (const Lin& n : amounts) {
                        if (n.opaque || !n.terms.empty()) {
                            std::vector<int> both = factsOf(d), amount = factsOf(n);
                            both.insert(both.end(), amount.begin(), amount.end());
                            dense(both, "'within' a computed amount at " + r_.lib_.sources->location(e.span));
                            continue;
                        }
                        auto& t = thresholds_[d.terms[0].first];
                        t.push_back(earliestWithin(e.text, static_cast<int>(n.c), r_.asOf_));
                        t.push_back(r_.asOf_);
                    }
                }
                break;
            }
            case ExprKind::Has: {
                auto [f, sep] = hasList(e);
                HasTest t;
                t.fact = local(f);
                t.code = f->type.kind == TypeKind::CodeList;
                t.sep = sep;
                if (t.code) t.ranges = codeTest(e).ranges;
                for (const SetItem& i : e.set->items) t.items.push_back(i.lo);
                has_.push_back(std::move(t));
                return;
            }
            case ExprKind::CountOf:
                for (const FactInfo* m : e.group->members) scan(*e.args[0], local(m));
                return;
            case ExprKind::Call: {
                auto b = static_cast<Builtin>(e.builtin);
                if (b == Builtin::Min || b == Builtin::Max)
                    for (size_t i = 0; i < e.args.size(); ++i)
                        for (size_t j = i + 1; j < e.args.size(); ++j) equalAt(alts(*e.args[i], it), alts(*e.args[j], it), e);
                break;
            }
            case ExprKind::Name:
                if (e.named && scanned_.insert(e.named).second && e.named->expr) scan(*e.named->expr, -1);
                return;
            default: break;
        }
        for (const auto& a : e.args) scan(*a, it);
    }

    // ---------------------------------------------------------------- samples

    std::vector<Val> numbers(const std::vector<double>& v) {
        std::vector<Val> out;
        for (double x : v) out.push_back(Val{x, {}, {}});
        return out;
    }

    std::vector<double> thresholdsOf(int f, int transform) {
        auto it = thresholds_.find(Var{f, transform});
        return it == thresholds_.end() ? std::vector<double>{} : it->second;
    }

    static std::vector<double> sortedUnique(std::vector<double> v) {
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }

    std::vector<Val> classesOf(int i) {
        const FactInfo& f = *r_.facts_[static_cast<size_t>(i)];
        const char* why = nullptr;
        if (dense_.count(i)) why = denseWhy_[i].c_str();
        switch (f.type.kind) {
            case TypeKind::Bool: return numbers({0, 1});
            case TypeKind::Enum: {
                std::vector<double> v;
                for (size_t k = 0; k < f.type.enumInfo->members.size(); ++k)
                    if (f.allowed.empty() || f.allowed[k]) v.push_back(static_cast<double>(k));
                return numbers(v);
            }
            case TypeKind::Int: {
                if (why && f.min && f.max && *f.max - *f.min <= 5000) {
                    r_.notes_.push_back(f.name + ": every value of its range (" + why + ")");
                    std::vector<double> v;
                    for (double x = *f.min; x <= *f.max; ++x) v.push_back(x);
                    return numbers(v);
                }
                if (why) r_.notes_.push_back(f.name + ": classes may miss points (" + why + ")");
                std::vector<double> t = thresholdsOf(i, 0), v;
                for (double x : t) {
                    if (std::floor(x) == x) {
                        v.insert(v.end(), {x - 1, x, x + 1});
                    } else {
                        v.push_back(std::floor(x));
                        v.push_back(std::ceil(x));
                    }
                }
                double lowest = v.empty() ? 0 : *std::min_element(v.begin(), v.end());
                double highest = v.empty() ? 1 : *std::max_element(v.begin(), v.end());
                if (f.min) v.push_back(*f.min);
                else v.insert(v.end(), {lowest - 1, lowest - 2});
                if (f.max) v.push_back(*f.max);
                else v.insert(v.end(), {highest + 1, highest + 2});
                std::vector<double> kept;
                for (double x : sortedUnique(v))
                    if ((!f.min || x >= *f.min) && (!f.max || x <= *f.max)) kept.push_back(x);
                return numbers(kept);
            }
            case TypeKind::Dec: {
                if (why) r_.notes_.push_back(f.name + ": classes may miss points (" + why + ")");
                std::vector<double> p;
                for (double x : thresholdsOf(i, 0))
                    if ((!f.min || x >= *f.min) && (!f.max || x <= *f.max)) p.push_back(x);
                p = sortedUnique(p);
                if (f.min) p.push_back(*f.min);
                else if (p.empty()) p.insert(p.end(), {-1, -2});
                else p.insert(p.end(), {p.front() - 1, p.front() - 2});
                if (f.max) p.push_back(*f.max);
                else p.insert(p.end(), {p.back() + 1, p.back() + 2});
                p = sortedUnique(p);
                double gap = 1;
                for (size_t k = 1; k < p.size(); ++k) gap = std::min(gap, p[k] - p[k - 1]);
                double eps = std::min(0.01, gap / 4);
                std::vector<double> v = p;
                for (size_t k = 0; k < p.size(); ++k) {
                    v.push_back(p[k] - eps);
                    v.push_back(p[k] + eps);
                    if (k + 1 < p.size()) v.push_back((p[k] + p[k + 1]) / 2);
                }
                std::vector<double> kept;
                for (double x : sortedUnique(v))
                    if ((!f.min || x >= *f.min) && (!f.max || x <= *f.max)) kept.push_back(x);
                return numbers(kept);
            }
            case TypeKind::Date: {
                if (why) r_.notes_.push_back(f.name + ": classes may miss points (" + why + ")");
                std::vector<double> v;
                for (double t : thresholdsOf(i, 0)) {
                    double a = std::floor(t), b = std::ceil(t);
                    v.insert(v.end(), {a - 1, a, b, b + 1});
                }
                for (int transform = 1; transform <= 3; ++transform) {
                    auto b = transform == 1 ? Builtin::YearsSince : transform == 2 ? Builtin::MonthsSince : Builtin::DaysSince;
                    for (double y : thresholdsOf(i, transform)) {
                        for (double k = std::floor(y) - 1; k <= std::ceil(y) + 1; ++k) {
                            int n = static_cast<int>(k);
                            int guess = transform == 1   ? refMinusMonths(r_.asOf_, 12 * n)
                                        : transform == 2 ? refMinusMonths(r_.asOf_, n)
                                                         : r_.asOf_ - n;
                            for (int d = guess - 5; d <= guess + 5; ++d)
                                if (sinceValue(b, d, r_.asOf_) != sinceValue(b, d + 1, r_.asOf_))
                                    v.insert(v.end(), {static_cast<double>(d), static_cast<double>(d + 1)});
                        }
                    }
                }
                if (v.empty()) {
                    v = {static_cast<double>(r_.asOf_ - 365), static_cast<double>(r_.asOf_)};
                } else {
                    double lo = *std::min_element(v.begin(), v.end()), hi = *std::max_element(v.begin(), v.end());
                    v.insert(v.end(), {lo - 31, lo - 30, hi + 30, hi + 31});
                }
                std::vector<double> kept;
                int earliest = daysFromCivil(1800, 1, 1);
                for (double x : sortedUnique(v))
                    if (x >= earliest) kept.push_back(x);
                return numbers(kept);
            }
            case TypeKind::Text: {
                std::vector<std::string> t = texts_;
                t.push_back("");
                t.push_back("zz-matches-nothing");
                std::sort(t.begin(), t.end());
                t.erase(std::unique(t.begin(), t.end()), t.end());
                std::vector<Val> out;
                for (const std::string& s : t) out.push_back(Val{0, s, {}});
                return out;
            }
            case TypeKind::CodeList:
            case TypeKind::TextList: return listClasses(i, f.type.kind == TypeKind::CodeList);
            default: break;
        }
        throw ReferenceUnsupported("no classes for fact '" + f.name + "'");
    }

    std::vector<Val> listClasses(int i, bool code) {
        std::vector<const HasTest*> tests;
        for (const HasTest& t : has_)
            if (t.fact == i) tests.push_back(&t);
        std::vector<std::string> candidates;
        if (code) {
            auto pad = [](std::string s) {
                while (s.size() < 3) s += '0';
                return s;
            };
            // The same code with its last letter or digit one up or down (when it stays one).
            auto step = [](std::string s, int by) {
                char& c = s.back();
                bool digit = c >= '0' && c <= '9', letter = c >= 'A' && c <= 'Z';
                char n = static_cast<char>(c + by);
                if ((digit && n >= '0' && n <= '9') || (letter && n >= 'A' && n <= 'Z')) c = n;
                return s;
            };
            for (const HasTest* t : tests)
                for (const auto& [lo, hi] : t->ranges)
                    for (const std::string& e : {lo, hi}) {
                        if (e.empty()) continue;
                        for (const std::string& c : {pad(e), pad(step(e, 1)), pad(step(e, -1)), pad(e) + "9"})
                            if (validCode(c)) candidates.push_back(c);
                    }
        } else {
            for (const HasTest* t : tests)
                for (const std::string& item : t->items) {
                    candidates.push_back(item);
                    if (!t->sep.empty()) candidates.push_back(item + t->sep + "41");
                }
        }
        auto bits = [&](const std::string& c) {
            std::vector<bool> b;
            for (const HasTest* t : tests) {
                bool hit = false;
                if (code) {
                    std::string n = normalise(c);
                    for (const auto& [lo, hi] : t->ranges) hit |= codeMatches(n, lo, hi);
                } else {
                    std::string v = cutAt(c, t->sep);
                    for (const std::string& item : t->items) hit |= item == v;
                }
                b.push_back(hit);
            }
            return b;
        };
        std::map<std::vector<bool>, std::vector<std::string>> reps;
        reps[std::vector<bool>(tests.size(), false)] = {};
        for (const std::string& c : candidates) {
            std::vector<bool> v = bits(c);
            auto snapshot = reps;
            for (const auto& [have, list] : snapshot) {
                std::vector<bool> joined = have;
                for (size_t k = 0; k < joined.size(); ++k) joined[k] = joined[k] || v[k];
                if (!reps.count(joined)) {
                    std::vector<std::string> l = list;
                    l.push_back(c);
                    reps[joined] = l;
                }
            }
            if (reps.size() > 512) {
                r_.notes_.push_back(r_.facts_[static_cast<size_t>(i)]->name + ": more than 512 list classes, cut short");
                break;
            }
        }
        std::vector<Val> out;
        for (const auto& [_, list] : reps) out.push_back(Val{0, {}, list});
        return out;
    }
};

// ================================================================== Reference

Reference::Reference(const CheckedLibrary& lib, const PolicyModel& policy, int asOfDay)
    : lib_(lib), policy_(policy), asOf_(asOfDay) {
    // The reading order, from its documented rule (exact_reference.h).
    std::set<const FactInfo*> seen;
    std::set<const NamedExpr*> visited;
    std::function<void(const Expr&)> read = [&](const Expr& e) {
        if (e.fact && seen.insert(e.fact).second) facts_.push_back(e.fact);
        if (e.named && visited.insert(e.named).second && e.named->expr) read(*e.named->expr);
        if (e.group)
            for (const FactInfo* m : e.group->members)
                if (seen.insert(m).second) facts_.push_back(m);
        for (const auto& a : e.args) read(*a);
    };
    for (const CheckedRule& r : policy.rules)
        if (r.when) read(*r.when);
    size_t byRules = facts_.size();
    for (const auto& o : policy.outputs) read(*o->expr);
    for (size_t i = 0; i < facts_.size(); ++i) byRules_.push_back(i < byRules);
    localOf_.assign(lib.facts.size(), -1);
    for (size_t i = 0; i < facts_.size(); ++i) localOf_[facts_[i]->id] = static_cast<int>(i);
    ClassBuilder(*this).build();
}

int Reference::indexOf(const FactInfo* f) const { return f ? localOf_[f->id] : -1; }
int Reference::indexOf(const std::string& name) const { return indexOf(lib_.fact(name)); }

Reference::Decided Reference::rulesOn(const std::vector<Val>& values) const {
    Interp in(*this, values);
    for (size_t i = 0; i < policy_.rules.size(); ++i) {
        const CheckedRule& r = policy_.rules[i];
        if (!r.when || in.boolean(*r.when)) return {r.outcome, r.route, static_cast<int>(i)};
    }
    throw std::logic_error("no rule holds in " + policy_.id + " (it has no 'otherwise')");
}

void Reference::outputsOn(const std::vector<Val>& values, Outcome outcome, std::vector<OutputResult>& out) const {
    double ordinal = outcomeEnum().index(outcomeName(outcome));
    Interp in(*this, values, ordinal);
    out.clear();
    for (const auto& o : policy_.outputs) {
        OutputResult r;
        r.name = o->name;
        TypeKind k = o->expr->type.kind;
        if (k == TypeKind::Text) {
            r.isText = true;
        } else {
            r.known = true;
            r.number = k == TypeKind::Bool ? (in.boolean(*o->expr) ? 1 : 0) : in.number(*o->expr);
        }
        out.push_back(std::move(r));
    }
}

Result Reference::decideKnown(const std::vector<Val>& values) const {
    Decided d = rulesOn(values);
    Result r;
    r.outcome = d.outcome;
    r.route = d.route;
    r.rule = d.rule;
    outputsOn(values, d.outcome, r.outputs);
    return r;
}

bool Reference::holds(const Expr& condition, const std::vector<Val>& values) const {
    Interp in(*this, values);
    return in.boolean(condition);
}

bool Reference::outputReadsOutcome(size_t o) const {
    std::set<const NamedExpr*> visited;
    std::function<bool(const Expr&)> reads = [&](const Expr& e) {
        if (e.builtin == static_cast<int>(Builtin::Outcome)) return true;
        if (e.named && visited.insert(e.named).second && e.named->expr && reads(*e.named->expr)) return true;
        for (const auto& a : e.args)
            if (reads(*a)) return true;
        return false;
    };
    return reads(*policy_.outputs[o]->expr);
}

uint64_t Reference::completions(const std::vector<bool>& unknown) const {
    uint64_t n = 1;
    for (size_t i = 0; i < facts_.size(); ++i)
        if (unknown[i]) n *= classes_[i].size();
    return n;
}

Result Reference::decide(const std::vector<std::optional<Val>>& values, uint64_t maxCompletions) const {
    std::vector<size_t> open;
    std::vector<Val> current(facts_.size());
    uint64_t total = 1;
    for (size_t i = 0; i < facts_.size(); ++i) {
        if (values[i]) {
            current[i] = *values[i];
        } else {
            open.push_back(i);
            total *= classes_[i].size();
            if (total > maxCompletions)
                throw ReferenceUnsupported(policy_.id + ": more than " + std::to_string(maxCompletions) + " completions");
        }
    }
    // Mixed radix over the open facts: the first open fact varies fastest.
    std::vector<uint64_t> stride(open.size());
    uint64_t s = 1;
    for (size_t k = 0; k < open.size(); ++k) {
        stride[k] = s;
        s *= classes_[open[k]].size();
    }
    std::vector<uint16_t> table(total);
    std::vector<OutputResult> first, these;
    std::vector<bool> varies(policy_.outputs.size(), false);
    std::vector<size_t> digit(open.size(), 0);
    for (size_t k = 0; k < open.size(); ++k) current[open[k]] = classes_[open[k]][0];
    for (uint64_t n = 0; n < total; ++n) {
        Decided d = rulesOn(current);
        table[n] = static_cast<uint16_t>(static_cast<unsigned>(d.outcome) * 16 + static_cast<unsigned>(d.route));
        if (!policy_.outputs.empty()) {
            outputsOn(current, d.outcome, n == 0 ? first : these);
            if (n > 0)
                for (size_t o = 0; o < these.size(); ++o)
                    if (these[o].known != first[o].known || these[o].number != first[o].number) varies[o] = true;
        }
        for (size_t k = 0; k < open.size(); ++k) {  // next completion
            size_t f = open[k];
            if (++digit[k] < classes_[f].size()) {
                current[f] = classes_[f][digit[k]];
                break;
            }
            digit[k] = 0;
            current[f] = classes_[f][0];
        }
    }
    Result r;
    r.completions = total;
    bool same = std::all_of(table.begin(), table.end(), [&](uint16_t c) { return c == table[0]; });
    if (same) {
        r.outcome = static_cast<Outcome>(table[0] / 16);
        r.route = static_cast<Route>(table[0] % 16);
    } else {
        r.outcome = Outcome::Undetermined;
        r.route = Route::None;
        for (size_t k = 0; k < open.size(); ++k) {
            size_t f = open[k];
            uint64_t radix = classes_[f].size();
            bool matters = false;
            for (uint64_t n = 0; n < total && !matters; ++n) {
                if ((n / stride[k]) % radix != 0) continue;  // compare from digit 0 of f
                for (uint64_t j = 1; j < radix && !matters; ++j) matters = table[n + j * stride[k]] != table[n];
            }
            if (matters) r.missing.push_back(facts_[f]->name);
        }
    }
    r.outputs = first;
    for (size_t o = 0; o < r.outputs.size(); ++o)
        if (varies[o]) {
            r.outputs[o].known = false;
            r.outputs[o].number = 0;
        }
    return r;
}

std::optional<Val> Reference::fromJson(size_t i, const nlohmann::json& v) const {
    if (v.is_null()) return std::nullopt;
    const FactInfo& f = *facts_[i];
    Val out;
    switch (f.type.kind) {
        case TypeKind::Bool: out.num = v.get<bool>() ? 1 : 0; break;
        case TypeKind::Int:
        case TypeKind::Dec: out.num = v.get<double>(); break;
        case TypeKind::Date: {
            auto d = parseDate(v.get<std::string>());
            if (!d) throw ReferenceUnsupported("'" + f.name + "': not a date");
            out.num = *d;
            break;
        }
        case TypeKind::Enum: {
            int k = f.type.enumInfo->index(v.get<std::string>());
            if (k < 0) throw ReferenceUnsupported("'" + f.name + "': not a member");
            out.num = k;
            break;
        }
        case TypeKind::Text: out.text = v.get<std::string>(); break;
        case TypeKind::CodeList:
        case TypeKind::TextList:
            for (const auto& item : v) out.list.push_back(item.get<std::string>());
            break;
        default: throw ReferenceUnsupported("'" + f.name + "': a type the reference does not read");
    }
    return out;
}

nlohmann::json Reference::toJson(size_t i, const Val& v) const {
    const FactInfo& f = *facts_[i];
    switch (f.type.kind) {
        case TypeKind::Bool: return v.num != 0;
        case TypeKind::Int: return static_cast<int64_t>(v.num);
        case TypeKind::Dec: return v.num;
        case TypeKind::Date: return formatDate(static_cast<int>(v.num));
        case TypeKind::Enum: return f.type.enumInfo->members[static_cast<size_t>(v.num)];
        case TypeKind::Text: return v.text;
        case TypeKind::CodeList:
        case TypeKind::TextList: return v.list;
        default: break;
    }
    return nullptr;
}

Result Reference::decide(const nlohmann::json& facts, uint64_t maxCompletions) const {
    std::vector<std::optional<Val>> values(facts_.size());
    for (size_t i = 0; i < facts_.size(); ++i) {
        auto it = facts.find(facts_[i]->name);
        if (it != facts.end()) values[i] = fromJson(i, *it);
    }
    return decide(values, maxCompletions);
}

}  // namespace cpe::exact
