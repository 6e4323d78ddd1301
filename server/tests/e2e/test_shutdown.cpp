// SIGTERM under load: the server stops accepting, answers what is in flight
// and flushes the decision log. Every decision a client received is in the log.
#include <atomic>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using namespace std::chrono_literals;

TEST_CASE("shutdown under load loses no logged decision") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--threads", "8"});
    const int port = server.port();
    const std::string body = decideBody("fixture.threshold", {{"score", 8}});

    constexpr int kClients = 6;
    std::atomic<long long> decided{0};
    std::atomic<bool> serverGone{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&] {
            // Keep-alive connections, each request waiting for its answer;
            // bounded so that a server that never stops cannot hang the test.
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_tcp_nodelay(true);  // headers and body are separate writes: no Nagle delay
            client.set_connection_timeout(2);
            client.set_read_timeout(10);
            for (int i = 0; i < 200000 && !serverGone.load(); ++i) {
                auto r = client.Post("/v1/decisions", body, "application/json");
                if (r && r->status == 200) decided.fetch_add(1);
                else if (!r) {
                    // Connection refused or closed: once the listener is gone,
                    // reconnecting fails and this client is done.
                    httplib::Client probe("127.0.0.1", port);
                    probe.set_connection_timeout(1);
                    if (!probe.Get("/healthz")) serverGone.store(true);
                }
            }
        });

    // Let the load build up, then stop the server in the middle of it.
    while (decided.load() < 10000) std::this_thread::sleep_for(10ms);
    server.signal(SIGTERM);
    int code = server.wait(60s);
    serverGone.store(true);
    for (auto& t : clients) t.join();
    REQUIRE(code == 0);

    const long long rows = countDecisionRows(server.db());
    MESSAGE("decisions received by clients: " << decided.load() << ", rows in the log: " << rows);
    CHECK(rows >= decided.load());
    // At most one request per client can have been decided as the connection
    // closed, before its answer could arrive.
    CHECK(rows <= decided.load() + kClients);
    CHECK(server.stderrText().find("stopped; " + std::to_string(rows) + " decisions") != std::string::npos);
}
