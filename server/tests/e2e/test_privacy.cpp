// Private by default: the salt must be the owner's alone, client-supplied
// names stay out of the access log unless the library declares them, a
// server open beyond loopback says so, and the bearer scheme is matched in
// any letter case.
#include <filesystem>

#include <doctest/doctest.h>
#include <httplib.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;
using namespace std::chrono_literals;

TEST_CASE("a salt file that group or others may read is refused at start") {
    TempDir dir;
    writeFile(dir.file("shared.salt"), "0123456789abcdef0123456789abcdef\n");
    std::filesystem::permissions(dir.file("shared.salt"), std::filesystem::perms(0644));
    CHECK_THROWS_WITH(ServerProcess(dir, {"--policies", fixturePolicies(), "--salt-file", dir.file("shared.salt")}),
                      doctest::Contains("chmod 600"));
    std::filesystem::permissions(dir.file("shared.salt"), std::filesystem::perms(0600));
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--salt-file", dir.file("shared.salt")});
    CHECK(get(server.port(), "/healthz").status == 200);
}

TEST_CASE("the access log withholds names the library does not declare") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();
    const std::string name = "Jane Doe 9434765919";
    Response fact = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}, {name, true}}));
    CHECK(fact.status == 400);
    CHECK(fact.isError("unknown_fact"));
    CHECK(fact.errorField() == "facts." + name);  // the client is told what it sent
    CHECK(post(port, "/v1/decisions", decideBody(name, {{"score", 8}})).status == 404);
    CHECK(
        post(port, "/v1/decisions", json{{"policy", "fixture.threshold"}, {"facts", json::object()}, {name, 1}}.dump()).status ==
        400);
    CHECK(get(port, "/v1/policies/Jane%20Doe%209434765919").status == 404);
    CHECK(get(port, "/Jane%20Doe%209434765919").status == 404);
    CHECK(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", "x"}})).status == 400);
    CHECK(get(port, "/v1/policies/fixture.threshold").status == 200);
    server.signal(SIGTERM);
    REQUIRE(server.wait(20s) == 0);

    const std::string access = readFile(server.accessLog());
    CHECK(access.find("Jane") == std::string::npos);
    CHECK(access.find("9434765919") == std::string::npos);
    CHECK(access.find("\"field\":\"facts.<withheld 19 bytes>\"") != std::string::npos);
    CHECK(access.find("\"policy\":\"<withheld 19 bytes>\"") != std::string::npos);
    CHECK(access.find("\"field\":\"<withheld 19 bytes>\"") != std::string::npos);
    CHECK(access.find("\"path\":\"/v1/policies/<withheld 19 bytes>\"") != std::string::npos);
    CHECK(access.find("\"path\":\"<withheld 20 bytes>\"") != std::string::npos);
    // Declared names are kept: they are what an operator needs to read.
    CHECK(access.find("\"field\":\"facts.score\"") != std::string::npos);
    CHECK(access.find("\"path\":\"/v1/policies/fixture.threshold\"") != std::string::npos);
}

TEST_CASE("the bearer scheme is accepted in any letter case") {
    TempDir dir;
    writeFile(dir.file("token"), "s3cret-token\n");
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--token-file", dir.file("token")});
    for (const char* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
        httplib::Client client("127.0.0.1", server.port());
        auto r = client.Get("/v1/policies", httplib::Headers{{"Authorization", std::string(scheme) + " s3cret-token"}});
        REQUIRE(r);
        CHECK_MESSAGE(r->status == 200, scheme);
    }
    httplib::Client client("127.0.0.1", server.port());
    auto wrong = client.Get("/v1/policies", httplib::Headers{{"Authorization", "bearer S3CRET-TOKEN"}});
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    // Probes need no token.
    CHECK(get(server.port(), "/readyz").status == 200);
}

TEST_CASE("listening beyond loopback without a token is warned about") {
    TempDir dir;
    {
        ServerProcess open(dir, {"--policies", fixturePolicies(), "--host", "0.0.0.0"});
        CHECK(get(open.port(), "/healthz").status == 200);
        open.signal(SIGTERM);
        CHECK(open.wait(20s) == 0);
        CHECK(open.stderrText().find("beyond loopback without --token-file") != std::string::npos);
    }
    ServerProcess loopback(dir, {"--policies", fixturePolicies()});
    loopback.signal(SIGTERM);
    CHECK(loopback.wait(20s) == 0);
    CHECK(loopback.stderrText().find("beyond loopback") == std::string::npos);
}
