// Clients that stall, dawdle or send garbage are cut off without holding up
// anyone else.
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
