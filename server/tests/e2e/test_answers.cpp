// What POST /v1/decisions adds to the contract's fields for a person to act
// on (engine/answer/answer_guide.h), the form endpoint, the triage page and
// the published criteria pages the server serves.
#include <doctest/doctest.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;

TEST_CASE("a decision's body has its id, as-of date, next step, values and questions") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();

    SUBCASE("decided: id as in X-Decision-Id, as_of, next step, values used, relative locations") {
        Response r = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}}, "2026-06-01"));
        REQUIRE(r.status == 200);
        json d = r.json();
        CHECK(d["decision_id"] == r.decisionId);
        CHECK(d["as_of"] == "2026-06-01");
        CHECK(d["next_step"].get<std::string>().find("Criteria met") == 0);
        REQUIRE(d["reasons"].size() == 1);
        CHECK(d["reasons"][0]["values"] == json::array({{{"fact", "score"}, {"value", 8}, {"text", "8"}}}));
        // The fixture is served from an absolute path; the body names it from the library's root.
        CHECK(d["reasons"][0]["at"] == "policies/fixture/threshold.cpl:7:13");
        CHECK(d["questions"] == json::array());
    }

    SUBCASE("undetermined: one question a missing fact, in their order, with what decides it") {
        json d = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", nullptr}})).json();
        CHECK(d["outcome"] == "undetermined");
        REQUIRE(d["questions"].size() == 1);
        json q = d["questions"][0];
        CHECK(q["name"] == "score");
        CHECK(q["description"] == "A score");
        CHECK(q["type"] == "integer");
        CHECK(q["decides"] == "at least 7 qualifies");
        CHECK(q["criteria"] == json::array({"high_score"}));
        CHECK(d["next_step"].get<std::string>().find("Not decided yet") == 0);
    }

    SUBCASE("the form endpoint gives each fact with what decides it") {
        Response r = get(port, "/v1/policies/fixture.threshold/form");
        REQUIRE(r.status == 200);
        json f = r.json();
        CHECK(f["id"] == "fixture.threshold");
        REQUIRE(f["facts"].size() == 1);
        CHECK(f["facts"][0]["name"] == "score");
        CHECK(f["facts"][0]["decides"] == "at least 7 qualifies");
        CHECK(get(port, "/v1/policies/no.such/form").status == 404);
    }

    SUBCASE("the triage page and the published criteria pages") {
        Response page = get(port, "/");
        REQUIRE(page.status == 200);
        CHECK(page.contentType.find("text/html") == 0);
        CHECK(page.body.find("Find a policy") != std::string::npos);
        CHECK(page.body.find("var CPE_SERVER = \"\";") != std::string::npos);
        CHECK(page.body.find("http://") == std::string::npos);  // nothing fetched from elsewhere
        Response doc = get(port, "/doc/fixture.threshold.html");
        REQUIRE(doc.status == 200);
        CHECK(doc.body.find("Score of at least 7") != std::string::npos);
        CHECK(get(port, "/doc/nothing.html").status == 404);
    }
}
