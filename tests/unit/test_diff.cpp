// `cpe diff`: the semantic diff against golden files (one folder per kind of
// change under tests/golden/diff/, each with the two policies, an `args`
// file naming OLD and NEW as on the command line, and the expected text and
// JSON), and the OLD/NEW reference forms. CPE_UPDATE_GOLDEN=1 rewrites the
// expected files after a deliberate change to the output.
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include "engine/compile/program.h"
#include "engine/diff/policy_diff.h"
#include "engine/diff/policy_ref.h"
#include "golden.h"

using namespace cpe;
namespace fs = std::filesystem;

namespace {

using testing::readFile;

// Runs from inside the case folder so locations read "old.cpl:14:5" on every machine.
struct InDirectory {
    fs::path previous = fs::current_path();
    explicit InDirectory(const fs::path& p) { fs::current_path(p); }
    ~InDirectory() { fs::current_path(previous); }
};

struct Rendered {
    std::string text, json;
};

Rendered runCase(const fs::path& dir) {
    InDirectory here(dir);
    std::istringstream args(readFile("args"));
    std::string oldArg, newArg;
    args >> oldArg >> newArg;
    PolicyResolver resolver({}, *parseDate("2026-06-01"));
    ResolvedPolicy a = resolver.resolve(parsePolicyRef(oldArg));
    ResolvedPolicy b = resolver.resolve(parsePolicyRef(newArg));
    PolicyDiff d = diffPolicies(*a.policy->model, a.library->sources(), *b.policy->model, b.library->sources());
    d.oldSide.label = a.label;
    d.newSide.label = b.label;
    return {diffToText(d), diffToJson(d).dump(2) + "\n"};
}

}  // namespace

TEST_CASE("diff output matches the golden files for every kind of change") {
    fs::path root = fs::path(CPE_SOURCE_DIR) / "tests" / "golden" / "diff";
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(root))
        if (entry.is_directory()) cases.push_back(entry.path());
    std::sort(cases.begin(), cases.end());
    REQUIRE(cases.size() >= 10);
    for (const fs::path& dir : cases) {
        CAPTURE(dir.filename().string());
        Rendered got = runCase(dir);
        testing::checkGolden(dir / "expected.txt", got.text);
        testing::checkGolden(dir / "expected.json", got.json);
    }
}

TEST_CASE("the diff names each kind of change") {
    fs::path root = fs::path(CPE_SOURCE_DIR) / "tests" / "golden" / "diff";
    auto text = [&](const char* name) { return runCase(root / name).text; };
    CHECK(text("thresholds").find("upper limit of bmi: 30 kg/m2 → 32 kg/m2") != std::string::npos);
    CHECK(text("thresholds").find("comparison of amh_pmol_l: '>' → '>=' (the limit 5.4 pmol/L is now included)") !=
          std::string::npos);
    CHECK(text("thresholds").find("period of amh_test_date: 12 months → 6 months") != std::string::npos);
    CHECK(text("criteria").find("+ partner_bmi_ok  \"The partner's BMI is under 30\"") != std::string::npos);
    CHECK(text("criteria").find("- non_smoker  \"Does not smoke\"") != std::string::npos);
    CHECK(text("criteria").find("~ amh_recent → amh_test_recent: renamed") != std::string::npos);
    CHECK(text("criteria").find("wording: \"Aged 23 to 42\" → \"The woman is aged 23 to 42\"") != std::string::npos);
    CHECK(text("route").find("~ access route: prior approval → criteria based") != std::string::npos);
    CHECK(text("route").find("~ IFR: allowed → none") != std::string::npos);
    CHECK(text("outputs").find("+ review_bmi") != std::string::npos);
    CHECK(text("rules").find("+ rule 1  exempt, route none") != std::string::npos);
    CHECK(text("coding").find("primary procedure in {Q131, Q133, Q134}") != std::string::npos);
    CHECK(text("identical").find("No differences.") != std::string::npos);
    CHECK(text("variant").find("- variant of: t.ivf when legacy_area is snee") != std::string::npos);
    CHECK(text("removals").find("lower limit of age_years: 23 → 18") != std::string::npos);
    CHECK(text("removals").find("at least 2 of (...) → at least 3 of (...)") != std::string::npos);
    CHECK(text("removals").find("- entitlement  \"Cycles funded at this age\"") != std::string::npos);
    CHECK(text("removals").find("- cycles_offered  \"Cycles offered\"") != std::string::npos);
    CHECK(text("removals").find("- rule 1  exempt, route none") != std::string::npos);
    CHECK(text("removals").find("otherwise not_eligible, route panel → otherwise review, route panel") != std::string::npos);
}

TEST_CASE("OLD and NEW references") {
    PolicyRef id = parsePolicyRef("fertility.ivf");
    CHECK(id.file.empty());
    CHECK(id.id == "fertility.ivf");
    CHECK(id.version.empty());
    PolicyRef versioned = parsePolicyRef("fertility.ivf@2026-04-01");
    CHECK(versioned.id == "fertility.ivf");
    CHECK(versioned.version == "2026-04-01");
    PolicyRef file = parsePolicyRef("drafts/ivf.cpl");
    CHECK(file.file == "drafts/ivf.cpl");
    CHECK(file.id.empty());
    PolicyRef fileId = parsePolicyRef("ivf.cpl#fertility.ivf.snee@2023+variants");
    CHECK(fileId.file == "ivf.cpl");
    CHECK(fileId.id == "fertility.ivf.snee");
    CHECK(fileId.version == "2023");
    CHECK(fileId.withVariants);
    CHECK_THROWS_WITH_AS(parsePolicyRef("fertility.ivf@"),
                         "'fertility.ivf@': nothing after '@'; write ID@VERSION, e.g. fertility.ivf@2026-04-01", DiffError);
    CHECK_THROWS_WITH_AS(parsePolicyRef("fertility ivf"),
                         "'fertility ivf': 'fertility ivf' is not a policy id (letters, digits, '_' and '.')", DiffError);
}

TEST_CASE("references that do not resolve say why") {
    fs::path lib = fs::path(CPE_SOURCE_DIR) / "tests" / "golden" / "diff" / "variant" / "library.cpl";
    PolicyResolver resolver(readPolicyFiles({lib.string()}), *parseDate("2026-06-01"));
    CHECK(resolver.resolve(parsePolicyRef("t.ivf")).label == "t.ivf@1");
    CHECK(resolver.resolve(parsePolicyRef("t.ivf@2025-05-01")).label == "t.ivf@1");  // a date picks the version in force
    ResolvedPolicy family = resolver.resolve(parsePolicyRef("t.ivf+variants"));
    REQUIRE(family.variants.size() == 1);
    CHECK(family.variants[0]->model->id == "t.ivf.snee");
    CHECK_THROWS_WITH_AS(resolver.resolve(parsePolicyRef("t.ivff")), "t.ivff: no policy 't.ivff' (did you mean 't.ivf'?)",
                         DiffError);
    CHECK_THROWS_WITH_AS(resolver.resolve(parsePolicyRef("t.ivf@7")), "t.ivf@7: 't.ivf' has no version '7' (versions: 1)",
                         DiffError);
    CHECK_THROWS_WITH_AS(
        resolver.resolve(parsePolicyRef("t.ivf.snee+variants")),
        "t.ivf.snee+variants: 't.ivf.snee' has no variants (no policy declares 'variant of t.ivf.snee when ...')", DiffError);
    CHECK_THROWS_WITH_AS(
        resolver.resolve(parsePolicyRef(lib.string())),
        (lib.string() + ": the file declares several policies (t.ivf, t.ivf.snee); write " + lib.string() + "#ID").c_str(),
        DiffError);
    CHECK_THROWS_AS(resolver.resolve(parsePolicyRef("/no/such/file.cpl")), DiffError);
    PolicyResolver empty({}, 0);
    CHECK_THROWS_WITH_AS(empty.resolve(parsePolicyRef("t.ivf")),
                         "t.ivf: a policy id needs a library to find it in, and there is none (no policies/ folder here); give "
                         "--policies PATH or --registry FILE, or name a .cpl file",
                         DiffError);
}
