// Expression typing of the predicates: comparisons, is, in, between, within, has, code sets, count of.
#include "engine/check/check_env.h"

#include <algorithm>

namespace cpe::check_internal {

Type Checker::checkCompare(Expr& e, Ctx& ctx) {
    Type a = check(*e.args[0], ctx);
    Type b = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
    if (a.kind == TypeKind::Error || b.kind == TypeKind::Error) return set(e, Type::of(TypeKind::Bool));
    const std::string op(spelling(e.compareOp));
    bool equality = isEquality(e.compareOp);
    if (a.numeric() && b.numeric()) {
        if (!unitsCompatible(a, b)) diags_.error(e.span, "'" + op + "' " + unitMismatch(a, b));
    } else if (a.kind == TypeKind::Enum && sameType(a, b)) {
        if (!equality && !a.enumInfo->ordered)
            diags_.error(e.span, a.enumInfo->name +
                                     " is an unordered enum; only 'is' and '==' apply (declare it "
                                     "with levels (a < b < ...) to order it)");
    } else if (a.kind == b.kind &&
               (a.kind == TypeKind::Date || (equality && (a.kind == TypeKind::Bool || a.kind == TypeKind::Text)))) {
    } else {
        diags_.error(e.span, "cannot compare " + describe(a) + " with " + describe(b));
    }
    return set(e, Type::of(TypeKind::Bool));
}

Type Checker::checkIs(Expr& e, Ctx& ctx) {
    Type a = check(*e.args[0], ctx);
    Type b = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
    if (a.kind != TypeKind::Error && b.kind != TypeKind::Error) {
        bool ok = sameType(a, b) || (a.numeric() && b.numeric() && unitsCompatible(a, b));
        if (!ok) diags_.error(e.span, "'is' compares " + describe(a) + " with " + describe(b));
    }
    return set(e, Type::of(TypeKind::Bool));
}

Type Checker::checkIn(Expr& e, Ctx& ctx) {
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

Type Checker::checkBetween(Expr& e, Ctx& ctx) {
    Type a = check(*e.args[0], ctx);
    Type lo = checkAgainst(*e.args[1], a, ctx, *e.args[0]);
    Type hi = checkAgainst(*e.args[2], a, ctx, *e.args[0]);
    if (a.kind != TypeKind::Error && lo.kind != TypeKind::Error && hi.kind != TypeKind::Error) {
        bool ordered = a.numeric() || a.kind == TypeKind::Date || (a.kind == TypeKind::Enum && a.enumInfo->ordered);
        if (!ordered) diags_.error(e.span, "'between' needs numbers, dates or ordered levels, not " + describe(a));
        for (const Type* t : {&lo, &hi}) {
            bool ok = (a.numeric() && t->numeric() && unitsCompatible(a, *t)) || sameType(a, *t);
            if (!ok)
                diags_.error(e.span,
                             "'between' " + (a.numeric() && t->numeric() ? unitMismatch(a, *t)
                                                                         : "mixes " + describe(a) + " and " + describe(*t)));
        }
        if (e.args[1]->kind == ExprKind::Number && e.args[2]->kind == ExprKind::Number && e.args[1]->number > e.args[2]->number)
            diags_.error(e.span, "empty range: the lower bound is above the upper bound");
    }
    return set(e, Type::of(TypeKind::Bool));
}

Type Checker::checkWithin(Expr& e, Ctx& ctx) {
    Type d = check(*e.args[0], ctx);
    Type n = check(*e.args[1], ctx);
    if (d.kind != TypeKind::Date && d.kind != TypeKind::Error)
        diags_.error(e.args[0]->span, "'within' needs a date, not " + describe(d));
    if (n.kind != TypeKind::Int && n.kind != TypeKind::Error)
        diags_.error(e.args[1]->span, "'within' needs a whole number of " + e.text);
    if (std::find(kTimeUnits.begin(), kTimeUnits.end(), e.text) == kTimeUnits.end())
        diags_.error(e.span,
                     "unknown period '" + e.text + "'; write days, weeks, months or years" + didYouMean(e.text, kTimeUnits));
    return set(e, Type::of(TypeKind::Bool));
}

Type Checker::checkHas(Expr& e, Ctx& ctx) {
    Type a = check(*e.args[0], ctx);
    if (a.kind == TypeKind::CodeList) checkCodeSet(*e.set, ctx);
    else if (a.kind == TypeKind::TextList) {
        if (!e.set->ref.empty())
            diags_.error(e.set->span, "a list of text is matched against values written out: {\"3\", \"37\"}");
        for (const SetItem& item : e.set->items)
            if (!item.hi.empty()) diags_.error(item.span, "ranges apply to codes, not text");
    } else if (a.kind != TypeKind::Error) {
        diags_.error(e.span, "'has' applies to lists, not " + describe(a));
    }
    return set(e, Type::of(TypeKind::Bool));
}

void Checker::checkCodeSet(SetExpr& s, Ctx& ctx) {
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

Type Checker::checkCount(Expr& e, Ctx& ctx) {
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

}  // namespace cpe::check_internal
