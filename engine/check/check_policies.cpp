// Policy headers, `extends` and overrides, effective dates, version overlaps and gaps, and variants.
#include "engine/check/check_env.h"

#include <algorithm>
#include <functional>

namespace cpe::check_internal {

// ---------------------------------------------------------------- policies
void Checker::checkPolicies() {
    std::map<std::string, std::set<std::string>> versions;
    for (UnitDecls* d : policies_) {
        PolicyModel& p = lib_->policies.emplace_back();
        p.id = d->unit->id;
        p.span = d->unit->span;
        p.file = d->unit->span.file;
        checkPolicy(*d, p);
        if (!versions[p.id].insert(p.version).second)
            diags_.error(p.span, "policy '" + p.id + "' version '" + p.version + "' is declared twice");
    }
    checkVersionOverlaps();
    checkVariants();
}

// `variant of X when ...` (see engine/library/variants.h): X must be another
// policy that is not itself a variant, and two variants of X must not share
// a condition, or the first by id would always win without a word.
// (Conditions that merely overlap cannot be found in general; selection
// then takes the first by id, as documented.)
void Checker::checkVariants() {
    std::map<std::string, std::vector<const PolicyModel*>> byBase;
    for (const PolicyModel& p : lib_->policies) {
        if (p.variantOf.empty() || !p.variantWhen) continue;
        const Span& at = p.variantWhen->span;
        auto base = policiesById_.find(p.variantOf);
        if (p.variantOf == p.id) {
            diags_.error(
                at, "policy '" + p.id + "' cannot be a variant of itself; give the variant its own id, e.g. " + p.id + ".area");
        } else if (base == policiesById_.end()) {
            std::vector<std::string> ids;
            for (auto& [id, _] : policiesById_) ids.push_back(id);
            diags_.error(
                at, "'" + p.id + "' is a variant of an unknown policy '" + p.variantOf + "'" + didYouMeanId(p.variantOf, ids));
        } else {
            for (const PolicyModel& other : lib_->policies)
                if (other.id == p.variantOf && !other.variantOf.empty()) {
                    diags_.error(at, "'" + p.variantOf + "' is itself a variant of '" + other.variantOf + "'; make '" + p.id +
                                         "' a variant of '" + other.variantOf + "'");
                    break;
                }
            byBase[p.variantOf].push_back(&p);
        }
    }
    for (auto& [base, list] : byBase)
        for (size_t i = 0; i < list.size(); ++i)
            for (size_t j = i + 1; j < list.size(); ++j)
                if (list[i]->id != list[j]->id && sameExpr(*list[i]->variantWhen, *list[j]->variantWhen)) {
                    const std::string& first = std::min(list[i]->id, list[j]->id);
                    const std::string& second = std::max(list[i]->id, list[j]->id);
                    diags_.error(list[j]->variantWhen->span, "variants '" + first + "' and '" + second + "' of '" + base +
                                                                 "' have the same condition, so '" + second +
                                                                 "' could never be chosen (variants are tried in id order)");
                }
}

// The chain from a policy up through what it extends; reports cycles.
std::vector<const UnitDecls*> Checker::ancestry(const UnitDecls& d) {
    std::vector<const UnitDecls*> chain{&d};
    std::set<std::string> seen{d.unit->id};
    const UnitDecls* cur = &d;
    while (!cur->unit->extends.empty()) {
        const std::string& baseId = cur->unit->extends;
        auto it = policiesById_.find(baseId);
        if (it == policiesById_.end()) {
            std::vector<std::string> ids;
            for (auto& [id, _] : policiesById_) ids.push_back(id);
            diags_.error(cur->unit->extendsSpan, "no policy named '" + baseId + "' to extend" + didYouMeanId(baseId, ids));
            break;
        }
        if (!seen.insert(baseId).second) {
            diags_.error(cur->unit->extendsSpan, "policy '" + d.unit->id + "' extends itself through '" + baseId + "'");
            break;
        }
        // With several versions of the base, a variant extends the newest.
        const UnitDecls* base = it->second.back();
        chain.push_back(base);
        cur = base;
    }
    return chain;
}

void Checker::checkPolicy(UnitDecls& d, PolicyModel& p) {
    std::vector<const UnitDecls*> chain = ancestry(d);
    p.extends = d.unit->extends;

    // Header: the nearest unit that states an item wins; sources accumulate
    // only from the policy itself unless it states none.
    bool hasTitle = false, hasVersion = false, hasEffective = false;
    // Next steps: the board's wording for every policy, then the modules
    // used (the first named wins), then the policy and what it extends.
    auto wordNextSteps = [&p](const UnitDecls& u) {
        for (const HeaderItem* h : u.header)
            if (h->kind == HeaderItem::Kind::NextStep) p.nextSteps[h->key] = h->value;
    };
    if (auto board = modules_.find("board"); board != modules_.end()) wordNextSteps(*board->second);
    std::vector<const UnitDecls*> used = usedModules(chain);
    for (auto it = used.rbegin(); it != used.rend(); ++it) wordNextSteps(**it);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        bool own = *it == &d;
        std::vector<std::string> sources;
        for (const HeaderItem* h : (*it)->header) {
            switch (h->kind) {
                case HeaderItem::Kind::Title:
                    p.title = h->value;
                    hasTitle |= own;
                    break;
                case HeaderItem::Kind::Version:
                    p.version = h->value;
                    hasVersion |= own;
                    break;
                case HeaderItem::Kind::Effective:
                    p.effective = h->value;
                    p.until = h->until;
                    hasEffective |= own;
                    if (own) checkEffective(*h, p);
                    break;
                case HeaderItem::Kind::Owner: p.owner = h->value; break;
                case HeaderItem::Kind::Source: sources.push_back(h->value); break;
                case HeaderItem::Kind::Route: p.accessRoute = h->value; break;
                case HeaderItem::Kind::Ifr: p.ifrAllowed = h->value == "allowed"; break;
                case HeaderItem::Kind::NextStep: p.nextSteps[h->key] = h->value; break;
                case HeaderItem::Kind::Variant:
                    if (own) {
                        p.variantOf = h->variantOf;
                        p.variantWhen = h->condition.get();
                    }
                    break;
            }
        }
        if (!sources.empty()) p.sources = sources;
    }
    if (!hasTitle) diags_.error(p.span, "policy '" + p.id + "' needs a title: title \"...\"");
    if (!hasVersion) diags_.error(p.span, "policy '" + p.id + "' needs a version: version \"2026-04-01\"");
    if (!hasEffective) diags_.error(p.span, "policy '" + p.id + "' needs the date it takes effect: effective 2026-04-01");
    if (!p.effective.empty() && !hasEffective) checkEffectiveText(p);

    // Effective criteria/values/outputs: own first, then inherited clones.
    std::map<std::string, std::shared_ptr<NamedExpr>> named;
    std::vector<std::shared_ptr<NamedExpr>> order;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        bool own = *it == &d;
        for (const auto& n : (*it)->namedOrder) {
            auto existing = named.find(n->name);
            if (own && n->isOverride && existing == named.end())
                diags_.error(n->span, "'" + n->name + "' overrides nothing: " +
                                          (d.unit->extends.empty() ? "this policy extends no other"
                                                                   : "'" + d.unit->extends + "' has no such name"));
            if (own && !n->isOverride && existing != named.end())
                diags_.error(n->span,
                             "'" + n->name + "' is inherited from '" + d.unit->extends + "'; write 'override' to replace it");
            std::shared_ptr<NamedExpr> copy = own ? n : cloneNamed(*n);
            copy->origin = (*it)->unit->id;
            if (existing != named.end()) {
                if (existing->second->kind != copy->kind) diags_.error(n->span, "'" + n->name + "' changes kind in the override");
                std::replace(order.begin(), order.end(), existing->second, copy);
                existing->second = copy;
            } else {
                named[n->name] = copy;
                order.push_back(copy);
            }
        }
    }
    Scope scope;
    scope.chain = chain;
    scope.modules = usedModules(chain);
    scope.named = &named;
    scope.policy = &p;

    for (const auto* u : chain) checkGroupsAndCodesets(*u, scope);
    for (auto& n : order) {
        checkNamed(*n, scope);
        if (n->kind == NamedExpr::Kind::Criterion) p.criteria.push_back(n);
        else if (n->kind == NamedExpr::Kind::Value) p.values.push_back(n);
        else if (n->kind == NamedExpr::Kind::Output) p.outputs.push_back(n);
        else diags_.error(n->span, "named coding fragments belong in modules; a policy has one coding rule: coding = ...");
    }
    if (p.variantWhen) {
        Ctx ctx{&scope, Mode::Fact};
        expectBool(const_cast<Expr&>(*p.variantWhen), ctx, "a variant condition");
    }

    // Decide block: own, or the nearest ancestor's (cloned).
    const DecideBlock* decide = nullptr;
    for (const auto* u : chain)
        if (u->decide) {
            decide = u->decide.get();
            if (u == &d && !chain.empty() && chain.size() > 1 && !u->decide->isOverride)
                diags_.error(u->decide->span, "this policy inherits a decide block from '" + d.unit->extends +
                                                  "'; write 'override decide' to replace it");
            if (u == &d && chain.size() == 1 && u->decide->isOverride)
                diags_.error(u->decide->span, "'override decide' but this policy extends no other");
            break;
        }
    if (!decide) diags_.error(p.span, "policy '" + p.id + "' has no decide block");
    else checkRules(*decide, decide == d.decide.get(), scope, p);

    // Coding rule: own or inherited.
    for (const auto* u : chain)
        if (u->coding) {
            p.coding = u == &d ? u->coding : cloneNamed(*u->coding);
            p.coding->origin = u->unit->id;
            Ctx ctx{&scope, Mode::Coding};
            expectBool(*p.coding->expr, ctx, "a coding rule");
            if (!p.coding->withoutCancerExclusion) {
                const CodesetDecl* c = lookup(scope, &UnitDecls::codesets, "cancer_exclusion");
                if (!c)
                    diags_.error(p.coding->span,
                                 "coding rules apply the cancer exclusion, but no codeset 'cancer_exclusion' is "
                                 "visible here; use the module that declares it, or write "
                                 "'coding without cancer exclusion = ...'");
                else p.cancerExclusion = codeset(c);
            }
            break;
        }

    p.factsRead = factsRead(p);
    addModuleCriteria(p);
}

// Module criteria the policy uses (e.g. `registered`) are part of its
// published criteria, its reasons and its tests.
void Checker::addModuleCriteria(PolicyModel& p) {
    std::set<const NamedExpr*> have;
    for (const auto& c : p.criteria) have.insert(c.get());
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
        if (e.named && e.named->kind == NamedExpr::Kind::Criterion && have.insert(e.named).second) {
            for (const ModuleModel& m : lib_->modules)
                for (const auto& n : m.named)
                    if (n.get() == e.named) p.criteria.push_back(n);
            if (e.named->expr) walk(*e.named->expr);
        }
        for (const auto& a : e.args) walk(*a);
    };
    for (const CheckedRule& r : p.rules)
        if (r.when) walk(*r.when);
    for (const auto& c : std::vector<std::shared_ptr<NamedExpr>>(p.criteria)) walk(*c->expr);
}

std::shared_ptr<NamedExpr> Checker::cloneNamed(const NamedExpr& n) {
    auto copy = std::make_shared<NamedExpr>();
    copy->kind = n.kind;
    copy->span = n.span;
    copy->name = n.name;
    copy->text = n.text;
    copy->isOverride = n.isOverride;
    copy->includesEmergencies = n.includesEmergencies;
    copy->withoutCancerExclusion = n.withoutCancerExclusion;
    copy->expr = n.expr->clone();
    lib_->ownedNamed.push_back(copy);
    return copy;
}

void Checker::checkEffective(const HeaderItem& h, PolicyModel& p) {
    auto from = parseDate(h.value);
    if (!from) diags_.error(h.span, "'" + h.value + "' is not a calendar date (YYYY-MM-DD)");
    else p.effectiveDay = *from;
    if (!h.until.empty()) {
        auto until = parseDate(h.until);
        if (!until) diags_.error(h.span, "'" + h.until + "' is not a calendar date (YYYY-MM-DD)");
        else if (from && *until < *from) diags_.error(h.span, "the policy ends before it takes effect");
        else p.untilDay = until;
    }
}

void Checker::checkEffectiveText(PolicyModel& p) {
    if (auto from = parseDate(p.effective)) p.effectiveDay = *from;
    if (!p.until.empty())
        if (auto until = parseDate(p.until)) p.untilDay = until;
}

// Versions of one policy (same id, same variant) must not overlap; a gap
// between consecutive versions leaves referrals with no rules, so it is an
// error too (end the earlier version the day before the next starts).
void Checker::checkVersionOverlaps() {
    std::map<std::string, std::vector<PolicyModel*>> byId;
    for (PolicyModel& p : lib_->policies) byId[p.id].push_back(&p);
    for (auto& [id, list] : byId) {
        if (list.size() < 2) continue;
        std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->effectiveDay < b->effectiveDay; });
        for (size_t i = 1; i < list.size(); ++i) {
            PolicyModel* prev = list[i - 1];
            PolicyModel* cur = list[i];
            if (!prev->untilDay) {
                diags_.error(prev->span, "version '" + prev->version + "' of '" + id + "' has no end date but version '" +
                                             cur->version + "' takes effect on " + cur->effective + "; add: effective " +
                                             prev->effective + " until " + formatDate(cur->effectiveDay - 1));
            } else if (*prev->untilDay >= cur->effectiveDay) {
                diags_.error(cur->span, "version '" + cur->version + "' of '" + id + "' overlaps version '" + prev->version +
                                            "' (in force until " + prev->until + ")");
            } else if (*prev->untilDay + 1 < cur->effectiveDay) {
                diags_.error(cur->span, "gap between versions of '" + id + "': '" + prev->version + "' ends " + prev->until +
                                            " but '" + cur->version + "' starts " + cur->effective);
            }
        }
    }
}

}  // namespace cpe::check_internal
