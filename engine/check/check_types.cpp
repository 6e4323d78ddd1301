// Resolves types and units, registers facts (one type per fact everywhere), and checks modules, groups and code sets.
#include "engine/check/check_env.h"

#include <algorithm>
#include <cctype>

namespace cpe::check_internal {

// ---------------------------------------------------------------- types and facts
Type Checker::resolveTypeRef(const TypeRef& ref, const Scope& scope, const std::string& owner, std::vector<bool>* allowed,
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
                std::vector<std::string> names{"boolean", "integer", "decimal", "date", "text", "enum", "levels", "list"};
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
                        diags_.error(ref.span,
                                     "'" + ref.upTo + "' is not a level of " + e.name + didYouMean(ref.upTo, e.members));
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

Type Checker::namedType(const TypeDecl* decl, const Scope& scope) {
    if (auto it = typeCache_.find(decl); it != typeCache_.end()) return it->second;
    typeCache_[decl] = Type::of(TypeKind::Error);  // guards `type a = a`
    Type t = resolveTypeRef(decl->type, scope, decl->name, nullptr, nullptr, nullptr, nullptr);
    typeCache_[decl] = t;
    return t;
}

Scope Checker::scopeOf(const UnitDecls& d) {
    Scope s;
    s.chain.push_back(&d);
    s.modules = usedModules(s.chain);
    s.named = const_cast<std::map<std::string, std::shared_ptr<NamedExpr>>*>(&d.named);
    return s;
}

void Checker::registerFacts() {
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
                    diags_.error(decl->span, "fact '" + name + "' is declared as " + describe(info.type) + " here but as " +
                                                 describe(other->type) + " at " + lib_->sources->location(other->span) +
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
bool Checker::sameType(const Type& a, const Type& b) {
    if (a.kind != b.kind || a.unit != b.unit) return false;
    if (a.kind != TypeKind::Enum) return true;
    return a.enumInfo == b.enumInfo || (a.enumInfo->members == b.enumInfo->members && a.enumInfo->ordered == b.enumInfo->ordered);
}

// ---------------------------------------------------------------- modules
void Checker::checkModules() {
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

void Checker::checkGroupsAndCodesets(const UnitDecls& d, const Scope& scope) {
    for (auto& [_, g] : d.groups) group(g, scope);
    for (auto& [_, c] : d.codesets) codeset(c);
}

const GroupInfo* Checker::group(const GroupDecl* decl, const Scope& scope) {
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
            diags_.error(span, "group " + decl->name + " mixes " + describe(g.type) + " with " + describe(info->type) + " ('" +
                                   member + "'); its members must share one type");
        g.members.push_back(info);
    }
    return &g;
}

const CodesetInfo* Checker::codeset(const CodesetDecl* decl) {
    if (auto it = codesetCache_.find(decl); it != codesetCache_.end()) return it->second;
    CodesetInfo& c = lib_->codesets.emplace_back();
    c.name = decl->name;
    c.description = decl->description;
    c.span = decl->span;
    for (const CodeItem& item : decl->items) c.ranges.push_back(codeRange(item.lo, item.hi, item.span));
    codesetCache_[decl] = &c;
    return &c;
}

CodeRange Checker::codeRange(const std::string& lo, const std::string& hi, const Span& span) {
    CodeRange r{normaliseCode(lo), normaliseCode(hi)};
    auto validCode = [](const std::string& code) {
        if (code.size() < 2 || code.size() > 7 || !std::isupper(static_cast<unsigned char>(code[0]))) return false;
        return std::all_of(code.begin() + 1, code.end(), [](char ch) {
            return std::isdigit(static_cast<unsigned char>(ch)) || std::isupper(static_cast<unsigned char>(ch));
        });
    };
    if (!validCode(r.lo)) diags_.error(span, "'" + lo + "' is not an OPCS-4 or ICD-10 code (a letter then digits)");
    if (!r.hi.empty()) {
        if (!validCode(r.hi)) diags_.error(span, "'" + hi + "' is not an OPCS-4 or ICD-10 code (a letter then digits)");
        else if (r.hi.size() != r.lo.size())
            diags_.error(span, "the ends of a code range must have the same length ('" + lo + "' and '" + hi + "')");
        else if (r.hi < r.lo) diags_.error(span, "empty code range: '" + hi + "' comes before '" + lo + "'");
    }
    return r;
}

}  // namespace cpe::check_internal
