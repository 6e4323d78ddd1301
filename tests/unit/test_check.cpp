// Check stage: names, types, units and enumerations, each error at its own
// line and column with a did-you-mean, all reported in one run.
#include <doctest/doctest.h>

#include "library_fixture.h"

using namespace cpe;

namespace {

const char* kFacts = R"(module fx {
    fact age_years: integer in 0..130 "Age in whole years"
    fact bmi: decimal [kg/m2] in 10..100 "Body mass index"
    fact amh: decimal [pmol/L] "AMH"
    fact smoker: boolean "Currently smokes"
    fact area: enum (hwe, mse, snee) "Area"
}
)";

std::string check(const std::string& criteria) {
    auto b = testing::build({{"fx.cpl", kFacts},
                             {"p.cpl", "policy p.one {\n    title \"One\"\n    version \"1\"\n    effective 2026-01-01\n    use fx\n" +
                                           criteria + "    decide {\n        otherwise not_eligible\n    }\n}\n"}});
    return b.errors();
}

}  // namespace

TEST_CASE("type errors name the operator, both types and where") {
    CHECK(check("    criterion a \"A\" = bmi > amh\n")
              .find("p.cpl:6:23: error: '>' compares [kg/m2] with [pmol/L]; convert one of them first") != std::string::npos);
    CHECK(check("    criterion a \"A\" = bmi > 30 [pmol/L]\n").find("'>' compares [kg/m2] with [pmol/L]") != std::string::npos);
    CHECK(check("    criterion a \"A\" = smoker > 3\n").find("p.cpl:6:23: error: cannot compare boolean with integer") !=
          std::string::npos);
    CHECK(check("    criterion a \"A\" = age_years + smoker > 2\n")
              .find("p.cpl:6:23: error: '+' needs numbers, not integer and boolean") != std::string::npos);
    CHECK(check("    criterion a \"A\" = area is london\n")
              .find("p.cpl:6:31: error: 'london' is not one of area's values (hwe, mse, snee)") != std::string::npos);
    CHECK(check("    criterion a \"A\" = area is snne\n").find("(did you mean 'snee'?)") != std::string::npos);
}

TEST_CASE("a plain number takes the unit of what it is compared with") {
    CHECK(check("    criterion a \"A\" = bmi > 30\n    criterion b \"B\" = amh between 5.4 and 40\n").empty());
}

TEST_CASE("unknown names get the closest declared name") {
    std::string out = check("    criterion a \"A\" = agee_years > 2\n    criterion b \"B\" = smokr\n");
    CHECK(out.find("p.cpl:6:23: error: unknown name 'agee_years' (did you mean 'age_years'?)") != std::string::npos);
    CHECK(out.find("p.cpl:7:23: error: unknown name 'smokr' (did you mean 'smoker'?)") != std::string::npos);
}

TEST_CASE("every error in the library is reported in one run") {
    std::string out = check(
        "    criterion a \"A\" = bmi > amh\n"
        "    criterion b \"B\" = smoker > 3\n"
        "    criterion c \"C\" = area is london\n"
        "    criterion d \"D\" = nope\n");
    size_t errors = 0;
    for (size_t at = out.find(": error: "); at != std::string::npos; at = out.find(": error: ", at + 1)) ++errors;
    CHECK(errors == 4);
}

TEST_CASE("a criterion must be a condition and a value a number") {
    std::string out = check("    criterion a \"A\" = age_years + 1\n");
    CHECK(out.find("p.cpl:6:") != std::string::npos);
    CHECK(out.find("error:") != std::string::npos);
}
