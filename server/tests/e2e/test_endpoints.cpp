// The endpoints of shared/spec/decision.md, and /metrics, on the real server.
#include <thread>

#include <doctest/doctest.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;

TEST_CASE("decisions, policies, health and metrics are served") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();

    SUBCASE("healthz") {
        Response r = get(port, "/healthz");
        CHECK(r.status == 200);
        CHECK(r.json()["status"] == "ok");
        CHECK(r.json()["policies"] == 2);
    }

    SUBCASE("a decision has the contract's shape and an id") {
        Response r = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}}));
        REQUIRE(r.status == 200);
        CHECK(r.contentType.find("application/json") == 0);
        json d = r.json();
        CHECK(d["policy"] == "fixture.threshold");
        CHECK(d["policy_version"] == "2026-01-01");
        CHECK(d["outcome"] == "eligible");
        CHECK(d["route"] == "none");
        REQUIRE(d["reasons"].size() == 1);
        CHECK(d["reasons"][0]["criterion"] == "high_score");
        CHECK(d["reasons"][0]["text"] == "Score of at least 7");
        CHECK(d["reasons"][0]["result"] == true);
        CHECK(d["reasons"][0]["at"].get<std::string>().find("threshold.cpl:") != std::string::npos);
        CHECK(d["missing_facts"] == json::array());
        CHECK(d["outputs"] == json::object());
        CHECK(r.decisionId.size() == 32);
    }

    SUBCASE("not eligible, undetermined with missing facts, outputs, as_of") {
        json no = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 3}})).json();
        CHECK(no["outcome"] == "not_eligible");
        json unknown = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", nullptr}})).json();
        CHECK(unknown["outcome"] == "undetermined");
        CHECK(unknown["missing_facts"] == json::array({"score"}));
        // A fact another loaded policy declares is accepted and ignored.
        json shared = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 9}, {"age", 40}})).json();
        CHECK(shared["outcome"] == "eligible");
        json bariatric = post(port, "/v1/decisions",
                              decideBody("fixture.bariatric",
                                         {{"age", 30}, {"bmi", 52.0}, {"smoker", false}, {"diabetes", "none"}}, "2026-06-01"))
                             .json();
        CHECK(bariatric["outcome"] == "eligible");
        CHECK(bariatric["outputs"]["sessions"] == 6);
        // A smoker is not eligible whatever the BMI, even when it is unknown.
        json smoker = post(port, "/v1/decisions", decideBody("fixture.bariatric", {{"age", 30}, {"smoker", true}})).json();
        CHECK(smoker["outcome"] == "not_eligible");
    }

    SUBCASE("policies are listed with the facts they read") {
        Response r = get(port, "/v1/policies");
        REQUIRE(r.status == 200);
        json list = r.json()["policies"];
        REQUIRE(list.size() == 2);
        CHECK(list[0]["id"] == "fixture.bariatric");
        CHECK(list[1]["id"] == "fixture.threshold");
        CHECK(list[1]["title"] == "Threshold");
        CHECK(list[1]["version"] == "2026-01-01");
        CHECK(list[1]["kind"] == "criteria_based");
        REQUIRE(list[1]["facts"].size() == 1);
        CHECK(list[1]["facts"][0]["name"] == "score");
        CHECK(list[1]["facts"][0]["type"] == "integer");
        json diabetes;
        for (const auto& f : list[0]["facts"])
            if (f["name"] == "diabetes") diabetes = f;
        CHECK(diabetes["values"] == json::array({"none", "type1", "type2"}));
    }

    SUBCASE("one policy with its criteria text") {
        Response r = get(port, "/v1/policies/fixture.bariatric");
        REQUIRE(r.status == 200);
        json p = r.json();
        CHECK(p["id"] == "fixture.bariatric");
        REQUIRE(p["criteria"].size() == 3);
        CHECK(p["criteria"][0]["id"] == "adult");
        CHECK(p["criteria"][0]["text"] == "Aged 18 or over");
        // The rules, with the structure of each condition (as cpe explain --format json gives it).
        REQUIRE(p["rules"].size() == 4);
        CHECK(p["rules"][2]["outcome"] == "eligible");
        CHECK(p["rules"][2]["condition"]["criterion"] == "bmi_high");
        CHECK(p["rules"][2]["condition"]["condition"]["kind"] == "any");
        CHECK(p["rules"][2]["condition"]["condition"]["items"][1]["kind"] == "all");
        CHECK(p["versions"].size() == 1);
        Response missing = get(port, "/v1/policies/fixture.bariatrc");
        CHECK(missing.status == 404);
        CHECK(missing.isError("unknown_policy"));
        CHECK(missing.json()["error"]["message"].get<std::string>().find("fixture.bariatric") != std::string::npos);
    }

    SUBCASE("metrics count requests, decisions and latency") {
        post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}}));
        post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 1}}));
        post(port, "/v1/decisions", "{");
        // Requests are counted once their response is written, so the count
        // may trail the client by a moment.
        std::string m;
        for (int i = 0; i < 100; ++i) {
            Response r = get(port, "/metrics");
            REQUIRE(r.status == 200);
            CHECK(r.contentType.find("text/plain") == 0);
            m = r.body;
            if (m.find("cpe_http_request_duration_seconds_count{endpoint=\"/v1/decisions\"} 3\n") != std::string::npos) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK(m.find("cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"200\"} 2\n") != std::string::npos);
        CHECK(m.find("cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"400\"} 1\n") != std::string::npos);
        CHECK(m.find("cpe_decisions_total{policy=\"fixture.threshold\",outcome=\"eligible\"} 1\n") != std::string::npos);
        CHECK(m.find("cpe_decisions_total{policy=\"fixture.threshold\",outcome=\"not_eligible\"} 1\n") != std::string::npos);
        CHECK(m.find("cpe_http_request_duration_seconds_count{endpoint=\"/v1/decisions\"} 3\n") != std::string::npos);
        CHECK(m.find("cpe_library_generation 1\n") != std::string::npos);
    }

    server.signal(SIGTERM);
    CHECK(server.wait(std::chrono::seconds(20)) == 0);
}
