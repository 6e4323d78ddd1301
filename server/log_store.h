#pragma once
// Where the decision log's rows go: a SQLite file (sqlite_log_store.h) or a
// PostgreSQL database shared by several `cpe serve` instances
// (postgres_log_store.h). DecisionLog (decision_log.h) owns the writer
// thread, the group commit, the completions and failing closed; a store only
// writes a batch in one transaction, or says why it could not. After
// construction a store is used by the writer thread alone.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "engine/storage/sql_session.h"

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

// What a commit survives. ProcessCrash: a commit is out of this process's
// hands before it is answered (kill -9, OOM, a crash lose nothing; with
// SQLite a power cut may lose the last commits). PowerLoss: an fsync per
// commit (SQLite synchronous=FULL; PostgreSQL synchronous_commit=on, which
// is also PostgreSQL's default).
enum class Durability { ProcessCrash, PowerLoss };

struct LogStoreOptions {
    std::string target;  // a file name, or a PostgreSQL connection string (engine/storage/postgres.h)
    std::string salt;
    bool keepFacts = false;
    Durability durability = Durability::ProcessCrash;
    std::chrono::milliseconds lockTimeout{2000};  // a commit held up longer than this is a fault
};

class LogStore {
public:
    virtual ~LogStore() = default;
    // Every record of `batch` in one transaction, or none of them: throws
    // (std::exception) with the reason.
    virtual void commit(std::span<const DecisionRecord> batch) = 0;
    // A real write when there is nothing to commit, reopening or
    // reconnecting first when the last fault needs it: the log is ready
    // again only once something could be committed. Throws with the reason.
    virtual void probe() = 0;
    // Upkeep that must not delay answers, run after a commit's completions.
    virtual void afterCommit() {}
    // This process's number among all that opened this log, drawn once when
    // it is opened: decision ids carry it (decision_id.h), so instances
    // writing one database never make the same id.
    virtual std::uint32_t instance() const = 0;
    // The target for messages (a PostgreSQL password left out).
    virtual const std::string& name() const = 0;
};

// A PostgreSQL store when `options.target` is a connection string, else the
// SQLite file it names. Throws with a readable message when the log cannot
// be used or was written with another salt.
std::unique_ptr<LogStore> openLogStore(const LogStoreOptions& options);

// "" when a log that records `stored` (nullopt: none yet) may be written
// with the salt whose id is `saltId`; else why not.
std::string saltMismatch(const std::optional<std::string>& stored, const std::string& saltId);

// The decision log's tables, shared by both stores and `cpe log`.
std::string decisionLogSchema(storage::Dialect dialect);

// UTC "YYYY-MM-DDTHH:MM:SS.mmmZ": sorts as text, so date ranges are index scans.
std::string formatLogTime(std::int64_t epochMs);

}  // namespace cpe::server
