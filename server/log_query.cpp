#include "server/log_query.h"

#include "server/decision_log.h"

namespace cpe::server {

namespace {

struct Where {
    std::string sql;
    std::vector<std::string> args;
};

// A log written before named clients has no client column; it reads as NULL.
Where buildWhere(const LogFilter& f, bool hasClient) {
    Where w;
    auto add = [&w](const char* clause, const std::string& value) {
        w.sql += w.sql.empty() ? " WHERE " : " AND ";
        w.sql += clause;
        w.args.push_back(value);
    };
    if (f.policy) add("policy = ?", *f.policy);
    if (f.outcome) add("outcome = ?", *f.outcome);
    if (f.from) add("time >= ?", *f.from);
    // Every time on day D starts "D" + "T..."; 'T' < 'U', so "time < D || 'U'"
    // takes the whole of day D and stays an index range scan.
    if (f.to) add("time < ?", *f.to + "U");
    if (f.factsHash) add("facts_hash = ?", *f.factsHash);
    if (f.client) add(hasClient ? "client = ?" : "NULL = ?", *f.client);
    return w;
}

void bindAll(sqlite::Statement& stmt, const Where& w) {
    for (std::size_t i = 0; i < w.args.size(); ++i) stmt.bind(static_cast<int>(i + 1), w.args[i]);
}

}  // namespace

std::vector<LogRow> queryDecisions(sqlite::Database& db, const LogFilter& filter) {
    const bool hasClient = hasDecisionColumn(db, "client");
    Where w = buildWhere(filter, hasClient);
    std::string sql =
        std::string("SELECT id, decision_id, time, as_of, policy, policy_version, outcome, route, reasons, facts_hash, facts, ") +
        (hasClient ? "client" : "NULL") + " FROM decisions" + w.sql + " ORDER BY time DESC, id DESC";
    if (filter.limit > 0) sql += " LIMIT " + std::to_string(filter.limit);
    sqlite::Statement stmt = db.prepare(sql);
    bindAll(stmt, w);
    std::vector<LogRow> rows;
    while (stmt.step()) {
        LogRow r;
        r.id = stmt.integer(0);
        r.decisionId = stmt.text(1);
        r.time = stmt.text(2);
        r.asOf = stmt.text(3);
        r.policy = stmt.text(4);
        r.policyVersion = stmt.text(5);
        r.outcome = stmt.text(6);
        r.route = stmt.text(7);
        r.reasons = stmt.text(8);
        r.factsHash = stmt.text(9);
        r.facts = stmt.optionalText(10);
        r.client = stmt.optionalText(11);
        rows.push_back(std::move(r));
    }
    return rows;
}

std::vector<DayCount> countPerDay(sqlite::Database& db, const LogFilter& filter) {
    Where w = buildWhere(filter, hasDecisionColumn(db, "client"));
    std::string sql =
        "SELECT substr(time, 1, 10) AS day, count(*), "
        "sum(outcome = 'eligible'), sum(outcome = 'not_eligible'), sum(outcome = 'review'), "
        "sum(outcome = 'undetermined') FROM decisions" +
        w.sql + " GROUP BY day ORDER BY day";
    sqlite::Statement stmt = db.prepare(sql);
    bindAll(stmt, w);
    std::vector<DayCount> days;
    while (stmt.step()) {
        DayCount d;
        d.day = stmt.text(0);
        d.total = static_cast<std::uint64_t>(stmt.integer(1));
        d.eligible = static_cast<std::uint64_t>(stmt.integer(2));
        d.notEligible = static_cast<std::uint64_t>(stmt.integer(3));
        d.review = static_cast<std::uint64_t>(stmt.integer(4));
        d.undetermined = static_cast<std::uint64_t>(stmt.integer(5));
        days.push_back(std::move(d));
    }
    return days;
}

std::string logSaltId(sqlite::Database& db) {
    sqlite::Statement stmt = db.prepare("SELECT value FROM meta WHERE key = 'salt_id'");
    return stmt.step() ? stmt.text(0) : std::string();
}

}  // namespace cpe::server
