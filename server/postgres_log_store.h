#pragma once
// The decision log in PostgreSQL, so that several `cpe serve` instances
// behind a load balancer write one log: the SQLite log's tables and columns
// (meta, decisions), each batch one COPY (a transaction of its own, all rows
// or none), commits bounded by the lock timeout (server-side
// statement_timeout and lock_timeout, and a client-side deadline for a
// server that stops answering). After a fault the connection is dropped and
// the next probe connects afresh. The salt's id is in meta as in SQLite, and
// each process that opens the log draws its instance number from the
// sequence decision_log_instances.
#include <memory>
#include <string>

#include "server/facts_hash.h"
#include "server/log_store.h"

namespace cpe::pg {
class Connection;
}

namespace cpe::server {

// The schema is the SQLite log's (log_store.h decisionLogSchema), its keys
// compared byte-wise (COLLATE "C") so that `cpe log`'s date ranges mean the same.

class PostgresLogStore : public LogStore {
public:
    // Connects, creates the tables when missing, checks the salt and draws
    // the instance number. Throws pg::Error or std::runtime_error.
    explicit PostgresLogStore(LogStoreOptions options);
    ~PostgresLogStore() override;

    void commit(std::span<const DecisionRecord> batch) override;
    void probe() override;
    std::uint32_t instance() const override { return instance_; }
    const std::string& name() const override { return name_; }

private:
    void connect();
    std::chrono::steady_clock::time_point deadline() const;

    LogStoreOptions options_;
    std::string name_;
    FactsHasher hash_;
    std::unique_ptr<pg::Connection> conn_;
    std::uint32_t instance_ = 0;
    std::string rows_;  // the COPY data, reused from batch to batch
};

}  // namespace cpe::server
