// Bearer-token authentication, and reloading the library over HTTP and on
// SIGHUP: a good library replaces the old one, a bad one is refused.
#include <algorithm>
#include <filesystem>
#include <thread>

#include <doctest/doctest.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using namespace std::chrono_literals;

namespace {

const char* const kToken = "t0ken-for-tests";

std::string thresholdPolicy(int threshold) {
    return "policy fixture.threshold {\n"
           "  title \"Threshold\" version \"2026-01-01\" effective 2026-01-01\n"
           "  route criteria based\n"
           "  fact score: integer \"A score\"\n"
           "  criterion high_score \"Score of at least " +
           std::to_string(threshold) + "\" = score >= " + std::to_string(threshold) +
           "\n"
           "  decide {\n    eligible when high_score\n    otherwise not_eligible\n  }\n}\n";
}

std::string outcomeFor(int port, int score) {
    return post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", score}}), kToken)
        .json()
        .value("outcome", "<error>");
}

int generation(int port) { return get(port, "/healthz").json().value("library_generation", -1); }

bool waitForGeneration(int port, int wanted) {
    for (int i = 0; i < 200; ++i) {
        if (generation(port) == wanted) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

}  // namespace

TEST_CASE("with --token-file every endpoint but /healthz needs the bearer token") {
    TempDir dir;
    writeFile(dir.file("token"), std::string(kToken) + "\n");
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--token-file", dir.file("token")});
    const int port = server.port();
    const std::string body = decideBody("fixture.threshold", {{"score", 8}});

    Response none = post(port, "/v1/decisions", body);
    CHECK(none.status == 401);
    CHECK(none.isError("unauthorized"));
    CHECK(none.wwwAuthenticate.find("Bearer") == 0);
    CHECK(post(port, "/v1/decisions", body, "wrong").status == 401);
    CHECK(get(port, "/v1/policies").status == 401);
    CHECK(get(port, "/metrics").status == 401);
    CHECK(get(port, "/healthz").status == 200);
    CHECK(post(port, "/v1/decisions", body, kToken).status == 200);
    CHECK(get(port, "/v1/policies", kToken).status == 200);
    CHECK(get(port, "/metrics", kToken).status == 200);
    // Nothing was decided, let alone logged, for the refused requests.
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s) == 0);
    CHECK(countDecisionRows(server.db()) == 1);
}

TEST_CASE("named clients: each decision is logged with the client that asked, never its token") {
    TempDir dir;
    writeFile(dir.file("tokens"), "# one token per referral system\ners-referrals tokenA-0001\ntriage-team tokenB-0002\n");
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--token-file", dir.file("tokens")});
    const int port = server.port();
    const std::string body = decideBody("fixture.threshold", {{"score", 8}});
    CHECK(post(port, "/v1/decisions", body, "tokenA-0001").status == 200);
    CHECK(post(port, "/v1/decisions", body, "tokenA-0001").status == 200);
    CHECK(post(port, "/v1/decisions", body, "tokenB-0002").status == 200);
    CHECK(post(port, "/v1/decisions", body, "ers-referrals").status == 401);  // a name is not a token
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s) == 0);
    CHECK(countDecisionRows(server.db(), "client = 'ers-referrals'") == 2);
    CHECK(countDecisionRows(server.db(), "client = 'triage-team'") == 1);
    const std::string access = readFile(server.accessLog());
    CHECK(access.find("\"client\":\"triage-team\"") != std::string::npos);
    CHECK(access.find("tokenA-0001") == std::string::npos);
    CHECK(readFile(server.db()).find("tokenB-0002") == std::string::npos);
    int code = 0;
    std::string listed = runCpe({"--format", "json", "log", "--db", server.db(), "--client", "ers-referrals"}, code);
    CHECK(code == 0);
    CHECK(std::count(listed.begin(), listed.end(), '\n') == 2);
    CHECK(listed.find("\"client\":\"ers-referrals\"") != std::string::npos);
    std::string text = runCpe({"log", "--db", server.db(), "--client", "triage-team"}, code);
    CHECK(text.find("client triage-team") != std::string::npos);
}

TEST_CASE("a token file that names a client twice stops the server at start") {
    TempDir dir;
    writeFile(dir.file("tokens"), "a tok1\na tok2\n");
    int code = 0;
    runCpe(
        {"serve", "--policies", fixturePolicies(), "--token-file", dir.file("tokens"), "--port", "0", "--db", dir.file("log.db")},
        code);
    CHECK(code == 1);  // the message, naming the line, is server/tests/unit/test_auth.cpp's
}

TEST_CASE("reload: a good library replaces the old one, a bad one is refused") {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "policies");
    const std::string policy = dir.file("policies/threshold.cpl");
    writeFile(policy, thresholdPolicy(7));
    writeFile(dir.file("token"), kToken);
    ServerProcess server(dir, {"--policies", dir.file("policies"), "--token-file", dir.file("token")});
    const int port = server.port();
    CHECK(outcomeFor(port, 6) == "not_eligible");

    SUBCASE("over HTTP") {
        writeFile(policy, thresholdPolicy(5));
        CHECK(post(port, "/v1/admin/reload", "").status == 401);
        Response ok = post(port, "/v1/admin/reload", "", kToken);
        CHECK(ok.status == 200);
        CHECK(ok.json()["library_generation"] == 2);
        CHECK(outcomeFor(port, 6) == "eligible");

        writeFile(policy, "policy fixture.threshold {\n  title \"Broken\"\n  fact score: integr\n}\n");
        Response bad = post(port, "/v1/admin/reload", "", kToken);
        CHECK(bad.status == 409);
        CHECK(bad.isError("library_invalid"));
        CHECK(bad.json()["error"]["message"].get<std::string>().find("threshold.cpl") != std::string::npos);
        CHECK(generation(port) == 2);
        CHECK(outcomeFor(port, 6) == "eligible");  // the old library is still in service
        std::string metrics = get(port, "/metrics", kToken).body;
        CHECK(metrics.find("cpe_library_reloads_total{result=\"ok\"} 1\n") != std::string::npos);
        CHECK(metrics.find("cpe_library_reloads_total{result=\"failed\"} 1\n") != std::string::npos);
    }

    SUBCASE("on SIGHUP") {
        writeFile(policy, thresholdPolicy(5));
        server.signal(SIGHUP);
        REQUIRE(waitForGeneration(port, 2));
        CHECK(outcomeFor(port, 6) == "eligible");

        writeFile(policy, thresholdPolicy(5) + "\npolicy fixture.other { fact score: text }\n");
        server.signal(SIGHUP);
        bool refused = false;
        for (int i = 0; i < 200 && !refused; ++i) {
            refused = server.stderrText().find("reload refused") != std::string::npos;
            std::this_thread::sleep_for(50ms);
        }
        CHECK(refused);
        CHECK(generation(port) == 2);
        CHECK(outcomeFor(port, 6) == "eligible");
    }

    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}
