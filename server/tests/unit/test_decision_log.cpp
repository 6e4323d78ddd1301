#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <sys/stat.h>

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
    // Held to the C library's calendar on times from 1900 to 2200.
    std::mt19937_64 rng(18);
    for (int i = 0; i < 20000; ++i) {
        const auto ms = static_cast<std::int64_t>(rng() % 9'467'280'000'000ULL) - 2'208'988'800'000LL;
        std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        std::tm tm{};
        gmtime_r(&seconds, &tm);
        char expected[96];
        std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
        REQUIRE_MESSAGE(formatLogTime(ms) == expected, ms);
    }
}

TEST_CASE("every submitted decision is committed and completed, from many threads, by group commit") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    {
        DecisionLog log({db, "salt", false, 64});
        // Like connections: each thread has one decision waiting for its
        // commit at a time, and goes on only when it is told committed.
        std::atomic<int> committed{0}, refused{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 2500; ++i) {
                    std::promise<bool> done;
                    auto result = done.get_future();
                    REQUIRE(log.submit(
                        record(k20260301 + (i % 3) * kDay + t, t % 2 ? "p.a" : "p.b", i % 2 ? "eligible" : "not_eligible"),
                        [&done](bool ok) { done.set_value(ok); }));
                    (result.get() ? committed : refused).fetch_add(1);
                }
            });
        for (auto& t : threads) t.join();
        CHECK(committed.load() == 10000);
        CHECK(refused.load() == 0);
        CHECK(log.written() == 10000);
        // Several decisions shared a transaction (4 threads, one commit at a time).
        CHECK(log.commits() < 10000);
        log.close();
        CHECK(log.pending() == 0);
        CHECK(log.ready());
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

TEST_CASE("every row of a batch keeps its own values, each field as given") {
    // The insert binds a record's strings without copies: a row must still
    // hold exactly its own record's text, not a neighbour's or freed memory.
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    constexpr int kRecords = 300;
    auto make = [](int i) {
        DecisionRecord r = record(k20260301 + i * 1001, "p." + std::to_string(i), i % 2 ? "eligible" : "review",
                                  R"({"n":)" + std::to_string(i) + "}");
        r.asOf = "2026-03-" + std::string(i % 2 ? "02" : "03");
        r.policyVersion = "v" + std::to_string(i * 7);
        r.route = i % 3 ? "none" : "ifr";
        r.reasons = R"(["c)" + std::to_string(i) + R"("])";
        if (i % 4) r.client = "client-" + std::to_string(i);
        return r;
    };
    {
        DecisionLog log({db, "salt", true, kRecords});
        std::atomic<int> committed{0};
        std::promise<void> all;
        for (int i = 0; i < kRecords; ++i)
            REQUIRE(log.submit(make(i), [&](bool ok) {
                if (ok && committed.fetch_add(1) + 1 == kRecords) all.set_value();
            }));
        all.get_future().wait();
        CHECK(log.commits() < kRecords);  // records shared transactions
    }
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    auto rows = queryDecisions(reader, {});
    REQUIRE(rows.size() == kRecords);
    for (const LogRow& row : rows) {
        const int i = std::stoi(row.policy.substr(2));
        const DecisionRecord want = make(i);
        CHECK(row.decisionId == want.decisionId);
        CHECK(row.time == formatLogTime(want.timeMs));
        CHECK(row.asOf == want.asOf);
        CHECK(row.policyVersion == want.policyVersion);
        CHECK(row.outcome == want.outcome);
        CHECK(row.route == want.route);
        CHECK(row.reasons == want.reasons);
        CHECK(row.factsHash == factsHash("salt", want.facts));
        CHECK(row.facts == want.facts);
        CHECK(row.client == (want.client.empty() ? std::nullopt : std::optional<std::string>(want.client)));
    }
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

TEST_CASE("each decision keeps the named client that asked, and cpe log filters by it") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    {
        DecisionLog log({db, "salt", false});
        DecisionRecord a = record(k20260301, "p.a", "eligible");
        a.client = "ers-referrals";
        DecisionRecord b = record(k20260301 + 1, "p.a", "eligible");
        b.client = "triage-team";
        log.append(a);
        log.append(b);
        log.append(record(k20260301 + 2, "p.a", "eligible"));  // no --token-file
    }
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    auto rows = queryDecisions(reader, {});
    REQUIRE(rows.size() == 3);
    CHECK_FALSE(rows[0].client.has_value());
    CHECK(rows[1].client == "triage-team");
    CHECK(rows[2].client == "ers-referrals");
    LogFilter byClient;
    byClient.client = "triage-team";
    REQUIRE(queryDecisions(reader, byClient).size() == 1);
    CHECK(queryDecisions(reader, byClient)[0].decisionId == "id" + std::to_string(k20260301 + 1));
    CHECK(countPerDay(reader, byClient).at(0).total == 1);
}

TEST_CASE("a log written before named clients gains the client column and goes on") {
    test::TempDir dir;
    const std::string db = dir.file("old.db");
    {
        // The schema as it was before the client column.
        cpe::sqlite::Database old(db, cpe::sqlite::Database::Mode::ReadWriteCreate);
        old.exec(
            "CREATE TABLE decisions (id INTEGER PRIMARY KEY, decision_id TEXT NOT NULL, time TEXT NOT NULL, "
            "as_of TEXT NOT NULL, policy TEXT NOT NULL, policy_version TEXT NOT NULL, outcome TEXT NOT NULL, "
            "route TEXT NOT NULL, reasons TEXT NOT NULL, facts_hash TEXT NOT NULL, facts TEXT);"
            "INSERT INTO decisions VALUES (1, 'old1', '2026-02-01T00:00:00.000Z', '2026-02-01', 'p.a', '1', "
            "'eligible', 'none', '[]', 'h', NULL);");
    }
    {
        // cpe log reads it as it is (read-only), with no client.
        cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
        auto rows = queryDecisions(reader, {});
        REQUIRE(rows.size() == 1);
        CHECK_FALSE(rows[0].client.has_value());
        LogFilter byClient;
        byClient.client = "x";
        CHECK(queryDecisions(reader, byClient).empty());
    }
    {
        DecisionLog log({db, "salt", false});
        DecisionRecord r = record(k20260301, "p.a", "eligible");
        r.client = "ers-referrals";
        log.append(r);
    }
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    auto rows = queryDecisions(reader, {});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].client == "ers-referrals");
    CHECK_FALSE(rows[1].client.has_value());
}

TEST_CASE("a log written with one salt refuses another") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    { DecisionLog log({db, "first", false}); }
    CHECK_THROWS_WITH_AS(DecisionLog({db, "second", false}), doctest::Contains("different salt"), cpe::sqlite::Error);
    CHECK_NOTHROW(DecisionLog({db, "first", false}));
}

TEST_CASE("a full queue refuses at once instead of waiting") {
    test::TempDir dir;
    DecisionLog log({dir.file("log.db"), "salt", false, 1});
    // The writer may take the first record at once; keep submitting until the
    // one-record queue is full, which must happen without blocking.
    int accepted = 0;
    bool refused = false;
    for (int i = 0; i < 100000 && !refused; ++i) {
        if (log.submit(record(k20260301 + i, "p.a", "eligible"), {})) ++accepted;
        else refused = true;
    }
    CHECK(refused);
    log.close();
    CHECK(log.written() == static_cast<std::uint64_t>(accepted));
}

TEST_CASE("the log created 0600, its WAL too") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    DecisionLog log({db, "salt", false});
    REQUIRE(log.append(record(k20260301, "p.a", "eligible")));
    for (const std::string& f : {db, db + "-wal", db + "-shm"}) {
        struct stat st {};
        REQUIRE(::stat(f.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
}

namespace {

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

// Submits one record and waits for its completion: 1 committed, 0 failed,
// -1 refused at once.
int submitAndWait(DecisionLog& log, DecisionRecord r) {
    std::promise<bool> done;
    auto result = done.get_future();
    if (!log.submit(std::move(r), [&done](bool ok) { done.set_value(ok); })) return -1;
    return result.get() ? 1 : 0;
}

DecisionLog::Options quickOptions(const std::string& db) {
    DecisionLog::Options o;
    o.path = db;
    o.salt = "salt";
    o.lockTimeout = std::chrono::milliseconds(200);
    o.retryInterval = std::chrono::milliseconds(50);
    return o;
}

}  // namespace

TEST_CASE("a lock held past the bound fails the commit, refuses meanwhile, and recovers by itself") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    DecisionLog log(quickOptions(db));
    CHECK(submitAndWait(log, record(k20260301, "p.a", "eligible")) == 1);
    {
        cpe::sqlite::Database other(db, cpe::sqlite::Database::Mode::ReadWriteCreate);
        other.exec("BEGIN EXCLUSIVE");
        CHECK(submitAndWait(log, record(k20260301 + 1, "p.a", "eligible")) == 0);
        CHECK_FALSE(log.ready());
        CHECK(log.problem().find("locked") != std::string::npos);
        CHECK(submitAndWait(log, record(k20260301 + 2, "p.a", "eligible")) == -1);
        other.exec("ROLLBACK");
    }
    REQUIRE(waitFor([&] { return log.ready(); }));
    CHECK(submitAndWait(log, record(k20260301 + 3, "p.a", "eligible")) == 1);
    log.close();
    CHECK(log.written() == 2);
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    CHECK(queryDecisions(reader, {}).size() == 2);
}

TEST_CASE("a deleted database file is a fault until a log is back at its path") {
    test::TempDir dir;
    const std::string db = dir.file("log.db");
    DecisionLog log(quickOptions(db));
    CHECK(submitAndWait(log, record(k20260301, "p.a", "eligible")) == 1);
    std::filesystem::remove(db);
    // Committed to the unlinked file: not recorded where anyone will look.
    CHECK(submitAndWait(log, record(k20260301 + 1, "p.a", "eligible")) == 0);
    CHECK_FALSE(log.ready());
    CHECK(log.problem().find("deleted") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK_FALSE(log.ready());  // the path stays empty: no silent new log
    CHECK(submitAndWait(log, record(k20260301 + 2, "p.a", "eligible")) == -1);
    // An operator puts a log (same salt) back at the path.
    { DecisionLog restored({db, "salt", false}); }
    REQUIRE(waitFor([&] { return log.ready(); }));
    CHECK(submitAndWait(log, record(k20260301 + 3, "p.a", "eligible")) == 1);
    log.close();
    cpe::sqlite::Database reader(db, cpe::sqlite::Database::Mode::ReadOnly);
    auto rows = queryDecisions(reader, {});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].decisionId == "id" + std::to_string(k20260301 + 3));
}
