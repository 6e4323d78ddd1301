// The decision log's contents, and `cpe log` reading it back.
#include <doctest/doctest.h>

#include "http.h"
#include "server_process.h"

using namespace cpe::server::e2e;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::vector<json> jsonLines(const std::string& text) {
    std::vector<json> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(json::parse(text.substr(start, end - start), nullptr, false));
        start = end + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("the decision log keeps a hash of the facts; cpe log queries it") {
    TempDir dir;
    const int kSecret = 987654;  // a value that must not appear in any log
    {
        ServerProcess server(dir, {"--policies", fixturePolicies()});
        const int port = server.port();
        for (int i = 0; i < 3; ++i)
            REQUIRE(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", kSecret}})).status == 200);
        REQUIRE(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", 2}})).status == 200);
        REQUIRE(
            post(port, "/v1/decisions", decideBody("fixture.bariatric", {{"age", 30}, {"smoker", true}}, "2026-02-01")).status ==
            200);
        REQUIRE(post(port, "/v1/decisions", decideBody("fixture.threshold", {{"score", "x"}})).status == 400);
        server.signal(SIGTERM);
        REQUIRE(server.wait(20s) == 0);

        CHECK(countDecisionRows(server.db()) == 5);
        CHECK(countDecisionRows(server.db(), "facts IS NOT NULL") == 0);
        CHECK(countDecisionRows(server.db(), "length(facts_hash) = 64") == 5);
        const std::string access = readFile(server.accessLog());
        CHECK(access.find(std::to_string(kSecret)) == std::string::npos);
        CHECK(readFile(server.db()).find(std::to_string(kSecret)) == std::string::npos);
        // One access-log line per request, as JSON.
        auto lines = jsonLines(access);
        CHECK(lines.size() == 6);
        int refused = 0;
        for (const json& l : lines) {
            CHECK(l.is_object());
            if (l.value("status", 0) == 400 && l.value("error", "") == "bad_fact" && l.value("field", "") == "facts.score")
                ++refused;
        }
        CHECK(refused == 1);
    }
    const std::string db = dir.file("log.db");
    int code = 0;

    auto all = jsonLines(runCpe({"--format", "json", "log", "--db", db}, code));
    CHECK(code == 0);
    REQUIRE(all.size() == 5);
    CHECK(all[0]["policy"] == "fixture.bariatric");  // newest first
    CHECK(all[0]["outcome"] == "not_eligible");
    CHECK(all[0]["as_of"] == "2026-02-01");
    CHECK(all[0]["reasons"] == json::array({"non_smoker"}));
    CHECK_FALSE(all[0].contains("facts"));

    auto eligible = jsonLines(runCpe({"--format", "json", "log", "--db", db, "--outcome", "eligible"}, code));
    CHECK(eligible.size() == 3);
    auto threshold = jsonLines(runCpe({"--format", "json", "log", "--db", db, "--policy", "fixture.threshold"}, code));
    CHECK(threshold.size() == 4);
    auto none = jsonLines(runCpe({"--format", "json", "log", "--db", db, "--to", "2000-01-01"}, code));
    CHECK(none.empty());
    // Date ranges are UTC days of the decision time, both ends included.
    const std::string firstDay = all.back()["time"].get<std::string>().substr(0, 10);
    const std::string lastDay = all.front()["time"].get<std::string>().substr(0, 10);
    auto range = jsonLines(runCpe({"--format", "json", "log", "--db", db, "--from", firstDay, "--to", lastDay}, code));
    CHECK(range.size() == 5);
    auto rangeNo = jsonLines(
        runCpe({"--format", "json", "log", "--db", db, "--from", firstDay, "--to", lastDay, "--outcome", "not_eligible"}, code));
    CHECK(rangeNo.size() == 2);
    CHECK(jsonLines(runCpe({"--format", "json", "log", "--db", db, "--from", "9999-12-31"}, code)).empty());
    CHECK(jsonLines(runCpe({"--format", "json", "log", "--db", db, "--limit", "2"}, code)).size() == 2);
    runCpe({"log", "--db", db, "--from", "01/02/2026"}, code);
    CHECK(code != 0);
    auto days = jsonLines(runCpe({"--format", "json", "log", "--db", db, "--per-day"}, code));
    REQUIRE(days.size() == 1);
    CHECK(days[0]["total"] == 5);
    CHECK(days[0]["eligible"] == 3);
    CHECK(days[0]["not_eligible"] == 2);
    auto thresholdDays =
        jsonLines(runCpe({"--format", "json", "log", "--db", db, "--per-day", "--policy", "fixture.threshold"}, code));
    REQUIRE(thresholdDays.size() == 1);
    CHECK(thresholdDays[0]["day"] == lastDay);
    CHECK(thresholdDays[0]["total"] == 4);
    CHECK(thresholdDays[0]["not_eligible"] == 1);

    // The same facts, given to `cpe log --facts`, find their decisions.
    writeFile(dir.file("facts.json"), json{{"score", kSecret}}.dump());
    auto matched = jsonLines(
        runCpe({"--format", "json", "log", "--db", db, "--facts", dir.file("facts.json"), "--salt-file", db + ".salt"}, code));
    CHECK(code == 0);
    CHECK(matched.size() == 3);

    std::string text = runCpe({"log", "--db", db, "--per-day"}, code);
    CHECK(text.find("total") != std::string::npos);
    runCpe({"log", "--db", dir.file("missing.db")}, code);
    CHECK(code != 0);
}

TEST_CASE("with --log-facts the facts are kept") {
    TempDir dir;
    ServerProcess server(dir, {"--policies", fixturePolicies(), "--log-facts"});
    REQUIRE(post(server.port(), "/v1/decisions", decideBody("fixture.threshold", {{"score", 8}, {"age", nullptr}})).status ==
            200);
    server.signal(SIGINT);
    REQUIRE(server.wait(20s) == 0);
    int code = 0;
    auto rows = jsonLines(runCpe({"--format", "json", "log", "--db", server.db()}, code));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["facts"] == json{{"score", 8}});
}
