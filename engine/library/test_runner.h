#pragma once
// Runs the `test` blocks written beside the policies.
#include <optional>
#include <string>
#include <vector>

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

// The request a test makes: facts and date from its `like` chain, oldest
// first, then the test itself. Tests never depend on the day they run: without
// `as of`, the policy's own effective date.
struct TestRequest {
    nlohmann::json facts = nlohmann::json::object();
    std::optional<std::string> asOf;
};
TestRequest testRequest(const PolicyLibrary& lib, const TestDecl& t);

}  // namespace cpe
