#pragma once
// What each top-level declaration of a file names and refers to, read from
// its tokens without parsing: enough to tell which declarations one policy
// needs (engine/library/policy_scope.h), so that deciding one referral parses
// only those. ANTLR's parse is three quarters of loading the library
// (callgrind: 145 M of 192 M instructions for one `cpe decide` on policies/).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/syntax/lexer.h"

namespace cpe {

struct DeclHead {
    enum class Kind { Module, Policy, Test, Other } kind = Kind::Other;
    std::string name;       // the module or policy id; a test's policy
    std::string extends;    // policy X extends Y
    std::string variantOf;  // `variant of Y when ...` in its header
    std::vector<std::string> uses;
};

// One head per piece topLevelPieces(tokens, 1) cuts (each top-level
// declaration, the trailing comments last), in order. A head may name more
// than the declaration really uses (a fact called `use`), never less of what
// it does when the declaration parses: callers check what they load.
std::vector<DeclHead> scanDeclHeads(const std::vector<LexedToken>& tokens, std::string_view text);

}  // namespace cpe
