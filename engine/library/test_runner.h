#pragma once
// Runs the `test` blocks written beside the policies.
#include <optional>
#include <string>
#include <vector>

#include "engine/eval/evaluator.h"
#include "engine/library/policy_library.h"

namespace cpe {

struct TestFailure {
    std::string at;       // file:line:col of the failing expectation (or the test)
    std::string message;  // "expected outcome eligible, got not_eligible"
};

struct TestResult {
    std::string name;
    std::string policy;
    std::string at;
    std::vector<TestFailure> failures;
    bool passed() const { return failures.empty(); }
};

std::vector<TestResult> runPolicyTests(const PolicyLibrary& lib);

// The test's expectations held against one answer to its request (the
// library's, or a mutant's in mutation testing).
TestResult checkTest(const PolicyLibrary& lib, const TestDecl& t, const DecideResult& result);

// The request a test makes: facts and date from its `like` chain, oldest
// first, then the test itself. Tests never depend on the day they run: without
// `as of`, the policy's own effective date.
struct TestRequest {
    nlohmann::json facts = nlohmann::json::object();
    std::optional<std::string> asOf;
};
TestRequest testRequest(const PolicyLibrary& lib, const TestDecl& t);

// Each test whose facts are accepted, bound to the compiled version (or
// variant) it reaches, as coverage and mutation testing evaluate it.
struct BoundTest {
    const TestDecl* test;
    const CompiledPolicy* compiled;
    FactValues facts;
    int day;
};
std::vector<BoundTest> bindTests(const PolicyLibrary& lib);

}  // namespace cpe
