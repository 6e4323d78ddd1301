#include "server/log_query.h"

#include <fstream>
#include <stdexcept>

#include "engine/storage/postgres.h"
#include "server/sqlite_log_store.h"

namespace cpe::server {

namespace {

class SqliteSource : public LogSource {
public:
    explicit SqliteSource(sqlite::Database& db) : db_(db) {}
    std::vector<Row> query(const std::string& sql, const std::vector<std::string>& args) override {
        sqlite::Statement stmt = db_.prepare(sql);
        for (std::size_t i = 0; i < args.size(); ++i) stmt.bind(static_cast<int>(i + 1), args[i]);
        std::vector<Row> rows;
        while (stmt.step()) {
            Row row;
            for (int c = 0; c < stmt.columns(); ++c) row.push_back(stmt.optionalText(c));
            rows.push_back(std::move(row));
        }
        return rows;
    }
    bool hasClientColumn() override { return hasDecisionColumn(db_, "client"); }

private:
    sqlite::Database& db_;
};

// Owns the database it reads.
class SqliteFileSource : public SqliteSource {
public:
    explicit SqliteFileSource(std::unique_ptr<sqlite::Database> db) : SqliteSource(*db), db_(std::move(db)) {}

private:
    std::unique_ptr<sqlite::Database> db_;
};

class PostgresSource : public LogSource {
public:
    explicit PostgresSource(const std::string& target) : conn_(target, "cpe log") {
        pg::Result table = conn_.exec("SELECT to_regclass('decisions') IS NOT NULL");
        if (table.value(0, 0) != "t") throw std::runtime_error("no decision log at " + pg::redacted(target));
    }
    std::vector<Row> query(const std::string& sql, const std::vector<std::string>& args) override {
        std::vector<std::optional<std::string>> params(args.begin(), args.end());
        pg::Result result = conn_.exec(sql, params);
        std::vector<Row> rows;
        for (int r = 0; r < result.rows(); ++r) {
            Row row;
            for (int c = 0; c < result.columns(); ++c) row.push_back(result.value(r, c));
            rows.push_back(std::move(row));
        }
        return rows;
    }
    // The PostgreSQL schema has had the column from the start.
    bool hasClientColumn() override { return true; }

private:
    pg::Connection conn_;
};

struct Where {
    std::string sql;
    std::vector<std::string> args;
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

std::unique_ptr<LogSource> sqliteLogSource(sqlite::Database& db) { return std::make_unique<SqliteSource>(db); }

std::unique_ptr<LogSource> openLogSource(const std::string& target) {
    if (pg::isConnectionString(target)) return std::make_unique<PostgresSource>(target);
    if (!std::ifstream(target)) throw std::runtime_error("no decision log at " + target);
    return std::make_unique<SqliteFileSource>(std::make_unique<sqlite::Database>(target, sqlite::Database::Mode::ReadOnly));
}

std::vector<LogRow> queryDecisions(LogSource& log, const LogFilter& filter) {
    const bool hasClient = log.hasClientColumn();
    Where w = buildWhere(filter, hasClient);
    std::string sql =
        std::string("SELECT id, decision_id, time, as_of, policy, policy_version, outcome, route, reasons, facts_hash, facts, ") +
        (hasClient ? "client" : "NULL") + " FROM decisions" + w.sql + " ORDER BY time DESC, id DESC";
    if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
    std::vector<LogRow> rows;
    for (LogSource::Row& v : log.query(sql, w.args)) {
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

std::vector<DayCount> countPerDay(LogSource& log, const LogFilter& filter) {
    Where w = buildWhere(filter, log.hasClientColumn());
    // CASE rather than summing comparisons: PostgreSQL does not add booleans.
    std::string sql =
        "SELECT substr(time, 1, 10) AS day, count(*), "
        "sum(CASE WHEN outcome = 'eligible' THEN 1 ELSE 0 END), sum(CASE WHEN outcome = 'not_eligible' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN outcome = 'review' THEN 1 ELSE 0 END), sum(CASE WHEN outcome = 'undetermined' THEN 1 ELSE 0 END) "
        "FROM decisions" +
        w.sql + " GROUP BY day ORDER BY day";
    std::vector<DayCount> days;
    for (const LogSource::Row& v : log.query(sql, w.args)) {
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

std::string logSaltId(LogSource& log) {
    auto rows = log.query("SELECT value FROM meta WHERE key = 'salt_id'", {});
    return rows.empty() ? std::string() : rows[0][0].value_or("");
}

std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter) {
    SqliteSource source(db);
    return queryDecisions(source, filter);
}

std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter) {
    SqliteSource source(db);
    return countPerDay(source, filter);
}

std::string logSaltId(sqlite::Database& db) {
    SqliteSource source(db);
    return logSaltId(source);
}

}  // namespace cpe::server
