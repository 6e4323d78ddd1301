// Decide rules (outcomes, routes, `otherwise`, unreachable rules), the facts a policy reads, and named expressions.
#include "engine/check/check_env.h"

#include <algorithm>
#include <functional>

namespace cpe::check_internal {

Route Checker::defaultRoute(const std::string& word, const PolicyModel& p) {
    if (word == "exempt") return Route::None;
    if (word == "review") return Route::Panel;
    if (word == "not_eligible") return p.ifrAllowed ? Route::Ifr : Route::None;
    return p.accessRoute == "prior_approval" ? Route::PriorApproval : Route::None;
}

void Checker::checkRules(const DecideBlock& block, bool own, Scope& scope, PolicyModel& p) {
    std::shared_ptr<DecideBlock> copy;
    const DecideBlock* use = &block;
    if (!own) {
        copy = std::make_shared<DecideBlock>();
        copy->span = block.span;
        for (const Rule& r : block.rules) {
            Rule c;
            c.span = r.span;
            c.outcome = r.outcome;
            c.outcomeSpan = r.outcomeSpan;
            c.route = r.route;
            c.routeSpan = r.routeSpan;
            if (r.when) c.when = r.when->clone();
            copy->rules.push_back(std::move(c));
        }
        lib_->ownedDecideBlocks.push_back(copy);
        use = copy.get();
    }
    bool sawOtherwise = false;
    for (const Rule& r : use->rules) {
        if (sawOtherwise) {
            diags_.error(r.span, "unreachable: this rule comes after 'otherwise'");
            continue;
        }
        if (std::find(kOutcomeWords.begin(), kOutcomeWords.end(), r.outcome) == kOutcomeWords.end()) {
            diags_.error(r.outcomeSpan, "unknown outcome '" + r.outcome +
                                            "'; a rule gives one of eligible, "
                                            "not_eligible, review or exempt" +
                                            didYouMean(r.outcome, kOutcomeWords));
            if (!r.when) sawOtherwise = true;  // still the last rule: one error, not two
            continue;
        }
        CheckedRule cr;
        cr.span = r.span;
        cr.outcomeWord = r.outcome;
        cr.outcome = r.outcome == "exempt" ? Outcome::Eligible : *parseOutcome(r.outcome);
        cr.route = defaultRoute(r.outcome, p);
        if (!r.route.empty()) {
            auto route = parseRoute(r.route);
            if (!route) diags_.error(r.routeSpan, "unknown route '" + r.route + "'" + didYouMean(r.route, kRouteWords));
            else cr.route = *route;
        }
        if (r.when) {
            Ctx ctx{&scope, Mode::Fact};
            expectBool(*r.when, ctx, "a rule's condition");
            if (r.when->kind == ExprKind::Bool && r.when->boolValue) sawOtherwise = true;  // `when true`
            cr.when = r.when.get();
        } else {
            sawOtherwise = true;
        }
        p.rules.push_back(cr);
    }
    if (!sawOtherwise)
        diags_.error(use->span, "the decide block needs a last rule 'otherwise OUTCOME' so every case gets an outcome");
    // Two rules with the same condition: the second can never fire.
    for (size_t i = 0; i < use->rules.size(); ++i)
        for (size_t j = i + 1; j < use->rules.size(); ++j)
            if (use->rules[i].when && use->rules[j].when && sameExpr(*use->rules[i].when, *use->rules[j].when))
                diags_.error(use->rules[j].span, "unreachable: the rule at " + lib_->sources->location(use->rules[i].span) +
                                                     " has the same condition");
}

bool Checker::sameExpr(const Expr& a, const Expr& b) {
    if (a.kind != b.kind || a.text != b.text || a.compareOp != b.compareOp || a.number != b.number ||
        a.boolValue != b.boolValue || a.negated != b.negated || a.args.size() != b.args.size() || !a.set != !b.set)
        return false;
    if (a.set) {
        if (a.set->ref != b.set->ref || a.set->items.size() != b.set->items.size()) return false;
        for (size_t i = 0; i < a.set->items.size(); ++i)
            if (a.set->items[i].lo != b.set->items[i].lo || a.set->items[i].hi != b.set->items[i].hi) return false;
    }
    for (size_t i = 0; i < a.args.size(); ++i)
        if (!sameExpr(*a.args[i], *b.args[i])) return false;
    return true;
}

// Facts in the order the policy reads them: rules first, in order, then outputs.
std::vector<const FactInfo*> Checker::factsRead(const PolicyModel& p) {
    std::vector<const FactInfo*> out;
    std::set<const FactInfo*> seen;
    std::set<const NamedExpr*> visited;
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
        if (e.fact && seen.insert(e.fact).second) out.push_back(e.fact);
        if (e.named && visited.insert(e.named).second && e.named->expr) walk(*e.named->expr);
        if (e.group)
            for (const FactInfo* f : e.group->members)
                if (seen.insert(f).second) out.push_back(f);
        for (const auto& a : e.args) walk(*a);
    };
    for (const CheckedRule& r : p.rules)
        if (r.when) walk(*r.when);
    for (const auto& o : p.outputs) walk(*o->expr);
    if (p.variantWhen) walk(*p.variantWhen);
    return out;
}

// ---------------------------------------------------------------- named expressions
void Checker::checkNamed(NamedExpr& n, Scope& scope) {
    int& st = state_[&n];
    if (st == 2) return;
    if (st == 1) {
        diags_.error(n.span, "'" + n.name + "' is defined in terms of itself");
        return;
    }
    st = 1;
    Mode mode = n.kind == NamedExpr::Kind::Coding ? Mode::Coding : n.kind == NamedExpr::Kind::Output ? Mode::Output : Mode::Fact;
    Ctx ctx{&scope, mode};
    if (n.kind == NamedExpr::Kind::Criterion || n.kind == NamedExpr::Kind::Coding) {
        expectBool(*n.expr, ctx, n.kind == NamedExpr::Kind::Criterion ? "a criterion" : "a coding rule");
        if (n.kind == NamedExpr::Kind::Criterion && n.text.empty())
            diags_.error(n.span,
                         "criterion '" + n.name + "' needs the wording a person reads: criterion " + n.name + " \"...\" = ...");
    } else {
        Type t = check(*n.expr, ctx);
        if (t.kind == TypeKind::CodeList || t.kind == TypeKind::TextList || t.kind == TypeKind::Set)
            diags_.error(n.expr->span, "a value or output must be a single value, not " + describe(t));
    }
    state_[&n] = 2;
}

}  // namespace cpe::check_internal
