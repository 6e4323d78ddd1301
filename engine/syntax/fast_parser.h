#pragma once
// The policy language parsed by hand: a recursive-descent parser over
// lexFast's tokens (engine/syntax/lexer.h) that builds the very AST the
// ANTLR path builds (parse.cpp's Builder) — the same nodes, texts, spans and
// comments. ANTLR's parser and its parse tree were ~89% of `cpe check` on a
// 5 MB library (callgrind); this is what parseFile uses first.
//
// It accepts only what it is sure of: on anything the grammar (grammar/Cpl.g4,
// still the reference) would reject, or would need more than a few tokens of
// lookahead to decide, it declines and parseFile parses that piece with ANTLR
// as before, so every syntax error is still ANTLR's. tests/unit/test_fast_parser.cpp
// and fuzz/fuzz_parse_paths.cpp pin it to the ANTLR path.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/syntax/ast.h"
#include "engine/syntax/lexer.h"

namespace cpe {

class SourceSlices;

// Parses tokens[from, end) as a whole file would parse (an end-of-file
// token at `end`): its declarations and the comments after the last one.
// Nothing where it declines. The caller has already refused input nested
// too deep (refusedUpFront in parse.cpp), which also bounds this parser's
// recursion.
std::optional<SourceFileAst> parsePieceByHand(const std::vector<LexedToken>& tokens, size_t from, size_t end,
                                              const SourceSlices& source, uint32_t file);

}  // namespace cpe
