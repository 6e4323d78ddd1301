// Collects each module's and policy's declarations, checks `use` and import cycles, and looks names up.
#include "engine/check/check_env.h"

#include <algorithm>
#include <functional>

namespace cpe::check_internal {

// ---------------------------------------------------------------- collection
void Checker::collectUnits() {
    for (const SourceFileAst& file : lib_->files) {
        for (const TopDecl& top : file.decls) {
            if (auto* test = std::get_if<std::shared_ptr<TestDecl>>(&top.body)) {
                lib_->tests.push_back(test->get());
                continue;
            }
            const Unit& unit = *std::get<std::shared_ptr<Unit>>(top.body);
            UnitDecls& d = units_.emplace_back();
            d.unit = &unit;
            collectMembers(d);
            if (unit.kind == Unit::Kind::Module) {
                if (auto it = modules_.find(unit.id); it != modules_.end())
                    diags_.error(unit.span, "module '" + unit.id + "' is already declared at " +
                                                lib_->sources->location(it->second->unit->span));
                else modules_[unit.id] = &d;
            } else {
                policies_.push_back(&d);
                policiesById_[unit.id].push_back(&d);
            }
        }
    }
}

template <typename Map>
bool Checker::claim(Map& map, std::set<std::string>& names, const std::string& name, const Span& span,
                    typename Map::mapped_type value, const char* what) {
    if (!names.insert(name).second) {
        diags_.error(span, std::string("'") + name + "' is already declared in this " + what);
        return false;
    }
    map[name] = value;
    return true;
}

void Checker::collectMembers(UnitDecls& d) {
    std::set<std::string> names;
    const char* what = d.unit->kind == Unit::Kind::Module ? "module" : "policy";
    for (const Member& m : d.unit->members) {
        std::visit(
            [&](auto& body) {
                using T = std::decay_t<decltype(body)>;
                if constexpr (std::is_same_v<T, HeaderItem>) {
                    d.header.push_back(&body);
                } else if constexpr (std::is_same_v<T, UseDecl>) {
                    d.uses.push_back(body);
                } else if constexpr (std::is_same_v<T, TypeDecl>) {
                    claim(d.types, names, body.name, body.span, &body, what);
                } else if constexpr (std::is_same_v<T, FactDecl>) {
                    claim(d.facts, names, body.name, body.span, &body, what);
                } else if constexpr (std::is_same_v<T, CodesetDecl>) {
                    claim(d.codesets, names, body.name, body.span, &body, what);
                } else if constexpr (std::is_same_v<T, GroupDecl>) {
                    claim(d.groups, names, body.name, body.span, &body, what);
                } else if constexpr (std::is_same_v<T, std::shared_ptr<NamedExpr>>) {
                    if (body->kind == NamedExpr::Kind::Coding && body->name.empty()) {
                        if (d.coding) diags_.error(body->span, "this policy already has a coding rule");
                        d.coding = body;
                    } else if (claim(d.named, names, body->name, body->span, body, what)) {
                        d.namedOrder.push_back(body);
                    }
                } else if constexpr (std::is_same_v<T, std::shared_ptr<DecideBlock>>) {
                    if (d.decide) diags_.error(body->span, "this policy already has a decide block");
                    d.decide = body;
                }
            },
            m.body);
    }
    checkNextSteps(d);
    if (d.unit->kind == Unit::Kind::Module) {
        for (const HeaderItem* h : d.header)
            if (h->kind != HeaderItem::Kind::NextStep)
                diags_.error(h->span, "a module has no header; titles, versions and routes belong to policies");
        if (d.decide) diags_.error(d.decide->span, "a module cannot decide; put the decide block in a policy");
        if (d.coding) diags_.error(d.coding->span, "a module's coding fragment needs a name: coding NAME = ...");
    }
}

// `next step KEY "words"`: KEY is an outcome or a route, once per unit, with words.
void Checker::checkNextSteps(const UnitDecls& d) {
    static const std::vector<std::string> keys{"eligible",       "not_eligible", "review", "undetermined", "none",
                                               "prior_approval", "ifr",          "panel",  "fast_track"};
    std::set<std::string> seen;
    for (const HeaderItem* h : d.header) {
        if (h->kind != HeaderItem::Kind::NextStep) continue;
        if (std::find(keys.begin(), keys.end(), h->key) == keys.end()) {
            diags_.error(h->keySpan, "'" + h->key +
                                         "' is neither an outcome nor a route; a next step is worded for an outcome "
                                         "(eligible, not_eligible, review, undetermined) or a route (none, prior_approval, "
                                         "ifr, panel, fast_track), e.g. next step eligible \"Refer for ...\"" +
                                         didYouMean(h->key, keys));
            continue;
        }
        if (!seen.insert(h->key).second)
            diags_.error(h->keySpan, "the next step for '" + h->key + "' is already worded in this " +
                                         (d.unit->kind == Unit::Kind::Module ? "module" : "policy") + "; keep one");
        bool blank = h->value.find_first_not_of(" \t") == std::string::npos;
        if (blank)
            diags_.error(h->span, "the next step for '" + h->key +
                                      "' has no words; say what the person should do, e.g. \"Submit a prior approval "
                                      "request with ...\"");
    }
}

// ---------------------------------------------------------------- modules and cycles
std::vector<std::string> Checker::moduleNames() const {
    std::vector<std::string> names;
    for (auto& [id, _] : modules_) names.push_back(id);
    return names;
}

void Checker::checkUses() {
    for (UnitDecls& d : units_)
        for (const UseDecl& use : d.uses)
            if (!modules_.count(use.module))
                diags_.error(use.span, "no module named '" + use.module + "'" + didYouMean(use.module, moduleNames()));
    // Import cycles among modules.
    std::map<std::string, int> colour;
    std::vector<std::string> stack;
    std::function<void(UnitDecls*)> visit = [&](UnitDecls* m) {
        colour[m->unit->id] = 1;
        stack.push_back(m->unit->id);
        for (const UseDecl& use : m->uses) {
            auto it = modules_.find(use.module);
            if (it == modules_.end()) continue;
            int c = colour[use.module];
            if (c == 1) {
                std::string cycle;
                auto start = std::find(stack.begin(), stack.end(), use.module);
                for (auto s = start; s != stack.end(); ++s) cycle += *s + " -> ";
                diags_.error(use.span, "import cycle: " + cycle + use.module);
            } else if (c == 0) {
                visit(it->second);
            }
        }
        stack.pop_back();
        colour[m->unit->id] = 2;
    };
    for (auto& [id, m] : modules_)
        if (colour[id] == 0) visit(m);
}

// Modules used by the units in `chain` and, transitively, by those modules.
std::vector<const UnitDecls*> Checker::usedModules(const std::vector<const UnitDecls*>& chain) {
    std::vector<const UnitDecls*> out;
    std::set<std::string> seen;
    std::function<void(const UnitDecls*)> add = [&](const UnitDecls* u) {
        for (const UseDecl& use : u->uses) {
            auto it = modules_.find(use.module);
            if (it == modules_.end() || !seen.insert(use.module).second) continue;
            out.push_back(it->second);
            add(it->second);
        }
    };
    for (const UnitDecls* u : chain) add(u);
    return out;
}

// ---------------------------------------------------------------- lookups

std::shared_ptr<NamedExpr> Checker::lookupNamed(const Scope& scope, const std::string& name) const {
    if (auto it = scope.named->find(name); it != scope.named->end()) return it->second;
    for (const UnitDecls* u : scope.modules)
        if (auto it = u->named.find(name); it != u->named.end()) return it->second;
    return nullptr;
}

std::vector<std::string> Checker::visibleNames(const Scope& scope, Mode mode) const {
    std::vector<std::string> names;
    auto addAll = [&](const UnitDecls* u) {
        for (auto& [n, _] : u->facts) names.push_back(n);
        for (auto& [n, _] : u->named) names.push_back(n);
        for (auto& [n, _] : u->groups) names.push_back(n);
        for (auto& [n, _] : u->codesets) names.push_back(n);
    };
    for (auto* u : scope.chain) addAll(u);
    for (auto* u : scope.modules) addAll(u);
    for (auto& [n, _] : *scope.named) names.push_back(n);
    if (mode == Mode::Coding) names.insert(names.end(), kEpisodeFields.begin(), kEpisodeFields.end());
    return names;
}

}  // namespace cpe::check_internal
