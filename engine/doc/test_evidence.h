#pragma once
// The test evidence page of `cpe doc` (tests.md, tests.html): per policy, its
// tests and whether they pass, what they cover (rules that decided a test,
// criteria seen true, false and unknown, each threshold's edge and the sides
// of it a test reads, with the untested edges in words) and what mutation
// testing found (mutants made, caught, and each survivor with its place and
// change). The figures are those of `cpe test --coverage --mutate`: this page
// only lays out what engine/library/coverage.h and mutation.h measure.
// `cpe test --coverage/--mutate --format html` writes the same page on its
// own (writeTestReport), with only what that run measured.
#include <string>
#include <vector>

#include "engine/doc/writer.h"
#include "engine/library/coverage.h"
#include "engine/library/mutation.h"
#include "engine/library/test_runner.h"

namespace cpe {

struct TestEvidence {
    std::vector<TestResult> tests;
    std::vector<PolicyCoverage> coverage;
    std::vector<PolicyMutation> mutation;
    // What was run: a page leaves out the figures of what was not (cpe test
    // --coverage alone has no mutants, which is not "0 of 0 caught").
    bool coverageMeasured = true, mutationMeasured = true;

    // Runs the library's tests, coverage and mutation testing.
    static TestEvidence measure(const PolicyLibrary& lib);

    // One line for a policy's page: "6 tests, all pass · coverage 88.2% · 12 of 16 mutants caught".
    std::string summaryOf(const std::string& policyId) const;
};

// The anchor of a policy's section on the page ("tests.page#" + it).
std::string testEvidenceAnchor(const std::string& policyId);

// The page of `cpe doc`, for `policyIds` in order, linked to the index and
// to each policy's published page.
void writeTestEvidence(doc::Writer& w, const TestEvidence& evidence, const std::vector<std::string>& policyIds,
                       const std::string& dayText);

// The same page standing alone, as `cpe test --format html` writes it: no
// links to pages that are not there; `sources` names the policy files or
// folders the tests were read from.
void writeTestReport(doc::Writer& w, const TestEvidence& evidence, const std::vector<std::string>& policyIds,
                     const std::string& sources);

}  // namespace cpe
