#pragma once
// Every field of a parsed file's AST, spans and comments included, one node
// a line: two parses are the same exactly when their dumps are. For the
// tests and the fuzz target that pin the hand-written parser to ANTLR's
// (the checker's annotations are not dumped: the parser never sets them).
#include <string>

#include "engine/syntax/ast.h"

namespace cpe {

std::string dumpAst(const SourceFileAst& ast);

}  // namespace cpe
