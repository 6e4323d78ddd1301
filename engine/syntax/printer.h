#pragma once
#include <string>

#include "engine/syntax/ast.h"

namespace cpe {

// An expression on one line, in canonical spelling ("bmi between 19 and 30").
std::string printExpr(const Expr& e);
// An expression laid out for `indent` spaces, breaking long `all of` / `any of`
// lists one item per line.
std::string printExpr(const Expr& e, int indent);
// The canonical layout of a whole file (`cpe fmt`): four-space indents, one
// item per line, comments kept where they were. Idempotent.
std::string formatFile(const SourceFileAst& file);
// A fact value as written in tests: 7, 2026-01-01, "x", [A, B], unknown.
std::string printFactValue(const FactValue& v);
std::string printTypeRef(const TypeRef& t);

}  // namespace cpe
