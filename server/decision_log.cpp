#include "server/decision_log.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

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
  facts          TEXT,            -- canonical facts, only with --log-facts
  client         TEXT             -- the named client that asked (--token-file), or NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions(time);
CREATE INDEX IF NOT EXISTS decisions_by_policy ON decisions(policy, time);
)sql";

bool hasDecisionColumn(sqlite::Database& db, const std::string& column) {
    sqlite::Statement info = db.prepare("SELECT 1 FROM pragma_table_info('decisions') WHERE name = ?");
    info.bind(1, column);
    return info.step();
}

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
    Writer(const std::string& path, const std::string& salt, Durability durability, std::chrono::milliseconds lockTimeout,
           int (*walHook)(void*, sqlite3*, const char*, int), void* hookArg)
        : db(path, sqlite::Database::Mode::ReadWriteCreate), salt_(salt), hash_(salt) {
        // Another writer holding the lock longer than this is a fault: the
        // requests waiting on this commit are refused rather than held.
        sqlite3_busy_timeout(db.handle(), static_cast<int>(lockTimeout.count()));
        db.exec("PRAGMA journal_mode=WAL");
        // NORMAL in WAL mode: a commit is written to the WAL (in the kernel's
        // hands) before COMMIT returns, so it survives a crash of this
        // process; only a power cut can lose the last commits. FULL adds an
        // fsync of the WAL to every commit.
        db.exec(durability == Durability::PowerLoss ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        db.exec(kDecisionLogSchema);
        addClientColumn();
        checkSalt();
        // No checkpoint inside a commit: the checkpointer thread does them.
        sqlite3_wal_autocheckpoint(db.handle(), 0);
        // A WAL that once grew large is cut back when it starts afresh.
        db.exec("PRAGMA journal_size_limit=67108864");
        sqlite3_wal_hook(db.handle(), walHook, hookArg);
        insert = std::make_unique<sqlite::Statement>(
            db.handle(), db.path(),
            "INSERT INTO decisions (decision_id, time, as_of, policy, policy_version, "
            "outcome, route, reasons, facts_hash, facts, client) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
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
        if (r.client.empty()) insert->bindNull(11);
        else insert->bind(11, r.client);
        insert->step();
        insert->reset();
    }

    sqlite::Database db;
    std::unique_ptr<sqlite::Statement> insert;

private:
    // A log written before named clients has no client column: add it, so
    // an older log goes on being written (its earlier rows have NULL).
    void addClientColumn() {
        if (!hasDecisionColumn(db, "client")) db.exec("ALTER TABLE decisions ADD COLUMN client TEXT");
    }

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

namespace {

// The log, its WAL and SHM hold who was decided what (and with --log-facts
// the facts): owner only. SQLite gives the WAL and SHM the database file's
// mode, so creating the database 0600 covers them; files left by an older
// run are tightened.
void makePrivate(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
    for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
        if (::chmod(file.c_str(), st.st_mode & 0700) == 0)
            spdlog::warn("decision log: {} was readable by others; made it owner-only (0600)", file);
        else spdlog::warn("decision log: {} is readable by others and cannot be made owner-only: {}", file, std::strerror(errno));
    }
}

}  // namespace

DecisionLog::DecisionLog(Options options) : options_(std::move(options)) {
    if (options_.maxQueue == 0) options_.maxQueue = 1;
    makePrivate(options_.path);
    openWriter(true);
    thread_ = std::thread([this] { run(); });
    checkpointer_ = std::thread([this] { checkpoints(); });
}

DecisionLog::~DecisionLog() { close(); }

void DecisionLog::openWriter(bool create) {
    if (!create) {
        struct stat st {};
        if (::stat(options_.path.c_str(), &st) != 0)
            throw sqlite::Error(options_.path + ": the decision log file is missing (deleted while serving?)");
    }
    writer_ = std::make_unique<Writer>(options_.path, options_.salt, options_.durability, options_.lockTimeout,
                                       &DecisionLog::walHook, this);
    struct stat st {};
    if (::stat(options_.path.c_str(), &st) != 0)
        throw sqlite::Error(options_.path + ": cannot stat the decision log: " + std::strerror(errno));
    device_ = st.st_dev;
    inode_ = st.st_ino;
    fileLost_ = false;
}

bool DecisionLog::submit(DecisionRecord record, Completion done) {
    bool wake;
    {
        std::lock_guard lock(mutex_);
        if (failing_ || closed_) return false;
        if (queue_.size() >= options_.maxQueue) return false;
        queue_.push_back(Entry{std::move(record), std::move(done)});
        wake = writerWaiting_ && queue_.size() == 1;
    }
    if (wake) wake_.notify_one();
    return true;
}

std::string DecisionLog::problem() const {
    std::lock_guard lock(mutex_);
    if (failing_) return problem_;
    if (queue_.size() >= options_.maxQueue)
        return "the decision log is behind: " + std::to_string(queue_.size()) + " decisions wait for a commit";
    return "";
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
    checkpointWake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (checkpointer_.joinable()) checkpointer_.join();
    writer_.reset();  // the last connection: checkpoints the WAL and removes it
}

namespace {
// About 32 MiB of WAL between checkpoints: each ends with a short stall of
// the writer (the last frames and two fsyncs), so they are kept rare.
constexpr int kCheckpointPages = 8000;
}  // namespace

int DecisionLog::walHook(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kCheckpointPages) {
        auto* log = static_cast<DecisionLog*>(self);
        {
            std::lock_guard lock(log->mutex_);
            log->checkpointDue_ = true;
        }
        log->checkpointWake_.notify_one();
    }
    return SQLITE_OK;
}

void DecisionLog::checkpoints() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            checkpointWake_.wait(lock, [&] { return checkpointDue_ || stopping_; });
            if (stopping_) return;
            checkpointDue_ = false;
        }
        // A connection of its own, opened without create: a deleted log is
        // the writer's fault to report, not a file to make afresh here.
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(options_.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
            sqlite3_busy_timeout(db, 1000);
            sqlite3_exec(db, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
            // PASSIVE: copies the bulk of the WAL without holding up the
            // writer, which goes on committing meanwhile. Under steady load
            // it never catches up with the end of the WAL, and a WAL starts
            // again from its beginning only once all of it is copied; so the
            // writer, between two commits, copies the few frames appended
            // meanwhile (catchUp_), and its next commit starts the WAL
            // afresh. Without that the WAL grows without bound under load.
            int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            if (rc != SQLITE_OK) spdlog::debug("decision log {}: checkpoint: {}", options_.path, sqlite3_errmsg(db));
            else catchUp_.store(true, std::memory_order_relaxed);
        }
        sqlite3_close(db);
    }
}

void DecisionLog::run() {
    std::vector<Entry> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (failing_) {
                // Refusing meanwhile (submit() says no): wait, then probe.
                wake_.wait_for(lock, options_.retryInterval, [&] { return stopping_; });
                if (stopping_) {
                    closed_ = true;
                    return;
                }
            } else {
                // Group commit: no lingering. Whatever queued up while the last
                // commit ran goes in this one.
                writerWaiting_ = true;
                wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                writerWaiting_ = false;
                if (queue_.empty()) {  // stopping, all committed
                    closed_ = true;
                    return;
                }
            }
            batch.swap(queue_);
            inFlight_ = batch.size();
        }
        std::string error;
        const bool ok = batch.empty() ? probe(error) : commit(batch, error);
        {
            std::lock_guard lock(mutex_);
            if (ok && failing_) spdlog::warn("decision log {}: writable again; serving decisions", options_.path);
            if (!ok) {
                errors_.fetch_add(1, std::memory_order_relaxed);
                if (!failing_ || error != problem_)
                    spdlog::error("decision log {}: cannot record decisions, refusing them (503) until it can: {}", options_.path,
                                  error);
                problem_ = std::move(error);
                // What queued behind the failed batch is refused with it.
                for (Entry& e : queue_) batch.push_back(std::move(e));
                queue_.clear();
            } else {
                problem_.clear();
            }
            failing_ = !ok;
            ready_.store(ok, std::memory_order_relaxed);
            inFlight_ = 0;
        }
        for (Entry& e : batch)
            if (e.done) e.done(ok);
        batch.clear();
        // After the answers are on their way: the short end of a checkpoint.
        if (ok && catchUp_.exchange(false, std::memory_order_relaxed) && writer_)
            sqlite3_wal_checkpoint_v2(writer_->db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
}

bool DecisionLog::sameFile(std::string& error) const {
    struct stat st {};
    if (::stat(options_.path.c_str(), &st) != 0) {
        error = options_.path + ": the decision log file was deleted while serving (" + std::strerror(errno) + ")";
        return false;
    }
    if (st.st_dev != device_ || st.st_ino != inode_) {
        error = options_.path + ": the decision log file was replaced by another file while serving";
        return false;
    }
    return true;
}

bool DecisionLog::commit(const std::vector<Entry>& batch, std::string& error) {
    if (fileLost_) {
        error = options_.path + ": the decision log file was deleted or replaced";
        return false;
    }
    try {
        writer_->db.exec("BEGIN IMMEDIATE");
        try {
            for (const Entry& e : batch) writer_->write(e.record, options_.keepFacts);
            writer_->db.exec("COMMIT");
        } catch (...) {
            writer_->insert->reset();
            try {
                writer_->db.exec("ROLLBACK");
            } catch (...) {
            }
            throw;
        }
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
    commits_.fetch_add(1, std::memory_order_relaxed);
    // Committed, but to the file the path names? After a deletion SQLite goes
    // on writing to the unlinked file, where nobody will ever read it.
    if (!sameFile(error)) {
        fileLost_ = true;
        return false;
    }
    written_.fetch_add(batch.size(), std::memory_order_relaxed);
    return true;
}

bool DecisionLog::reopen(std::string& error) {
    // Close the old connection first: its last act is to checkpoint its WAL
    // into the old file and remove it, so that no stale WAL meets the new file.
    writer_.reset();
    try {
        openWriter(false);
        return true;
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
}

// A real write, as a commit of decisions would make, when there are none to
// make: the log is ready again only once something has been committed.
bool DecisionLog::probe(std::string& error) {
    if (fileLost_ || !writer_) {
        if (!reopen(error)) return false;
        spdlog::warn("decision log {}: reopened the file now at that path", options_.path);
    }
    try {
        sqlite::Transaction tx(writer_->db);
        sqlite::Statement put = writer_->db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('write_check', ?)");
        put.bind(1, formatLogTime(
                        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                            .count()))
            .step();
        tx.commit();
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
    if (!sameFile(error)) {
        fileLost_ = true;
        return false;
    }
    return true;
}

}  // namespace cpe::server
