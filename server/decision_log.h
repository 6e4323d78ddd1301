#pragma once
// The audit trail: every decision the service answers, appended to SQLite
// (WAL) by one background thread with group commit. A request thread only
// queues its record with a completion; the writer commits as soon as it is
// free, taking every record queued meanwhile in one transaction, and then
// calls each record's completion (true: committed, false: not). The HTTP side
// sends a decision only from a `true` completion, so an answered decision is
// always a committed one, and nothing answered waits in memory.
//
// Fail closed: when a commit fails (disk full, I/O error, the database locked
// past `lockTimeout`, the file deleted or replaced under us) the log is
// "failing": the failed batch and everything queued with it are completed with
// false, and submit() refuses at once (no waiting) until a probe write every
// `retryInterval` succeeds again. The queue is bounded by `maxQueue`; beyond it
// submit() refuses as well. close() commits what is queued before it returns.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace cpe::sqlite {
class Database;
}

namespace cpe::server {

struct DecisionRecord {
    std::string decisionId;
    std::int64_t timeMs = 0;  // Unix epoch, milliseconds
    std::string asOf;         // YYYY-MM-DD the decision was made for
    std::string policy, policyVersion, outcome, route;
    std::string reasons;  // JSON array of the reasons' criterion ids
    std::string facts;    // canonicalFacts(); hashed by the writer, stored only with keepFacts
    std::string client;   // the named client that asked (server/auth.h); "" without --token-file
};

// The schema, shared with `cpe log`.
extern const char* const kDecisionLogSchema;
// Whether the decisions table has this column (logs from older versions
// lack the later ones: `client`).
bool hasDecisionColumn(sqlite::Database& db, const std::string& column);
// UTC "YYYY-MM-DDTHH:MM:SS.mmmZ": sorts as text, so date ranges are index scans.
std::string formatLogTime(std::int64_t epochMs);

// What a commit survives. ProcessCrash: WAL with synchronous=NORMAL, a commit
// is in the operating system's hands before it is answered (kill -9, OOM, a
// crash lose nothing; a power cut may lose the last commits). PowerLoss:
// synchronous=FULL, an fsync of the WAL per commit.
enum class Durability { ProcessCrash, PowerLoss };

class DecisionLog {
public:
    struct Options {
        std::string path;
        std::string salt;
        bool keepFacts = false;
        std::size_t maxQueue = 100000;  // records waiting for a commit; beyond, submit() refuses
        Durability durability = Durability::ProcessCrash;
        std::chrono::milliseconds lockTimeout{2000};   // waiting for another writer's lock, then a fault
        std::chrono::milliseconds retryInterval{500};  // probe writes while failing
    };
    // Runs on the writer thread once the record's transaction has committed
    // (true) or failed (false). Must not block.
    using Completion = std::function<void(bool committed)>;

    // Opens (creating if needed, 0600) the database and starts the writer.
    // Throws with a readable message when the file cannot be used or was
    // written with another salt.
    explicit DecisionLog(Options options);
    ~DecisionLog();
    DecisionLog(const DecisionLog&) = delete;
    DecisionLog& operator=(const DecisionLog&) = delete;

    // Queues `record`; `done` is called once its commit is known. Returns false
    // at once, without queuing or calling `done`, while the log is failing or
    // the queue is full (problem() says why). Never blocks on the database.
    bool submit(DecisionRecord record, Completion done);
    // submit() without a completion (tests, tools).
    bool append(DecisionRecord record) { return submit(std::move(record), {}); }
    // Stops the writer after committing every queued record. Idempotent.
    void close();

    // False while the last commit or probe failed.
    bool ready() const { return ready_.load(std::memory_order_relaxed); }
    // Why the log is not ready (or the queue full), for the 503 and /readyz.
    std::string problem() const;
    std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
    std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
    std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
    std::uint64_t pending() const;
    const std::string& path() const { return options_.path; }

private:
    class Writer;
    struct Entry {
        DecisionRecord record;
        Completion done;
    };
    void run();
    bool commit(const std::vector<Entry>& batch, std::string& error);
    bool probe(std::string& error);
    bool sameFile(std::string& error) const;
    bool reopen(std::string& error);
    void openWriter(bool create);
    // Checkpoints (copying the WAL into the database, with fsyncs) run on a
    // thread and connection of their own, never inside a commit that
    // requests wait for.
    static int walHook(void* self, sqlite3* db, const char* name, int pages);
    void checkpoints();

    Options options_;
    std::unique_ptr<Writer> writer_;
    dev_t device_ = 0;
    ino_t inode_ = 0;
    bool fileLost_ = false;  // the path no longer names the file we write
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Entry> queue_;
    std::size_t inFlight_ = 0;  // taken by the writer, not yet committed
    bool stopping_ = false, closed_ = false, failing_ = false, writerWaiting_ = false;
    std::string problem_;
    std::atomic<bool> ready_{true};
    std::atomic<std::uint64_t> written_{0}, errors_{0}, commits_{0};
    std::thread thread_;
    std::condition_variable checkpointWake_;
    bool checkpointDue_ = false;
    std::atomic<bool> catchUp_{false};  // a checkpoint pass ran: the writer copies the rest
    std::thread checkpointer_;
};

}  // namespace cpe::server
