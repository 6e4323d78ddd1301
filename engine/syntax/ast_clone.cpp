#include "engine/syntax/ast_clone.h"

namespace cpe {

static ExprPtr cloneOrNull(const ExprPtr& e) { return e ? e->clone() : nullptr; }

// Each node is built field by field in declaration order, so a field added to
// ast.h and not copied here is a -Wmissing-field-initializers warning.
struct CloneMember {
    MemberBody operator()(const HeaderItem& h) const {
        return HeaderItem{h.span, h.kind, h.value, h.key, h.keySpan, h.until, h.variantOf, cloneOrNull(h.condition)};
    }
    MemberBody operator()(const std::shared_ptr<NamedExpr>& n) const {
        return std::make_shared<NamedExpr>(NamedExpr{n->kind, n->span, n->name, n->text, n->isOverride, n->includesEmergencies,
                                                     n->withoutCancerExclusion, cloneOrNull(n->expr),
                                                     /*origin, the checker's:*/ std::string()});
    }
    MemberBody operator()(const std::shared_ptr<DecideBlock>& d) const {
        std::vector<Rule> rules;
        for (const Rule& r : d->rules)
            rules.push_back(Rule{r.span, r.comments, r.outcome, r.outcomeSpan, r.route, r.routeSpan, cloneOrNull(r.when)});
        return std::make_shared<DecideBlock>(DecideBlock{d->span, d->isOverride, std::move(rules), d->trailingComments});
    }
    // These hold no expressions and no pointers: a plain copy is a deep one.
    MemberBody operator()(const UseDecl& x) const { return x; }
    MemberBody operator()(const TypeDecl& x) const { return x; }
    MemberBody operator()(const FactDecl& x) const { return x; }
    MemberBody operator()(const CodesetDecl& x) const { return x; }
    MemberBody operator()(const GroupDecl& x) const { return x; }
};

SourceFileAst cloneAst(const SourceFileAst& ast) {
    SourceFileAst copy{ast.file, {}, ast.trailingComments};
    for (const TopDecl& d : ast.decls) {
        if (const auto* unit = std::get_if<std::shared_ptr<Unit>>(&d.body)) {
            const Unit& u = **unit;
            auto c = std::make_shared<Unit>(Unit{u.kind, u.span, u.id, u.extends, u.extendsSpan, {}, u.trailingComments});
            for (const Member& m : u.members) c->members.push_back(Member{m.comments, std::visit(CloneMember{}, m.body)});
            copy.decls.push_back(TopDecl{d.comments, std::move(c)});
        } else {
            // A test holds no expressions and no pointers.
            copy.decls.push_back(TopDecl{d.comments, std::make_shared<TestDecl>(*std::get<std::shared_ptr<TestDecl>>(d.body))});
        }
    }
    return copy;
}

}  // namespace cpe
