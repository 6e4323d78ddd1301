#pragma once
// The decision log in a SQLite file (WAL), as one `cpe serve` writes it.
// Created 0600; the file's identity (device, inode) is checked after each
// commit, so a log deleted or replaced while serving is a fault (SQLite would
// go on writing to the unlinked file), and the next probe opens the file now
// at the path. Checkpoints run on a thread and connection of their own,
// never inside a commit that requests wait for.
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "server/log_store.h"

struct sqlite3;

namespace cpe::sqlite {
class Database;
}

namespace cpe::server {

// Whether the decisions table has this column (logs from older versions
// lack the later ones: `client`).
bool hasDecisionColumn(sqlite::Database& db, const std::string& column);

class SqliteLogStore : public LogStore {
public:
    // Throws sqlite::Error when the file cannot be used or has another salt.
    explicit SqliteLogStore(LogStoreOptions options);
    ~SqliteLogStore() override;

    void commit(std::span<const DecisionRecord> batch) override;
    void probe() override;
    void afterCommit() override;
    std::uint32_t instance() const override { return instance_; }
    const std::string& name() const override { return options_.target; }

private:
    class Writer;
    void open(bool create);
    void checkSameFile();
    static int walHook(void* self, sqlite3* db, const char* name, int pages);
    void checkpoints();

    LogStoreOptions options_;
    std::unique_ptr<Writer> writer_;
    std::uint32_t instance_ = 0;
    dev_t device_ = 0;
    ino_t inode_ = 0;
    bool fileLost_ = false;  // the path no longer names the file we write

    std::mutex checkpointMutex_;
    std::condition_variable checkpointWake_;
    bool checkpointDue_ = false, stopping_ = false;
    std::atomic<bool> catchUp_{false};  // a checkpoint pass ran: the writer copies the rest
    std::thread checkpointer_;
};

}  // namespace cpe::server
