#include "audit/read/postgres_source.h"

#include "audit/activity_audit.h"
#include "engine/storage/libpq_api.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace cpe::audit {
namespace {

using pg::LibpqApi;

// The shared loader (engine/storage), its failure told as the audit's own.
const LibpqApi& libpq() {
    try {
        return pg::libpq();
    } catch (const pg::Error& e) {
        throw AuditError(e.what());
    }
}

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// "ERROR:  column "x" does not exist" → the text and, when the server points
// into the query, the 1-based character position in the query the user wrote
// (the COPY wrapper's prefix taken off).
std::string queryError(const PGresult* result, PGconn* conn, size_t prefix) {
    const LibpqApi& pq = libpq();
    std::string message = trimmed(result ? pq.resultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr);
    if (message.empty()) message = trimmed(pq.errorMessage(conn));
    std::string where;
    if (const char* pos = result ? pq.resultErrorField(result, PG_DIAG_STATEMENT_POSITION) : nullptr) {
        long p = std::strtol(pos, nullptr, 10) - static_cast<long>(prefix);
        if (p >= 1) where = " at character " + std::to_string(p) + " of --query";
    }
    return "database query" + where + ": " + message;
}

class PostgresCopySource : public ByteSource {
public:
    PostgresCopySource(const std::string& connection, const std::string& query) {
        conn_ = pq_.connectdb(connection.c_str());
        if (pq_.status(conn_) != CONNECTION_OK) {
            std::string why = trimmed(pq_.errorMessage(conn_));
            pq_.finish(conn_);
            throw AuditError("database: cannot connect: " + why);
        }
        // Dates as YYYY-MM-DD whatever the server's default, as the layout needs.
        PGresult* set = pq_.exec(conn_, "SET DateStyle = 'ISO, YMD'");
        pq_.clear(set);
        // A query as written for psql may end with a semicolon, which COPY's
        // parentheses cannot hold.
        std::string body = query;
        while (!body.empty() && (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back())))) body.pop_back();
        const std::string prefix = "COPY (";
        std::string copy = prefix + body + "\n) TO STDOUT WITH (FORMAT csv, HEADER)";
        PGresult* r = pq_.exec(conn_, copy.c_str());
        if (pq_.resultStatus(r) != PGRES_COPY_OUT) {
            std::string why = queryError(r, conn_, prefix.size());
            pq_.clear(r);
            pq_.finish(conn_);
            throw AuditError(why);
        }
        pq_.clear(r);
    }
    ~PostgresCopySource() override {
        if (row_) pq_.freemem(row_);
        pq_.finish(conn_);
    }

    size_t read(char* buffer, size_t n) override {
        size_t done = 0;
        while (done < n) {
            if (offset_ == length_) {
                if (!nextRow()) break;
                continue;
            }
            size_t take = std::min(n - done, length_ - offset_);
            std::memcpy(buffer + done, row_ + offset_, take);
            offset_ += take;
            done += take;
            position_ += take;
        }
        return done;
    }
    uint64_t position() const override { return position_; }
    std::optional<uint64_t> totalSize() const override { return std::nullopt; }
    bool compressed() const override { return false; }

private:
    // libpq hands out one row per call; the copy ends with -1 and then the
    // command's result, which must be success for the rows to be whole.
    bool nextRow() {
        if (finished_) return false;
        if (row_) pq_.freemem(row_);
        row_ = nullptr;
        offset_ = length_ = 0;
        int got = pq_.getCopyData(conn_, &row_, 0);
        if (got > 0) {
            length_ = static_cast<size_t>(got);
            return true;
        }
        finished_ = true;
        if (got == -2) throw AuditError("database: the copy failed: " + trimmed(pq_.errorMessage(conn_)));
        bool ok = true;
        std::string why;
        while (PGresult* r = pq_.getResult(conn_)) {
            if (pq_.resultStatus(r) != PGRES_COMMAND_OK) {
                ok = false;
                why = queryError(r, conn_, 0);
            }
            pq_.clear(r);
        }
        if (!ok) throw AuditError(why + " (the rows stopped part way)");
        return false;
    }

    const LibpqApi& pq_ = libpq();  // before anything else: throws when libpq cannot be loaded
    PGconn* conn_ = nullptr;
    char* row_ = nullptr;
    size_t offset_ = 0, length_ = 0;
    uint64_t position_ = 0;
    bool finished_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> openPostgresCopy(const std::string& connection, const std::string& query) {
    return std::make_unique<PostgresCopySource>(connection, query);
}

}  // namespace cpe::audit
