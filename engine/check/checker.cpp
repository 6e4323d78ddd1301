// Name resolution and type checking. See checker.h.
#include "engine/check/checker.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace cpe {
namespace {

// Everything one module or policy declares itself (not what it inherits).
struct UnitDecls {
    const Unit* unit = nullptr;
    std::map<std::string, const TypeDecl*> types;
    std::map<std::string, const FactDecl*> facts;
    std::map<std::string, const CodesetDecl*> codesets;
    std::map<std::string, const GroupDecl*> groups;
    std::map<std::string, std::shared_ptr<NamedExpr>> named;
    std::vector<std::shared_ptr<NamedExpr>> namedOrder;
    std::vector<UseDecl> uses;
    std::shared_ptr<DecideBlock> decide;
    std::shared_ptr<NamedExpr> coding;
    std::vector<const HeaderItem*> header;
};

enum class Mode { Fact, Coding, Output };

// Where names are looked up, innermost first.
struct Scope {
    std::vector<const UnitDecls*> chain;                      // the unit, then its ancestors
    std::vector<const UnitDecls*> modules;                    // every module used along the chain
    std::map<std::string, std::shared_ptr<NamedExpr>>* named;  // effective criteria/values/outputs/coding
    PolicyModel* policy = nullptr;
};

struct Ctx {
    Scope* scope;
    Mode mode;
    const Type* itType = nullptr;
};

const char* typeName(const Type& t) {
    switch (t.kind) {
        case TypeKind::Bool: return "boolean";
        case TypeKind::Int: return "integer";
        case TypeKind::Dec: return "decimal";
        case TypeKind::Date: return "date";
        case TypeKind::Text: return "text";
        case TypeKind::Enum: return t.enumInfo && t.enumInfo->ordered ? "levels" : "enum";
        case TypeKind::CodeList: return "list of codes";
        case TypeKind::TextList: return "list of text";
        case TypeKind::Set: return "set";
        case TypeKind::Error: return "error";
    }
    return "?";
}

std::string describe(const Type& t) {
    std::string s = typeName(t);
    if (t.kind == TypeKind::Enum && t.enumInfo) s += " " + t.enumInfo->name;
    if (!t.unit.empty()) s += " [" + t.unit + "]";
    return s;
}

const std::vector<std::string> kOutcomeWords = {"eligible", "not_eligible", "review", "exempt"};
const std::vector<std::string> kRouteWords = {"none", "prior_approval", "ifr", "panel", "fast_track"};
const std::vector<std::string> kTimeUnits = {"days", "weeks", "months", "years"};
const std::vector<std::string> kEpisodeFields = {"age", "sex", "setting", "admission"};
const std::vector<std::string> kBuiltins = {"years_since", "months_since", "days_since", "min", "max", "before"};

class Checker {
public:
    Checker(std::shared_ptr<SourceSet> sources, std::vector<SourceFileAst> files, Diagnostics& diags)
        : diags_(diags) {
        lib_ = std::make_unique<CheckedLibrary>();
        lib_->sources = std::move(sources);
        lib_->files = std::move(files);
    }

    std::unique_ptr<CheckedLibrary> run() {
        collectUnits();
        checkUses();
        registerFacts();
        checkModules();
        checkPolicies();
        checkTests();
        return std::move(lib_);
    }

private:
    Diagnostics& diags_;
    std::unique_ptr<CheckedLibrary> lib_;
    std::deque<UnitDecls> units_;
    std::map<std::string, UnitDecls*> modules_;
    std::vector<UnitDecls*> policies_;
    std::map<std::string, std::vector<UnitDecls*>> policiesById_;
    std::map<const TypeDecl*, Type> typeCache_;
    std::map<const CodesetDecl*, const CodesetInfo*> codesetCache_;
    std::map<const GroupDecl*, const GroupInfo*> groupCache_;
    std::map<const FactDecl*, const FactInfo*> factOf_;
    std::map<const NamedExpr*, int> state_;  // 1 = checking, 2 = done

    // ---------------------------------------------------------------- collection
    void collectUnits() {
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
                    else
                        modules_[unit.id] = &d;
                } else {
                    policies_.push_back(&d);
                    policiesById_[unit.id].push_back(&d);
                }
            }
        }
    }

    template <typename Map>
    bool claim(Map& map, std::set<std::string>& names, const std::string& name, const Span& span,
               typename Map::mapped_type value, const char* what) {
        if (!names.insert(name).second) {
            diags_.error(span, std::string("'") + name + "' is already declared in this " + what);
            return false;
        }
        map[name] = value;
        return true;
    }

    void collectMembers(UnitDecls& d) {
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
        if (d.unit->kind == Unit::Kind::Module) {
            for (const HeaderItem* h : d.header)
                diags_.error(h->span, "a module has no header; titles, versions and routes belong to policies");
            if (d.decide) diags_.error(d.decide->span, "a module cannot decide; put the decide block in a policy");
            if (d.coding) diags_.error(d.coding->span, "a module's coding fragment needs a name: coding NAME = ...");
        }
    }

    // ---------------------------------------------------------------- modules and cycles
    std::vector<std::string> moduleNames() const {
        std::vector<std::string> names;
        for (auto& [id, _] : modules_) names.push_back(id);
        return names;
    }

    void checkUses() {
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
    std::vector<const UnitDecls*> usedModules(const std::vector<const UnitDecls*>& chain) {
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
    template <typename Member>
    const Member* lookup(const Scope& scope, std::map<std::string, const Member*> UnitDecls::*field,
                         const std::string& name) const {
        for (const UnitDecls* u : scope.chain)
            if (auto it = (u->*field).find(name); it != (u->*field).end()) return it->second;
        for (const UnitDecls* u : scope.modules)
            if (auto it = (u->*field).find(name); it != (u->*field).end()) return it->second;
        return nullptr;
    }

    std::shared_ptr<NamedExpr> lookupNamed(const Scope& scope, const std::string& name) const {
        if (auto it = scope.named->find(name); it != scope.named->end()) return it->second;
        for (const UnitDecls* u : scope.modules)
            if (auto it = u->named.find(name); it != u->named.end()) return it->second;
        return nullptr;
    }

    std::vector<std::string> visibleNames(const Scope& scope, Mode mode) const {
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

    // ---------------------------------------------------------------- types and facts
    Type resolveTypeRef(const TypeRef& ref, const Scope& scope, const std::string& owner, std::vector<bool>* allowed,
                        std::optional<double>* min, std::optional<double>* max, ListKind* listKind) {
        switch (ref.kind) {
            case TypeRef::Kind::Bool: return Type::of(TypeKind::Bool);
            case TypeRef::Kind::Int:
            case TypeRef::Kind::Dec: {
                Type t = Type::of(ref.kind == TypeRef::Kind::Int ? TypeKind::Int : TypeKind::Dec);
                t.unit = ref.unit;
                if (ref.min && ref.max && *ref.min > *ref.max)
                    diags_.error(ref.span, "empty range: the lower bound is above the upper bound");
                if (min) *min = ref.min;
                if (max) *max = ref.max;
                return t;
            }
            case TypeRef::Kind::Date: return Type::of(TypeKind::Date);
            case TypeRef::Kind::Text: return Type::of(TypeKind::Text);
            case TypeRef::Kind::Enum:
            case TypeRef::Kind::Levels: {
                std::set<std::string> seen;
                for (const std::string& m : ref.members)
                    if (!seen.insert(m).second) diags_.error(ref.span, "'" + m + "' is listed twice");
                EnumInfo& e = lib_->enums.emplace_back();
                e.name = owner;
                e.members = ref.members;
                e.ordered = ref.kind == TypeRef::Kind::Levels;
                Type t = Type::of(TypeKind::Enum);
                t.enumInfo = &e;
                return t;
            }
            case TypeRef::Kind::List: {
                if (ref.name == "opcs" || ref.name == "icd10") {
                    if (listKind) *listKind = ref.name == "opcs" ? ListKind::Opcs : ListKind::Icd10;
                    return Type::of(TypeKind::CodeList);
                }
                if (ref.name == "text") {
                    if (listKind) *listKind = ListKind::Text;
                    return Type::of(TypeKind::TextList);
                }
                diags_.error(ref.span, "a list holds opcs, icd10 or text, not '" + ref.name + "'" +
                                           didYouMean(ref.name, {"opcs", "icd10", "text"}));
                return Type::of(TypeKind::Error);
            }
            case TypeRef::Kind::Named: {
                const TypeDecl* decl = lookup(scope, &UnitDecls::types, ref.name);
                if (!decl) {
                    std::vector<std::string> names{"boolean", "integer", "decimal", "date", "text", "enum", "levels",
                                                   "list"};
                    for (auto* u : scope.chain)
                        for (auto& [n, _] : u->types) names.push_back(n);
                    for (auto* u : scope.modules)
                        for (auto& [n, _] : u->types) names.push_back(n);
                    diags_.error(ref.span, "unknown type '" + ref.name + "'" + didYouMean(ref.name, names));
                    return Type::of(TypeKind::Error);
                }
                Type t = namedType(decl, scope);
                bool restricted = !ref.upTo.empty() || !ref.members.empty();
                if (restricted && t.kind == TypeKind::Enum && allowed) {
                    const EnumInfo& e = *t.enumInfo;
                    allowed->assign(e.members.size(), true);
                    if (!ref.upTo.empty()) {
                        int top = e.index(ref.upTo);
                        if (top < 0)
                            diags_.error(ref.span, "'" + ref.upTo + "' is not a level of " + e.name +
                                                       didYouMean(ref.upTo, e.members));
                        else if (!e.ordered)
                            diags_.error(ref.span, "'up to' needs ordered levels; " + e.name + " is an unordered enum");
                        else
                            for (size_t i = static_cast<size_t>(top) + 1; i < e.members.size(); ++i) (*allowed)[i] = false;
                    }
                    for (const std::string& m : ref.members) {
                        int idx = e.index(m);
                        if (idx < 0) diags_.error(ref.span, "'" + m + "' is not a member of " + e.name + didYouMean(m, e.members));
                        else (*allowed)[static_cast<size_t>(idx)] = false;
                    }
                } else if (restricted) {
                    diags_.error(ref.span, "'up to' and 'except' restrict enums and levels only");
                }
                return t;
            }
        }
        return Type::of(TypeKind::Error);
    }

    Type namedType(const TypeDecl* decl, const Scope& scope) {
        if (auto it = typeCache_.find(decl); it != typeCache_.end()) return it->second;
        typeCache_[decl] = Type::of(TypeKind::Error);  // guards `type a = a`
        Type t = resolveTypeRef(decl->type, scope, decl->name, nullptr, nullptr, nullptr, nullptr);
        typeCache_[decl] = t;
        return t;
    }

    Scope scopeOf(const UnitDecls& d) {
        Scope s;
        s.chain.push_back(&d);
        s.modules = usedModules(s.chain);
        s.named = const_cast<std::map<std::string, std::shared_ptr<NamedExpr>>*>(&d.named);
        return s;
    }

    void registerFacts() {
        for (UnitDecls& d : units_) {
            Scope scope = scopeOf(d);
            for (auto& [name, decl] : d.facts) {
                FactInfo info;
                info.name = name;
                info.span = decl->span;
                info.description = decl->description;
                info.type = resolveTypeRef(decl->type, scope, name, &info.allowed, &info.min, &info.max, &info.listKind);
                if (auto existing = lib_->factsByName.find(name); existing != lib_->factsByName.end()) {
                    const FactInfo* other = existing->second;
                    if (!sameType(other->type, info.type) || other->allowed != info.allowed || other->min != info.min ||
                        other->max != info.max)
                        diags_.error(decl->span, "fact '" + name + "' is declared as " + describe(info.type) +
                                                     " here but as " + describe(other->type) + " at " +
                                                     lib_->sources->location(other->span) +
                                                     "; a fact has one meaning and one type in every policy");
                    factOf_[decl] = other;
                    continue;
                }
                info.id = static_cast<uint32_t>(lib_->facts.size());
                FactInfo& stored = lib_->facts.emplace_back(std::move(info));
                lib_->factsByName[name] = &stored;
                factOf_[decl] = &stored;
            }
        }
    }

    // Enum types declared inline in two places are the same when their members are.
    static bool sameType(const Type& a, const Type& b) {
        if (a.kind != b.kind || a.unit != b.unit) return false;
        if (a.kind != TypeKind::Enum) return true;
        return a.enumInfo == b.enumInfo ||
               (a.enumInfo->members == b.enumInfo->members && a.enumInfo->ordered == b.enumInfo->ordered);
    }

    // ---------------------------------------------------------------- modules
    void checkModules() {
        for (auto& [id, d] : modules_) {
            ModuleModel& m = lib_->modules.emplace_back();
            m.id = id;
            m.span = d->unit->span;
            Scope scope = scopeOf(*d);
            for (auto& named : d->namedOrder) {
                named->origin = id;
                checkNamed(*named, scope);
                m.named.push_back(named);
            }
            checkGroupsAndCodesets(*d, scope);
        }
    }

    void checkGroupsAndCodesets(const UnitDecls& d, const Scope& scope) {
        for (auto& [_, g] : d.groups) group(g, scope);
        for (auto& [_, c] : d.codesets) codeset(c);
    }

    const GroupInfo* group(const GroupDecl* decl, const Scope& scope) {
        if (auto it = groupCache_.find(decl); it != groupCache_.end()) return it->second;
        GroupInfo& g = lib_->groups.emplace_back();
        g.name = decl->name;
        g.span = decl->span;
        groupCache_[decl] = &g;
        for (auto& [member, span] : decl->members) {
            const FactDecl* fact = lookup(scope, &UnitDecls::facts, member);
            if (!fact) {
                diags_.error(span, "unknown fact '" + member + "' in group " + decl->name +
                                       didYouMean(member, visibleNames(scope, Mode::Fact)));
                continue;
            }
            const FactInfo* info = factOf_[fact];
            if (g.members.empty()) g.type = info->type;
            else if (!sameType(g.type, info->type))
                diags_.error(span, "group " + decl->name + " mixes " + describe(g.type) + " with " + describe(info->type) +
                                       " ('" + member + "'); its members must share one type");
            g.members.push_back(info);
        }
        return &g;
    }

    const CodesetInfo* codeset(const CodesetDecl* decl) {
        if (auto it = codesetCache_.find(decl); it != codesetCache_.end()) return it->second;
        CodesetInfo& c = lib_->codesets.emplace_back();
        c.name = decl->name;
        c.description = decl->description;
        c.span = decl->span;
        for (const CodeItem& item : decl->items) c.ranges.push_back(codeRange(item.lo, item.hi, item.span));
        codesetCache_[decl] = &c;
        return &c;
    }

    CodeRange codeRange(const std::string& lo, const std::string& hi, const Span& span) {
        CodeRange r{normaliseCode(lo), normaliseCode(hi)};
        auto validCode = [](const std::string& code) {
            if (code.size() < 2 || code.size() > 7 || !std::isupper(static_cast<unsigned char>(code[0]))) return false;
            return std::all_of(code.begin() + 1, code.end(),
                               [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || std::isupper(static_cast<unsigned char>(ch)); });
        };
        if (!validCode(r.lo)) diags_.error(span, "'" + lo + "' is not an OPCS-4 or ICD-10 code (a letter then digits)");
        if (!r.hi.empty()) {
            if (!validCode(r.hi)) diags_.error(span, "'" + hi + "' is not an OPCS-4 or ICD-10 code (a letter then digits)");
            else if (r.hi.size() != r.lo.size())
                diags_.error(span, "the ends of a code range must have the same length ('" + lo + "' and '" + hi + "')");
            else if (r.hi < r.lo)
                diags_.error(span, "empty code range: '" + hi + "' comes before '" + lo + "'");
        }
        return r;
    }

    // ---------------------------------------------------------------- policies
    void checkPolicies() {
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
    void checkVariants() {
        std::map<std::string, std::vector<const PolicyModel*>> byBase;
        for (const PolicyModel& p : lib_->policies) {
            if (p.variantOf.empty() || !p.variantWhen) continue;
            const Span& at = p.variantWhen->span;
            auto base = policiesById_.find(p.variantOf);
            if (p.variantOf == p.id) {
                diags_.error(at, "policy '" + p.id + "' cannot be a variant of itself; give the variant its own id, e.g. " +
                                     p.id + ".area");
            } else if (base == policiesById_.end()) {
                std::vector<std::string> ids;
                for (auto& [id, _] : policiesById_) ids.push_back(id);
                diags_.error(at, "'" + p.id + "' is a variant of an unknown policy '" + p.variantOf + "'" +
                                     didYouMean(p.variantOf, ids));
            } else {
                for (const PolicyModel& other : lib_->policies)
                    if (other.id == p.variantOf && !other.variantOf.empty()) {
                        diags_.error(at, "'" + p.variantOf + "' is itself a variant of '" + other.variantOf +
                                             "'; make '" + p.id + "' a variant of '" + other.variantOf + "'");
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
                        diags_.error(list[j]->variantWhen->span,
                                     "variants '" + first + "' and '" + second + "' of '" + base +
                                         "' have the same condition, so '" + second +
                                         "' could never be chosen (variants are tried in id order)");
                    }
    }

    // The chain from a policy up through what it extends; reports cycles.
    std::vector<const UnitDecls*> ancestry(const UnitDecls& d) {
        std::vector<const UnitDecls*> chain{&d};
        std::set<std::string> seen{d.unit->id};
        const UnitDecls* cur = &d;
        while (!cur->unit->extends.empty()) {
            const std::string& baseId = cur->unit->extends;
            auto it = policiesById_.find(baseId);
            if (it == policiesById_.end()) {
                std::vector<std::string> ids;
                for (auto& [id, _] : policiesById_) ids.push_back(id);
                diags_.error(cur->unit->extendsSpan, "no policy named '" + baseId + "' to extend" + didYouMean(baseId, ids));
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

    void checkPolicy(UnitDecls& d, PolicyModel& p) {
        std::vector<const UnitDecls*> chain = ancestry(d);
        p.extends = d.unit->extends;

        // Header: the nearest unit that states an item wins; sources accumulate
        // only from the policy itself unless it states none.
        bool hasTitle = false, hasVersion = false, hasEffective = false;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            bool own = *it == &d;
            std::vector<std::string> sources;
            for (const HeaderItem* h : (*it)->header) {
                switch (h->kind) {
                    case HeaderItem::Kind::Title: p.title = h->value; hasTitle |= own; break;
                    case HeaderItem::Kind::Version: p.version = h->value; hasVersion |= own; break;
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
        if (!hasEffective)
            diags_.error(p.span, "policy '" + p.id + "' needs the date it takes effect: effective 2026-04-01");
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
                    diags_.error(n->span, "'" + n->name + "' is inherited from '" + d.unit->extends +
                                              "'; write 'override' to replace it");
                std::shared_ptr<NamedExpr> copy = own ? n : cloneNamed(*n);
                copy->origin = (*it)->unit->id;
                if (existing != named.end()) {
                    if (existing->second->kind != copy->kind)
                        diags_.error(n->span, "'" + n->name + "' changes kind in the override");
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
    void addModuleCriteria(PolicyModel& p) {
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

    std::shared_ptr<NamedExpr> cloneNamed(const NamedExpr& n) {
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

    void checkEffective(const HeaderItem& h, PolicyModel& p) {
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
    void checkEffectiveText(PolicyModel& p) {
        if (auto from = parseDate(p.effective)) p.effectiveDay = *from;
        if (!p.until.empty())
            if (auto until = parseDate(p.until)) p.untilDay = until;
    }

    // Versions of one policy (same id, same variant) must not overlap; a gap
    // between consecutive versions leaves referrals with no rules, so it is an
    // error too (end the earlier version the day before the next starts).
    void checkVersionOverlaps() {
        std::map<std::string, std::vector<PolicyModel*>> byId;
        for (PolicyModel& p : lib_->policies) byId[p.id].push_back(&p);
        for (auto& [id, list] : byId) {
            if (list.size() < 2) continue;
            std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->effectiveDay < b->effectiveDay; });
            for (size_t i = 1; i < list.size(); ++i) {
                PolicyModel* prev = list[i - 1];
                PolicyModel* cur = list[i];
                if (!prev->untilDay) {
                    diags_.error(prev->span, "version '" + prev->version + "' of '" + id +
                                                 "' has no end date but version '" + cur->version + "' takes effect on " +
                                                 cur->effective + "; add: effective " + prev->effective + " until " +
                                                 formatDate(cur->effectiveDay - 1));
                } else if (*prev->untilDay >= cur->effectiveDay) {
                    diags_.error(cur->span, "version '" + cur->version + "' of '" + id + "' overlaps version '" +
                                                prev->version + "' (in force until " + prev->until + ")");
                } else if (*prev->untilDay + 1 < cur->effectiveDay) {
                    diags_.error(cur->span, "gap between versions of '" + id + "': '" + prev->version + "' ends " +
                                                prev->until + " but '" + cur->version + "' starts " + cur->effective);
                }
            }
        }
    }

    Route defaultRoute(const std::string& word, const PolicyModel& p) {
        if (word == "exempt") return Route::None;
        if (word == "review") return Route::Panel;
        if (word == "not_eligible") return p.ifrAllowed ? Route::Ifr : Route::None;
        return p.accessRoute == "prior_approval" ? Route::PriorApproval : Route::None;
    }

    void checkRules(const DecideBlock& block, bool own, Scope& scope, PolicyModel& p) {
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
                diags_.error(r.outcomeSpan, "unknown outcome '" + r.outcome + "'; a rule gives one of eligible, "
                                            "not_eligible, review or exempt" + didYouMean(r.outcome, kOutcomeWords));
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
                    diags_.error(use->rules[j].span, "unreachable: the rule at " +
                                                         lib_->sources->location(use->rules[i].span) +
                                                         " has the same condition");
    }

    static bool sameExpr(const Expr& a, const Expr& b) {
        if (a.kind != b.kind || a.text != b.text || a.compareOp != b.compareOp || a.number != b.number || a.boolValue != b.boolValue ||
            a.negated != b.negated || a.args.size() != b.args.size() || a.set.has_value() != b.set.has_value())
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
    std::vector<const FactInfo*> factsRead(const PolicyModel& p) {
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
    void checkNamed(NamedExpr& n, Scope& scope) {
        int& st = state_[&n];
        if (st == 2) return;
        if (st == 1) {
            diags_.error(n.span, "'" + n.name + "' is defined in terms of itself");
            return;
        }
        st = 1;
        Mode mode = n.kind == NamedExpr::Kind::Coding   ? Mode::Coding
                    : n.kind == NamedExpr::Kind::Output ? Mode::Output
                                                        : Mode::Fact;
        Ctx ctx{&scope, mode};
        if (n.kind == NamedExpr::Kind::Criterion || n.kind == NamedExpr::Kind::Coding) {
            expectBool(*n.expr, ctx, n.kind == NamedExpr::Kind::Criterion ? "a criterion" : "a coding rule");
            if (n.kind == NamedExpr::Kind::Criterion && n.text.empty())
                diags_.error(n.span, "criterion '" + n.name + "' needs the wording a person reads: criterion " + n.name +
                                         " \"...\" = ...");
        } else {
            Type t = check(*n.expr, ctx);
            if (t.kind == TypeKind::CodeList || t.kind == TypeKind::TextList || t.kind == TypeKind::Set)
                diags_.error(n.expr->span, "a value or output must be a single value, not " + describe(t));
        }
        state_[&n] = 2;
    }

    void expectBool(Expr& e, Ctx& ctx, const char* what) {
        Type t = check(e, ctx);
        if (t.kind != TypeKind::Bool && t.kind != TypeKind::Error)
            diags_.error(e.span, std::string(what) + " must be true or false, but this is " + describe(t));
    }

    // ---------------------------------------------------------------- expressions
    Type set(Expr& e, Type t) {
        e.type = t;
        return t;
    }
    Type error(Expr& e) { return set(e, Type::of(TypeKind::Error)); }

    bool unitsCompatible(const Type& a, const Type& b) { return a.unit.empty() || b.unit.empty() || a.unit == b.unit; }

    std::string unitMismatch(const Type& a, const Type& b) {
        return "compares [" + a.unit + "] with [" + b.unit + "]; convert one of them first";
    }

    // Resolves a bare name to a member of `e`'s enum if it is one and isn't
    // otherwise declared. Returns true when it did.
    bool resolveMember(Expr& name, const Type& against, Ctx& ctx) {
        if (name.kind != ExprKind::Name || against.kind != TypeKind::Enum || !against.enumInfo) return false;
        int idx = against.enumInfo->index(name.text);
        if (idx < 0) return false;
        if (ctx.mode != Mode::Coding && (lookup(*ctx.scope, &UnitDecls::facts, name.text) || lookupNamed(*ctx.scope, name.text)))
            return false;
        name.enumOrdinal = idx;
        set(name, against);
        return true;
    }

    Type checkAgainst(Expr& maybeMember, const Type& other, Ctx& ctx, const Expr& otherExpr) {
        if (resolveMember(maybeMember, other, ctx)) return maybeMember.type;
        if (maybeMember.kind == ExprKind::Name && other.kind == TypeKind::Enum && other.enumInfo &&
            !lookup(*ctx.scope, &UnitDecls::facts, maybeMember.text) && !lookupNamed(*ctx.scope, maybeMember.text) &&
            !(ctx.mode == Mode::Coding && std::count(kEpisodeFields.begin(), kEpisodeFields.end(), maybeMember.text))) {
            diags_.error(maybeMember.span, "'" + maybeMember.text + "' is not one of " + other.enumInfo->name + "'s values (" +
                                               join(other.enumInfo->members) + ")" +
                                               didYouMean(maybeMember.text, other.enumInfo->members));
            (void)otherExpr;
            return error(maybeMember);
        }
        return check(maybeMember, ctx);
    }

    static std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
        return s;
    }

    Type check(Expr& e, Ctx& ctx) {
        switch (e.kind) {
            case ExprKind::Number:
                return set(e, Type{std::floor(e.number) == e.number && e.text.find('.') == std::string::npos ? TypeKind::Int
                                                                                                              : TypeKind::Dec,
                                   nullptr, e.unit});
            case ExprKind::Date: {
                auto day = parseDate(e.text);
                if (!day) {
                    diags_.error(e.span, "'" + e.text + "' is not a calendar date");
                    return error(e);
                }
                e.number = *day;
                return set(e, Type::of(TypeKind::Date));
            }
            case ExprKind::String: return set(e, Type::of(TypeKind::Text));
            case ExprKind::Bool: return set(e, Type::of(TypeKind::Bool));
            case ExprKind::Name: return checkName(e, ctx);
            case ExprKind::It:
                if (!ctx.itType) {
                    diags_.error(e.span, "'it' means the member being counted and only appears in 'count of GROUP where ...'");
                    return error(e);
                }
                return set(e, *ctx.itType);
            case ExprKind::Call: return checkCall(e, ctx);
            case ExprKind::Negate: {
                Type t = check(*e.args[0], ctx);
                if (!t.numeric() && t.kind != TypeKind::Error) {
                    diags_.error(e.span, "cannot negate " + describe(t));
                    return error(e);
                }
                return set(e, t);
            }
            case ExprKind::Arith: return checkArith(e, ctx);
            case ExprKind::Not:
                expectBool(*e.args[0], ctx, "the operand of 'not'");
                return set(e, Type::of(TypeKind::Bool));
            case ExprKind::And:
            case ExprKind::Or:
            case ExprKind::AllOf:
            case ExprKind::AnyOf:
            case ExprKind::AtLeast: {
                for (auto& a : e.args) expectBool(*a, ctx, "each item");
                if (e.kind == ExprKind::AtLeast) {
                    if (e.number < 1) diags_.error(e.span, "'at least 0 of' is always true; remove it");
                    else if (e.number > static_cast<double>(e.args.size()))
                        diags_.error(e.span, "'at least " + std::to_string(static_cast<int>(e.number)) + " of' " +
                                                 std::to_string(e.args.size()) + " items can never be met");
                }
                return set(e, Type::of(TypeKind::Bool));
            }
            case ExprKind::Compare: return checkCompare(e, ctx);
            case ExprKind::Is: return checkIs(e, ctx);
            case ExprKind::In: return checkIn(e, ctx);
            case ExprKind::Between: return checkBetween(e, ctx);
            case ExprKind::Within: return checkWithin(e, ctx);
            case ExprKind::Has: return checkHas(e, ctx);
            case ExprKind::CodeAt:
                if (ctx.mode != Mode::Coding) {
                    diags_.error(e.span, "'" + std::string(e.position == CodePosition::Primary     ? "primary"
                                                           : e.position == CodePosition::Secondary ? "secondary"
                                                                                                   : "any") +
                                             " " + (e.codeKind == CodeKind::Procedure ? "procedure" : "diagnosis") +
                                             "' describes coded activity and belongs in a coding rule");
                    return error(e);
                }
                checkCodeSet(*e.set, ctx);
                return set(e, Type::of(TypeKind::Bool));
            case ExprKind::CountOf: return checkCount(e, ctx);
            case ExprKind::If: {
                expectBool(*e.args[0], ctx, "the condition of 'if'");
                Type a = check(*e.args[1], ctx);
                Type b = checkAgainst(*e.args[2], a, ctx, *e.args[1]);
                if (a.kind == TypeKind::Error || b.kind == TypeKind::Error) return error(e);
                if (a.numeric() && b.numeric()) {
                    if (!unitsCompatible(a, b)) {
                        diags_.error(e.span, "the branches of 'if' have different units: " + unitMismatch(a, b));
                        return error(e);
                    }
                    Type r = Type::of(a.kind == TypeKind::Dec || b.kind == TypeKind::Dec ? TypeKind::Dec : TypeKind::Int);
                    r.unit = a.unit.empty() ? b.unit : a.unit;
                    return set(e, r);
                }
                if (!sameType(a, b)) {
                    diags_.error(e.span, "the branches of 'if' differ: " + describe(a) + " and " + describe(b));
                    return error(e);
                }
                return set(e, a);
            }
        }
        return error(e);
    }

    Type checkName(Expr& e, Ctx& ctx) {
        const std::string& n = e.text;
        if (ctx.mode == Mode::Coding) {
            auto field = std::find(kEpisodeFields.begin(), kEpisodeFields.end(), n);
            if (field != kEpisodeFields.end()) {
                e.episodeField = static_cast<int>(field - kEpisodeFields.begin());
                Type t = Type::of(e.episodeField == 0 ? TypeKind::Int : TypeKind::Enum);
                if (e.episodeField == 1) t.enumInfo = &episodeSexEnum();
                if (e.episodeField == 2) t.enumInfo = &episodeSettingEnum();
                if (e.episodeField == 3) t.enumInfo = &episodeAdmissionEnum();
                return set(e, t);
            }
            if (auto named = lookupNamed(*ctx.scope, n); named && named->kind == NamedExpr::Kind::Coding) {
                e.named = named.get();
                return set(e, Type::of(TypeKind::Bool));
            }
            if (lookup(*ctx.scope, &UnitDecls::facts, n)) {
                diags_.error(e.span, "'" + n + "' is a fact about a referral; a coding rule reads the episode: age, sex, "
                                     "setting, admission and its codes");
                return error(e);
            }
            diags_.error(e.span, "unknown name '" + n + "' in a coding rule" +
                                     didYouMean(n, visibleNames(*ctx.scope, Mode::Coding)));
            return error(e);
        }
        if (n == "outcome" && !lookup(*ctx.scope, &UnitDecls::facts, n)) {
            if (ctx.mode != Mode::Output) {
                diags_.error(e.span, "'outcome' is only known once the policy has decided: use it in outputs");
                return error(e);
            }
            e.builtin = static_cast<int>(Builtin::Outcome);
            Type t = Type::of(TypeKind::Enum);
            t.enumInfo = &outcomeEnum();
            return set(e, t);
        }
        if (auto named = lookupNamed(*ctx.scope, n)) {
            if (named->kind == NamedExpr::Kind::Coding) {
                diags_.error(e.span, "'" + n + "' is a coding fragment and only appears in coding rules");
                return error(e);
            }
            if (named->kind == NamedExpr::Kind::Output && ctx.mode != Mode::Output) {
                diags_.error(e.span, "'" + n + "' is an output; rules cannot depend on outputs (use a value)");
                return error(e);
            }
            // Module criteria are checked in their module's scope.
            if (state_[named.get()] != 2) {
                bool fromModule = ctx.scope->named->find(n) == ctx.scope->named->end();
                if (fromModule) {
                    for (const UnitDecls* m : ctx.scope->modules)
                        if (m->named.count(n)) {
                            Scope ms = scopeOf(*m);
                            checkNamed(*named, ms);
                            break;
                        }
                } else {
                    checkNamed(*named, *ctx.scope);
                }
            }
            e.named = named.get();
            return set(e, named->expr ? named->expr->type : Type::of(TypeKind::Error));
        }
        if (const FactDecl* f = lookup(*ctx.scope, &UnitDecls::facts, n)) {
            e.fact = factOf_[f];
            if (!e.fact) return error(e);
            return set(e, e.fact->type);
        }
        if (lookup(*ctx.scope, &UnitDecls::groups, n)) {
            diags_.error(e.span, "'" + n + "' is a group; use it as 'count of " + n + " where ...'");
            return error(e);
        }
        if (lookup(*ctx.scope, &UnitDecls::codesets, n)) {
            diags_.error(e.span, "'" + n + "' is a code set; use it after 'has' or 'in'");
            return error(e);
        }
        std::string hint = didYouMean(n, visibleNames(*ctx.scope, ctx.mode));
        if (hint.empty() && lib_->fact(n))
            hint = " (it is declared in another policy; declare it in a shared module and 'use' it)";
        diags_.error(e.span, "unknown name '" + n + "'" + hint);
        return error(e);
    }

    Type checkCall(Expr& e, Ctx& ctx) {
        auto it = std::find(kBuiltins.begin(), kBuiltins.end(), e.text);
        if (it == kBuiltins.end()) {
            diags_.error(e.span, "unknown function '" + e.text + "'" + didYouMean(e.text, kBuiltins));
            return error(e);
        }
        e.builtin = static_cast<int>(it - kBuiltins.begin());
        auto arity = [&](size_t n) {
            if (e.args.size() == n) return true;
            diags_.error(e.span, e.text + " takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s"));
            return false;
        };
        switch (static_cast<Builtin>(e.builtin)) {
            case Builtin::YearsSince:
            case Builtin::MonthsSince:
            case Builtin::DaysSince: {
                if (!arity(1)) return error(e);
                Type t = check(*e.args[0], ctx);
                if (t.kind != TypeKind::Date && t.kind != TypeKind::Error)
                    diags_.error(e.args[0]->span, e.text + " needs a date, not " + describe(t));
                return set(e, Type::of(TypeKind::Int));
            }
            case Builtin::Min:
            case Builtin::Max: {
                if (e.args.size() < 2) {
                    diags_.error(e.span, e.text + " takes two or more numbers");
                    return error(e);
                }
                Type r = Type::of(TypeKind::Int);
                for (auto& a : e.args) {
                    Type t = check(*a, ctx);
                    if (t.kind == TypeKind::Error) return error(e);
                    if (!t.numeric()) {
                        diags_.error(a->span, e.text + " takes numbers, not " + describe(t));
                        return error(e);
                    }
                    if (!unitsCompatible(r, t)) {
                        diags_.error(a->span, e.text + " " + unitMismatch(r, t));
                        return error(e);
                    }
                    if (t.kind == TypeKind::Dec) r.kind = TypeKind::Dec;
                    if (!t.unit.empty()) r.unit = t.unit;
                }
                return set(e, r);
            }
            case Builtin::Before: {
                if (!arity(2)) return error(e);
                Type t = check(*e.args[0], ctx);
                Type s = check(*e.args[1], ctx);
                if (t.kind != TypeKind::TextList && t.kind != TypeKind::Error)
                    diags_.error(e.args[0]->span, "before() takes a list of text, not " + describe(t));
                if (e.args[1]->kind != ExprKind::String || e.args[1]->text.size() != 1)
                    diags_.error(e.args[1]->span, "before() takes a one-character separator such as \"/\"");
                (void)s;
                return set(e, Type::of(TypeKind::TextList));
            }
            case Builtin::Outcome: break;
        }
        return error(e);
    }

    Type checkArith(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        Type b = check(*e.args[1], ctx);
        if (a.kind == TypeKind::Error || b.kind == TypeKind::Error) return error(e);
        if (!a.numeric() || !b.numeric()) {
            diags_.error(e.span, "'" + e.text + "' needs numbers, not " + describe(a) + " and " + describe(b));
            return error(e);
        }
        Type r = Type::of(a.kind == TypeKind::Dec || b.kind == TypeKind::Dec || e.text == "/" ? TypeKind::Dec : TypeKind::Int);
        if (e.text == "+" || e.text == "-") {
            if (!unitsCompatible(a, b)) {
                diags_.error(e.span, "'" + e.text + "' " + unitMismatch(a, b));
                return error(e);
            }
            r.unit = a.unit.empty() ? b.unit : a.unit;
        }
        return set(e, r);
    }

    Type checkCompare(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        Type b = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
        if (a.kind == TypeKind::Error || b.kind == TypeKind::Error) return set(e, Type::of(TypeKind::Bool));
        const std::string op(spelling(e.compareOp));
        bool equality = isEquality(e.compareOp);
        if (a.numeric() && b.numeric()) {
            if (!unitsCompatible(a, b)) diags_.error(e.span, "'" + op + "' " + unitMismatch(a, b));
        } else if (a.kind == TypeKind::Enum && sameType(a, b)) {
            if (!equality && !a.enumInfo->ordered)
                diags_.error(e.span, a.enumInfo->name + " is an unordered enum; only 'is' and '==' apply (declare it "
                                     "with levels (a < b < ...) to order it)");
        } else if (a.kind == b.kind && (a.kind == TypeKind::Date || (equality && (a.kind == TypeKind::Bool || a.kind == TypeKind::Text)))) {
        } else {
            diags_.error(e.span, "cannot compare " + describe(a) + " with " + describe(b));
        }
        return set(e, Type::of(TypeKind::Bool));
    }

    Type checkIs(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        Type b = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
        if (a.kind != TypeKind::Error && b.kind != TypeKind::Error) {
            bool ok = sameType(a, b) || (a.numeric() && b.numeric() && unitsCompatible(a, b));
            if (!ok) diags_.error(e.span, "'is' compares " + describe(a) + " with " + describe(b));
        }
        return set(e, Type::of(TypeKind::Bool));
    }

    Type checkIn(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        SetExpr& s = *e.set;
        if (a.kind == TypeKind::Error) return set(e, Type::of(TypeKind::Bool));
        if (!s.ref.empty()) {
            diags_.error(s.span, "'in' takes a set of values written out: {a, b, c}");
            return set(e, Type::of(TypeKind::Bool));
        }
        for (SetItem& item : s.items) {
            if (!item.hi.empty()) {
                diags_.error(item.span, "ranges belong in code sets; for numbers write 'between'");
                continue;
            }
            switch (a.kind) {
                case TypeKind::Enum: {
                    int idx = a.enumInfo->index(item.lo);
                    if (item.kind != SetItem::Kind::Name || idx < 0)
                        diags_.error(item.span, "'" + item.lo + "' is not one of " + a.enumInfo->name + "'s values (" +
                                                    join(a.enumInfo->members) + ")" + didYouMean(item.lo, a.enumInfo->members));
                    else item.number = idx;
                    break;
                }
                case TypeKind::Int:
                case TypeKind::Dec:
                    if (item.kind != SetItem::Kind::Number) diags_.error(item.span, "expected a number");
                    break;
                case TypeKind::Text:
                    if (item.kind == SetItem::Kind::Number) diags_.error(item.span, "expected text in quotes");
                    break;
                default:
                    diags_.error(e.span, "'in' applies to enums, numbers and text, not " + describe(a) +
                                             (a.kind == TypeKind::CodeList ? "; for code lists write 'has'" : ""));
                    return set(e, Type::of(TypeKind::Bool));
            }
        }
        return set(e, Type::of(TypeKind::Bool));
    }

    Type checkBetween(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        Type lo = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
        Type hi = checkAgainst(*e.args[2], a, ctx, *e.args[0]);
        if (a.kind != TypeKind::Error && lo.kind != TypeKind::Error && hi.kind != TypeKind::Error) {
            bool ordered = a.numeric() || a.kind == TypeKind::Date || (a.kind == TypeKind::Enum && a.enumInfo->ordered);
            if (!ordered) diags_.error(e.span, "'between' needs numbers, dates or ordered levels, not " + describe(a));
            for (const Type* t : {&lo, &hi}) {
                bool ok = (a.numeric() && t->numeric() && unitsCompatible(a, *t)) || sameType(a, *t);
                if (!ok) diags_.error(e.span, "'between' " + (a.numeric() && t->numeric() ? unitMismatch(a, *t)
                                                                                          : "mixes " + describe(a) + " and " + describe(*t)));
            }
            if (e.args[1]->kind == ExprKind::Number && e.args[2]->kind == ExprKind::Number &&
                e.args[1]->number > e.args[2]->number)
                diags_.error(e.span, "empty range: the lower bound is above the upper bound");
        }
        return set(e, Type::of(TypeKind::Bool));
    }

    Type checkWithin(Expr& e, Ctx& ctx) {
        Type d = check(*e.args[0], ctx);
        Type n = check(*e.args[1], ctx);
        if (d.kind != TypeKind::Date && d.kind != TypeKind::Error)
            diags_.error(e.args[0]->span, "'within' needs a date, not " + describe(d));
        if (n.kind != TypeKind::Int && n.kind != TypeKind::Error)
            diags_.error(e.args[1]->span, "'within' needs a whole number of " + e.text);
        if (std::find(kTimeUnits.begin(), kTimeUnits.end(), e.text) == kTimeUnits.end())
            diags_.error(e.span, "unknown period '" + e.text + "'; write days, weeks, months or years" +
                                     didYouMean(e.text, kTimeUnits));
        return set(e, Type::of(TypeKind::Bool));
    }

    Type checkHas(Expr& e, Ctx& ctx) {
        Type a = check(*e.args[0], ctx);
        if (a.kind == TypeKind::CodeList) checkCodeSet(*e.set, ctx);
        else if (a.kind == TypeKind::TextList) {
            if (!e.set->ref.empty()) diags_.error(e.set->span, "a list of text is matched against values written out: {\"3\", \"37\"}");
            for (const SetItem& item : e.set->items)
                if (!item.hi.empty()) diags_.error(item.span, "ranges apply to codes, not text");
        } else if (a.kind != TypeKind::Error) {
            diags_.error(e.span, "'has' applies to lists, not " + describe(a));
        }
        return set(e, Type::of(TypeKind::Bool));
    }

    void checkCodeSet(SetExpr& s, Ctx& ctx) {
        if (!s.ref.empty()) {
            if (const CodesetDecl* decl = lookup(*ctx.scope, &UnitDecls::codesets, s.ref)) {
                s.codeset = codeset(decl);
            } else {
                std::vector<std::string> names;
                for (auto* u : ctx.scope->chain)
                    for (auto& [n, _] : u->codesets) names.push_back(n);
                for (auto* u : ctx.scope->modules)
                    for (auto& [n, _] : u->codesets) names.push_back(n);
                diags_.error(s.span, "unknown code set '" + s.ref + "'" + didYouMean(s.ref, names));
            }
            return;
        }
        for (const SetItem& item : s.items) codeRange(item.lo, item.hi, item.span);
    }

    Type checkCount(Expr& e, Ctx& ctx) {
        const GroupDecl* g = lookup(*ctx.scope, &UnitDecls::groups, e.text);
        if (!g) {
            std::vector<std::string> names;
            for (auto* u : ctx.scope->chain)
                for (auto& [n, _] : u->groups) names.push_back(n);
            for (auto* u : ctx.scope->modules)
                for (auto& [n, _] : u->groups) names.push_back(n);
            diags_.error(e.span, "unknown group '" + e.text + "'" + didYouMean(e.text, names));
            return set(e, Type::of(TypeKind::Int));
        }
        const GroupInfo* info = group(g, *ctx.scope);
        Ctx inner = ctx;
        inner.itType = &info->type;
        expectBool(*e.args[0], inner, "the condition of 'count of'");
        e.group = info;
        return set(e, Type::of(TypeKind::Int));
    }

    // ---------------------------------------------------------------- tests
    void checkTests() {
        for (const TestDecl* t : lib_->tests) {
            auto it = policiesById_.find(t->policy);
            if (it == policiesById_.end()) {
                std::vector<std::string> ids;
                for (auto& [id, _] : policiesById_) ids.push_back(id);
                diags_.error(t->policySpan, "test \"" + t->name + "\" is for an unknown policy '" + t->policy + "'" +
                                                didYouMean(t->policy, ids));
                continue;
            }
            const PolicyModel* model = nullptr;
            for (const PolicyModel& p : lib_->policies)
                if (p.id == t->policy) model = &p;
            for (const TestItem& item : t->items) checkTestItem(*t, item, *model);
            if (!t->like.empty()) checkLike(*t);
        }
    }

    void checkLike(const TestDecl& t) {
        std::set<const TestDecl*> seen{&t};
        const TestDecl* cur = &t;
        while (cur && !cur->like.empty()) {
            const TestDecl* base = nullptr;
            std::vector<std::string> names;
            for (const TestDecl* other : lib_->tests)
                if (other->policy == t.policy) {
                    names.push_back(other->name);
                    if (other->name == cur->like) base = other;
                }
            if (!base) {
                diags_.error(cur->likeSpan, "no test \"" + cur->like + "\" for " + t.policy + didYouMean(cur->like, names));
                return;
            }
            if (!seen.insert(base).second) {
                diags_.error(t.likeSpan, "test \"" + t.name + "\" is like itself through \"" + cur->like + "\"");
                return;
            }
            cur = base;
        }
    }

    void checkTestItem(const TestDecl& t, const TestItem& item, const PolicyModel& p) {
        (void)t;
        switch (item.kind) {
            case TestItem::Kind::AsOf:
                if (!parseDate(item.text)) diags_.error(item.span, "'" + item.text + "' is not a calendar date");
                break;
            case TestItem::Kind::Given: break;  // values are validated like any request, when the test runs
            case TestItem::Kind::ExpectMissing:
                for (auto& [name, span] : item.names)
                    if (!lib_->fact(name)) diags_.error(span, "unknown fact '" + name + "'" + didYouMean(name, lib_->factNames()));
                break;
            case TestItem::Kind::ExpectReasons:
                for (auto& [name, span] : item.names)
                    if (!p.criterion(name)) {
                        std::vector<std::string> names;
                        for (auto& c : p.criteria) names.push_back(c->name);
                        diags_.error(span, "'" + name + "' is not a criterion of " + p.id + didYouMean(name, names));
                    }
                break;
            case TestItem::Kind::ExpectOutput:
                if (!p.output(item.text)) {
                    std::vector<std::string> names;
                    for (auto& o : p.outputs) names.push_back(o->name);
                    diags_.error(item.span, "'" + item.text + "' is not an output of " + p.id + didYouMean(item.text, names));
                }
                break;
            case TestItem::Kind::ExpectOutcome: {
                std::vector<std::string> outcomes = outcomeEnum().members;
                if (!parseOutcome(item.text))
                    diags_.error(item.span, "unknown outcome '" + item.text + "'" + didYouMean(item.text, outcomes));
                if (!item.route.empty() && !parseRoute(item.route))
                    diags_.error(item.span, "unknown route '" + item.route + "'" + didYouMean(item.route, kRouteWords));
                break;
            }
            case TestItem::Kind::ExpectError: break;
        }
    }
};

}  // namespace

std::unique_ptr<CheckedLibrary> checkLibrary(std::shared_ptr<SourceSet> sources, std::vector<SourceFileAst> files,
                                             Diagnostics& diags) {
    Checker checker(std::move(sources), std::move(files), diags);
    return checker.run();
}

}  // namespace cpe
