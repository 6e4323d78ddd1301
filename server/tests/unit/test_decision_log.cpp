#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "server/decision_log.h"
#include "server/facts_hash.h"
#include "server/log_query.h"
#include "temp_dir.h"

using namespace cpe::server;

namespace {

DecisionRecord record(std::int64_t timeMs, std::string policy, std::string outcome, std::string facts = "{}") {
    DecisionRecord r;
    r.decisionId = "id" + std::to_string(timeMs);
    r.timeMs = timeMs;
    r.asOf = "2026-03-01";
    r.policy = std::move(policy);
    r.policyVersion = "2026-01-01";
    r.outcome = std::move(outcome);
    r.route = "none";
    r.reasons = R"(["high_score"])";
    r.facts = std::move(facts);
    return r;
}

constexpr std::int64_t kDay = 86'400'000;
constexpr std::int64_t k20260301 = 1772323200000;  // 2026-03-01T00:00:00Z

}  // namespace

TEST_CASE("log times are UTC text that sorts") {
    CHECK(formatLogTime(k20260301 + 1234) == "2026-03-01T00:00:01.234Z");
    CHECK(formatLogTime(k20260301 - 1) == "2026-02-28T23:59:59.999Z");
}

TEST_CASE("every appended decision is committed by close(), from many threads") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    {
        DecisionLog log({db, "salt", false, 64});  // a small queue: writers must wait, not drop
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&log, t] {
                for (int i = 0; i < 2500; ++i)
                    log.append(
                        record(k20260301 + (i % 3) * kDay + t, t % 2 ? "p.a" : "p.b", i % 2 ? "eligible" : "not_eligible"));
            });
        for (auto& t : threads) t.join();
        log.close();
        CHECK(log.written() == 10000);
        CHECK(log.pending() == 0);
    }
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    LogFilter all;
    CHECK(queryDecisions(reader, all).size() == 10000);

    LogFilter byPolicy;
    byPolicy.policy = "p.a";
    byPolicy.outcome = "eligible";
    CHECK(queryDecisions(reader, byPolicy).size() == 2500);

    LogFilter range;
    range.from = "2026-03-02";
    range.to = "2026-03-02";
    auto mid = queryDecisions(reader, range);
    CHECK(mid.size() == 4 * 833);
    for (const auto& r : mid) CHECK(r.time.substr(0, 10) == "2026-03-02");

    LogFilter limited;
    limited.limit = 5;
    auto newest = queryDecisions(reader, limited);
    REQUIRE(newest.size() == 5);
    CHECK(newest[0].time.substr(0, 10) == "2026-03-03");

    auto days = countPerDay(reader, all);
    REQUIRE(days.size() == 3);
    CHECK(days[0].day == "2026-03-01");
    CHECK(days[0].total + days[1].total + days[2].total == 10000);
    CHECK(days[0].eligible + days[0].notEligible == days[0].total);
}

TEST_CASE("facts are hashed, and kept only when asked") {
    test::TempDir dir;
    const std::string facts = R"({"score":7})";
    for (bool keep : {false, true}) {
        const std::string db = dir.file(keep ? "kept.db" : "hashed.db");
        {
            DecisionLog log({db, "pepper", keep});
            log.append(record(k20260301, "p.a", "eligible", facts));
        }
        cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
        auto rows = queryDecisions(reader, {});
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].factsHash == factsHash("pepper", facts));
        CHECK(rows[0].facts.has_value() == keep);
        CHECK(logSaltId(reader) == saltId("pepper"));
        LogFilter byFacts;
        byFacts.factsHash = factsHash("pepper", facts);
        CHECK(queryDecisions(reader, byFacts).size() == 1);
    }
}

TEST_CASE("a log written with one salt refuses another") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    { DecisionLog log({db, "first", false}); }
    CHECK_THROWS_WITH_AS(DecisionLog({db, "second", false}), doctest::Contains("different salt"), cpe::sqlite::Error);
    CHECK_NOTHROW(DecisionLog({db, "first", false}));
}
