// textDocument/semanticTokens/full: every name the checker resolved, by what
// it means (a fact, a criterion, an enumeration value, a module, a policy...),
// which the TextMate grammar cannot know. Read from the index.
#include <algorithm>

#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

const std::vector<std::string>& semanticTokenTypes() {
    static const std::vector<std::string> types = {"variable",  "function", "property", "enumMember",
                                                   "namespace", "class",    "type"};
    return types;
}

static int typeOf(SymbolKind k) {
    switch (k) {
        case SymbolKind::Fact: return 0;
        case SymbolKind::Criterion:
        case SymbolKind::Coding: return 1;
        case SymbolKind::Value:
        case SymbolKind::Output: return 2;
        case SymbolKind::EnumMember: return 3;
        case SymbolKind::Module: return 4;
        case SymbolKind::Policy: return 5;
        case SymbolKind::Codeset:
        case SymbolKind::Group:
        case SymbolKind::Type: return 6;
        case SymbolKind::Test: return -1;  // its span is the `test` keyword
    }
    return -1;
}

nlohmann::json semanticTokens(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params);
    nlohmann::json data = nlohmann::json::array();
    if (at.file == UINT32_MAX) return {{"data", data}};
    const Analysis& a = *at.analysis;
    const std::string& text = a.checked->sources->file(at.file).text;
    std::vector<const Occurrence*> here;
    for (const Occurrence& o : a.index.occurrences())
        if (o.span.file == at.file && o.span.endLine == o.span.line && o.span.endCol > o.span.col &&
            typeOf(a.index.symbol(o.symbol).kind) >= 0)
            here.push_back(&o);
    std::sort(here.begin(), here.end(), [](const Occurrence* x, const Occurrence* y) {
        return x->span.line != y->span.line ? x->span.line < y->span.line : x->span.col < y->span.col;
    });
    uint32_t prevLine = 0, prevChar = 0;
    uint32_t lastLine = 0, lastCol = 0;
    for (const Occurrence* o : here) {
        if (o->span.line == lastLine && o->span.col == lastCol) continue;  // one token a place
        lastLine = o->span.line;
        lastCol = o->span.col;
        std::string_view line = lineOf(text, o->span.line - 1);
        uint32_t start = utf16Column(line, o->span.col - 1);
        uint32_t end = utf16Column(line, o->span.endCol - 1);
        if (end <= start) continue;
        uint32_t l = o->span.line - 1;
        data.push_back(l - prevLine);
        data.push_back(l == prevLine ? start - prevChar : start);
        data.push_back(end - start);
        data.push_back(typeOf(a.index.symbol(o->symbol).kind));
        data.push_back(o->definition ? 1 : 0);  // modifier bit 0: declaration
        prevLine = l;
        prevChar = start;
    }
    return {{"data", data}};
}

}  // namespace cpe::lsp
