#include "lsp/index.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>

#include "lsp/text_position.h"

namespace cpe::lsp {

const char* symbolKindName(SymbolKind k) {
    switch (k) {
        case SymbolKind::Fact: return "fact";
        case SymbolKind::Criterion: return "criterion";
        case SymbolKind::Value: return "value";
        case SymbolKind::Output: return "output";
        case SymbolKind::Coding: return "coding";
        case SymbolKind::Codeset: return "codeset";
        case SymbolKind::Group: return "group";
        case SymbolKind::Type: return "type";
        case SymbolKind::Module: return "module";
        case SymbolKind::Policy: return "policy";
        case SymbolKind::Test: return "test";
        case SymbolKind::EnumMember: return "enumeration value";
    }
    return "name";
}

static std::string where(const Span& s) {
    return std::to_string(s.file) + ":" + std::to_string(s.line) + ":" + std::to_string(s.col);
}

SymbolKind kindOf(const NamedExpr& n) {
    switch (n.kind) {
        case NamedExpr::Kind::Criterion: return SymbolKind::Criterion;
        case NamedExpr::Kind::Value: return SymbolKind::Value;
        case NamedExpr::Kind::Output: return SymbolKind::Output;
        case NamedExpr::Kind::Coding: return SymbolKind::Coding;
    }
    return SymbolKind::Criterion;
}

static uint32_t codePoints(std::string_view s) {
    return static_cast<uint32_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A test's span in the AST is its `test` keyword. As a declaration it runs on
// to the end of the name's string after it, so that hover, definition and the
// references of a test (its `like`s) work from the name, where a cursor goes.
static Span throughName(std::string_view text, Span keyword) {
    if (!keyword.valid() || keyword.endLine != keyword.line) return keyword;
    std::string_view line = lineOf(text, keyword.line - 1);
    size_t at = 0;  // the byte after the keyword's last code point
    for (uint32_t seen = 0; at < line.size(); ++at)
        if ((static_cast<unsigned char>(line[at]) & 0xC0) != 0x80 && seen++ == keyword.endCol - 1) break;
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    if (at >= line.size() || line[at] != '"') return keyword;
    for (size_t i = at + 1; i < line.size(); ++i) {
        if (line[i] == '\\') ++i;
        else if (line[i] == '"')
            return Span{keyword.file, keyword.line, keyword.col, keyword.line, codePoints(line.substr(0, i + 1)) + 1};
    }
    return keyword;
}

class IndexBuilder {
public:
    IndexBuilder(Index& index, const CheckedLibrary& lib) : ix_(index), lib_(lib) {}

    void run() {
        for (const SourceFileAst& f : lib_.files)
            for (const TopDecl& d : f.decls) {
                if (auto* u = std::get_if<std::shared_ptr<Unit>>(&d.body)) unit(**u);
                if (auto* t = std::get_if<std::shared_ptr<TestDecl>>(&d.body)) test(**t);
            }
    }

private:
    Index& ix_;
    const CheckedLibrary& lib_;
    std::string unitId_;
    std::string context_;

    size_t symbol(const std::string& key, SymbolKind kind, const std::string& name) {
        auto [it, added] = ix_.byKey_.emplace(key, ix_.symbols_.size());
        if (added) {
            Symbol s;
            s.kind = kind;
            s.name = name;
            ix_.symbols_.push_back(std::move(s));
        }
        return it->second;
    }
    void occur(const Span& span, size_t sym, bool definition) {
        if (!span.valid()) return;
        if (definition) ix_.symbols_[sym].defs.push_back(span);
        ix_.occurrences_.push_back(Occurrence{span, sym, definition, context_});
    }

    size_t factSymbol(const std::string& name) {
        size_t s = symbol("fact:" + name, SymbolKind::Fact, name);
        if (!ix_.symbols_[s].fact) ix_.symbols_[s].fact = lib_.fact(name);
        return s;
    }
    size_t namedSymbol(const NamedExpr& n) {
        size_t s = symbol("named:" + where(n.span) + ":" + n.name, kindOf(n), n.name);
        Symbol& sym = ix_.symbols_[s];
        if (!sym.named) {
            sym.named = &n;
            sym.owner = n.origin;
        }
        return s;
    }
    size_t policySymbol(const std::string& id) { return symbol("policy:" + id, SymbolKind::Policy, id); }
    size_t moduleSymbol(const std::string& id) { return symbol("module:" + id, SymbolKind::Module, id); }
    size_t testSymbol(const std::string& policy, const std::string& name) {
        return symbol("test:" + policy + "\n" + name, SymbolKind::Test, name);
    }

    void unit(const Unit& u) {
        unitId_ = u.id;
        context_ = std::string(u.kind == Unit::Kind::Module ? "module " : "policy ") + u.id;
        size_t self = u.kind == Unit::Kind::Module ? moduleSymbol(u.id) : policySymbol(u.id);
        if (!ix_.symbols_[self].unit) ix_.symbols_[self].unit = &u;
        occur(u.span, self, true);
        if (!u.extends.empty()) occur(u.extendsSpan, policySymbol(u.extends), false);
        for (const Member& m : u.members) member(m.body);
    }

    void member(const MemberBody& body) {
        const std::string in = " in " + unitId_;
        if (auto* use = std::get_if<UseDecl>(&body)) {
            context_ = "use" + in;
            occur(use->span, moduleSymbol(use->module), false);
        } else if (auto* f = std::get_if<FactDecl>(&body)) {
            context_ = "fact" + in;
            size_t s = factSymbol(f->name);
            Symbol& sym = ix_.symbols_[s];
            if (!sym.factDecl) {
                sym.factDecl = f;
                sym.owner = unitId_;
            }
            occur(f->span, s, true);
        } else if (auto* t = std::get_if<TypeDecl>(&body)) {
            context_ = "type" + in;
            size_t s = symbol("type:" + where(t->span), SymbolKind::Type, t->name);
            ix_.symbols_[s].owner = unitId_;
            occur(t->span, s, true);
        } else if (auto* c = std::get_if<CodesetDecl>(&body)) {
            context_ = "codeset" + in;
            size_t s = symbol("codeset:" + where(c->span), SymbolKind::Codeset, c->name);
            ix_.symbols_[s].codeset = c;
            ix_.symbols_[s].owner = unitId_;
            occur(c->span, s, true);
        } else if (auto* g = std::get_if<GroupDecl>(&body)) {
            context_ = "group " + g->name + in;
            size_t s = symbol("group:" + where(g->span), SymbolKind::Group, g->name);
            ix_.symbols_[s].owner = unitId_;
            occur(g->span, s, true);
            for (const auto& [name, span] : g->members) occur(span, factSymbol(name), false);
        } else if (auto* n = std::get_if<std::shared_ptr<NamedExpr>>(&body)) {
            const NamedExpr& ne = **n;
            context_ = std::string(symbolKindName(kindOf(ne))) + (ne.name.empty() ? "" : " " + ne.name) + in;
            if (!ne.name.empty()) occur(ne.span, namedSymbol(ne), true);
            if (ne.expr) expr(*ne.expr);
        } else if (auto* d = std::get_if<std::shared_ptr<DecideBlock>>(&body)) {
            context_ = "decide" + in;
            for (const Rule& r : (*d)->rules)
                if (r.when) expr(*r.when);
        } else if (auto* h = std::get_if<HeaderItem>(&body)) {
            if (h->kind == HeaderItem::Kind::Variant) {
                context_ = "variant" + in;
                if (h->condition) expr(*h->condition);
            }
        }
    }

    void expr(const Expr& e) {
        if (e.kind == ExprKind::Name) {
            if (e.fact) occur(e.span, factSymbol(e.fact->name), false);
            else if (e.named) occur(e.span, namedSymbol(*e.named), false);
            else if (e.enumOrdinal >= 0 && e.type.enumInfo) {
                const EnumInfo* en = e.type.enumInfo;
                std::string key = "enum:" + std::to_string(reinterpret_cast<uintptr_t>(en)) + ":" + e.text;
                size_t s = symbol(key, SymbolKind::EnumMember, e.text);
                ix_.symbols_[s].enumInfo = en;
                occur(e.span, s, false);
            }
        }
        if (e.set && e.set->codeset) {
            const CodesetInfo* c = e.set->codeset;
            occur(e.set->span, symbol("codeset:" + where(c->span), SymbolKind::Codeset, c->name), false);
        }
        for (const ExprPtr& a : e.args)
            if (a) expr(*a);
    }

    void test(const TestDecl& t) {
        context_ = "test \"" + t.name + "\"";
        unitId_.clear();
        size_t self = testSymbol(t.policy, t.name);
        if (!ix_.symbols_[self].test) ix_.symbols_[self].test = &t;
        occur(throughName(lib_.sources->file(t.span.file).text, t.span), self, true);
        occur(t.policySpan, policySymbol(t.policy), false);
        if (!t.like.empty()) occur(t.likeSpan, testSymbol(t.policy, t.like), false);
        const PolicyModel* model = nullptr;
        for (const PolicyModel& p : lib_.policies)
            if (p.id == t.policy) model = &p;
        for (const TestItem& item : t.items) {
            switch (item.kind) {
                case TestItem::Kind::Given:
                    for (const Binding& b : item.bindings)
                        if (lib_.fact(b.name)) occur(b.span, factSymbol(b.name), false);
                    break;
                case TestItem::Kind::ExpectMissing:
                    for (const auto& [name, span] : item.names)
                        if (lib_.fact(name)) occur(span, factSymbol(name), false);
                    break;
                case TestItem::Kind::ExpectReasons:
                    for (const auto& [name, span] : item.names)
                        if (model)
                            if (const NamedExpr* c = model->criterion(name)) occur(span, namedSymbol(*c), false);
                    break;
                default: break;
            }
        }
    }
};

void Index::build(const CheckedLibrary& lib) {
    byKey_.clear();
    symbols_.clear();
    occurrences_.clear();
    IndexBuilder(*this, lib).run();
}

static bool covers(const Span& s, uint32_t line, uint32_t col) {
    uint32_t endLine = s.endLine ? s.endLine : s.line;
    if (line < s.line || line > endLine) return false;
    if (line == s.line && col < s.col) return false;
    // The end is exclusive, but a cursor just after a name still means it.
    if (line == endLine && col > s.endCol) return false;
    return true;
}

const Occurrence* Index::at(uint32_t file, uint32_t line, uint32_t col) const {
    const Occurrence* best = nullptr;
    for (const Occurrence& o : occurrences_) {
        if (o.span.file != file || !covers(o.span, line, col)) continue;
        if (!best || (o.span.endLine - o.span.line) * 10000u + (o.span.endCol - o.span.col) <
                         (best->span.endLine - best->span.line) * 10000u + (best->span.endCol - best->span.col))
            best = &o;
    }
    return best;
}

std::vector<const Occurrence*> Index::references(size_t symbol) const {
    std::vector<const Occurrence*> out;
    std::set<std::tuple<uint32_t, uint32_t, uint32_t>> seen;
    for (const Occurrence& o : occurrences_)
        if (o.symbol == symbol && seen.insert({o.span.file, o.span.line, o.span.col}).second) out.push_back(&o);
    return out;
}

}  // namespace cpe::lsp
