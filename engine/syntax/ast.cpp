#include "engine/syntax/ast.h"

namespace cpe {

// A deep copy without the checker's annotations: an inherited criterion is
// re-resolved in the inheriting policy, where a name may mean an override.
ExprPtr Expr::clone() const {
    auto copy = std::make_unique<Expr>(kind, span);
    copy->text = text;
    copy->compareOp = compareOp;
    copy->unit = unit;
    copy->number = number;
    copy->boolValue = boolValue;
    copy->negated = negated;
    copy->position = position;
    copy->codeKind = codeKind;
    if (set) copy->set = std::make_unique<SetExpr>(*set);
    if (kind == ExprKind::Number) copy->type = type;  // literal types come from the parser
    for (const ExprPtr& a : args) copy->args.push_back(a->clone());
    return copy;
}

}  // namespace cpe
