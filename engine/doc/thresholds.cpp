#include "engine/doc/thresholds.h"

#include <functional>

#include "engine/diff/expr_diff.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

std::string quantityOf(const Expr& e) {
    if (e.kind == ExprKind::Name && e.fact)
        return "`" + e.fact->name + "`" + (e.fact->description.empty() ? "" : " (" + e.fact->description + ")");
    if (e.kind == ExprKind::Name && e.named)
        return "`" + e.named->name + "`" + (e.named->text.empty() ? "" : " (" + e.named->text + ")");
    return "`" + printExpr(e) + "`";
}

// The comparison read with the quantity on the left.
std::string words(CompareOp op, bool numberOnLeft) {
    switch (numberOnLeft ? flip(op) : op) {
        case CompareOp::Lt: return "under";
        case CompareOp::Le: return "at most";
        case CompareOp::Gt: return "above";
        case CompareOp::Ge: return "at least";
        case CompareOp::Eq: return "exactly";
        case CompareOp::Ne: return "not";
    }
    return "";
}

}  // namespace

std::vector<Threshold> thresholdsOf(const PolicyModel& p) {
    std::vector<Threshold> out;
    auto scan = [&](const NamedExpr& n) {
        std::function<void(const Expr&)> walk = [&](const Expr& e) {
            if (e.kind == ExprKind::Compare) {
                const Expr& l = *e.args[0];
                const Expr& r = *e.args[1];
                if (r.kind == ExprKind::Number || l.kind == ExprKind::Number) {
                    bool left = l.kind == ExprKind::Number && r.kind != ExprKind::Number;
                    const Expr& q = left ? r : l;
                    const Expr& number = left ? l : r;
                    out.push_back(
                        {n.name, quantityOf(q), words(e.compareOp, left), numberText(number, q.type.unit), printExpr(e)});
                }
            } else if (e.kind == ExprKind::Between && e.args[1]->kind == ExprKind::Number &&
                       e.args[2]->kind == ExprKind::Number) {
                const Expr& q = *e.args[0];
                out.push_back({n.name, quantityOf(q), "between (inclusive)",
                               numberText(*e.args[1]) + " and " + numberText(*e.args[2], q.type.unit), printExpr(e)});
            } else if (e.kind == ExprKind::Within && e.args[1]->kind == ExprKind::Number) {
                out.push_back({n.name, quantityOf(*e.args[0]), "no more than, before the decision date",
                               numberText(*e.args[1]) + " " + e.text, printExpr(e)});
            }
            for (const auto& a : e.args) walk(*a);
        };
        walk(*n.expr);
    };
    for (const auto& c : p.criteria) scan(*c);
    for (const auto& v : p.values) scan(*v);
    for (const auto& o : p.outputs) scan(*o);
    return out;
}

}  // namespace cpe
