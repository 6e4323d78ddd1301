#pragma once
// Threshold coverage of a library's tests (`cpe test --coverage`): per policy
// version the tests reach, which decide rules decided a test, which named
// criteria were seen true and false, and for every comparison with a
// constant (`>=`, `<`, `between`, `is`, `within N months`, counts) whether a
// test reads the boundary itself and a value on each side of it. A threshold
// that no test pins is where a wrong number would pass every test.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe {

struct EdgeCoverage {
    std::string value;      // the constant as written: "30", "severe", "12 months"
    bool equality = false;  // `==`, `!=`, `is`: the value itself and any other
    bool below = false, at = false, above = false;
    // A side no value can reach (below the lowest level, outside the fact's
    // range) is not asked for.
    bool belowPossible = true, abovePossible = true;
};

struct ComparisonCoverage {
    std::string at;       // file:line:col
    std::string text;     // the comparison as written
    bool within = false;  // `within N units`: the sides are days before and after the earliest day
    std::vector<EdgeCoverage> edges;
};

struct CriterionCoverage {
    std::string id, at;
    bool seenTrue = false, seenFalse = false, seenUnknown = false;
};

struct RuleCoverage {
    std::string at, text;  // "eligible when <condition>", "not_eligible otherwise"
    bool decided = false;  // decided at least one test
};

struct PolicyCoverage {
    std::string policy, version;
    size_t tests = 0;
    std::vector<RuleCoverage> rules;
    std::vector<CriterionCoverage> criteria;
    std::vector<ComparisonCoverage> comparisons;
    size_t covered = 0, total = 0;  // rules decided, criterion values seen, edge sides read
    double percent() const { return total ? 100.0 * static_cast<double>(covered) / static_cast<double>(total) : 100.0; }
    // Each gap in words, with its place: "fertility/ivf.cpl:26:9: `bmi between 19 and 30`: no test at 30, none above 30".
    std::vector<std::string> gaps() const;
};

// Runs every test of the library through the evaluator's probe. Policies
// with no test are listed (latest version) with nothing covered.
std::vector<PolicyCoverage> measureCoverage(const PolicyLibrary& lib);

}  // namespace cpe
