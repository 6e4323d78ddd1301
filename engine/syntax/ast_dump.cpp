#include "engine/syntax/ast_dump.h"

#include <cstdio>

namespace cpe {
namespace {

class Dumper {
public:
    std::string out;

    void file(const SourceFileAst& f) {
        line("file " + std::to_string(f.file));
        for (const TopDecl& d : f.decls) {
            Indent in(*this);
            comments(d.comments);
            if (const auto* u = std::get_if<std::shared_ptr<Unit>>(&d.body)) unit(**u);
            else test(*std::get<std::shared_ptr<TestDecl>>(d.body));
        }
        strings("trailing", f.trailingComments);
    }

private:
    int depth_ = 0;
    struct Indent {
        Dumper& d;
        explicit Indent(Dumper& dumper) : d(dumper) { ++d.depth_; }
        ~Indent() { --d.depth_; }
    };

    void line(const std::string& s) {
        out.append(static_cast<size_t>(depth_) * 2, ' ');
        out += s;
        out += '\n';
    }
    static std::string at(const Span& s) {
        return "@" + std::to_string(s.file) + ":" + std::to_string(s.line) + ":" + std::to_string(s.col) + "-" +
               std::to_string(s.endLine) + ":" + std::to_string(s.endCol);
    }
    static std::string q(const std::string& s) { return "\"" + s + "\" (" + std::to_string(s.size()) + ")"; }
    static std::string num(double d) {
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", d);
        return b;
    }
    void strings(const std::string& what, const std::vector<std::string>& list) {
        for (const std::string& s : list) line(what + " " + q(s));
    }
    void comments(const Comments& c) {
        strings("leading", c.leading);
        if (!c.trailing.empty()) line("trailing " + q(c.trailing));
    }

    void unit(const Unit& u) {
        line(std::string(u.kind == Unit::Kind::Module ? "module " : "policy ") + q(u.id) + at(u.span) + " extends " +
             q(u.extends) + at(u.extendsSpan));
        Indent in(*this);
        for (const Member& m : u.members) {
            comments(m.comments);
            std::visit([&](const auto& body) { member(body); }, m.body);
        }
        strings("trailing", u.trailingComments);
    }

    void member(const HeaderItem& h) {
        line("header " + std::to_string(static_cast<int>(h.kind)) + at(h.span) + " value " + q(h.value) + " key " + q(h.key) +
             at(h.keySpan) + " until " + q(h.until) + " variantOf " + q(h.variantOf));
        Indent in(*this);
        if (h.condition) expr(*h.condition);
    }
    void member(const UseDecl& u) { line("use " + q(u.module) + at(u.span)); }
    void member(const TypeDecl& t) {
        line("type " + q(t.name) + at(t.span));
        Indent in(*this);
        typeRef(t.type);
    }
    void member(const FactDecl& f) {
        line("fact " + q(f.name) + at(f.span) + " " + q(f.description));
        Indent in(*this);
        typeRef(f.type);
    }
    void member(const CodesetDecl& c) {
        line("codeset " + q(c.name) + at(c.span) + " " + q(c.description));
        Indent in(*this);
        for (const CodeItem& i : c.items) line("code " + q(i.lo) + " - " + q(i.hi) + at(i.span));
    }
    void member(const GroupDecl& g) {
        line("group " + q(g.name) + at(g.span));
        Indent in(*this);
        for (const auto& [name, span] : g.members) line("member " + q(name) + at(span));
    }
    void member(const std::shared_ptr<NamedExpr>& n) {
        line("named " + std::to_string(static_cast<int>(n->kind)) + " " + q(n->name) + at(n->span) + " " + q(n->text) +
             " override " + std::to_string(n->isOverride) + " emergencies " + std::to_string(n->includesEmergencies) +
             " noCancer " + std::to_string(n->withoutCancerExclusion) + " origin " + q(n->origin));
        Indent in(*this);
        if (n->expr) expr(*n->expr);
    }
    void member(const std::shared_ptr<DecideBlock>& d) {
        line("decide" + at(d->span) + " override " + std::to_string(d->isOverride));
        Indent in(*this);
        for (const Rule& r : d->rules) {
            comments(r.comments);
            line("rule " + q(r.outcome) + at(r.outcomeSpan) + " route " + q(r.route) + at(r.routeSpan) + at(r.span));
            Indent inner(*this);
            if (r.when) expr(*r.when);
        }
        strings("trailing", d->trailingComments);
    }

    void typeRef(const TypeRef& t) {
        std::string s = "typeRef " + std::to_string(static_cast<int>(t.kind)) + at(t.span) + " unit " + q(t.unit) + " min " +
                        (t.min ? num(*t.min) : "-") + " max " + (t.max ? num(*t.max) : "-") + " " + q(t.minText) + ".." +
                        q(t.maxText) + " name " + q(t.name) + " upTo " + q(t.upTo);
        for (const std::string& m : t.members) s += " " + q(m);
        line(s);
    }

    void expr(const Expr& e) {
        std::string s = "expr " + std::to_string(static_cast<int>(e.kind)) + at(e.span) + " " + q(e.text) + " op " +
                        std::to_string(static_cast<int>(e.compareOp)) + " unit " + q(e.unit) + " n " + num(e.number) + " b " +
                        std::to_string(e.boolValue) + " neg " + std::to_string(e.negated) + " pos " +
                        std::to_string(static_cast<int>(e.position)) + " code " + std::to_string(static_cast<int>(e.codeKind)) +
                        " type " + std::to_string(static_cast<int>(e.type.kind)) + q(e.type.unit);
        line(s);
        Indent in(*this);
        if (e.set) {
            line("set " + q(e.set->ref) + at(e.set->span));
            Indent items(*this);
            for (const SetItem& i : e.set->items)
                line("item " + std::to_string(static_cast<int>(i.kind)) + " " + q(i.lo) + " - " + q(i.hi) + " n " +
                     num(i.number) + at(i.span));
        }
        for (const ExprPtr& a : e.args) expr(*a);
    }

    void test(const TestDecl& t) {
        line("test " + q(t.name) + at(t.span) + " for " + q(t.policy) + at(t.policySpan) + " like " + q(t.like) + at(t.likeSpan));
        Indent in(*this);
        for (const TestItem& i : t.items) {
            comments(i.comments);
            line("item " + std::to_string(static_cast<int>(i.kind)) + at(i.span) + " " + q(i.text) + " route " + q(i.route));
            Indent inner(*this);
            for (const Binding& b : i.bindings) {
                line("given " + q(b.name) + at(b.span));
                Indent value(*this);
                factValue(b.value);
            }
            for (const auto& [name, span] : i.names) line("name " + q(name) + at(span));
            factValue(i.value);
        }
        strings("trailing", t.trailingComments);
    }

    void factValue(const FactValue& v) {
        line("value " + std::to_string(static_cast<int>(v.kind)) + at(v.span) + " n " + num(v.number) + " int " +
             std::to_string(v.isInteger) + " " + q(v.text) + " b " + std::to_string(v.boolValue));
        Indent in(*this);
        for (const FactValue& item : v.items) factValue(item);
    }
};

}  // namespace

std::string dumpAst(const SourceFileAst& ast) {
    Dumper d;
    d.file(ast);
    return d.out;
}

}  // namespace cpe
