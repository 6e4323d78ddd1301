// Clients that stall, dawdle or send garbage are cut off without holding up
// anyone else.
#include <memory>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "http.h"
#include "raw_connection.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using namespace std::chrono_literals;

TEST_CASE("stalled clients are cut off by the read timeout; others are served meanwhile") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--read-timeout", "0.5", "--keep-alive", "1", "--threads", "1"});
    const int port = server.port();

    RawConnection headers(port);  // stops halfway through its headers
    headers.send("POST /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Ty");
    RawConnection body(port);  // promises 200 bytes of body, sends 20
    body.send(
        "POST /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
        "{\"policy\": \"fixtur");
    RawConnection silent(port);  // connects and says nothing

    // Stalled and silent connections tie up no thread: everyone else is
    // answered meanwhile.
    for (int i = 0; i < 5; ++i) {
        CHECK(get(port, "/healthz").status == 200);
        CHECK(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}})).status == 200);
    }

    bool closed = false;
    std::string reply = headers.readUntilClosed(10s, closed);
    CHECK(closed);
    CHECK(reply.rfind("HTTP/1.1 408", 0) == 0);
    reply = body.readUntilClosed(10s, closed);
    CHECK(closed);
    CHECK(reply.rfind("HTTP/1.1 408", 0) == 0);
    CHECK(reply.find("\"code\":\"request_timeout\"") != std::string::npos);
    CHECK(reply.find("\"field\":\"body\"") != std::string::npos);
    silent.readUntilClosed(10s, closed);
    CHECK(closed);

    // Garbage instead of HTTP.
    RawConnection garbage(port);
    garbage.send("HELLO THERE\r\n\r\n");
    reply = garbage.readUntilClosed(10s, closed);
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
    RawConnection binary(port);
    binary.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15));
    binary.readUntilClosed(10s, closed);
    CHECK(closed);

    CHECK(get(port, "/healthz").status == 200);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}

TEST_CASE("--max-connections: a connection beyond the cap gets a clear 503 and is closed; freed slots are reused") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--max-connections", "3", "--read-timeout", "30"});
    const int port = server.port();
    {
        // Three idle connections fill the cap (a fresh connection may say
        // nothing for the read timeout).
        RawConnection a(port), b(port), c(port);
        std::this_thread::sleep_for(200ms);
        RawConnection beyond(port);
        beyond.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
        bool closed = false;
        std::string reply = beyond.readUntilClosed(10s, closed);
        CHECK(closed);
        CHECK(reply.rfind("HTTP/1.1 503", 0) == 0);
        CHECK(reply.find("\"code\":\"too_many_connections\"") != std::string::npos);
        CHECK(reply.find("Retry-After: 1") != std::string::npos);
    }
    // The three are closed: an ordinary client is served again.
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        served = get(port, "/healthz").status == 200;
        if (!served) std::this_thread::sleep_for(50ms);
    }
    CHECK(served);
    // At least the one above (a retry above may have come before the server saw the closes).
    const std::string metrics = get(port, "/metrics").body;
    const auto at = metrics.find("\ncpe_http_connections_refused_total ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoll(metrics.substr(at + 36)) >= 1);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}

TEST_CASE("a low descriptor limit is raised to the hard one, and slow clients do not lock others out") {
    TempDir dir;
    // Soft 64, hard 1024: the server raises its own soft limit at start.
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--read-timeout", "30"}, Launch{0, 64, 1024});
    const int port = server.port();
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 150; ++i) {
        slow.push_back(std::make_unique<RawConnection>(port));
        slow.back()->send("POST /v1/decisions HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{");
    }
    for (int i = 0; i < 20; ++i)
        CHECK(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}})).status == 200);
    slow.clear();
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(server.stderrText().find("soft limit 1024, raised from 64") != std::string::npos);
}

TEST_CASE("at the descriptor limit the cap keeps a reserve: clients beyond it are refused, not left hanging") {
    TempDir dir;
    // Soft = hard = 64: nothing to raise; the cap is 64 less the reserve (32).
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--read-timeout", "30"}, Launch{0, 64, 64});
    const int port = server.port();
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 40; ++i) slow.push_back(std::make_unique<RawConnection>(port));
    std::this_thread::sleep_for(300ms);
    Response r = get(port, "/healthz");
    CHECK(r.status == 503);
    CHECK(r.isError("too_many_connections"));
    slow.clear();
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        served = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}})).status == 200;
        if (!served) std::this_thread::sleep_for(50ms);
    }
    CHECK(served);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(server.stderrText().find("at most 32 connections") != std::string::npos);
}
