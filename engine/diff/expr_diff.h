#pragma once
// Structural difference of two checked expressions, phrased for a policy
// author: "upper limit of bmi: 30 → 32", "adds: partner_bmi < 30",
// "'>=' became '>' (the limit is no longer included)". The expressions may
// come from different libraries (two files, or a file and the registry), so
// names are compared by their text, never by pointer.
#include <string>
#include <vector>

#include "engine/syntax/ast.h"

namespace cpe {

struct ExprDetail {
    // threshold | operator | count | item_added | item_removed | codes_added |
    // codes_removed | period_unit | replaced
    std::string kind;
    std::string subject;  // what the number limits ("bmi"), or the list/set it is in
    std::string role;     // upper limit | lower limit | value | period | items needed | ...
    std::string before, after;
    std::string text;  // the whole detail as one sentence fragment
};

// The finer changes that turn `a` into `b`; empty when they print the same.
std::vector<ExprDetail> diffExpr(const Expr& a, const Expr& b);

// A number literal as a person reads it, with its unit when it has one
// ("30 kg/m2"); `unitHint` is used when the literal has none.
std::string numberText(const Expr& number, const std::string& unitHint = "");

}  // namespace cpe
