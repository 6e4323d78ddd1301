// textDocument/documentSymbol: the outline of a file — each policy and module
// with its facts, criteria, values, outputs, code sets and decide block, and
// each test.
#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

namespace {

// LSP SymbolKind values.
enum Kind {
    Module = 2,
    Namespace = 3,
    Class = 5,
    Method = 6,
    Property = 7,
    Field = 8,
    Enum = 10,
    Function = 12,
    Variable = 13,
    Event = 24
};

nlohmann::json symbol(const std::string& text, const std::string& name, int kind, const Span& span, const std::string& detail) {
    nlohmann::json r = rangeOf(text, span);
    nlohmann::json s{{"name", name.empty() ? "(unnamed)" : name}, {"kind", kind}, {"range", r}, {"selectionRange", r}};
    if (!detail.empty()) s["detail"] = detail;
    return s;
}

// Widens `parent`'s range to cover `child`'s.
void cover(nlohmann::json& parent, const nlohmann::json& child) {
    auto before = [](const nlohmann::json& a, const nlohmann::json& b) {
        return a["line"].get<int>() < b["line"].get<int>() ||
               (a["line"] == b["line"] && a["character"].get<int>() < b["character"].get<int>());
    };
    if (before(child["range"]["end"], parent["range"]["end"]) == false) parent["range"]["end"] = child["range"]["end"];
}

}  // namespace

nlohmann::json documentSymbols(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params);
    nlohmann::json out = nlohmann::json::array();
    if (at.file == UINT32_MAX) return out;
    const CheckedLibrary& lib = *at.analysis->checked;
    const std::string& text = lib.sources->file(at.file).text;
    for (const SourceFileAst& f : lib.files) {
        if (f.file != at.file) continue;
        for (const TopDecl& d : f.decls) {
            if (auto* up = std::get_if<std::shared_ptr<Unit>>(&d.body)) {
                const Unit& u = **up;
                nlohmann::json unit = symbol(text, u.id, u.kind == Unit::Kind::Module ? Module : Class, u.span,
                                             u.kind == Unit::Kind::Module ? "module" : "policy");
                nlohmann::json children = nlohmann::json::array();
                for (const Member& m : u.members) {
                    const MemberBody& b = m.body;
                    if (auto* fd = std::get_if<FactDecl>(&b)) children.push_back(symbol(text, fd->name, Field, fd->span, "fact"));
                    else if (auto* c = std::get_if<CodesetDecl>(&b))
                        children.push_back(symbol(text, c->name, Enum, c->span, "codeset"));
                    else if (auto* g = std::get_if<GroupDecl>(&b))
                        children.push_back(symbol(text, g->name, Namespace, g->span, "group"));
                    else if (auto* db = std::get_if<std::shared_ptr<DecideBlock>>(&b))
                        children.push_back(
                            symbol(text, "decide", Event, (*db)->span, std::to_string((*db)->rules.size()) + " rules"));
                    else if (auto* n = std::get_if<std::shared_ptr<NamedExpr>>(&b)) {
                        const NamedExpr& ne = **n;
                        int kind = ne.kind == NamedExpr::Kind::Criterion ? Function
                                   : ne.kind == NamedExpr::Kind::Output  ? Property
                                                                         : Variable;
                        const char* what = symbolKindName(kindOf(ne));
                        children.push_back(symbol(text, ne.name.empty() ? "coding" : ne.name, kind, ne.span, what));
                    }
                }
                for (const auto& c : children) cover(unit, c);
                unit["children"] = children;
                out.push_back(unit);
            } else if (auto* tp = std::get_if<std::shared_ptr<TestDecl>>(&d.body)) {
                const TestDecl& t = **tp;
                nlohmann::json test = symbol(text, t.name, Method, t.span, "test for " + t.policy);
                for (const TestItem& item : t.items) cover(test, nlohmann::json{{"range", rangeOf(text, item.span)}});
                out.push_back(test);
            }
        }
    }
    return out;
}

}  // namespace cpe::lsp
