#include "server/postgres_log_store.h"

#include <stdexcept>

#include "engine/storage/postgres.h"

namespace cpe::server {

// Beyond the shared schema: where instance numbers come from.
const char* const kPostgresExtras = "CREATE SEQUENCE IF NOT EXISTS decision_log_instances;";

namespace {

const std::string kCopy =
    "COPY decisions (decision_id, time, as_of, policy, policy_version, outcome, route, reasons, facts_hash, facts, "
    "client) FROM STDIN";

// Any constant: instances starting together create the tables one at a time
// (CREATE ... IF NOT EXISTS is not safe against a concurrent one).
constexpr const char* kSetUpLock = "SELECT pg_advisory_xact_lock(7201911)";

void appendField(std::string& out, std::string_view value, char end) {
    pg::appendCopyText(out, value);
    out += end;
}

}  // namespace

PostgresLogStore::PostgresLogStore(LogStoreOptions options)
    : options_(std::move(options)), name_(pg::redacted(options_.target)), hash_(options_.salt) {
    connect();
    pg::Connection& c = *conn_;
    c.exec("BEGIN");
    c.exec(kSetUpLock);
    c.exec(decisionLogSchema(storage::Dialect::Postgres) + kPostgresExtras);
    const std::string id = saltId(options_.salt);
    pg::Result stored = c.exec("SELECT value FROM meta WHERE key = 'salt_id'");
    std::optional<std::string> storedId = stored.rows() ? stored.value(0, 0) : std::nullopt;
    if (std::string why = saltMismatch(storedId, id); !why.empty()) {
        c.exec("ROLLBACK");
        throw std::runtime_error(name_ + ": " + why);
    }
    if (!storedId) c.exec("INSERT INTO meta (key, value) VALUES ('salt_id', $1)", {id});
    pg::Result next = c.exec("SELECT nextval('decision_log_instances')");
    instance_ = static_cast<std::uint32_t>(std::stoll(next.value(0, 0).value_or("0")));
    c.exec("COMMIT");
}

PostgresLogStore::~PostgresLogStore() = default;

void PostgresLogStore::connect() {
    conn_.reset();
    auto c = std::make_unique<pg::Connection>(options_.target, "cpe serve");
    // The lock bound, enforced by the server too: a COPY waiting on another
    // session's lock (or running long) is cancelled there, and its rows are
    // not committed.
    const std::string ms = std::to_string(options_.lockTimeout.count());
    c->exec("SET statement_timeout = " + ms + "; SET lock_timeout = " + ms);
    // PostgreSQL's default already flushes the WAL at each commit; the
    // setting makes sure of it whatever the server's configuration says.
    if (options_.durability == Durability::PowerLoss) c->exec("SET synchronous_commit = on");
    conn_ = std::move(c);
}

std::chrono::steady_clock::time_point PostgresLogStore::deadline() const {
    // A little beyond the server's own bound, so that its clearer message
    // usually arrives first; past it the server is not answering at all.
    return std::chrono::steady_clock::now() + options_.lockTimeout + std::chrono::milliseconds(250);
}

void PostgresLogStore::commit(std::span<const DecisionRecord> batch) {
    if (!conn_) connect();
    rows_.clear();
    for (const DecisionRecord& r : batch) {
        appendField(rows_, r.decisionId, '\t');
        appendField(rows_, formatLogTime(r.timeMs), '\t');
        appendField(rows_, r.asOf, '\t');
        appendField(rows_, r.policy, '\t');
        appendField(rows_, r.policyVersion, '\t');
        appendField(rows_, r.outcome, '\t');
        appendField(rows_, r.route, '\t');
        appendField(rows_, r.reasons, '\t');
        appendField(rows_, hash_(r.facts), '\t');
        if (options_.keepFacts) appendField(rows_, r.facts, '\t');
        else rows_ += "\\N\t";
        if (r.client.empty()) rows_ += "\\N\n";
        else appendField(rows_, r.client, '\n');
    }
    try {
        conn_->copyIn(kCopy, rows_, deadline());
    } catch (...) {
        // Whatever went wrong, the next attempt starts on a fresh connection
        // (a timed-out or dropped one is not usable again).
        conn_.reset();
        throw;
    }
}

void PostgresLogStore::probe() {
    if (!conn_) connect();
    try {
        conn_->execBounded(
            "INSERT INTO meta (key, value) VALUES ('write_check', now()::text) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            deadline());
    } catch (...) {
        conn_.reset();
        throw;
    }
}

}  // namespace cpe::server
