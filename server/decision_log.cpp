#include "server/decision_log.h"

#include <algorithm>
#include <ctime>
#include <fstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "engine/storage/sqlite.h"
#include "server/facts_hash.h"

namespace cpe::server {

const char* const kDecisionLogSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (
  id             INTEGER PRIMARY KEY,
  decision_id    TEXT NOT NULL,   -- also sent to the client as X-Decision-Id
  time           TEXT NOT NULL,   -- UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
  as_of          TEXT NOT NULL,   -- the date the decision was made for
  policy         TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  route          TEXT NOT NULL,
  reasons        TEXT NOT NULL,   -- JSON array of criterion ids
  facts_hash     TEXT NOT NULL,   -- hex HMAC-SHA-256(salt, canonical facts)
  facts          TEXT             -- canonical facts, only with --log-facts
);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions(time);
CREATE INDEX IF NOT EXISTS decisions_by_policy ON decisions(policy, time);
)sql";

std::string formatLogTime(std::int64_t epochMs) {
    std::time_t seconds = static_cast<std::time_t>(epochMs / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec, static_cast<int>(epochMs % 1000));
}

// The database side, touched only by the writer thread after construction.
class DecisionLog::Writer {
public:
    Writer(const std::string& path, const std::string& salt)
        : db(path, sqlite::Database::Mode::ReadWriteCreate), salt_(salt), hash_(salt) {
        db.exec("PRAGMA journal_mode=WAL");
        // NORMAL in WAL mode: a commit survives a crash of this process; only
        // a power cut can lose the last commits. FULL would fsync every batch.
        db.exec("PRAGMA synchronous=NORMAL");
        db.exec(kDecisionLogSchema);
        checkSalt();
        insert = std::make_unique<sqlite::Statement>(db.handle(), db.path(),
                                                     "INSERT INTO decisions (decision_id, time, as_of, policy, policy_version, "
                                                     "outcome, route, reasons, facts_hash, facts) VALUES (?,?,?,?,?,?,?,?,?,?)");
    }

    void write(const DecisionRecord& r, bool keepFacts) {
        insert->bind(1, r.decisionId)
            .bind(2, formatLogTime(r.timeMs))
            .bind(3, r.asOf)
            .bind(4, r.policy)
            .bind(5, r.policyVersion)
            .bind(6, r.outcome)
            .bind(7, r.route)
            .bind(8, r.reasons)
            .bind(9, hash_(r.facts));
        if (keepFacts) insert->bind(10, r.facts);
        else insert->bindNull(10);
        insert->step();
        insert->reset();
    }

    sqlite::Database db;
    std::unique_ptr<sqlite::Statement> insert;

private:
    void checkSalt() {
        std::string id = saltId(salt_);
        sqlite::Statement get = db.prepare("SELECT value FROM meta WHERE key = 'salt_id'");
        if (get.step()) {
            if (get.text(0) != id)
                throw sqlite::Error("the decision log was written with a different salt (salt id " + get.text(0) +
                                    ", this salt " + id + "); give its --salt-file or use another --db");
            return;
        }
        sqlite::Statement put = db.prepare("INSERT INTO meta (key, value) VALUES ('salt_id', ?)");
        put.bind(1, id).step();
    }

    std::string salt_;
    FactsHasher hash_;
};

DecisionLog::DecisionLog(Options options)
    : options_(std::move(options)), batchTarget_(std::max<std::size_t>(1, std::min(kBatchTarget, options_.maxQueue))) {
    writer_ = std::make_unique<Writer>(options_.path, options_.salt);
    thread_ = std::thread([this] { run(); });
}

DecisionLog::~DecisionLog() { close(); }

void DecisionLog::append(DecisionRecord record) {
    bool wake;
    {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return queue_.size() < options_.maxQueue || stopping_; });
        queue_.push_back(std::move(record));
        // Wake the writer for the first record of a batch and when a batch is
        // full; in between it is lingering and a wake-up would be a wasted
        // system call on the request path.
        wake = queue_.size() == 1 || queue_.size() == batchTarget_;
    }
    if (wake) wake_.notify_one();
}

std::uint64_t DecisionLog::pending() const {
    std::lock_guard lock(mutex_);
    return queue_.size() + inFlight_;
}

void DecisionLog::close() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    space_.notify_all();
    if (thread_.joinable()) thread_.join();
    writer_.reset();
}

void DecisionLog::run() {
    std::vector<DecisionRecord> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
            if (queue_.empty() && stopping_) return;
            // Let a batch gather for a moment: one transaction per few hundred
            // decisions instead of one each keeps SQLite's locking and WAL
            // writes off the critical path. A decision waits at most kLinger
            // in memory; shutdown cuts the wait short.
            wake_.wait_for(lock, kLinger, [&] { return queue_.size() >= batchTarget_ || stopping_; });
            batch.swap(queue_);
            inFlight_ = batch.size();
        }
        space_.notify_all();
        int attempt = 0;
        while (!commit(batch)) {
            errors_.fetch_add(1, std::memory_order_relaxed);
            bool stopping;
            {
                std::lock_guard lock(mutex_);
                stopping = stopping_;
            }
            // While serving, keep retrying (the disk may come back); when
            // shutting down, give up after a few tries and spill to a file
            // so that the records still survive.
            if (stopping && ++attempt >= 3) {
                spill(batch);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(5000, 100 << std::min(attempt, 5))));
            if (!stopping) ++attempt;
        }
        {
            std::lock_guard lock(mutex_);
            inFlight_ = 0;
        }
        batch.clear();
    }
}

bool DecisionLog::commit(std::vector<DecisionRecord>& batch) {
    try {
        writer_->db.exec("BEGIN IMMEDIATE");
        try {
            for (const DecisionRecord& r : batch) writer_->write(r, options_.keepFacts);
            writer_->db.exec("COMMIT");
        } catch (...) {
            writer_->insert->reset();
            try {
                writer_->db.exec("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
        written_.fetch_add(batch.size(), std::memory_order_relaxed);
        return true;
    } catch (const std::exception& e) {
        spdlog::error("decision log {}: commit of {} decisions failed: {}", options_.path, batch.size(), e.what());
        return false;
    }
}

void DecisionLog::spill(const std::vector<DecisionRecord>& batch) {
    std::string path = options_.path + ".unwritten.ndjson";
    std::ofstream out(path, std::ios::app);
    for (const DecisionRecord& r : batch) {
        nlohmann::json j{{"decision_id", r.decisionId},
                         {"time", formatLogTime(r.timeMs)},
                         {"as_of", r.asOf},
                         {"policy", r.policy},
                         {"policy_version", r.policyVersion},
                         {"outcome", r.outcome},
                         {"route", r.route},
                         {"reasons", nlohmann::json::parse(r.reasons, nullptr, false)},
                         {"facts_hash", factsHash(options_.salt, r.facts)}};
        if (options_.keepFacts) j["facts"] = nlohmann::json::parse(r.facts, nullptr, false);
        out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    out.flush();
    if (out) spdlog::error("decision log: {} decisions could not be committed; written to {}", batch.size(), path);
    else spdlog::critical("decision log: {} decisions could not be committed nor written to {}", batch.size(), path);
}

}  // namespace cpe::server
