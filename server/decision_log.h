#pragma once
// The audit trail: every decision the service makes, appended to SQLite (WAL)
// by one background thread. Request threads only queue a record, so a slow
// disk costs them nothing until the queue is full; then they wait (rather than
// drop a record), because an audit log with holes is worse than a slow answer.
// close() commits everything queued before it returns.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cpe::server {

struct DecisionRecord {
    std::string decisionId;
    std::int64_t timeMs = 0;  // Unix epoch, milliseconds
    std::string asOf;         // YYYY-MM-DD the decision was made for
    std::string policy, policyVersion, outcome, route;
    std::string reasons;  // JSON array of the reasons' criterion ids
    std::string facts;    // canonicalFacts(); hashed by the writer, stored only with keepFacts
};

// The schema, shared with `cpe log`.
extern const char* const kDecisionLogSchema;
// UTC "YYYY-MM-DDTHH:MM:SS.mmmZ": sorts as text, so date ranges are index scans.
std::string formatLogTime(std::int64_t epochMs);

class DecisionLog {
public:
    struct Options {
        std::string path;
        std::string salt;
        bool keepFacts = false;
        std::size_t maxQueue = 100000;
    };
    // Opens (creating if needed) the database and starts the writer. Throws
    // with a readable message when the file cannot be used or was written with
    // another salt.
    explicit DecisionLog(Options options);
    ~DecisionLog();
    DecisionLog(const DecisionLog&) = delete;
    DecisionLog& operator=(const DecisionLog&) = delete;

    void append(DecisionRecord record);
    // Stops the writer after committing every queued record. Idempotent.
    void close();

    std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }
    std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
    std::uint64_t pending() const;
    const std::string& path() const { return options_.path; }

private:
    static constexpr std::size_t kBatchTarget = 512;
    static constexpr std::chrono::milliseconds kLinger{10};
    class Writer;
    void run();
    bool commit(std::vector<DecisionRecord>& batch);
    void spill(const std::vector<DecisionRecord>& batch);

    Options options_;
    std::size_t batchTarget_;
    std::unique_ptr<Writer> writer_;
    mutable std::mutex mutex_;
    std::condition_variable wake_, space_;
    std::vector<DecisionRecord> queue_;
    std::size_t inFlight_ = 0;  // taken by the writer, not yet committed
    bool stopping_ = false;
    std::atomic<std::uint64_t> written_{0}, errors_{0};
    std::thread thread_;
};

}  // namespace cpe::server
