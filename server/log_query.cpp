#include "server/log_query.h"

#include <fstream>
#include <stdexcept>

#include "engine/storage/postgres.h"

namespace cpe::server {

namespace {

// A log written before named clients has no client column (the PostgreSQL
// schema has had it from the start).
bool hasClientColumn(storage::SqlSession& log) {
    if (log.dialect() == storage::Dialect::Postgres) return true;
    return !log.query("SELECT 1 FROM pragma_table_info('decisions') WHERE name = 'client'").empty();
}

struct Where {
    std::string sql;
    std::vector<storage::SqlSession::Value> args;
};

// A log written before named clients has no client column; it reads as NULL.
Where buildWhere(const LogFilter& f, bool hasClient) {
    Where w;
    auto add = [&w](const char* column, const char* op, const std::string& value) {
        w.sql += w.sql.empty() ? " WHERE " : " AND ";
        w.sql += std::string(column) + " " + op + " $" + std::to_string(w.args.size() + 1);
        w.args.push_back(value);
    };
    if (f.policy) add("policy", "=", *f.policy);
    if (f.outcome) add("outcome", "=", *f.outcome);
    if (f.from) add("time", ">=", *f.from);
    // Every time on day D starts "D" + "T..."; 'T' < 'U', so "time < D || 'U'"
    // takes the whole of day D and stays an index range scan.
    if (f.to) add("time", "<", *f.to + "U");
    if (f.factsHash) add("facts_hash", "=", *f.factsHash);
    if (f.client) add(hasClient ? "client" : "NULL", "=", *f.client);
    return w;
}

std::int64_t number(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

}  // namespace

std::unique_ptr<storage::SqlSession> openLogSource(const std::string& target) {
    if (pg::isConnectionString(target)) {
        auto log = storage::postgresSession(target, "cpe log");
        if (log->query("SELECT to_regclass('decisions') IS NOT NULL")[0][0] != "t")
            throw std::runtime_error("no decision log at " + log->name());
        return log;
    }
    if (!std::ifstream(target)) throw std::runtime_error("no decision log at " + target);
    return storage::sqliteFileSession(target, false);
}

std::vector<LogRow> queryDecisions(storage::SqlSession& log, const LogFilter& filter) {
    const bool hasClient = hasClientColumn(log);
    Where w = buildWhere(filter, hasClient);
    std::string sql =
        std::string("SELECT id, decision_id, time, as_of, policy, policy_version, outcome, route, reasons, facts_hash, facts, ") +
        (hasClient ? "client" : "NULL") + " FROM decisions" + w.sql + " ORDER BY time DESC, id DESC";
    if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
    std::vector<LogRow> rows;
    for (storage::SqlSession::Row& v : log.query(sql, w.args)) {
        LogRow r;
        r.id = number(v[0]);
        r.decisionId = v[1].value_or("");
        r.time = v[2].value_or("");
        r.asOf = v[3].value_or("");
        r.policy = v[4].value_or("");
        r.policyVersion = v[5].value_or("");
        r.outcome = v[6].value_or("");
        r.route = v[7].value_or("");
        r.reasons = v[8].value_or("");
        r.factsHash = v[9].value_or("");
        r.facts = std::move(v[10]);
        r.client = std::move(v[11]);
        rows.push_back(std::move(r));
    }
    return rows;
}

std::vector<DayCount> countPerDay(storage::SqlSession& log, const LogFilter& filter) {
    Where w = buildWhere(filter, hasClientColumn(log));
    // CASE rather than summing comparisons: PostgreSQL does not add booleans.
    std::string sql =
        "SELECT substr(time, 1, 10) AS day, count(*), "
        "sum(CASE WHEN outcome = 'eligible' THEN 1 ELSE 0 END), sum(CASE WHEN outcome = 'not_eligible' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN outcome = 'review' THEN 1 ELSE 0 END), sum(CASE WHEN outcome = 'undetermined' THEN 1 ELSE 0 END) "
        "FROM decisions" +
        w.sql + " GROUP BY day ORDER BY day";
    std::vector<DayCount> days;
    for (const storage::SqlSession::Row& v : log.query(sql, w.args)) {
        DayCount d;
        d.day = v[0].value_or("");
        d.total = static_cast<std::uint64_t>(number(v[1]));
        d.eligible = static_cast<std::uint64_t>(number(v[2]));
        d.notEligible = static_cast<std::uint64_t>(number(v[3]));
        d.review = static_cast<std::uint64_t>(number(v[4]));
        d.undetermined = static_cast<std::uint64_t>(number(v[5]));
        days.push_back(std::move(d));
    }
    return days;
}

std::string logSaltId(storage::SqlSession& log) {
    auto rows = log.query("SELECT value FROM meta WHERE key = 'salt_id'", {});
    return rows.empty() ? std::string() : rows[0][0].value_or("");
}

std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter) {
    return queryDecisions(*storage::sqliteSession(db), filter);
}

std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter) {
    return countPerDay(*storage::sqliteSession(db), filter);
}

std::string logSaltId(sqlite::Database& db) { return logSaltId(*storage::sqliteSession(db)); }

}  // namespace cpe::server
