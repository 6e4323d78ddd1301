// GET /v1/policies/{id}: the rules are served with the structure of their
// conditions, the same rendering `cpe explain --format json` gives
// (rulesJson), which the engine's unit suite reads back and decides with
// (tests/unit/test_published_tree.cpp); the fields served before stay.
#include <doctest/doctest.h>

#include "engine/explain/explain.h"
#include "server/policy_json.h"

using namespace cpe;
using nlohmann::ordered_json;

namespace {

std::shared_ptr<const PolicyLibrary> fixture() {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto lib = PolicyLibrary::load({CPE_SERVER_TEST_POLICIES}, diags, sources);
    REQUIRE_MESSAGE(lib, diags.render(*sources));
    return lib;
}

}  // namespace

TEST_CASE("a policy's detail serves its rules as cpe explain renders them, and keeps every earlier field") {
    auto lib = fixture();
    int day = *parseDate("2026-06-01");
    for (const std::string& id : lib->policyIds()) {
        const PolicyModel* p = server::describedVersion(*lib, id, day);
        REQUIRE(p);
        ordered_json j = server::policyDetailJson(*lib, *p, day);
        CHECK(j["rules"] == rulesJson(*p, &lib->sources()));
        CHECK(j["rules"] == explainPolicyJson(*p, &lib->sources())["rules"]);
        for (const char* field : {"id", "title", "version", "kind", "effective", "until", "in_force", "facts", "sources",
                                  "ifr_allowed", "criteria", "outputs", "versions"})
            CHECK_MESSAGE(j.contains(field), id << " has no '" << field << "'");
    }
}

TEST_CASE("the served structure nests each group where it is written") {
    auto lib = fixture();
    int day = *parseDate("2026-06-01");
    ordered_json rules = server::policyDetailJson(*lib, *server::describedVersion(*lib, "fixture.bariatric", day), day)["rules"];
    REQUIRE(rules.size() == 4);
    // not_eligible when not adult: `not` of a criterion, with what it negates.
    CHECK(rules[0]["outcome"] == "not_eligible");
    CHECK(rules[0]["route"] == "ifr");
    CHECK(rules[0]["condition"]["kind"] == "condition");
    CHECK(rules[0]["condition"]["text"] == "not: Aged 18 or over");
    CHECK(rules[0]["condition"]["negates"]["kind"] == "criterion");
    CHECK(rules[0]["condition"]["negates"]["criterion"] == "adult");
    // eligible when bmi_high: bmi >= 40 or (bmi >= 35 and diabetes is type2).
    const ordered_json& bmi = rules[2]["condition"];
    CHECK(bmi["kind"] == "criterion");
    CHECK(bmi["at"].get<std::string>().find("bariatric.cpl:") != std::string::npos);
    const ordered_json& body = bmi["condition"];
    REQUIRE(body["kind"] == "any");
    REQUIRE(body["items"].size() == 2);
    CHECK(body["items"][0]["kind"] == "condition");
    CHECK(body["items"][0]["expression"] == "bmi >= 40");
    CHECK(body["items"][1]["kind"] == "all");
    CHECK(body["items"][1]["items"].size() == 2);
    CHECK(rules[3]["condition"].is_null());
}
