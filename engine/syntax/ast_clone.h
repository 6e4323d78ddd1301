#pragma once
#include "engine/syntax/ast.h"

namespace cpe {

// A deep copy of a parsed file sharing nothing with it, without the checker's
// annotations (as Expr::clone). The checker fills in the tree it is given, so
// a parse kept for re-use (the language server keeps each unchanged file's)
// is checked as a copy: cloning policies/ costs a fraction of parsing it.
SourceFileAst cloneAst(const SourceFileAst& ast);

}  // namespace cpe
