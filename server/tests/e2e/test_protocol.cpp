// HTTP details: HEAD, 100-continue, pipelining, percent-encoding, header
// limits, keep-alive expiry, and a prompt stop with idle connections open.
#include <doctest/doctest.h>

#include "http.h"
#include "raw_connection.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using namespace std::chrono_literals;

namespace {
int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}
}  // namespace

TEST_CASE("HTTP protocol details") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--keep-alive", "1"});
    const int port = server.port();
    const std::string body = decideBody("fixture.threshold", {{"score", 8}});
    bool closed = false;

    SUBCASE("HEAD answers headers only") {
        RawConnection c(port);
        c.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        std::string reply = c.readUntilClosed(10s, closed);
        CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
        CHECK(reply.find("Content-Length:") != std::string::npos);
        CHECK(reply.find("\"status\"") == std::string::npos);
    }
    SUBCASE("Expect: 100-continue") {
        RawConnection c(port);
        c.send(
            "POST /v1/decisions HTTP/1.1\r\nHost: t\r\nConnection: close\r\nExpect: 100-continue\r\n"
            "Content-Length: " +
            std::to_string(body.size()) + "\r\n\r\n");
        c.send(body);
        std::string reply = c.readUntilClosed(10s, closed);
        CHECK(reply.rfind("HTTP/1.1 100", 0) == 0);
        CHECK(reply.find("HTTP/1.1 200") != std::string::npos);
    }
    SUBCASE("pipelined requests are answered in order") {
        RawConnection c(port);
        std::string one =
            "POST /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        c.send(one + one + "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        std::string reply = c.readUntilClosed(10s, closed);
        CHECK(count(reply, "HTTP/1.1 200") == 3);
        CHECK(count(reply, "\"outcome\":\"eligible\"") == 2);
        CHECK(reply.find("\"status\":\"ok\"") > reply.rfind("\"outcome\""));
    }
    SUBCASE("percent-encoded policy ids and as_of in the query") {
        Response r = get(port, "/v1/policies/fixture%2Ethreshold?as_of=2026-03-01");
        CHECK(r.status == 200);
        CHECK(r.json()["id"] == "fixture.threshold");
        CHECK(get(port, "/v1/policies?as_of=2025-12-31").json()["policies"][0]["in_force"] == false);
        CHECK(get(port, "/v1/policies?as_of=someday").status == 400);
    }
    SUBCASE("oversized headers get 431") {
        RawConnection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Padding: " + std::string(20000, 'x') + "\r\n\r\n");
        std::string reply = c.readUntilClosed(10s, closed);
        CHECK(reply.rfind("HTTP/1.1 431", 0) == 0);
        CHECK(reply.find("headers_too_large") != std::string::npos);
        CHECK(closed);
    }
    SUBCASE("an idle keep-alive connection is closed after --keep-alive") {
        RawConnection c(port);
        c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
        std::string reply = c.readUntilClosed(10s, closed);
        CHECK(reply.rfind("HTTP/1.1 200", 0) == 0);
        CHECK(closed);
    }
    SUBCASE("stopping closes idle connections at once") {
        RawConnection idle1(port), idle2(port);
        idle1.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
        server.signal(SIGTERM);
        CHECK(server.wait(5s) == 0);
        idle1.readUntilClosed(5s, closed);
        CHECK(closed);
    }

    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}
