#pragma once
// Just enough of the SQLite C API for the policy registry. Every failure
// throws RegistryError with the database file's name and SQLite's message, so
// the command line can print it as is. (The server keeps its own wrapper for
// the decision log; the engine cannot depend on the server.)
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace cpe::registry {

struct RegistryError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Statement {
public:
    Statement(sqlite3* db, const std::string& path, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bindOptional(int index, const std::string& textOrEmpty);  // "" binds NULL
    bool step();  // true while a row is ready
    void reset();

    std::string text(int column) const;  // "" for NULL
    std::int64_t integer(int column) const;

private:
    [[noreturn]] void fail(const char* what) const;
    sqlite3* db_;
    const std::string& path_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Database {
public:
    // `create`: make the file when missing; otherwise a missing file is an error.
    Database(std::string path, bool create);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) { return Statement(db_, path_, sql); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// Commits on commit(), rolls back when destroyed without it (an exception
// part-way through a publish leaves the registry as it was).
class Transaction {
public:
    explicit Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (!done_) try {
                db_.exec("ROLLBACK");
            } catch (...) {
            }
    }
    void commit() {
        db_.exec("COMMIT");
        done_ = true;
    }

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace cpe::registry
