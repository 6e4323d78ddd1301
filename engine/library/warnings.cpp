// `cpe check`'s warnings (see warnings.h), one function per kind. Each walk is
// linear in the library; the reachability search is bounded per rule
// (engine/eval/reachability.cpp), so checking stays linear in the policies.
#include "engine/library/warnings.h"

#include <cmath>
#include <functional>
#include <set>
#include <tuple>

#include "engine/base/number_format.h"
#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "engine/library/policy_library.h"
#include "engine/source/utf8.h"

namespace cpe {
namespace {

using Place = std::tuple<uint32_t, uint32_t, uint32_t>;  // file, line, column
Place placeOf(const Span& s) { return {s.file, s.line, s.col}; }

// Inherited criteria and decide blocks are checked once per policy that
// inherits them: one warning per place and kind.
class Warnings {
public:
    // `compiled`: the library's compiled policy of each of lib.policies, or
    // null to compile them here.
    Warnings(const CheckedLibrary& lib, Diagnostics& diags, const PolicyLibrary* compiled)
        : lib_(lib), diags_(diags), compiled_(compiled) {}
    void add(const Span& at, const std::string& code, std::string message) {
        if (seen_.insert({placeOf(at), code}).second) diags_.warning(at, std::move(message), code);
    }
    const CheckedLibrary& lib() const { return lib_; }
    const PolicyLibrary* compiled() const { return compiled_; }
    std::string line(const Span& s) const { return "line " + std::to_string(s.line); }

private:
    const CheckedLibrary& lib_;
    Diagnostics& diags_;
    const PolicyLibrary* compiled_;
    std::set<std::pair<Place, std::string>> seen_;
};

// Calls `visit` on every expression a policy's rules and outputs read, through
// the criteria and values they name (each named expression once).
void walkRead(const PolicyModel& p, const std::function<void(const Expr&)>& visit) {
    std::set<const NamedExpr*> done;
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
        visit(e);
        if (e.named && done.insert(e.named).second && e.named->expr) walk(*e.named->expr);
        for (const auto& a : e.args) walk(*a);
    };
    for (const CheckedRule& r : p.rules)
        if (r.when) walk(*r.when);
    for (const auto& o : p.outputs) walk(*o->expr);
    if (p.variantWhen) walk(*p.variantWhen);
}

// An enum fact whose every value names a policy beside a base one (legacy_area:
// fertility.ivf.hwe, .mse, .snee beside fertility.ivf) is read by
// `cpe diff 'fertility.ivf.{legacy_area}'`, which picks each case's policy by it.
bool picksPolicies(const FactInfo& f, const std::set<std::string>& ids) {
    if (f.type.kind != TypeKind::Enum || !f.type.enumInfo || f.type.enumInfo->members.empty()) return false;
    for (const std::string& base : ids) {
        bool all = true;
        for (const std::string& m : f.type.enumInfo->members) all = all && ids.count(base + "." + m);
        if (all) return true;
    }
    return false;
}

void unusedFacts(Warnings& w) {
    std::set<const FactInfo*> read;
    std::set<std::string> ids;
    for (const PolicyModel& p : w.lib().policies) {
        read.insert(p.factsRead.begin(), p.factsRead.end());
        ids.insert(p.id);
    }
    for (const FactInfo& f : w.lib().facts)
        if (!read.count(&f) && !picksPolicies(f, ids))
            w.add(f.span, "unused-fact",
                  "fact '" + f.name +
                      "' is never read: no decide rule or output of any policy depends on it (a test's 'given' does not "
                      "count); remove it, or use it in a criterion a rule reads");
}

// Criteria and values by where they are declared: a clone of an inherited one
// has its declaration's span.
void unusedNamed(Warnings& w) {
    std::set<Place> used;
    for (const PolicyModel& p : w.lib().policies)
        walkRead(p, [&](const Expr& e) {
            if (e.named) used.insert(placeOf(e.named->span));
        });
    auto report = [&](const NamedExpr& n) {
        if (used.count(placeOf(n.span))) return;
        if (n.kind == NamedExpr::Kind::Criterion)
            w.add(n.span, "unused-criterion",
                  "criterion '" + n.name +
                      "' is never used: no decide rule or output reads it, directly or through another criterion; "
                      "use it in the decide block (e.g. 'eligible when all of (..., " +
                      n.name + ")') or remove it");
        else if (n.kind == NamedExpr::Kind::Value)
            w.add(n.span, "unused-value",
                  "value '" + n.name + "' is never used: no decide rule, criterion or output reads it; use it or remove it");
    };
    for (const ModuleModel& m : w.lib().modules)
        for (const auto& n : m.named) report(*n);
    for (const PolicyModel& p : w.lib().policies) {
        for (const auto& n : p.criteria)
            if (n->origin == p.id) report(*n);
        for (const auto& n : p.values)
            if (n->origin == p.id) report(*n);
    }
}

void unreachableRules(Warnings& w) {
    for (size_t index = 0; index < w.lib().policies.size(); ++index) {
        const PolicyModel& p = w.lib().policies[index];
        bool candidate = false;  // only a policy with two or more conditional rules can have one
        for (size_t k = 1; k < p.rules.size(); ++k) candidate |= p.rules[k].when != nullptr;
        if (!candidate && (p.rules.empty() || !p.rules[0].when)) continue;
        // The library's own compiled and analysed program when there is one:
        // compiling and analysing every policy again was 16% of checking the
        // generated 1 MB library (callgrind, bench/bench_check.sh).
        CompiledPolicy own;
        if (!w.compiled()) compilePolicy(w.lib(), p, own);
        Evaluator ev(w.compiled() ? w.compiled()->compiledAt(index).program : own.program);
        for (size_t k = 0; k < p.rules.size(); ++k) {
            const CheckedRule& r = p.rules[k];
            if (!r.when || (r.when->kind == ExprKind::Bool && r.when->boolValue)) continue;  // `otherwise`
            if (ev.canFire(k, p.effectiveDay, false) != Evaluator::Reach::Never) continue;
            std::string in = r.span.file == p.file ? "" : " in '" + p.id + "', which inherits it,";
            if (ev.canFire(k, p.effectiveDay, true) == Evaluator::Reach::Never) {
                w.add(r.span, "unreachable-rule",
                      "this rule can never fire" + in +
                          ": no case meets its condition (check the thresholds and 'and'/'or'); fix the condition or "
                          "remove the rule");
                continue;
            }
            std::string earlier;
            for (size_t j = 0; j < k; ++j)
                if (p.rules[j].when) earlier += (earlier.empty() ? "" : ", ") + w.line(p.rules[j].span);
            w.add(r.span, "unreachable-rule",
                  "this rule can never fire" + in + ": every case it covers is decided by an earlier rule (" + earlier +
                      "); remove it, or move it above the rule that should give way");
        }
    }
}

// The expression a comparison's constant side is compared with has no unit
// because what it is built from has none (a fact declared without one, a
// count), not because the checker cannot tell (a product or a quotient).
bool declaredUnitless(const Expr& e) {
    if (!e.type.numeric() || !e.type.unit.empty()) return false;
    switch (e.kind) {
        case ExprKind::Name:
            if (e.fact) return true;
            return e.named && e.named->expr && declaredUnitless(*e.named->expr);
        case ExprKind::CountOf: return true;
        case ExprKind::Negate: return declaredUnitless(*e.args[0]);
        case ExprKind::Arith:
            return (e.text == "+" || e.text == "-") && declaredUnitless(*e.args[0]) && declaredUnitless(*e.args[1]);
        default: return false;
    }
}

std::string quoted(const CheckedLibrary& lib, const Expr& e) {
    std::string_view line = lib.sources->lineText(e.span.file, e.span.line);
    if (e.span.endLine != e.span.line || e.span.endCol <= e.span.col || e.span.col == 0) return e.text;
    // Columns count code points; the line is bytes.
    const size_t begin = byteOfCodePoint(line, e.span.col - 1), end = byteOfCodePoint(line, e.span.endCol - 1);
    if (end > line.size() || (end == line.size() && countCodePoints(line) < e.span.endCol - 1)) return e.text;
    return std::string(line.substr(begin, end - begin));
}

bool plainFraction(const Expr& e) {
    return e.kind == ExprKind::Arith && e.text == "/" && e.args[0]->kind == ExprKind::Number &&
           e.args[1]->kind == ExprKind::Number && e.args[0]->unit.empty() && e.args[1]->unit.empty() && e.args[1]->number != 0;
}

void constantUnits(Warnings& w, const Expr& subject, const Expr& constant) {
    const CheckedLibrary& lib = w.lib();
    if (constant.kind == ExprKind::Number && !constant.unit.empty() && declaredUnitless(subject)) {
        std::string fix = subject.kind == ExprKind::Name && subject.fact
                              ? ", or declare the fact with it: fact " + subject.fact->name + ": " +
                                    (subject.fact->isInteger() ? "integer" : "decimal") + " [" + constant.unit + "]"
                              : "";
        w.add(constant.span, "unit-on-unitless",
              "'" + quoted(lib, constant) + "' gives a unit to a number compared with '" + quoted(lib, subject) +
                  "', which has none; remove '[" + constant.unit + "]'" + fix);
    }
    if (plainFraction(constant) && subject.type.numeric() && !subject.type.unit.empty()) {
        double value = constant.args[0]->number / constant.args[1]->number;
        std::string hint =
            subject.type.unit == "logMAR" && value > 0
                ? " (Snellen " + quoted(lib, constant) + " is " + decimalWithThousands(-std::log10(value), 2) + " logMAR)"
                : "";
        w.add(constant.span, "fraction-with-unit",
              "'" + quoted(lib, constant) + "' is a plain fraction, but '" + quoted(lib, subject) + "' is in [" +
                  subject.type.unit + "]; write the threshold in [" + subject.type.unit + "]" + hint);
    }
}

void units(Warnings& w) {
    std::function<void(const Expr&)> visit = [&](const Expr& e) {
        if ((e.kind == ExprKind::Compare || e.kind == ExprKind::Is) && e.args.size() == 2) {
            constantUnits(w, *e.args[0], *e.args[1]);
            constantUnits(w, *e.args[1], *e.args[0]);
        } else if (e.kind == ExprKind::Between && e.args.size() == 3) {
            constantUnits(w, *e.args[0], *e.args[1]);
            constantUnits(w, *e.args[0], *e.args[2]);
        }
    };
    // Every expression, read by a rule or not (an unused criterion gets both warnings).
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
        visit(e);
        for (const auto& a : e.args) walk(*a);
    };
    for (const PolicyModel& p : w.lib().policies) {
        for (const CheckedRule& r : p.rules)
            if (r.when) walk(*r.when);
        for (const auto* list : {&p.criteria, &p.values, &p.outputs})
            for (const auto& n : *list) walk(*n->expr);
        if (p.variantWhen) walk(*p.variantWhen);
    }
    for (const ModuleModel& m : w.lib().modules)
        for (const auto& n : m.named)
            if (n->expr) walk(*n->expr);
}

void shadowedValues(Warnings& w) {
    for (const ShadowedValue& s : w.lib().shadowedValues) {
        std::string declared = w.line(s.declared);
        if (s.inItself)
            w.add(s.at, "value-shadowed",
                  "'" + s.name + "' is read as " + s.enumName + "'s value '" + s.name + "', not as the criterion '" + s.name +
                      "' this defines (which would be defined in terms of itself); rename the criterion, e.g. 'is_" + s.name +
                      "'");
        else
            w.add(s.at, "value-shadowed",
                  "'" + s.name + "' is read as " + s.enumName + "'s value '" + s.name + "', though a criterion or value (" +
                      declared + ") has the same name; rename that one, e.g. 'is_" + s.name + "', so the name means one thing");
    }
}

void allWarnings(const CheckedLibrary& lib, Diagnostics& diags, const PolicyLibrary* compiled) {
    Warnings w(lib, diags, compiled);
    unusedFacts(w);
    unusedNamed(w);
    units(w);
    shadowedValues(w);
    unreachableRules(w);
    diags.sort();
}

}  // namespace

void findWarnings(const CheckedLibrary& lib, Diagnostics& diags) { allWarnings(lib, diags, nullptr); }

void findWarnings(const PolicyLibrary& lib, Diagnostics& diags) { allWarnings(lib.checked(), diags, &lib); }

}  // namespace cpe
