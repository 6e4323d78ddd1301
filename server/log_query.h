#pragma once
// Reading the decision log back for an audit (`cpe log`), from either store:
// a SQLite file (opened read-only, so it can run beside a live server) or
// PostgreSQL. The queries are the same SQL for both ($1.. parameters, which
// SQLite takes as named ones in order); a LogSource runs them.
#include <cstdint>
#include <memory>
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

// A decision log opened for reading.
class LogSource {
public:
    using Row = std::vector<std::optional<std::string>>;
    virtual ~LogSource() = default;
    // The rows of `sql` as text (nullopt: NULL), its $1.. bound to `args`.
    virtual std::vector<Row> query(const std::string& sql, const std::vector<std::string>& args) = 0;
    // Logs from before named clients have no client column.
    virtual bool hasClientColumn() = 0;
};

// The SQLite log `db` (which must outlive the source).
std::unique_ptr<LogSource> sqliteLogSource(sqlite::Database& db);
// `target` read-only: a PostgreSQL connection string, else a SQLite file.
// Throws with "no decision log" when there is none there.
std::unique_ptr<LogSource> openLogSource(const std::string& target);

// Newest first.
std::vector<LogRow> queryDecisions(LogSource& log, const LogFilter& filter);
// Oldest day first.
std::vector<DayCount> countPerDay(LogSource& log, const LogFilter& filter);
// The salt id the log was written with, or "" for an empty new log.
std::string logSaltId(LogSource& log);

// The same on a SQLite log already open.
std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter);
std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter);
std::string logSaltId(sqlite::Database& db);

}  // namespace cpe::server
