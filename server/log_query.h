#pragma once
// Reading the decision log back for an audit (`cpe log`). Opens the database
// read-only, so it can run beside a live server.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Newest first.
std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter);
// Oldest day first.
std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter);
// The salt id the log was written with, or "" for an empty new log.
std::string logSaltId(sqlite::Database& db);

}  // namespace cpe::server
