#pragma once
// Every name the checker resolved, as a table of symbols (what a name means:
// a fact, a criterion, a module, ...) and occurrences (where in which file it
// is written, and whether that is where it is declared). Go to definition,
// find references, hover and rename-free navigation all read this; it is
// built from the checked library, so the editor resolves names exactly as
// `cpe check` does.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/check/model.h"

namespace cpe::lsp {

enum class SymbolKind { Fact, Criterion, Value, Output, Coding, Codeset, Group, Type, Module, Policy, Test, EnumMember };
const char* symbolKindName(SymbolKind k);
// The symbol kind a criterion, value, output or coding rule is.
SymbolKind kindOf(const NamedExpr& n);

struct Symbol {
    SymbolKind kind = SymbolKind::Fact;
    std::string name;
    std::vector<Span> defs;  // every declaration (a policy has one per version)
    std::string owner;       // the module or policy id that declares it ("" for tests)
    const FactInfo* fact = nullptr;
    const FactDecl* factDecl = nullptr;
    const NamedExpr* named = nullptr;
    const CodesetDecl* codeset = nullptr;
    const Unit* unit = nullptr;  // module or policy: its first declaration
    const TestDecl* test = nullptr;
    const EnumInfo* enumInfo = nullptr;
};

struct Occurrence {
    Span span;
    size_t symbol = 0;
    bool definition = false;
    std::string context;  // where it is written: "decide in ebi.tonsillectomy", "criterion frequent_episodes"
};

class Index {
public:
    void build(const CheckedLibrary& lib);
    // The innermost occurrence covering (line, col) in `file` (1-based, code points), or null.
    const Occurrence* at(uint32_t file, uint32_t line, uint32_t col) const;
    std::vector<const Occurrence*> references(size_t symbol) const;
    const Symbol& symbol(size_t i) const { return symbols_[i]; }
    const std::vector<Symbol>& symbols() const { return symbols_; }
    const std::vector<Occurrence>& occurrences() const { return occurrences_; }

private:
    friend class IndexBuilder;
    std::map<std::string, size_t> byKey_;
    std::vector<Symbol> symbols_;
    std::vector<Occurrence> occurrences_;
};

}  // namespace cpe::lsp
