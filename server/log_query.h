#pragma once
// Reading the decision log back for an audit (`cpe log`), from either store:
// a SQLite file (opened read-only, so it can run beside a live server) or
// PostgreSQL. The queries are the same SQL for both, run through
// engine/storage/sql_session.h.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/sql_session.h"
#include "engine/storage/sqlite.h"

namespace cpe::server {

struct LogFilter {
    std::optional<std::string> policy, outcome;
    std::optional<std::string> from, to;  // YYYY-MM-DD, inclusive, on the UTC day of `time`
    std::optional<std::string> factsHash;
    std::optional<std::string> client;  // the named client that asked
    std::int64_t limit = 0;             // 0: no limit
};

struct LogRow {
    std::int64_t id = 0;
    std::string decisionId, time, asOf, policy, policyVersion, outcome, route, reasons, factsHash;
    std::optional<std::string> facts;
    std::optional<std::string> client;  // NULL: no --token-file, or written before named clients
};

struct DayCount {
    std::string day;
    std::uint64_t total = 0;
    std::uint64_t eligible = 0, notEligible = 0, review = 0, undetermined = 0;
};

// `target` read-only: a PostgreSQL connection string, else a SQLite file.
// Throws with "no decision log" when there is none there.
std::unique_ptr<storage::SqlSession> openLogSource(const std::string& target);

// Newest first.
std::vector<LogRow> queryDecisions(storage::SqlSession& log, const LogFilter& filter);
// Oldest day first.
std::vector<DayCount> countPerDay(storage::SqlSession& log, const LogFilter& filter);
// The salt id the log was written with, or "" for an empty new log.
std::string logSaltId(storage::SqlSession& log);

// The same on a SQLite log already open.
std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter);
std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter);
std::string logSaltId(sqlite::Database& db);

}  // namespace cpe::server
