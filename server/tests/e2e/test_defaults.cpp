// What the server does when told nothing: it listens on loopback only and
// holds bodies to 64 KiB. And the shape of what it writes for operators: the
// Prometheus exposition and the access log.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// The local address (hex, as the kernel prints it) of the TCP socket
// listening on `port`, from /proc/net/tcp and /proc/net/tcp6; "" if none.
std::string listeningAddress(int port) {
    char portHex[8];
    std::snprintf(portHex, sizeof portHex, "%04X", port);
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            fields >> slot >> local >> remote >> state;
            auto colon = local.rfind(':');
            if (state == "0A" && colon != std::string::npos && local.substr(colon + 1) == portHex) return local.substr(0, colon);
        }
    }
    return "";
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) out.push_back(l);
    return out;
}

// A decision request padded with trailing whitespace (still valid JSON) to
// exactly `size` bytes.
std::string paddedBody(std::size_t size) {
    std::string body = decideBody("fixture.threshold", {{"score", 8}});
    REQUIRE(body.size() <= size);
    body.append(size - body.size(), ' ');
    return body;
}

}  // namespace

TEST_CASE("by default the server listens on loopback only and takes bodies up to 64 KiB") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});  // no --host, no --max-body
    const int port = server.port();
    CHECK(listeningAddress(port) == "0100007F");  // 127.0.0.1, not 0.0.0.0

    Response atLimit = post(port, "/v1/decisions", paddedBody(64 * 1024));
    CHECK(atLimit.status == 200);
    CHECK(atLimit.json()["outcome"] == "eligible");
    Response over = post(port, "/v1/decisions", paddedBody(64 * 1024 + 1));
    CHECK(over.status == 413);
    CHECK(over.isError("body_too_large"));
    CHECK(over.errorField() == "body");
    CHECK(over.json()["error"]["message"].get<std::string>().find("65536") != std::string::npos);

    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
    CHECK(countDecisionRows(server.db()) == 1);
}

TEST_CASE("--max-body sets the limit, and --host another address") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--max-body", "1000", "--host", "0.0.0.0"});
    const int port = server.port();
    CHECK(listeningAddress(port) == "00000000");
    CHECK(post(port, "/v1/decisions", paddedBody(1000)).status == 200);
    CHECK(post(port, "/v1/decisions", paddedBody(1001)).status == 413);
    server.signal(SIGTERM);
    CHECK(server.wait(20s) == 0);
}

TEST_CASE("/metrics is Prometheus text; the access log is one JSON line a request without facts") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies()});
    const int port = server.port();
    const int kSecret = 424242;
    Response decided = post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", kSecret}}));
    REQUIRE(decided.status == 200);
    post(port, "/v1/decisions", decideBody("fixture.bariatric", {{"age", 30}, {"smoker", true}}));
    post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", "high"}}));
    get(port, "/v1/policies");
    get(port, "/nowhere");

    // Requests are counted once their response is written, in whatever order
    // the responses finish: wait until all five are.
    const std::vector<std::string> counted = {"cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"200\"} 2\n",
                                              "cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"400\"} 1\n",
                                              "cpe_http_requests_total{endpoint=\"/v1/policies\",status=\"200\"} 1\n",
                                              "cpe_http_requests_total{endpoint=\"other\",status=\"404\"} 1\n"};
    auto allCounted = [&](const std::string& metrics) {
        for (const std::string& line : counted)
            if (metrics.find(line) == std::string::npos) return false;
        return true;
    };
    std::string text;
    for (int i = 0; i < 250; ++i) {
        text = get(port, "/metrics").body;
        if (allCounted(text)) break;
        std::this_thread::sleep_for(20ms);
    }
    REQUIRE(allCounted(text));

    // Every line is a HELP or TYPE comment or a sample `name{labels} value`,
    // and every sample belongs to a family declared with TYPE before it.
    const std::regex sample(R"(^([a-z_]+)(\{([a-z_]+="[^"\\]*",?)*\})? ([0-9.e+-]+)$)");
    const std::regex help(R"(^# HELP ([a-z_]+) .+$)");
    const std::regex type(R"(^# TYPE ([a-z_]+) (counter|gauge|histogram)$)");
    std::map<std::string, std::string> types;
    std::smatch m;
    for (const std::string& l : lines(text)) {
        CAPTURE(l);
        if (std::regex_match(l, m, type)) {
            CHECK(types.count(m[1]) == 0);
            types[m[1]] = m[2];
        } else if (!std::regex_match(l, help)) {
            REQUIRE(std::regex_match(l, m, sample));
            std::string family = m[1];
            for (const char* suffix : {"_bucket", "_sum", "_count"})
                if (!types.count(family) && family.size() > std::strlen(suffix) &&
                    family.compare(family.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
                    family.resize(family.size() - std::strlen(suffix));
            CHECK(types.count(family) == 1);
        }
    }
    CHECK(types["cpe_http_requests_total"] == "counter");
    CHECK(types["cpe_decisions_total"] == "counter");
    CHECK(types["cpe_http_request_duration_seconds"] == "histogram");

    // Requests by endpoint and status (checked above); decisions by policy
    // and outcome.
    CHECK(text.find("cpe_decisions_total{policy=\"fixture.threshold\",outcome=\"eligible\"} 1\n") != std::string::npos);
    CHECK(text.find("cpe_decisions_total{policy=\"fixture.bariatric\",outcome=\"not_eligible\"} 1\n") != std::string::npos);

    // The latency histogram of /v1/decisions: cumulative buckets ending in
    // +Inf, which equals _count.
    const std::regex bucket(R"re(^cpe_http_request_duration_seconds_bucket\{endpoint="/v1/decisions",le="([^"]+)"\} (\d+)$)re");
    std::vector<std::pair<std::string, long long>> buckets;
    for (const std::string& l : lines(text))
        if (std::regex_match(l, m, bucket)) buckets.emplace_back(m[1], std::stoll(m[2]));
    REQUIRE(buckets.size() >= 5);
    CHECK(buckets.back().first == "+Inf");
    CHECK(buckets.back().second == 3);
    for (std::size_t i = 1; i < buckets.size(); ++i) {
        CHECK(buckets[i].second >= buckets[i - 1].second);
        if (i + 1 < buckets.size()) CHECK(std::stod(buckets[i].first) > std::stod(buckets[i - 1].first));
    }
    CHECK(text.find("cpe_http_request_duration_seconds_count{endpoint=\"/v1/decisions\"} 3\n") != std::string::npos);

    server.signal(SIGTERM);
    REQUIRE(server.wait(20s) == 0);

    // One JSON line a request: method, path, status, latency; for a decision
    // the policy, outcome and the id the client got; for a refusal the code
    // and field. No fact value, no error message.
    const std::string access = readFile(server.accessLog());
    CHECK(access.find(std::to_string(kSecret)) == std::string::npos);
    CHECK(access.find("high") == std::string::npos);
    std::vector<json> entries;
    for (const std::string& l : lines(access)) entries.push_back(json::parse(l, nullptr, false));
    REQUIRE(entries.size() >= 6);
    for (const json& e : entries) {
        REQUIRE(e.is_object());
        CHECK(e.contains("time"));
        CHECK(e.contains("method"));
        CHECK(e.contains("path"));
        CHECK(e.contains("status"));
        CHECK(e.contains("ms"));
        CHECK_FALSE(e.contains("facts"));
        CHECK_FALSE(e.contains("message"));
    }
    // A line is written once its response has gone, so under load the next
    // request's line can come first: find each request's line by what it
    // was, and check there is exactly one.
    auto only = [&](const char* key, const json& value) {
        std::vector<json> found;
        for (const json& e : entries)
            if (e.contains(key) && e[key] == value) found.push_back(e);
        REQUIRE(found.size() == 1);
        return found[0];
    };
    const json first = only("decision_id", decided.decisionId);
    CHECK(first["method"] == "POST");
    CHECK(first["path"] == "/v1/decisions");
    CHECK(first["status"] == 200);
    CHECK(first["policy"] == "fixture.threshold");
    CHECK(first["outcome"] == "eligible");
    const json refused = only("status", 400);
    CHECK(refused["path"] == "/v1/decisions");
    CHECK(refused["error"] == "bad_fact");
    CHECK(refused["field"] == "facts.score");
    // A path the service does not know is the client's text: withheld.
    CHECK(only("path", "<withheld 8 bytes>")["status"] == 404);
    CHECK(countDecisionRows(server.db(), "decision_id = '" + decided.decisionId + "'") == 1);
}
