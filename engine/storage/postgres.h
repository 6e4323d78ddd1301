#pragma once
// Just enough of libpq (libpq_api.h) for the decision log on PostgreSQL
// (server/postgres_log_store, server/log_query): a connection, results as
// text, COPY ... FROM STDIN, and calls bounded by a deadline so that a
// server that stops answering (stopped, frozen, a lock held) is a fault the
// caller hears about in time rather than a thread stuck in a read. Every
// failure is a pg::Error with the server's message.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/libpq_api.h"

namespace cpe::pg {

// A PostgreSQL connection string, as `--db` takes one: a URI
// (postgresql://... or postgres://...) or a libpq key=value string
// ("host=/run/postgresql dbname=cpe"). Anything else is a file name.
bool isConnectionString(std::string_view target);
// `target` with its password (URI user:password@, or password=...) replaced
// by "***", for messages and the server's log.
std::string redacted(std::string_view target);

// Appends `value` as one field of COPY's text format (backslash, tab,
// newline and carriage return escaped); a NULL is written \N by the caller.
void appendCopyText(std::string& out, std::string_view value);

class Result {
public:
    explicit Result(PGresult* result) : result_(result) {}
    ~Result();
    Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
    Result& operator=(Result&&) = delete;
    Result(const Result&) = delete;

    int rows() const;
    int columns() const;
    // The value as text, nullopt for NULL.
    std::optional<std::string> value(int row, int column) const;

private:
    PGresult* result_;
};

class Connection {
public:
    // Connects (at most connect_timeout seconds, 2 unless `target` says);
    // throws pg::Error with libpq's reason.
    explicit Connection(const std::string& target, std::string_view applicationName);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // One or more statements without parameters, waiting as long as it takes.
    Result exec(const std::string& sql);
    // One statement, its $1.. parameters as text (nullopt: NULL).
    Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);

    // Bounded calls: past `deadline` the call throws and the connection is
    // not to be used again (broken()).
    using Deadline = std::chrono::steady_clock::time_point;
    void execBounded(const std::string& sql, Deadline deadline);
    // `copySql` is COPY ... FROM STDIN; `data` its rows in COPY's text format.
    // Outside a transaction the COPY is one: all of `data` or none of it.
    void copyIn(const std::string& copySql, std::string_view data, Deadline deadline);

    bool broken() const { return broken_; }

private:
    [[noreturn]] void fail(const std::string& what, PGresult* result = nullptr);
    void flush(Deadline deadline);
    void awaitResult(Deadline deadline);
    void waitSocket(short events, Deadline deadline);
    // Reads every result of the call just made; throws on the first error.
    void finishCall(const std::string& what, Deadline deadline);

    const LibpqApi& pq_;
    PGconn* conn_ = nullptr;
    bool broken_ = false;
};

}  // namespace cpe::pg
