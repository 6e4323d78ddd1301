#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "server/access_log.h"

using namespace cpe::server;

TEST_CASE("an access log line is JSON, escapes the path and carries no facts") {
    RequestNote note;
    note.policy = "fixture.threshold";
    note.outcome = "eligible";
    note.decisionId = "abc";
    note.client = "ers-referrals";
    std::string weird = "/x\"y\\\n\xff";
    AccessEntry e{"POST", weird, "127.0.0.1", 5000, 200, 0.00125, 120, 300, &note};
    std::string line = "{";
    appendAccessEntry(line, e);
    line += '}';
    auto j = nlohmann::json::parse(line);
    CHECK(j["method"] == "POST");
    CHECK(j["status"] == 200);
    CHECK(j["policy"] == "fixture.threshold");
    CHECK(j["outcome"] == "eligible");
    CHECK(j["client"] == "ers-referrals");
    CHECK(j["decision_id"] == "abc");
    CHECK(j["ms"].get<double>() == doctest::Approx(1.25));
    CHECK(j["remote"] == "127.0.0.1:5000");
    CHECK_FALSE(j.contains("facts"));
}
