// Expression typing: literals, names, `it`, function calls, arithmetic, `not`/`and`/`or`, `if`.
#include "engine/check/check_env.h"

#include <algorithm>
#include <cmath>

namespace cpe::check_internal {

void Checker::expectBool(Expr& e, Ctx& ctx, const char* what) {
    Type t = check(e, ctx);
    if (t.kind != TypeKind::Bool && t.kind != TypeKind::Error)
        diags_.error(e.span, std::string(what) + " must be true or false, but this is " + describe(t));
}

// ---------------------------------------------------------------- expressions
Type Checker::set(Expr& e, Type t) {
    e.type = t;
    return t;
}

Type Checker::error(Expr& e) { return set(e, Type::of(TypeKind::Error)); }

bool Checker::unitsCompatible(const Type& a, const Type& b) { return a.unit.empty() || b.unit.empty() || a.unit == b.unit; }

std::string Checker::unitMismatch(const Type& a, const Type& b) {
    return "compares [" + a.unit + "] with [" + b.unit + "]; convert one of them first";
}

// Resolves a bare name to a member of `e`'s enum if it is one and isn't
// otherwise declared. Returns true when it did.
bool Checker::resolveMember(Expr& name, const Type& against, Ctx& ctx) {
    if (name.kind != ExprKind::Name || against.kind != TypeKind::Enum || !against.enumInfo) return false;
    int idx = against.enumInfo->index(name.text);
    if (idx < 0) return false;
    if (ctx.mode != Mode::Coding) {
        if (lookup(*ctx.scope, &UnitDecls::facts, name.text)) return false;
        // A criterion or value named like the value: read as the value, which
        // is the only reading that type-checks, and warned about by `cpe check`
        // (it used to be a criterion "defined in terms of itself").
        if (auto named = lookupNamed(*ctx.scope, name.text)) {
            if (named->kind == NamedExpr::Kind::Output || named->kind == NamedExpr::Kind::Coding) return false;
            lib_->shadowedValues.push_back({name.span, name.text, against.enumInfo->name, named->span, state_[named.get()] == 1});
        }
    }
    name.enumOrdinal = idx;
    set(name, against);
    return true;
}

Type Checker::checkAgainst(Expr& maybeMember, const Type& other, Ctx& ctx, const Expr& otherExpr) {
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

std::string Checker::join(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

Type Checker::check(Expr& e, Ctx& ctx) {
    switch (e.kind) {
        case ExprKind::Number:
            return set(
                e, Type{std::floor(e.number) == e.number && e.text.find('.') == std::string::npos ? TypeKind::Int : TypeKind::Dec,
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
        case ExprKind::Not: expectBool(*e.args[0], ctx, "the operand of 'not'"); return set(e, Type::of(TypeKind::Bool));
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
                diags_.error(e.span, "'" +
                                         std::string(e.position == CodePosition::Primary     ? "primary"
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

Type Checker::checkName(Expr& e, Ctx& ctx) {
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
            diags_.error(e.span, "'" + n +
                                     "' is a fact about a referral; a coding rule reads the episode: age, sex, "
                                     "setting, admission and its codes");
            return error(e);
        }
        diags_.error(e.span, "unknown name '" + n + "' in a coding rule" + didYouMean(n, visibleNames(*ctx.scope, Mode::Coding)));
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
    if (hint.empty() && lib_->fact(n)) hint = " (it is declared in another policy; declare it in a shared module and 'use' it)";
    diags_.error(e.span, "unknown name '" + n + "'" + hint);
    return error(e);
}

Type Checker::checkCall(Expr& e, Ctx& ctx) {
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

Type Checker::checkArith(Expr& e, Ctx& ctx) {
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

}  // namespace cpe::check_internal
