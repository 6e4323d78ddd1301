#include "server/sqlite_log_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "engine/storage/sqlite.h"
#include "server/facts_hash.h"

namespace cpe::server {

bool hasDecisionColumn(sqlite::Database& db, const std::string& column) {
    sqlite::Statement info = db.prepare("SELECT 1 FROM pragma_table_info('decisions') WHERE name = ?");
    info.bind(1, column);
    return info.step();
}

// The database side, touched only by the writer thread after construction.
class SqliteLogStore::Writer {
public:
    Writer(const LogStoreOptions& o, int (*walHook)(void*, sqlite3*, const char*, int), void* hookArg)
        : db(o.target, sqlite::Database::Mode::ReadWriteCreate), hash_(o.salt) {
        // Another writer holding the lock longer than this is a fault: the
        // requests waiting on this commit are refused rather than held.
        sqlite3_busy_timeout(db.handle(), static_cast<int>(o.lockTimeout.count()));
        db.exec("PRAGMA journal_mode=WAL");
        // NORMAL in WAL mode: a commit is written to the WAL (in the kernel's
        // hands) before COMMIT returns, so it survives a crash of this
        // process; only a power cut can lose the last commits. FULL adds an
        // fsync of the WAL to every commit.
        db.exec(o.durability == Durability::PowerLoss ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        db.exec(decisionLogSchema(storage::Dialect::Sqlite));
        addClientColumn();
        checkSalt(o.salt);
        // No checkpoint inside a commit: the checkpointer thread does them.
        sqlite3_wal_autocheckpoint(db.handle(), 0);
        // A WAL that once grew large is cut back when it starts afresh.
        db.exec("PRAGMA journal_size_limit=67108864");
        sqlite3_wal_hook(db.handle(), walHook, hookArg);
        // Prepared once: sqlite3_exec compiles its SQL afresh on every call,
        // which cost more than a commit of a few records (callgrind).
        begin = std::make_unique<sqlite::Statement>(db.handle(), db.path(), "BEGIN IMMEDIATE");
        commit = std::make_unique<sqlite::Statement>(db.handle(), db.path(), "COMMIT");
        insert = std::make_unique<sqlite::Statement>(
            db.handle(), db.path(),
            "INSERT INTO decisions (decision_id, time, as_of, policy, policy_version, "
            "outcome, route, reasons, facts_hash, facts, client) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    }

    // The record's own strings are bound without copies (they outlive the
    // step), and so are the two values made here. A reset keeps the bound
    // pointers, but nothing reads them again: the next row binds all eleven
    // parameters before its step. Without the copies a row costs ~26,500
    // instructions instead of ~31,700, a bind ~200 instead of ~500 and the
    // reset ~330 instead of ~2,500 (callgrind, `cpe serve` under wrk).
    void write(const DecisionRecord& r, bool keepFacts) {
        const std::string time = formatLogTime(r.timeMs);
        const std::string factsHash = hash_(r.facts);
        insert->bindWithoutCopy(1, r.decisionId)
            .bindWithoutCopy(2, time)
            .bindWithoutCopy(3, r.asOf)
            .bindWithoutCopy(4, r.policy)
            .bindWithoutCopy(5, r.policyVersion)
            .bindWithoutCopy(6, r.outcome)
            .bindWithoutCopy(7, r.route)
            .bindWithoutCopy(8, r.reasons)
            .bindWithoutCopy(9, factsHash);
        if (keepFacts) insert->bindWithoutCopy(10, r.facts);
        else insert->bindNull(10);
        if (r.client.empty()) insert->bindNull(11);
        else insert->bindWithoutCopy(11, r.client);
        try {
            insert->step();
        } catch (...) {
            insert->reset();  // ready for the next row, which binds all eleven parameters again before its step
            throw;
        }
        insert->reset();
    }

    // One more process has opened this log: its number (log_store.h).
    std::uint32_t drawInstance() {
        sqlite::Transaction tx(db);
        sqlite::Statement next = db.prepare(
            "INSERT INTO meta (key, value) VALUES ('instances', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value");
        next.step();
        const auto n = static_cast<std::uint32_t>(std::stoll(next.text(0)));
        next.reset();
        tx.commit();
        return n;
    }

    // Runs a statement that returns no rows, ready to run again even when it fails.
    static void run(sqlite::Statement& statement) {
        try {
            statement.step();
        } catch (...) {
            statement.reset();
            throw;
        }
        statement.reset();
    }

    sqlite::Database db;
    std::unique_ptr<sqlite::Statement> begin, commit, insert;

private:
    // A log written before named clients has no client column: add it, so
    // an older log goes on being written (its earlier rows have NULL).
    void addClientColumn() {
        if (!hasDecisionColumn(db, "client")) db.exec("ALTER TABLE decisions ADD COLUMN client TEXT");
    }

    void checkSalt(const std::string& salt) {
        const std::string id = saltId(salt);
        sqlite::Statement get = db.prepare("SELECT value FROM meta WHERE key = 'salt_id'");
        std::optional<std::string> stored;
        if (get.step()) stored = get.text(0);
        if (std::string why = saltMismatch(stored, id); !why.empty()) throw sqlite::Error(why);
        if (stored) return;
        sqlite::Statement put = db.prepare("INSERT INTO meta (key, value) VALUES ('salt_id', ?)");
        put.bind(1, id).step();
    }

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

// About 32 MiB of WAL between checkpoints: each ends with a short stall of
// the writer (the last frames and two fsyncs), so they are kept rare.
constexpr int kCheckpointPages = 8000;

}  // namespace

SqliteLogStore::SqliteLogStore(LogStoreOptions options) : options_(std::move(options)) {
    makePrivate(options_.target);
    open(true);
    instance_ = writer_->drawInstance();
    checkpointer_ = std::thread([this] { checkpoints(); });
}

SqliteLogStore::~SqliteLogStore() {
    {
        std::lock_guard lock(checkpointMutex_);
        stopping_ = true;
    }
    checkpointWake_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    writer_.reset();  // the last connection: checkpoints the WAL and removes it
}

void SqliteLogStore::open(bool create) {
    const std::string& path = options_.target;
    if (!create) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0)
            throw sqlite::Error(path + ": the decision log file is missing (deleted while serving?)");
    }
    writer_ = std::make_unique<Writer>(options_, &SqliteLogStore::walHook, this);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw sqlite::Error(path + ": cannot stat the decision log: " + std::strerror(errno));
    device_ = st.st_dev;
    inode_ = st.st_ino;
    fileLost_ = false;
}

int SqliteLogStore::walHook(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kCheckpointPages) {
        auto* store = static_cast<SqliteLogStore*>(self);
        {
            std::lock_guard lock(store->checkpointMutex_);
            store->checkpointDue_ = true;
        }
        store->checkpointWake_.notify_one();
    }
    return SQLITE_OK;
}

void SqliteLogStore::checkpoints() {
    for (;;) {
        {
            std::unique_lock lock(checkpointMutex_);
            checkpointWake_.wait(lock, [&] { return checkpointDue_ || stopping_; });
            if (stopping_) return;
            checkpointDue_ = false;
        }
        // A connection of its own, opened without create: a deleted log is
        // the writer's fault to report, not a file to make afresh here.
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(options_.target.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) == SQLITE_OK) {
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
            if (rc != SQLITE_OK) spdlog::debug("decision log {}: checkpoint: {}", options_.target, sqlite3_errmsg(db));
            else catchUp_.store(true, std::memory_order_relaxed);
        }
        sqlite3_close(db);
    }
}

void SqliteLogStore::afterCommit() {
    // The short end of a checkpoint, after the answers are on their way.
    if (catchUp_.exchange(false, std::memory_order_relaxed) && writer_)
        sqlite3_wal_checkpoint_v2(writer_->db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

void SqliteLogStore::checkSameFile() {
    const std::string& path = options_.target;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        fileLost_ = true;
        throw sqlite::Error(path + ": the decision log file was deleted while serving (" + std::strerror(errno) + ")");
    }
    if (st.st_dev != device_ || st.st_ino != inode_) {
        fileLost_ = true;
        throw sqlite::Error(path + ": the decision log file was replaced by another file while serving");
    }
}

void SqliteLogStore::commit(std::span<const DecisionRecord> batch) {
    if (fileLost_) throw sqlite::Error(options_.target + ": the decision log file was deleted or replaced");
    Writer::run(*writer_->begin);
    try {
        for (const DecisionRecord& r : batch) writer_->write(r, options_.keepFacts);
        Writer::run(*writer_->commit);
    } catch (...) {
        writer_->insert->reset();
        try {
            writer_->db.exec("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
    // Committed, but to the file the path names? After a deletion SQLite goes
    // on writing to the unlinked file, where nobody will ever read it.
    checkSameFile();
}

void SqliteLogStore::probe() {
    if (fileLost_ || !writer_) {
        // Close the old connection first: its last act is to checkpoint its
        // WAL into the old file and remove it, so that no stale WAL meets the
        // new file.
        writer_.reset();
        open(false);
        spdlog::warn("decision log {}: reopened the file now at that path", options_.target);
    }
    sqlite::Transaction tx(writer_->db);
    sqlite::Statement put = writer_->db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('write_check', ?)");
    put.bind(1, formatLogTime(
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                        .count()))
        .step();
    tx.commit();
    checkSameFile();
}

}  // namespace cpe::server
