#pragma once
// Just enough of the SQLite C API for the policy registry (engine/registry)
// and the server's decision log (server/decision_log): RAII handles, and every
// failure thrown as sqlite::Error naming the database file and SQLite's message,
// so a command can print it as it is.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/storage/storage_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cpe::sqlite {

struct Error : storage::Error {
    using storage::Error::Error;
};

class Statement {
public:
    // `path` names the database in messages; it must outlive the statement.
    Statement(sqlite3* db, const std::string& path, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);  // SQLite keeps a copy
    // Binds `text` itself, not a copy: it must stay alive and unchanged until
    // the statement is reset. For rows written in bulk, where the copy (a
    // malloc, a memcpy and a free per value) is a large share of an insert.
    Statement& bindWithoutCopy(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bindNull(int index);
    Statement& bindOptional(int index, const std::string& textOrEmpty);  // "" binds NULL
    bool step();                                                         // true while a row is ready, false when done
    void reset();                                                        // ready for new bindings

    std::string text(int column) const;  // "" for NULL
    std::optional<std::string> optionalText(int column) const;
    std::int64_t integer(int column) const;
    int columns() const;  // in each row of the result

private:
    [[noreturn]] void fail(const char* what) const;
    sqlite3* db_;
    const std::string& path_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
public:
    enum class Mode { ReadWriteCreate, ReadOnly };
    // Each Database is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
    Database(std::string path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) { return Statement(db_, path_, sql); }
    const std::string& path() const { return path_; }
    sqlite3* handle() { return db_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// Commits on commit(), rolls back when destroyed without it (an exception
// part-way through leaves the database as it was).
class Transaction {
public:
    explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (!done_) try {
                db_.exec("ROLLBACK");
            } catch (...) {
            }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace cpe::sqlite
