// textDocument/hover: what a name means, in Markdown. A fact: its type, unit,
// range and description; a criterion: its wording, its condition and where it
// is used; a policy: its header, per version; a code set: its codes.
#include <set>

#include "engine/syntax/printer.h"
#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

static std::string number(double v) {
    std::string s = std::to_string(v);
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

static std::string relative(const Library& lib, const std::string& path) {
    const std::string& r = lib.root();
    if (path.size() > r.size() && path.compare(0, r.size(), r) == 0 && path[r.size()] == '/') return path.substr(r.size() + 1);
    return path;
}

static std::string declaredAt(const Library& lib, const Analysis& a, const Span& s) {
    if (!s.valid()) return "";
    return relative(lib, a.checked->sources->file(s.file).path) + ":" + std::to_string(s.line);
}

static std::string usedIn(const Analysis& a, size_t symbol) {
    std::vector<std::string> places;
    std::set<std::string> seen;
    size_t uses = 0;
    for (const Occurrence* o : a.index.references(symbol)) {
        if (o->definition) continue;
        ++uses;
        if (seen.insert(o->context).second) places.push_back(o->context);
    }
    if (uses == 0) return "\n\nNot used anywhere in the library.";
    std::string out = "\n\nUsed " + std::to_string(uses) + (uses == 1 ? " time" : " times") + ":";
    size_t shown = 0;
    for (const std::string& p : places) {
        if (++shown > 12) {
            out += "\n- and " + std::to_string(places.size() - 12) + " more";
            break;
        }
        out += "\n- " + p;
    }
    return out;
}

static std::string factHover(const Library& lib, const Analysis& a, const Symbol& s) {
    std::string out = "**fact** `" + s.name + "`";
    if (s.factDecl) out += ": `" + printTypeRef(s.factDecl->type) + "`";
    const FactInfo* f = s.fact;
    std::string description = f ? f->description : s.factDecl ? s.factDecl->description : "";
    if (!description.empty()) out += "\n\n" + description;
    if (f) {
        if (!f->type.unit.empty()) out += "\n\n- unit: `" + f->type.unit + "`";
        if (f->min || f->max)
            out += "\n- range: " + (f->min ? number(*f->min) : std::string("…")) + ".." + (f->max ? number(*f->max) : "…");
        if (f->type.kind == TypeKind::Enum && f->type.enumInfo) {
            out += std::string("\n- ") + (f->type.enumInfo->ordered ? "levels" : "values") + ": ";
            const auto& members = f->type.enumInfo->members;
            bool first = true;
            for (size_t i = 0; i < members.size(); ++i) {
                if (!f->allowed.empty() && (i >= f->allowed.size() || !f->allowed[i])) continue;
                out += (first ? "`" : ", `") + members[i] + "`";
                first = false;
            }
        }
    }
    if (!s.defs.empty())
        out += "\n- declared in " + (s.owner.empty() ? std::string() : s.owner + ", ") + declaredAt(lib, a, s.defs.front());
    return out;
}

static std::string namedHover(const Library& lib, const Analysis& a, const Symbol& s, size_t index) {
    std::string out = std::string("**") + symbolKindName(s.kind) + "** `" + s.name + "`";
    if (!s.owner.empty()) out += " in " + s.owner;
    if (s.named && !s.named->text.empty()) out += "\n\n" + s.named->text;
    if (s.named && s.named->expr) out += "\n\n```cpl\n" + printExpr(*s.named->expr, 0) + "\n```";
    if (!s.defs.empty()) out += "\n\nDeclared at " + declaredAt(lib, a, s.defs.front()) + ".";
    return out + usedIn(a, index);
}

static std::string policyHover(const Analysis& a, const Symbol& s) {
    std::string out = "**policy** `" + s.name + "`";
    for (const PolicyModel& p : a.checked->policies) {
        if (p.id != s.name) continue;
        out += "\n\n---\n\n";
        if (!p.title.empty()) out += "**" + p.title + "**\n\n";
        out += "- version " + p.version + ", effective " + p.effective + (p.until.empty() ? "" : " until " + p.until);
        std::string route = p.accessRoute;
        for (char& c : route)
            if (c == '_') c = ' ';
        out += "\n- route " + route + (p.ifrAllowed ? ", IFR allowed" : ", no IFR");
        if (!p.owner.empty()) out += "\n- owner: " + p.owner;
        if (!p.extends.empty()) out += "\n- extends `" + p.extends + "`";
        if (!p.variantOf.empty()) out += "\n- variant of `" + p.variantOf + "`";
        for (const std::string& src : p.sources) out += "\n- source: " + src;
        out += "\n- " + std::to_string(p.criteria.size()) + " criteria, " + std::to_string(p.rules.size()) + " rules";
    }
    return out;
}

static std::string codesetHover(const Library& lib, const Analysis& a, const Symbol& s, size_t index) {
    std::string out = "**codeset** `" + s.name + "`";
    if (!s.owner.empty()) out += " in " + s.owner;
    if (s.codeset) {
        if (!s.codeset->description.empty()) out += "\n\n" + s.codeset->description;
        out += "\n\nCodes: ";
        for (size_t i = 0; i < s.codeset->items.size(); ++i) {
            const CodeItem& c = s.codeset->items[i];
            out += (i ? ", `" : "`") + c.lo + (c.hi.empty() ? "" : "-" + c.hi) + "`";
        }
    }
    if (!s.defs.empty()) out += "\n\nDeclared at " + declaredAt(lib, a, s.defs.front()) + ".";
    return out + usedIn(a, index);
}

nlohmann::json hover(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params, true);
    if (at.file == UINT32_MAX) return nullptr;
    const Analysis& a = *at.analysis;
    const Occurrence* o = a.index.at(at.file, at.line, at.col);
    if (!o) return nullptr;
    const Symbol& s = a.index.symbol(o->symbol);
    std::string text;
    switch (s.kind) {
        case SymbolKind::Fact: text = factHover(*at.library, a, s); break;
        case SymbolKind::Criterion:
        case SymbolKind::Value:
        case SymbolKind::Output:
        case SymbolKind::Coding: text = namedHover(*at.library, a, s, o->symbol); break;
        case SymbolKind::Policy: text = policyHover(a, s); break;
        case SymbolKind::Codeset: text = codesetHover(*at.library, a, s, o->symbol); break;
        case SymbolKind::Module:
            text = "**module** `" + s.name + "`";
            if (!s.defs.empty()) text += "\n\nDeclared at " + declaredAt(*at.library, a, s.defs.front()) + ".";
            text += usedIn(a, o->symbol);
            break;
        case SymbolKind::Test:
            text = "**test** \"" + s.name + "\"";
            if (s.test) text += " for `" + s.test->policy + "`" + (s.test->like.empty() ? "" : " like \"" + s.test->like + "\"");
            if (!s.defs.empty()) text += "\n\nDeclared at " + declaredAt(*at.library, a, s.defs.front()) + ".";
            break;
        case SymbolKind::EnumMember:
            text = "**enumeration value** `" + s.name + "`";
            if (s.enumInfo) {
                text += "\n\n" + std::string(s.enumInfo->ordered ? "levels" : "enum") + " (";
                for (size_t i = 0; i < s.enumInfo->members.size(); ++i)
                    text += (i ? (s.enumInfo->ordered ? " < " : ", ") : "") + s.enumInfo->members[i];
                text += ")";
            }
            break;
        case SymbolKind::Group:
        case SymbolKind::Type:
            text = std::string("**") + symbolKindName(s.kind) + "** `" + s.name + "`";
            if (!s.defs.empty()) text += "\n\nDeclared at " + declaredAt(*at.library, a, s.defs.front()) + ".";
            break;
    }
    const SourceFile& f = a.checked->sources->file(o->span.file);
    return {{"contents", {{"kind", "markdown"}, {"value", text}}}, {"range", rangeOf(f.text, o->span)}};
}

}  // namespace cpe::lsp
