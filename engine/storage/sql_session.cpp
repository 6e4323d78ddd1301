#include "engine/storage/sql_session.h"

#include "engine/storage/postgres.h"
#include "engine/storage/sqlite.h"

namespace cpe::storage {

namespace {

class SqliteSession : public SqlSession {
public:
    explicit SqliteSession(sqlite::Database& db) : db_(db) {}
    std::vector<Row> query(const std::string& sql, const std::vector<Value>& args) override {
        sqlite::Statement stmt = db_.prepare(sql);
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i]) stmt.bind(static_cast<int>(i + 1), *args[i]);
            else stmt.bindNull(static_cast<int>(i + 1));
        }
        std::vector<Row> rows;
        while (stmt.step()) {
            Row row;
            for (int c = 0; c < stmt.columns(); ++c) row.push_back(stmt.optionalText(c));
            rows.push_back(std::move(row));
        }
        return rows;
    }
    void exec(const std::string& sql) override { db_.exec(sql); }
    void beginWrite(const std::string&) override { db_.exec("BEGIN IMMEDIATE"); }
    Dialect dialect() const override { return Dialect::Sqlite; }
    const std::string& name() const override { return db_.path(); }

private:
    sqlite::Database& db_;
};

// Owns the database it works on.
class SqliteFileSession : public SqliteSession {
public:
    explicit SqliteFileSession(std::unique_ptr<sqlite::Database> db) : SqliteSession(*db), db_(std::move(db)) {}

private:
    std::unique_ptr<sqlite::Database> db_;
};

class PostgresSession : public SqlSession {
public:
    PostgresSession(const std::string& target, const std::string& applicationName)
        : conn_(target, applicationName), name_(pg::redacted(target)) {
        // NOTICEs ("already exists, skipping") would go to stderr.
        conn_.exec("SET client_min_messages = warning");
    }
    std::vector<Row> query(const std::string& sql, const std::vector<Value>& args) override {
        pg::Result result = conn_.exec(sql, args);
        std::vector<Row> rows;
        for (int r = 0; r < result.rows(); ++r) {
            Row row;
            for (int c = 0; c < result.columns(); ++c) row.push_back(result.value(r, c));
            rows.push_back(std::move(row));
        }
        return rows;
    }
    void exec(const std::string& sql) override { conn_.exec(sql); }
    void beginWrite(const std::string& lock) override {
        conn_.exec("BEGIN");
        conn_.exec("SELECT pg_advisory_xact_lock(hashtext($1))", {lock});
    }
    Dialect dialect() const override { return Dialect::Postgres; }
    const std::string& name() const override { return name_; }

private:
    pg::Connection conn_;
    std::string name_;
};

}  // namespace

WriteTransaction::~WriteTransaction() {
    if (!done_) try {
            session_.exec("ROLLBACK");
        } catch (...) {
        }
}

void WriteTransaction::commit() {
    session_.exec("COMMIT");
    done_ = true;
}

std::unique_ptr<SqlSession> sqliteSession(sqlite::Database& db) { return std::make_unique<SqliteSession>(db); }

std::unique_ptr<SqlSession> sqliteFileSession(const std::string& path, bool write) {
    return std::make_unique<SqliteFileSession>(std::make_unique<sqlite::Database>(
        path, write ? sqlite::Database::Mode::ReadWriteCreate : sqlite::Database::Mode::ReadOnly));
}

std::unique_ptr<SqlSession> postgresSession(const std::string& target, const std::string& applicationName) {
    return std::make_unique<PostgresSession>(target, applicationName);
}

}  // namespace cpe::storage
