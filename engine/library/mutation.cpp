#include "engine/library/mutation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "engine/library/test_runner.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

// One change to a copy of a program, with its description.
struct Change {
    uint32_t node;  // where it is reported (a rule change uses rule)
    int rule = -1;
    std::string change;
    std::function<void(Program&)> apply;
};

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

// One unit of the compared value's type: 1 for integers, levels, days and
// numbers written whole; for a decimal written with d places, 10^-d.
double unitOf(const Expr* constant, const Type& compared) {
    if (compared.kind != TypeKind::Dec || !constant) return 1;
    std::string written = printExpr(*constant);
    size_t dot = written.find('.');
    if (dot == std::string::npos) return 1;
    size_t places = 0;
    while (dot + 1 + places < written.size() && std::isdigit(static_cast<unsigned char>(written[dot + 1 + places]))) ++places;
    return std::pow(10.0, -static_cast<double>(places));
}

bool isConstant(const Expr& e) {
    return e.kind == ExprKind::Number || e.kind == ExprKind::Date || e.enumOrdinal >= 0 ||
           (e.kind == ExprKind::Negate && !e.args.empty() && e.args[0]->kind == ExprKind::Number);
}

// How a constant reads: a level by name, else the number.
std::string valueText(double v, const Type& t) {
    if (t.kind == TypeKind::Enum && t.enumInfo && v >= 0 && v < static_cast<double>(t.enumInfo->members.size()))
        return t.enumInfo->members[static_cast<size_t>(v)];
    return number(v);
}

bool inRange(double v, const Type& t) {
    if (t.kind == TypeKind::Enum && t.enumInfo) return v >= 0 && v < static_cast<double>(t.enumInfo->members.size());
    return true;
}

std::optional<CompareOp> flipped(CompareOp op) {
    switch (op) {
        case CompareOp::Ge: return CompareOp::Gt;
        case CompareOp::Gt: return CompareOp::Ge;
        case CompareOp::Le: return CompareOp::Lt;
        case CompareOp::Lt: return CompareOp::Le;
        case CompareOp::Eq: return CompareOp::Ne;
        case CompareOp::Ne: return CompareOp::Eq;
    }
    return std::nullopt;
}

// Threshold moves of a constant stored at `slot` (a double inside the
// program, found again in the copy by `where`).
void shifts(std::vector<Change>& out, uint32_t node, double value, double unit, const Type& t,
            const std::function<double&(Program&)>& where) {
    for (double delta : {-unit, unit}) {
        double moved = value + delta;
        if (!inRange(moved, t)) continue;
        out.push_back(
            {node, -1, valueText(value, t) + " → " + valueText(moved, t), [where, moved](Program& p) { where(p) = moved; }});
    }
}

void flip(std::vector<Change>& out, uint32_t node, CompareOp op) {
    auto to = flipped(op);
    if (!to) return;
    CompareOp target = *to;
    out.push_back({node, -1, "`" + std::string(spelling(op)) + "` → `" + std::string(spelling(target)) + "`",
                   [node, target](Program& p) { p.nodes[node].cmp = static_cast<uint8_t>(target); }});
}

// Where a comparison reads an integer fact or a level straight from its
// slot, its result for every value the fact may take (a declared range of at
// most 10,001 values, or the allowed levels); empty otherwise. Two
// comparisons with the same table cannot be told apart by any test, so a
// mutant giving the original's table is not made (`grade >= 1` where the
// grade is declared 1..4 is the same as `grade >= 0`).
std::vector<bool> truthTable(const Program& p, uint32_t slot, CompareOp op, double constant) {
    if (slot >= p.slots.size() || !p.slots[slot]) return {};
    const FactInfo& f = *p.slots[slot];
    double lo, hi;
    if (f.type.kind == TypeKind::Enum && f.type.enumInfo) {
        lo = 0;
        hi = static_cast<double>(f.type.enumInfo->members.size()) - 1;
    } else if (f.type.kind == TypeKind::Int && f.min && f.max && *f.max - *f.min <= 10000) {
        lo = *f.min;
        hi = *f.max;
    } else {
        return {};
    }
    std::vector<bool> table;
    for (double v = lo; v <= hi; ++v) {
        if (f.type.kind == TypeKind::Enum && !f.allowed.empty() && !f.allowed[static_cast<size_t>(v)]) continue;
        table.push_back(compare(op, v, constant));
    }
    return table;
}

// A `Slot`-reading comparison that holds (or fails) for every value its fact
// may take: dropping it from `all of` (or `any of`) changes nothing.
std::optional<bool> constantOverRange(const Program& p, uint32_t node) {
    const Node& n = p.nodes[node];
    if (n.op != Op::BCmpSlotConst) return std::nullopt;
    std::vector<bool> t = truthTable(p, n.a, static_cast<CompareOp>(n.cmp), n.imm);
    if (t.empty()) return std::nullopt;
    if (std::all_of(t.begin(), t.end(), [](bool b) { return b; })) return true;
    if (std::none_of(t.begin(), t.end(), [](bool b) { return b; })) return false;
    return std::nullopt;
}

// Whether a mutant's slot comparison is the original's in disguise.
bool sameOverRange(const Program& p, const Node& original, const Node& mutated) {
    if (original.op != Op::BCmpSlotConst || mutated.op != Op::BCmpSlotConst) return false;
    std::vector<bool> before = truthTable(p, original.a, static_cast<CompareOp>(original.cmp), original.imm);
    return !before.empty() && before == truthTable(p, mutated.a, static_cast<CompareOp>(mutated.cmp), mutated.imm);
}

std::vector<Change> changesOf(const Program& p) {
    std::vector<Change> out;
    auto exprOf = [&](uint32_t i) -> const Expr* { return i < p.nodeExprs.size() ? p.nodeExprs[i] : nullptr; };
    for (uint32_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        const Expr* e = exprOf(i);
        const uint32_t* k = p.kidsOf(n);
        // The compared value's type, and the constant as written, from the expression.
        const Expr* constant = nullptr;
        Type compared;
        if (e && (e->kind == ExprKind::Compare || e->kind == ExprKind::Is) && e->args.size() == 2) {
            bool right = isConstant(*e->args[1]);
            constant = right ? e->args[1].get() : e->args[0].get();
            compared = (right ? e->args[0] : e->args[1])->type;
        } else if (e && (e->kind == ExprKind::Between) && e->args.size() == 3) {
            compared = e->args[0]->type;
        }
        switch (n.op) {
            case Op::BCmpSlotConst:
            case Op::BCmpConst: {
                if (!e) break;
                flip(out, i, static_cast<CompareOp>(n.cmp));
                if (!isEquality(static_cast<CompareOp>(n.cmp)))
                    shifts(out, i, n.imm, unitOf(constant, compared), compared,
                           [i](Program& q) -> double& { return q.nodes[i].imm; });
                break;
            }
            case Op::BCmp: {
                if (!e) break;
                flip(out, i, static_cast<CompareOp>(n.cmp));
                for (int side = 0; side < 2; ++side) {
                    uint32_t kid = k[side];
                    if (p.nodes[kid].op != Op::NConst || isEquality(static_cast<CompareOp>(n.cmp))) continue;
                    shifts(out, i, p.nodes[kid].imm, unitOf(constant, compared), compared,
                           [kid](Program& q) -> double& { return q.nodes[kid].imm; });
                }
                break;
            }
            case Op::BBetweenSlotConst: {
                if (!e) break;
                double unitLo = unitOf(e->args[1].get(), compared), unitHi = unitOf(e->args[2].get(), compared);
                shifts(out, i, n.imm, unitLo, compared, [i](Program& q) -> double& { return q.nodes[i].imm; });
                uint32_t c = n.b;
                shifts(out, i, p.consts[c], unitHi, compared, [c](Program& q) -> double& { return q.consts[c]; });
                break;
            }
            case Op::BBetween: {
                if (!e) break;
                for (int side = 1; side <= 2; ++side) {
                    uint32_t kid = k[side];
                    if (p.nodes[kid].op != Op::NConst) continue;
                    shifts(out, i, p.nodes[kid].imm, unitOf(e->args[static_cast<size_t>(side)].get(), compared), compared,
                           [kid](Program& q) -> double& { return q.nodes[kid].imm; });
                }
                break;
            }
            case Op::BWithin: {
                if (!e) break;
                uint32_t kid = k[1];
                if (p.nodes[kid].op != Op::NConst) break;
                shifts(out, i, p.nodes[kid].imm, 1, Type::of(TypeKind::Int),
                       [kid](Program& q) -> double& { return q.nodes[kid].imm; });
                break;
            }
            case Op::BAtLeast:
                if (!e) break;
                shifts(out, i, n.imm, 1, Type::of(TypeKind::Int), [i](Program& q) -> double& { return q.nodes[i].imm; });
                break;
            case Op::BAnd:
            case Op::BOr: {
                if (!e || n.nkids < 2) break;
                bool isAnd = n.op == Op::BAnd;
                out.push_back({i, -1, isAnd ? "all of → any of" : "any of → all of",
                               [i, isAnd](Program& q) { q.nodes[i].op = isAnd ? Op::BOr : Op::BAnd; }});
                for (uint16_t drop = 0; drop < n.nkids; ++drop) {
                    if (constantOverRange(p, k[drop]) == isAnd) continue;  // always true in all of, false in any of
                    const Expr* kidExpr = exprOf(k[drop]);
                    std::string name = kidExpr ? printExpr(*kidExpr) : "item " + std::to_string(drop + 1);
                    out.push_back({i, -1, "drop `" + name + "`", [i, drop](Program& q) {
                                       Node& m = q.nodes[i];
                                       std::vector<uint32_t> kept;
                                       for (uint16_t j = 0; j < m.nkids; ++j)
                                           if (j != drop) kept.push_back(q.kids[m.firstKid + j]);
                                       m.firstKid = static_cast<uint32_t>(q.kids.size());
                                       m.nkids = static_cast<uint16_t>(kept.size());
                                       q.kids.insert(q.kids.end(), kept.begin(), kept.end());
                                   }});
                }
                break;
            }
            default: break;
        }
    }
    for (size_t r = 0; r < p.rules.size(); ++r) {
        const CompiledRule& rule = p.rules[r];
        int ri = static_cast<int>(r);
        Outcome other = rule.outcome == Outcome::Eligible ? Outcome::NotEligible : Outcome::Eligible;
        out.push_back({0, ri, std::string(outcomeName(rule.outcome)) + " → " + outcomeName(other),
                       [r, other](Program& q) { q.rules[r].outcome = other; }});
        Route otherRoute = rule.route == Route::None ? Route::PriorApproval : Route::None;
        out.push_back({0, ri, std::string("route ") + routeName(rule.route) + " → " + routeName(otherRoute),
                       [r, otherRoute](Program& q) { q.rules[r].route = otherRoute; }});
    }
    return out;
}

// The mutant made ready to evaluate: its rules flattened again and its
// classes and analysis worked out for the changed constants.
void rederive(Program& p) {
    p.steps.clear();
    flattenRules(p);
    computeSlotClasses(p);
    p.analysed = false;
    p.kleeneExact = false;
    p.classOrder.clear();
    Evaluator::analyse(p);
}

// Whether the author of this policy wrote `at`: a policy that extends
// another, or is a variant of it, inherits the rest, whose mistakes belong to
// (and are caught by the tests of) the policy it comes from. Its own text
// lies after its id and before the next policy or module of its file.
bool writtenHere(const CheckedLibrary& lib, const PolicyModel& m, const Span& at) {
    if (m.extends.empty() && m.variantOf.empty()) return true;
    if (at.file != m.span.file || at.line < m.span.line) return false;
    uint32_t next = UINT32_MAX;
    auto consider = [&](const Span& s) {
        if (s.file == m.span.file && s.line > m.span.line) next = std::min(next, s.line);
    };
    for (const PolicyModel& p : lib.policies) consider(p.span);
    for (const ModuleModel& mod : lib.modules) consider(mod.span);
    return at.line < next;
}

}  // namespace

size_t PolicyMutation::killed() const {
    size_t n = 0;
    for (const Mutant& m : mutants) n += m.killed;
    return n;
}

std::vector<PolicyMutation> runMutationTests(const PolicyLibrary& lib) {
    std::map<const CompiledPolicy*, std::vector<const BoundTest*>> testsOf;
    std::vector<BoundTest> bound = bindTests(lib);
    for (const BoundTest& t : bound) testsOf[t.compiled].push_back(&t);
    std::vector<PolicyMutation> out;
    for (auto& [compiled, tests] : testsOf) {
        const Program& original = compiled->program;
        PolicyMutation pm;
        pm.policy = compiled->model->id;
        pm.version = compiled->model->version;
        pm.tests = tests.size();
        const PolicyModel& model = *compiled->model;
        for (const Change& c : changesOf(original)) {
            if (c.rule >= 0 && static_cast<size_t>(c.rule) < model.rules.size() &&
                !writtenHere(lib.checked(), model, model.rules[static_cast<size_t>(c.rule)].span))
                continue;
            if (c.rule < 0 &&
                (!original.nodeExprs[c.node] || !writtenHere(lib.checked(), model, original.nodeExprs[c.node]->span)))
                continue;
            Mutant m;
            if (c.rule >= 0) {
                const CompiledRule& r = original.rules[static_cast<size_t>(c.rule)];
                m.at = r.at;
                m.text = std::string(r.exempt ? "exempt" : outcomeName(r.outcome)) +
                         (r.when < 0 ? " otherwise" : " when " + r.conditionText);
            } else if (const Expr* e = original.nodeExprs[c.node]) {
                m.at = lib.sources().location(e->span);
                m.text = printExpr(*e);
            }
            m.change = c.change;
            Program mutant = original;
            c.apply(mutant);
            if (c.rule < 0 && sameOverRange(original, original.nodes[c.node], mutant.nodes[c.node])) continue;
            rederive(mutant);
            Evaluator ev(mutant);
            for (const BoundTest* t : tests) {
                Decision d;
                d.policy = compiled->model->id;
                d.policyVersion = compiled->model->version;
                ev.decide(FactView::of(t->facts), t->day, d);
                if (!checkTest(lib, *t->test, DecideResult(std::move(d))).passed()) {
                    m.killed = true;
                    m.killedBy = t->test->name;
                    break;
                }
            }
            pm.mutants.push_back(std::move(m));
        }
        out.push_back(std::move(pm));
    }
    std::sort(out.begin(), out.end(), [](const PolicyMutation& a, const PolicyMutation& b) {
        return a.policy != b.policy ? a.policy < b.policy : a.version < b.version;
    });
    return out;
}

}  // namespace cpe
