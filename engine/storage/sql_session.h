#pragma once
// One SQL connection, to a SQLite file or a PostgreSQL database, for code
// that reads and writes either with the same statements: the decision log's
// reader (server/log_query) and the policy registry (engine/registry).
// Parameters are written $1, $2... (SQLite takes them as named parameters,
// numbered in order of first use, so write them in order); values come back
// as text, nullopt for NULL. Failures throw storage::Error naming the store.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/storage_error.h"

namespace cpe::sqlite {
class Database;
}

namespace cpe::storage {

enum class Dialect { Sqlite, Postgres };

// A schema written once for both stores, its tokens replaced for `dialect`:
// {key} a text column that orders or identifies (COLLATE "C" in PostgreSQL,
// so it sorts byte-wise as SQLite's does), {rowid} an integer primary key the
// database numbers, {seq} the same never reusing a number (SQLite
// AUTOINCREMENT; PostgreSQL identity columns never reuse one anyway).
std::string schemaFor(std::string schemaTemplate, Dialect dialect);

class SqlSession {
public:
    using Value = std::optional<std::string>;
    using Row = std::vector<Value>;
    virtual ~SqlSession() = default;

    virtual std::vector<Row> query(const std::string& sql, const std::vector<Value>& args = {}) = 0;
    // Statements without parameters or results (a schema, several at once).
    virtual void exec(const std::string& sql) = 0;
    // A transaction that writes: one writer at a time (SQLite BEGIN
    // IMMEDIATE; PostgreSQL BEGIN and an advisory lock named `lock`).
    virtual void beginWrite(const std::string& lock) = 0;
    virtual Dialect dialect() const = 0;
    // The store for messages (a PostgreSQL password left out).
    virtual const std::string& name() const = 0;
};

// A write transaction rolled back unless committed.
class WriteTransaction {
public:
    WriteTransaction(SqlSession& session, const std::string& lock) : session_(session) { session_.beginWrite(lock); }
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    void commit();

private:
    SqlSession& session_;
    bool done_ = false;
};

// The open SQLite database `db` (which must outlive the session).
std::unique_ptr<SqlSession> sqliteSession(sqlite::Database& db);
// A SQLite file, opened read-only or read-write (created when missing).
std::unique_ptr<SqlSession> sqliteFileSession(const std::string& path, bool write);
// A PostgreSQL connection (engine/storage/postgres.h); throws pg::Error.
std::unique_ptr<SqlSession> postgresSession(const std::string& target, const std::string& applicationName);

}  // namespace cpe::storage
