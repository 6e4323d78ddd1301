#include "engine/storage/postgres.h"

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

namespace cpe::pg {

namespace {

// libpq's messages end in a newline and may hold several lines: one line,
// for the server's log and the 503's message.
std::string trimmed(const char* message) {
    std::string s;
    for (const char* p = message ? message : ""; *p; ++p) {
        const bool space = *p == '\n' || *p == '\t' || *p == ' ';
        if (space && (s.empty() || s.back() == ' ')) continue;
        s += space ? ' ' : *p;
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

bool isConnectionString(std::string_view target) {
    if (startsWith(target, "postgresql://") || startsWith(target, "postgres://")) return true;
    // key=value pairs: one of libpq's common keywords and '=', at the start
    // or after a space. A file name may hold '=', but hardly "host=" or
    // "dbname=" as a word of its own.
    for (std::string_view key : {"host=", "hostaddr=", "dbname=", "user=", "port=", "service="}) {
        std::size_t at = target.find(key);
        if (at != std::string_view::npos && (at == 0 || std::isspace(static_cast<unsigned char>(target[at - 1])))) return true;
    }
    return false;
}

std::string redacted(std::string_view target) {
    std::string out(target);
    if (startsWith(out, "postgresql://") || startsWith(out, "postgres://")) {
        const std::size_t authority = out.find("//") + 2;
        const std::size_t at = out.find('@', authority);
        const std::size_t end = out.find_first_of("/?", authority);
        if (at != std::string::npos && (end == std::string::npos || at < end)) {
            const std::size_t colon = out.find(':', authority);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    for (std::size_t at = out.find("password="); at != std::string::npos; at = out.find("password=", at + 1)) {
        const std::size_t value = at + 9;
        std::size_t end = value;
        if (end < out.size() && out[end] == '\'') {
            end = out.find('\'', end + 1);
            end = end == std::string::npos ? out.size() : end + 1;
        } else {
            while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end])) && out[end] != '&') ++end;
        }
        out.replace(value, end - value, "***");
    }
    return out;
}

void appendCopyText(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            default: out += c;
        }
    }
}

Result::~Result() {
    if (result_) libpq().clear(result_);
}

int Result::rows() const { return libpq().ntuples(result_); }

int Result::columns() const { return libpq().nfields(result_); }

std::optional<std::string> Result::value(int row, int column) const {
    const LibpqApi& pq = libpq();
    if (pq.getisnull(result_, row, column)) return std::nullopt;
    return std::string(pq.getvalue(result_, row, column));
}

Connection::Connection(const std::string& target, std::string_view applicationName) : pq_(libpq()) {
    // Earlier keywords are defaults: the expanded `dbname` (the whole
    // connection string) overrides them where it says otherwise.
    const std::string name(applicationName);
    const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    const char* values[] = {"2", name.c_str(), target.c_str(), nullptr};
    conn_ = pq_.connectdbParams(keys, values, 1);
    if (!conn_ || pq_.status(conn_) != CONNECTION_OK) {
        std::string why = conn_ ? trimmed(pq_.errorMessage(conn_)) : "out of memory";
        if (conn_) pq_.finish(conn_);
        conn_ = nullptr;
        throw Error("cannot connect to PostgreSQL at " + redacted(target) + ": " + why);
    }
    // NOTICEs ("already exists, skipping") would go to stderr.
    exec("SET client_min_messages = warning");
    // Blocking PQexec ignores this; the bounded calls need it so that a
    // full socket buffer (a server that stopped reading) cannot block them.
    pq_.setnonblocking(conn_, 1);
}

Connection::~Connection() {
    if (conn_) pq_.finish(conn_);
}

void Connection::fail(const std::string& what, PGresult* result) {
    std::string message = trimmed(result ? pq_.resultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
    if (message.empty()) message = trimmed(pq_.errorMessage(conn_));
    if (result) pq_.clear(result);
    if (pq_.status(conn_) != CONNECTION_OK) broken_ = true;
    throw Error("PostgreSQL: " + what + ": " + message);
}

Result Connection::exec(const std::string& sql) {
    PGresult* r = pq_.exec(conn_, sql.c_str());
    ExecStatusType status = pq_.resultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
    return Result(r);
}

Result Connection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r =
        pq_.execParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    ExecStatusType status = pq_.resultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
    return Result(r);
}

void Connection::waitSocket(short events, Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd fd{pq_.socket(conn_), events, 0};
    int ready = left.count() > 0 ? ::poll(&fd, 1, static_cast<int>(left.count())) : 0;
    if (ready == 0) {
        broken_ = true;
        throw Error("PostgreSQL: no answer from the server in time (the commit took longer than the lock bound)");
    }
    if (ready < 0 && errno != EINTR) {
        broken_ = true;
        throw Error("PostgreSQL: waiting for the server failed");
    }
}

void Connection::flush(Deadline deadline) {
    for (;;) {
        int left = pq_.flush(conn_);
        if (left == 0) return;
        if (left < 0) fail("sending");
        waitSocket(POLLOUT | POLLIN, deadline);
        // Read what the server sent meanwhile, so that it is not blocked
        // writing to us while we write to it.
        if (!pq_.consumeInput(conn_)) fail("reading");
    }
}

void Connection::awaitResult(Deadline deadline) {
    flush(deadline);
    while (pq_.isBusy(conn_)) {
        waitSocket(POLLIN, deadline);
        if (!pq_.consumeInput(conn_)) fail("reading");
    }
}

void Connection::finishCall(const std::string& what, Deadline deadline) {
    std::optional<std::string> error;
    for (;;) {
        awaitResult(deadline);
        PGresult* r = pq_.getResult(conn_);
        if (!r) break;
        ExecStatusType status = pq_.resultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !error) {
            std::string message = trimmed(pq_.resultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
            error = message.empty() ? trimmed(pq_.errorMessage(conn_)) : message;
        }
        pq_.clear(r);
    }
    if (pq_.status(conn_) != CONNECTION_OK) broken_ = true;
    if (error) throw Error("PostgreSQL: " + what + ": " + *error);
}

void Connection::execBounded(const std::string& sql, Deadline deadline) {
    if (!pq_.sendQuery(conn_, sql.c_str())) fail("sending");
    finishCall(sql.substr(0, 60), deadline);
}

void Connection::copyIn(const std::string& copySql, std::string_view data, Deadline deadline) {
    if (!pq_.sendQuery(conn_, copySql.c_str())) fail("sending the COPY");
    awaitResult(deadline);
    PGresult* start = pq_.getResult(conn_);
    if (pq_.resultStatus(start) != PGRES_COPY_IN) {
        std::string why = trimmed(start ? pq_.resultErrorField(start, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
        if (why.empty()) why = trimmed(pq_.errorMessage(conn_));
        pq_.clear(start);
        try {
            finishCall("COPY", deadline);  // drains what else the call returned
        } catch (const Error&) {
        }
        throw Error("PostgreSQL: COPY: " + why);
    }
    pq_.clear(start);
    // In chunks: in non-blocking mode libpq takes what its buffer holds and
    // says 0 (try again) beyond, which flushing makes room for.
    constexpr std::size_t kChunk = 256 * 1024;
    for (std::size_t at = 0; at < data.size();) {
        const std::size_t n = std::min(kChunk, data.size() - at);
        int put = pq_.putCopyData(conn_, data.data() + at, static_cast<int>(n));
        if (put < 0) fail("sending the rows");
        if (put == 0) {
            flush(deadline);
            continue;
        }
        at += n;
    }
    for (;;) {
        int end = pq_.putCopyEnd(conn_, nullptr);
        if (end < 0) fail("ending the COPY");
        if (end == 1) break;
        flush(deadline);
    }
    finishCall("COPY", deadline);
}

}  // namespace cpe::pg
