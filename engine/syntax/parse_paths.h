#pragma once
// The ways parseFile can read a file, side by side, for the tests and the
// fuzz target that pin the hand-written parser to ANTLR's
// (tests/unit/test_fast_parser.cpp, fuzz/fuzz_parse_paths.cpp).
#include <optional>
#include <vector>

#include "engine/source/diagnostics.h"
#include "engine/syntax/ast.h"

namespace cpe {

enum class ParsePath {
    HandFirst,  // parseFile: by hand (fast_parser.h), with ANTLR on each piece the hand parser declines
    Antlr,      // ANTLR's parser alone, as before the hand parser: the reference
    HandOnly,   // the hand parser alone: nothing, and no syntax error, where it declines anything
};

// parseFile (parse.h) along the given path.
std::optional<SourceFileAst> parseFileVia(ParsePath path, const SourceSet& sources, uint32_t file, Diagnostics& diags,
                                          const std::vector<bool>* keep = nullptr);

}  // namespace cpe
