#include <doctest/doctest.h>

#include "server/router.h"

using namespace cpe::server;

TEST_CASE("request targets are split and percent-decoded") {
    std::string path;
    std::optional<std::string> asOf;
    REQUIRE(splitTarget("/v1/policies/fixture%2Ethreshold?as_of=2026-01-02&x=1", path, asOf));
    CHECK(path == "/v1/policies/fixture.threshold");
    CHECK(asOf == std::optional<std::string>("2026-01-02"));
    REQUIRE(splitTarget("/healthz", path, asOf));
    CHECK(path == "/healthz");
    CHECK_FALSE(asOf);
    REQUIRE(splitTarget("/v1/policies?x=1&as_of=", path, asOf));
    CHECK(asOf == std::optional<std::string>(""));
    CHECK_FALSE(splitTarget("/v1/policies/%zz", path, asOf));
    CHECK_FALSE(splitTarget("/v1/policies/%2", path, asOf));
    CHECK_FALSE(splitTarget("/v1/policies?as_of=%", path, asOf));
}

// Routing rules that need no library: tokens, methods, unknown paths.
TEST_CASE("the router guards endpoints and methods") {
    LibraryHolder library({"/nonexistent"});  // never loaded: no route below reaches it
    Metrics metrics;
    Api api(library, metrics, nullptr);
    Router open(api, std::nullopt);
    Router guarded(api, ClientTokens(std::vector<ApiClient>{{"ers", "secret"}}));
    RequestNote note;

    Routed r = open.route({"GET", "/v1/decisions", "", ""}, note);
    CHECK(r.reply.status == 405);
    REQUIRE(r.headers.size() == 1);
    CHECK(std::string(r.headers[0].first) == "Allow");
    CHECK(r.headers[0].second == "POST");
    CHECK(note.errorCode == "method_not_allowed");

    CHECK(open.route({"GET", "/nowhere", "", ""}, note).reply.status == 404);
    CHECK(open.route({"GET", "/v1/policies/%zz", "", ""}, note).reply.status == 400);
    CHECK(open.route({"POST", "/v1/admin/reload", "", ""}, note).reply.status == 403);
    CHECK_FALSE(open.route({"POST", "/v1/admin/reload", "", ""}, note).reload);

    Routed denied = guarded.route({"POST", "/v1/decisions", "", "{}"}, note);
    CHECK(denied.reply.status == 401);
    CHECK(denied.reply.body.find("\"field\":\"Authorization\"") != std::string::npos);
    CHECK(guarded.route({"GET", "/metrics", "Bearer wrong", ""}, note).reply.status == 401);
    RequestNote asked;
    CHECK(guarded.route({"POST", "/v1/admin/reload", "Bearer secret", ""}, asked).reload);
    CHECK(asked.client == "ers");  // the client whose token it was
    CHECK(guarded.route({"DELETE", "/v1/admin/reload", "Bearer secret", ""}, note).reply.status == 405);
}
