#pragma once
// Mutation testing of a library's tests (`cpe test --mutate`): each small
// change an author could make by mistake — a comparison flipped (`>=` to
// `>`), a threshold moved by one unit of its type, `all of` and `any of`
// swapped, one item dropped from a group, a rule's outcome or route changed —
// is made to the compiled program of each policy version the tests reach,
// and that policy's tests are run against it. A mutant no test fails is a
// mistake the tests would let through.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe {

struct Mutant {
    std::string at;      // file:line:col of what was changed
    std::string text;    // the expression or rule as written
    std::string change;  // "`>=` → `>`", "7 → 8", "all of → any of", "drop `bmi_ok`"
    bool killed = false;
    std::string killedBy;  // the first test that failed
};

struct PolicyMutation {
    std::string policy, version;
    size_t tests = 0;
    std::vector<Mutant> mutants;
    size_t killed() const;
};

// Compiles nothing again: each mutant is a copy of the compiled program with
// one node, constant or rule changed, re-flattened and re-analysed.
std::vector<PolicyMutation> runMutationTests(const PolicyLibrary& lib);

}  // namespace cpe
