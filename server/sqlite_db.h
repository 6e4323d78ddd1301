#pragma once
// A thin RAII layer over the SQLite C API: just enough for the decision log
// and `cpe log`. Errors throw SqliteError with SQLite's own message.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace cpe::server {

struct SqliteError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Stmt {
public:
    Stmt(sqlite3* db, std::string_view sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int index, std::string_view text);
    Stmt& bind(int index, std::int64_t value);
    Stmt& bindNull(int index);
    // True while there is a row to read; false when done.
    bool step();
    void reset();  // ready for new bindings

    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::int64_t integer(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class Db {
public:
    enum class Mode { ReadWriteCreate, ReadOnly };
    Db(const std::string& path, Mode mode);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void exec(std::string_view sql);
    Stmt prepare(std::string_view sql) { return Stmt(db_, sql); }
    sqlite3* handle() { return db_; }

private:
    sqlite3* db_ = nullptr;
};

}  // namespace cpe::server
