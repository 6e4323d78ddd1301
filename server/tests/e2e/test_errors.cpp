// Every refusal gets the documented status and a JSON error naming the field;
// none of them hurts the server.
#include <doctest/doctest.h>

#include "http.h"
#include "raw_connection.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;

TEST_CASE("bad requests get 400, 404, 405 or 413 with a JSON error") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--max-body", "4096"});
    const int port = server.port();
    auto decide = [port](const std::string& body) { return post(port, "/v1/decisions", body); };

    SUBCASE("invalid JSON") {
        for (const char* body : {"{", "{\"policy\": \"fixture.threshold\", }", "nope", "", "{\"a\":1}{",
                                 "{\"policy\": \"fixture.threshold\", \"facts\": {\"score\": 1e400}}",
                                 "{\"policy\": \"fixture.threshold\", \"facts\": {\"score\": \"\\ud800\"}}"}) {
            CAPTURE(body);
            Response r = decide(body);
            CHECK(r.status == 400);
            CHECK(r.isError("bad_json"));
        }
    }
    SUBCASE("a body of the wrong shape names the member") {
        struct Case {
            const char* body;
            const char* field;
        };
        for (Case c : {Case{R"([1])", ""}, Case{R"({"facts": {}})", "policy"}, Case{R"({"policy": 7, "facts": {}})", "policy"},
                       Case{R"({"policy": "fixture.threshold"})", "facts"},
                       Case{R"({"policy": "fixture.threshold", "facts": "score=8"})", "facts"},
                       Case{R"({"policy": "fixture.threshold", "facts": {}, "as_of": "tomorrow"})", "as_of"},
                       Case{R"({"policy": "fixture.threshold", "facts": {}, "asof": "2026-01-01"})", "asof"}}) {
            CAPTURE(c.body);
            Response r = decide(c.body);
            CHECK(r.status == 400);
            CHECK(r.isError("bad_request"));
            CHECK(r.errorField() == c.field);
        }
    }
    SUBCASE("wrong types and values of facts") {
        Response text = decide(decideBody("fixture.threshold", {{"score", "high"}}));
        CHECK(text.status == 400);
        CHECK(text.isError("bad_fact"));
        CHECK(text.errorField() == "facts.score");
        Response fraction = decide(decideBody("fixture.threshold", {{"score", 7.5}}));
        CHECK(fraction.status == 400);
        CHECK(fraction.isError("bad_fact"));
        Response member = decide(decideBody("fixture.bariatric", {{"diabetes", "type3"}}));
        CHECK(member.status == 400);
        CHECK(member.isError("bad_fact"));
        CHECK(member.errorField() == "facts.diabetes");
        Response list = decide(decideBody("fixture.bariatric", {{"smoker", json::array({true})}}));
        CHECK(list.status == 400);
        CHECK(list.isError("bad_fact"));
    }
    SUBCASE("an unknown fact is named, with a close name") {
        Response r = decide(decideBody("fixture.threshold", {{"scor", 8}}));
        CHECK(r.status == 400);
        CHECK(r.isError("unknown_fact"));
        CHECK(r.errorField() == "facts.scor");
        CHECK(r.json()["error"]["message"].get<std::string>().find("score") != std::string::npos);
    }
    SUBCASE("an unknown policy is 404") {
        Response r = decide(decideBody("fixture.thresold", {{"score", 8}}));
        CHECK(r.status == 404);
        CHECK(r.isError("unknown_policy"));
        CHECK(r.errorField() == "policy");
    }
    SUBCASE("no version in force is 400") {
        Response r = decide(decideBody("fixture.threshold", {{"score", 8}}, "2020-01-01"));
        CHECK(r.status == 400);
        CHECK(r.isError("no_version_in_force"));
    }
    SUBCASE("a body over the limit is 413") {
        std::string big = decideBody("fixture.threshold", {{"score", 8}, {"padding", std::string(5000, 'x')}});
        Response r = decide(big);
        CHECK(r.status == 413);
        CHECK(r.isError("body_too_large"));
        // Chunked bodies are held to the same limit.
        RawConnection raw(port);
        std::string chunk(3000, ' ');
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
        raw.send("POST /v1/decisions HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (int i = 0; i < 2; ++i) raw.send(std::string(size) + chunk + "\r\n");
        raw.send("0\r\n\r\n");
        bool closed = false;
        std::string reply = raw.readUntilClosed(std::chrono::seconds(10), closed);
        CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
        CHECK(reply.find("body_too_large") != std::string::npos);
    }
    SUBCASE("deeply nested JSON does not crash the server") {
        std::string deep =
            R"({"policy": "fixture.threshold", "facts": {"score": )" + std::string(1500, '[') + std::string(1500, ']') + "}}";
        Response r = decide(deep);
        CHECK(r.status == 400);
        CHECK(r.isError("bad_fact"));
        Response unterminated = decide(std::string(4000, '['));
        CHECK(unterminated.status == 400);
        CHECK(unterminated.isError("bad_json"));
    }
    SUBCASE("wrong method is 405, unknown path is 404") {
        Response m = get(port, "/v1/decisions");
        CHECK(m.status == 405);
        CHECK(m.allow == "POST");
        CHECK(m.isError("method_not_allowed"));
        Response d = request(port, "DELETE", "/v1/policies");
        CHECK(d.status == 405);
        Response p = get(port, "/v2/everything");
        CHECK(p.status == 404);
        CHECK(p.isError("not_found"));
        Response reload = post(port, "/v1/admin/reload", "");
        CHECK(reload.status == 403);  // no --token-file: HTTP reload is off
        CHECK(reload.isError("forbidden"));
    }

    // After all that, the server still answers.
    CHECK(get(port, "/healthz").status == 200);
    CHECK(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}})).status == 200);
}

TEST_CASE("facts nested 100,000 levels deep, within --max-body, are the fact's error, and the server stays up") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--max-body", "1000000"});
    const int port = server.port();
    std::string deep =
        R"({"policy": "fixture.threshold", "facts": {"score": )" + std::string(100000, '[') + std::string(100000, ']') + "}}";
    Response r = post(port, "/v1/decisions", deep);
    CHECK(r.status == 400);
    CHECK(r.isError("bad_fact"));
    CHECK(r.errorField() == "facts.score");
    CHECK(r.json()["error"]["message"] == "'score' is nested deeper than 64 levels of arrays and objects (--max-depth)");
    // An integer judged on its text: the double of 8.0000000000000001 is 8.
    Response inexact = post(port, "/v1/decisions", R"({"policy": "fixture.threshold", "facts": {"score": 8.0000000000000001}})");
    CHECK(inexact.status == 400);
    CHECK(inexact.isError("bad_fact"));
    CHECK(inexact.json()["error"]["message"].get<std::string>().find("got 8.0000000000000001") != std::string::npos);
    CHECK(post(port, "/v1/decisions", R"({"policy": "fixture.threshold", "facts": {"score": 8.0}})").status == 200);
    CHECK(get(port, "/healthz").status == 200);
}
