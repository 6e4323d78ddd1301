#pragma once
// The six comparison operators, set once by the parser and read by every stage
// after it: the checker, the compiler and evaluator, the audit's matcher and
// its SQL, the published thresholds, `cpe explain` and `cpe diff`.
#include <cstdint>
#include <optional>
#include <string_view>

namespace cpe {

enum class CompareOp : uint8_t { Lt, Le, Gt, Ge, Eq, Ne };

// As written in a policy: "<", "<=", ">", ">=", "==", "!=".
constexpr std::string_view spelling(CompareOp op) {
    switch (op) {
        case CompareOp::Lt: return "<";
        case CompareOp::Le: return "<=";
        case CompareOp::Gt: return ">";
        case CompareOp::Ge: return ">=";
        case CompareOp::Eq: return "==";
        case CompareOp::Ne: return "!=";
    }
    return "?";
}

// The operator spelt `text`; nullopt for anything else.
constexpr std::optional<CompareOp> compareOpFromSpelling(std::string_view text) {
    for (CompareOp op : {CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge, CompareOp::Eq, CompareOp::Ne})
        if (spelling(op) == text) return op;
    return std::nullopt;
}

// The operator with its operands swapped: `a op b` is `b flip(op) a`.
constexpr CompareOp flip(CompareOp op) {
    switch (op) {
        case CompareOp::Lt: return CompareOp::Gt;
        case CompareOp::Le: return CompareOp::Ge;
        case CompareOp::Gt: return CompareOp::Lt;
        case CompareOp::Ge: return CompareOp::Le;
        default: return op;
    }
}

constexpr bool isEquality(CompareOp op) { return op == CompareOp::Eq || op == CompareOp::Ne; }
// `<=` and `>=`: the limit itself satisfies the comparison.
constexpr bool includesLimit(CompareOp op) { return op == CompareOp::Le || op == CompareOp::Ge; }
// `<` and `<=`: the other operand is bounded from above.
constexpr bool isUpperBound(CompareOp op) { return op == CompareOp::Lt || op == CompareOp::Le; }

template <typename T>
constexpr bool compare(CompareOp op, const T& a, const T& b) {
    switch (op) {
        case CompareOp::Lt: return a < b;
        case CompareOp::Le: return a <= b;
        case CompareOp::Gt: return a > b;
        case CompareOp::Ge: return a >= b;
        case CompareOp::Eq: return a == b;
        case CompareOp::Ne: return a != b;
    }
    return false;
}

}  // namespace cpe
