#pragma once
// The audit trail: every decision the service answers, appended to a store
// (a SQLite file, or PostgreSQL for several instances: log_store.h) by one
// background thread with group commit. A request thread only queues its
// record with a completion; the writer commits as soon as it is free, taking
// every record queued meanwhile in one transaction, and then calls each
// record's completion (true: committed, false: not). The HTTP side sends a
// decision only from a `true` completion, so an answered decision is always
// a committed one, and nothing answered waits in memory.
//
// Fail closed: when a commit fails (disk full, I/O error, the database locked
// past `lockTimeout`, the file deleted or replaced under us, the PostgreSQL
// server unreachable) the log is "failing": the failed batch and everything
// queued with it are completed with false, and submit() refuses at once (no
// waiting) until a probe write every `retryInterval` succeeds again. The
// queue is bounded by `maxQueue`; beyond it submit() refuses as well.
// close() commits what is queued before it returns.
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

#include "server/log_store.h"

namespace cpe::server {

class DecisionLog {
public:
    struct Options {
        std::string path;  // a SQLite file, or a PostgreSQL connection string
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

    // Opens (creating if needed; a file 0600) the store and starts the
    // writer. Throws with a readable message when the store cannot be used
    // or was written with another salt.
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
    // The store, for messages (a PostgreSQL password left out).
    const std::string& name() const { return name_; }
    // This process's instance number in the log (log_store.h), for decision ids.
    std::uint32_t instance() const { return instance_; }

private:
    void run();
    // The store's call, its exception turned into `error`.
    bool attempt(bool probe, std::string& error);

    Options options_;
    std::unique_ptr<LogStore> store_;
    std::string name_;
    std::uint32_t instance_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    // Records and their completions, index for index.
    std::vector<DecisionRecord> queued_;
    std::vector<Completion> waiting_;
    std::vector<DecisionRecord> batch_;  // taken by the writer
    std::size_t inFlight_ = 0;           // taken by the writer, not yet committed
    bool stopping_ = false, closed_ = false, failing_ = false, writerWaiting_ = false;
    std::string problem_;
    std::atomic<bool> ready_{true};
    std::atomic<std::uint64_t> written_{0}, errors_{0}, commits_{0};
    std::thread thread_;
};

}  // namespace cpe::server
