#pragma once
// `cpe check`'s warnings: what is legal but almost certainly not what the
// author meant. Only `cpe check` (errors with --strict) and the language
// server report them; loading a library for `decide`, `test`, `serve` or
// `doc` does not look for them.
#include "engine/check/model.h"
#include "engine/source/diagnostics.h"

namespace cpe {

class PolicyLibrary;

// Adds the warnings of a library that checked without errors to `diags`,
// each with its code (Diagnostic::code):
// - unused-fact, unused-criterion, unused-value: declared, and no decide rule
//   or output of any policy reads it (a test's `given` does not count);
// - unreachable-rule: a decide rule no case can reach: every completion of
//   the facts that makes it true makes an earlier rule true, or none makes it
//   true (engine/eval/reachability.cpp decides it on the compiled program);
// - unit-on-unitless: a number with a unit compared with a quantity that has
//   none (`n >= 9 [kg/m2]` for a plain integer);
// - fraction-with-unit: a constant fraction compared with a quantity that has
//   a unit (`>= 6/9` against a logMAR score);
// - value-shadowed: a bare name that is both an enumeration's value and a
//   criterion's or value's name (CheckedLibrary::shadowedValues).
void findWarnings(const CheckedLibrary& lib, Diagnostics& diags);
// The same, reading the library's compiled programs instead of compiling
// each policy again.
void findWarnings(const PolicyLibrary& lib, Diagnostics& diags);

}  // namespace cpe
