// Policy versions: selection by date at the boundaries, tests pinned with
// `as of`, and area variants selected by a fact. The checker's errors about
// versions and variants (overlap, gap, end date, conditions) are the corpus
// under tests/check/versions and tests/check/variants.
#include <doctest/doctest.h>

#include "engine/compile/program.h"
#include "engine/library/test_runner.h"
#include "engine/library/variants.h"
#include "library_fixture.h"

using namespace cpe;
using cpe::testing::build;
using cpe::testing::kFixtureModule;

namespace {

std::string policy(const std::string& id, const std::string& version, const std::string& effective, int bmiMax,
                   const std::string& extra = "") {
    return "policy " + id + " {\n    title \"" + id + " " + version + "\"\n    version \"" + version + "\"\n    effective " +
           effective + "\n    use fx\n" + extra + "    criterion bmi_ok \"BMI in range\" = bmi between 19 and " +
           std::to_string(bmiMax) + "\n    decide {\n        eligible when bmi_ok\n        otherwise not_eligible\n    }\n}\n";
}

std::string versionAt(const PolicyLibrary& lib, const std::string& id, const char* date) {
    const CompiledPolicy* c = lib.find(id, *parseDate(date));
    return c ? c->model->version : "none";
}

const Decision decide(const PolicyLibrary& lib, const std::string& id, const nlohmann::json& facts, const char* asOf,
                      bool selectVariant = true) {
    DecideResult r = lib.decide({id, &facts, std::string(asOf), selectVariant});
    REQUIRE_MESSAGE(std::holds_alternative<Decision>(r), std::get<InputError>(r).message);
    return std::get<Decision>(r);
}

const char* kTwoVersions =
    "policy p {\n"
    "    title \"P\"\n    version \"2025\"\n    effective 2025-04-01 until 2026-03-31\n    use fx\n"
    "    criterion bmi_ok \"BMI in range\" = bmi between 19 and 30\n"
    "    decide {\n        eligible when bmi_ok\n        otherwise not_eligible\n    }\n}\n";

}  // namespace

TEST_CASE("the version in force is chosen by date, inclusive at both ends") {
    auto b = build({{"fx.cpl", kFixtureModule}, {"p.cpl", std::string(kTwoVersions) + policy("p", "2026", "2026-04-01", 32)}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const PolicyLibrary& lib = *b.library;
    CHECK(versionAt(lib, "p", "2025-03-31") == "none");
    CHECK(versionAt(lib, "p", "2025-04-01") == "2025");
    CHECK(versionAt(lib, "p", "2026-03-31") == "2025");
    CHECK(versionAt(lib, "p", "2026-04-01") == "2026");
    CHECK(versionAt(lib, "p", "2099-12-31") == "2026");
    REQUIRE(lib.versions("p").size() == 2);
    CHECK(lib.versions("p")[0]->model->version == "2025");

    // The decision says which version decided, and applies its threshold.
    nlohmann::json facts = {{"bmi", 31}};
    CHECK(decide(lib, "p", facts, "2026-03-31").policyVersion == "2025");
    CHECK(decide(lib, "p", facts, "2026-03-31").outcome == Outcome::NotEligible);
    CHECK(decide(lib, "p", facts, "2026-04-01").policyVersion == "2026");
    CHECK(decide(lib, "p", facts, "2026-04-01").outcome == Outcome::Eligible);

    DecideResult early = lib.decide({"p", &facts, std::string("2025-03-31")});
    REQUIRE(std::holds_alternative<InputError>(early));
    CHECK(std::get<InputError>(early).code == "no_version_in_force");
    CHECK(std::get<InputError>(early).message == "no version of 'p' is in force on 2025-03-31");
}

TEST_CASE("policy tests choose the version with `as of`") {
    std::string tests = R"(
test "before the change BMI 31 is too high" for p {
    as of 2026-03-31
    given bmi = 31
    expect not_eligible
}
test "from the change BMI 31 is within range" for p {
    as of 2026-04-01
    given bmi = 31
    expect eligible
}
)";
    auto b =
        build({{"fx.cpl", kFixtureModule}, {"p.cpl", std::string(kTwoVersions) + policy("p", "2026", "2026-04-01", 32) + tests}});
    REQUIRE_MESSAGE(b.library, b.errors());
    auto results = runPolicyTests(*b.library);
    REQUIRE(results.size() == 2);
    for (const TestResult& r : results)
        CHECK_MESSAGE(r.passed(), r.name << ": " << (r.failures.empty() ? "" : r.failures[0].message));
}

// ---------------------------------------------------------------- variants

namespace {

std::string variantLibrary(const std::string& snee = "legacy_area is snee", const std::string& hwe = "legacy_area is hwe",
                           const std::string& hweUntil = "") {
    return policy("p", "2026", "2024-04-01", 30) +
           "policy p.snee extends p {\n    title \"P (SNEE)\"\n    version \"snee-1\"\n    effective 2024-04-01\n"
           "    variant of p when " +
           snee +
           "\n"
           "    override criterion bmi_ok \"BMI in range\" = bmi between 19 and 35\n}\n"
           "policy p.hwe extends p {\n    title \"P (HWE)\"\n    version \"hwe-1\"\n    effective 2024-04-01" +
           (hweUntil.empty() ? "" : " until " + hweUntil) + "\n    variant of p when " + hwe +
           "\n    override criterion bmi_ok \"BMI in range\" = bmi between 19 and 25\n}\n";
}

}  // namespace

TEST_CASE("a request for a policy with area variants is decided by the variant the facts select") {
    auto b = build({{"fx.cpl", kFixtureModule}, {"p.cpl", variantLibrary()}});
    REQUIRE_MESSAGE(b.library, b.errors());
    const PolicyLibrary& lib = *b.library;
    nlohmann::json snee = {{"bmi", 33}, {"legacy_area", "snee"}};
    nlohmann::json mse = {{"bmi", 33}, {"legacy_area", "mse"}};
    nlohmann::json unknownArea = {{"bmi", 33}};
    nlohmann::json hwe = {{"bmi", 28}, {"legacy_area", "hwe"}};

    Decision d = decide(lib, "p", snee, "2026-06-01");
    CHECK(d.policy == "p.snee");
    CHECK(d.policyVersion == "snee-1");
    CHECK(d.outcome == Outcome::Eligible);
    CHECK(decide(lib, "p", hwe, "2026-06-01").policy == "p.hwe");
    CHECK(decide(lib, "p", hwe, "2026-06-01").outcome == Outcome::NotEligible);
    // No variant for MSE, and an unknown area is not a match: the policy itself decides.
    CHECK(decide(lib, "p", mse, "2026-06-01").policy == "p");
    CHECK(decide(lib, "p", mse, "2026-06-01").outcome == Outcome::NotEligible);
    CHECK(decide(lib, "p", unknownArea, "2026-06-01").policy == "p");
    // Asking for exactly one policy skips the selection, and a variant can be asked for by its id.
    CHECK(decide(lib, "p", snee, "2026-06-01", false).policy == "p");
    CHECK(decide(lib, "p.snee", mse, "2026-06-01").policy == "p.snee");

    CHECK(lib.variants().hasVariants("p"));
    CHECK_FALSE(lib.variants().hasVariants("p.snee"));
}

TEST_CASE("a variant applies only while one of its versions is in force") {
    auto b =
        build({{"fx.cpl", kFixtureModule}, {"p.cpl", variantLibrary("legacy_area is snee", "legacy_area is hwe", "2026-03-31")}});
    REQUIRE_MESSAGE(b.library, b.errors());
    nlohmann::json hwe = {{"bmi", 28}, {"legacy_area", "hwe"}};
    CHECK(decide(*b.library, "p", hwe, "2026-03-31").policy == "p.hwe");
    CHECK(decide(*b.library, "p", hwe, "2026-04-01").policy == "p");
}
