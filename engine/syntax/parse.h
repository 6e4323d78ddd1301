#pragma once
#include <optional>
#include <vector>

#include "engine/source/diagnostics.h"
#include "engine/syntax/ast.h"

namespace cpe {

// Parses one loaded file into the engine's AST. Syntax errors are reported to
// `diags` with their spans; on any syntax error the file yields no AST (a
// half-built tree would only produce follow-on noise in the checker).
//
// `keep`, when given, chooses the top-level declarations to parse, one flag
// for each head scanDeclHeads gives (engine/syntax/decl_heads.h); the rest
// are skipped unread. Where the fast path declines the file, it is parsed
// whole, so a caller must still look for what it needs in the result.
std::optional<SourceFileAst> parseFile(const SourceSet& sources, uint32_t file, Diagnostics& diags,
                                       const std::vector<bool>* keep = nullptr);

// Deepest nesting of brackets and prefix operators the parser accepts. The
// ANTLR runtime recurses once per level, so deeper input is refused up front
// with a clear error instead of exhausting the stack.
inline constexpr int kMaxNesting = 200;

}  // namespace cpe
