#include "engine/explain/condition_tree.h"

#include "engine/explain/explain.h"

namespace cpe {

ConditionNode conditionTree(const Expr& e) {
    ConditionNode n;
    n.expr = &e;
    n.span = e.span;
    auto items = [&](ConditionKind kind) {
        n.kind = kind;
        for (const auto& a : e.args) n.children.push_back(conditionTree(*a));
    };
    switch (e.kind) {
        case ExprKind::AllOf:
        case ExprKind::And: items(ConditionKind::All); return n;
        case ExprKind::AnyOf:
        case ExprKind::Or: items(ConditionKind::Any); return n;
        case ExprKind::AtLeast:
            items(ConditionKind::AtLeast);
            n.count = static_cast<int>(e.number);
            return n;
        case ExprKind::Not:
            items(ConditionKind::Not);
            n.text = conditionInEnglish(e);
            return n;
        case ExprKind::Name:
            if (e.named && e.named->kind == NamedExpr::Kind::Criterion) {
                n.kind = ConditionKind::Criterion;
                n.named = e.named;
                n.criterion = e.named->name;
                n.text = e.named->text;
                n.span = e.named->span;
                n.children.push_back(conditionTree(*e.named->expr));
                return n;
            }
            break;
        default: break;
    }
    n.kind = ConditionKind::Test;
    n.text = conditionInEnglish(e);
    return n;
}

bool bodyIsPlainFact(const ConditionNode& criterion) {
    if (criterion.kind != ConditionKind::Criterion || criterion.children.empty()) return false;
    const ConditionNode& body = criterion.children.front();
    return body.kind == ConditionKind::Test && body.expr->kind == ExprKind::Name && body.expr->fact;
}

bool readsAsOneLine(const ConditionNode& node) {
    if (node.kind == ConditionKind::Not) return readsAsOneLine(node.children.front());
    return node.kind == ConditionKind::Test || node.kind == ConditionKind::Criterion;
}

}  // namespace cpe
