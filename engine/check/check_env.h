#pragma once
// Internal to engine/check/: the shared structs and the one Checker class whose
// member functions the check_*.cpp files define, one job per file (the step ->
// file table is in README.md, "The checker's steps"). Everything else calls
// checkLibrary() in checker.h.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/check/checker.h"

namespace cpe::check_internal {

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
    std::vector<const UnitDecls*> chain;                       // the unit, then its ancestors
    std::vector<const UnitDecls*> modules;                     // every module used along the chain
    std::map<std::string, std::shared_ptr<NamedExpr>>* named;  // effective criteria/values/outputs/coding
    PolicyModel* policy = nullptr;
};

struct Ctx {
    Scope* scope;
    Mode mode;
    const Type* itType = nullptr;
};

inline const char* typeName(const Type& t) {
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

inline std::string describe(const Type& t) {
    std::string s = typeName(t);
    if (t.kind == TypeKind::Enum && t.enumInfo) s += " " + t.enumInfo->name;
    if (!t.unit.empty()) s += " [" + t.unit + "]";
    return s;
}

inline const std::vector<std::string> kOutcomeWords = {"eligible", "not_eligible", "review", "exempt"};
inline const std::vector<std::string> kRouteWords = {"none", "prior_approval", "ifr", "panel", "fast_track"};
inline const std::vector<std::string> kTimeUnits = {"days", "weeks", "months", "years"};
inline const std::vector<std::string> kEpisodeFields = {"age", "sex", "setting", "admission"};
inline const std::vector<std::string> kBuiltins = {"years_since", "months_since", "days_since", "min", "max", "before"};

// Built once per checkLibrary() call: the declarations it collects (units_,
// modules_, policies_) are the environment every later step looks names up in.
class Checker {
public:
    Checker(std::shared_ptr<SourceSet> sources, std::vector<SourceFileAst> files, Diagnostics& diags) : diags_(diags) {
        lib_ = std::make_unique<CheckedLibrary>();
        lib_->sources = std::move(sources);
        lib_->files = std::move(files);
    }

    std::unique_ptr<CheckedLibrary> run();  // checker.cpp: the pipeline, in order

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

    // ------------------------------------------------ check_declarations.cpp
    void collectUnits();
    template <typename Map>
    bool claim(Map& map, std::set<std::string>& names, const std::string& name, const Span& span, typename Map::mapped_type value,
               const char* what);
    void collectMembers(UnitDecls& d);
    void checkNextSteps(const UnitDecls& d);
    std::vector<std::string> moduleNames() const;
    void checkUses();
    std::vector<const UnitDecls*> usedModules(const std::vector<const UnitDecls*>& chain);
    // A template the other files use too, so it is defined here.
    template <typename Member>
    const Member* lookup(const Scope& scope, std::map<std::string, const Member*> UnitDecls::*field,
                         const std::string& name) const {
        for (const UnitDecls* u : scope.chain)
            if (auto it = (u->*field).find(name); it != (u->*field).end()) return it->second;
        for (const UnitDecls* u : scope.modules)
            if (auto it = (u->*field).find(name); it != (u->*field).end()) return it->second;
        return nullptr;
    }
    std::shared_ptr<NamedExpr> lookupNamed(const Scope& scope, const std::string& name) const;
    std::vector<std::string> visibleNames(const Scope& scope, Mode mode) const;

    // ------------------------------------------------ check_types.cpp
    Type resolveTypeRef(const TypeRef& ref, const Scope& scope, const std::string& owner, std::vector<bool>* allowed,
                        std::optional<double>* min, std::optional<double>* max, ListKind* listKind);
    Type namedType(const TypeDecl* decl, const Scope& scope);
    Scope scopeOf(const UnitDecls& d);
    void registerFacts();
    static bool sameType(const Type& a, const Type& b);
    void checkModules();
    void checkGroupsAndCodesets(const UnitDecls& d, const Scope& scope);
    const GroupInfo* group(const GroupDecl* decl, const Scope& scope);
    const CodesetInfo* codeset(const CodesetDecl* decl);
    CodeRange codeRange(const std::string& lo, const std::string& hi, const Span& span);

    // ------------------------------------------------ check_policies.cpp
    void checkPolicies();
    void checkVariants();
    std::vector<const UnitDecls*> ancestry(const UnitDecls& d);
    void checkPolicy(UnitDecls& d, PolicyModel& p);
    void addModuleCriteria(PolicyModel& p);
    std::shared_ptr<NamedExpr> cloneNamed(const NamedExpr& n);
    void checkEffective(const HeaderItem& h, PolicyModel& p);
    void checkEffectiveText(PolicyModel& p);
    void checkVersionOverlaps();

    // ------------------------------------------------ check_rules.cpp
    Route defaultRoute(const std::string& word, const PolicyModel& p);
    void checkRules(const DecideBlock& block, bool own, Scope& scope, PolicyModel& p);
    static bool sameExpr(const Expr& a, const Expr& b);
    std::vector<const FactInfo*> factsRead(const PolicyModel& p);
    void checkNamed(NamedExpr& n, Scope& scope);

    // ------------------------------------------------ check_expressions.cpp
    void expectBool(Expr& e, Ctx& ctx, const char* what);
    Type set(Expr& e, Type t);
    Type error(Expr& e);
    bool unitsCompatible(const Type& a, const Type& b);
    std::string unitMismatch(const Type& a, const Type& b);
    bool resolveMember(Expr& name, const Type& against, Ctx& ctx);
    Type checkAgainst(Expr& maybeMember, const Type& other, Ctx& ctx, const Expr& otherExpr);
    static std::string join(const std::vector<std::string>& v);
    Type check(Expr& e, Ctx& ctx);
    Type checkName(Expr& e, Ctx& ctx);
    Type checkCall(Expr& e, Ctx& ctx);
    Type checkArith(Expr& e, Ctx& ctx);

    // ------------------------------------------------ check_predicates.cpp
    Type checkCompare(Expr& e, Ctx& ctx);
    Type checkIs(Expr& e, Ctx& ctx);
    Type checkIn(Expr& e, Ctx& ctx);
    Type checkBetween(Expr& e, Ctx& ctx);
    Type checkWithin(Expr& e, Ctx& ctx);
    Type checkHas(Expr& e, Ctx& ctx);
    void checkCodeSet(SetExpr& s, Ctx& ctx);
    Type checkCount(Expr& e, Ctx& ctx);

    // ------------------------------------------------ check_tests.cpp
    void checkTests();
    // A policy's tests by name, for `like` chains.
    using TestIndex = std::unordered_map<std::string_view, std::unordered_map<std::string_view, const TestDecl*>>;
    void checkLike(const TestDecl& t, const std::unordered_map<std::string_view, const TestDecl*>& tests);
    void checkTestItem(const TestDecl& t, const TestItem& item, const PolicyModel& p);
};

}  // namespace cpe::check_internal
