#pragma once
// What a fact left unknown could still be, from its declaration alone. The
// evaluator reads this while deciding, and the compiler to settle ahead of time
// how a comparison of an unknown fact with a constant comes out; both use the
// same functions, so the two cannot disagree.
#include <limits>

#include "engine/check/model.h"

namespace cpe {

struct ValueRange {
    double lo, hi;
};

// An enum: only the levels the fact allows (`up to high`); a number: its declared range.
inline ValueRange possibleValues(const FactInfo& fact) {
    if (fact.type.kind == TypeKind::Enum) {
        const std::vector<bool>& allowed = fact.allowed;
        double lo = 0, hi = static_cast<double>(fact.type.enumInfo->members.size() - 1);
        if (!allowed.empty()) {
            while (lo < hi && !allowed[static_cast<size_t>(lo)]) ++lo;
            while (hi > lo && !allowed[static_cast<size_t>(hi)]) --hi;
        }
        return {lo, hi};
    }
    constexpr double inf = std::numeric_limits<double>::infinity();
    return {fact.min.value_or(-inf), fact.max.value_or(inf)};
}

// Whether an enum fact may take the member with this ordinal (numbers: always).
inline bool mayTake(const FactInfo& fact, double ordinal) {
    if (fact.type.kind != TypeKind::Enum || fact.allowed.empty()) return true;
    auto i = static_cast<size_t>(ordinal);
    return ordinal >= 0 && i < fact.allowed.size() && fact.allowed[i];
}

}  // namespace cpe
