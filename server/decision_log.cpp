#include "server/decision_log.h"

#include <spdlog/spdlog.h>

namespace cpe::server {

DecisionLog::DecisionLog(Options options) : options_(std::move(options)) {
    if (options_.maxQueue == 0) options_.maxQueue = 1;
    store_ = openLogStore({options_.path, options_.salt, options_.keepFacts, options_.durability, options_.lockTimeout});
    name_ = store_->name();
    instance_ = store_->instance();
    thread_ = std::thread([this] { run(); });
}

DecisionLog::~DecisionLog() { close(); }

bool DecisionLog::submit(DecisionRecord record, Completion done) {
    bool wake;
    {
        std::lock_guard lock(mutex_);
        if (failing_ || closed_) return false;
        if (queued_.size() >= options_.maxQueue) return false;
        queued_.push_back(std::move(record));
        waiting_.push_back(std::move(done));
        wake = writerWaiting_ && queued_.size() == 1;
    }
    if (wake) wake_.notify_one();
    return true;
}

std::string DecisionLog::problem() const {
    std::lock_guard lock(mutex_);
    if (failing_) return problem_;
    if (queued_.size() >= options_.maxQueue)
        return "the decision log is behind: " + std::to_string(queued_.size()) + " decisions wait for a commit";
    return "";
}

std::uint64_t DecisionLog::pending() const {
    std::lock_guard lock(mutex_);
    return queued_.size() + inFlight_;
}

void DecisionLog::close() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    store_.reset();
}

bool DecisionLog::attempt(bool probe, std::string& error) {
    try {
        if (probe) store_->probe();
        else store_->commit(batch_);
        return true;
    } catch (const std::exception& e) {
        error = e.what();
        return false;
    }
}

void DecisionLog::run() {
    std::vector<Completion> done;
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
                wake_.wait(lock, [&] { return !queued_.empty() || stopping_; });
                writerWaiting_ = false;
                if (queued_.empty()) {  // stopping, all committed
                    closed_ = true;
                    return;
                }
            }
            batch_.swap(queued_);
            done.swap(waiting_);
            inFlight_ = batch_.size();
        }
        std::string error;
        const bool ok = attempt(batch_.empty(), error);
        if (ok && !batch_.empty()) {
            commits_.fetch_add(1, std::memory_order_relaxed);
            written_.fetch_add(batch_.size(), std::memory_order_relaxed);
        }
        {
            std::lock_guard lock(mutex_);
            if (ok && failing_) spdlog::warn("decision log {}: writable again; serving decisions", name_);
            if (!ok) {
                errors_.fetch_add(1, std::memory_order_relaxed);
                if (!failing_ || error != problem_)
                    spdlog::error("decision log {}: cannot record decisions, refusing them (503) until it can: {}", name_, error);
                problem_ = std::move(error);
                // What queued behind the failed batch is refused with it.
                for (Completion& c : waiting_) done.push_back(std::move(c));
                queued_.clear();
                waiting_.clear();
            } else {
                problem_.clear();
            }
            failing_ = !ok;
            ready_.store(ok, std::memory_order_relaxed);
            inFlight_ = 0;
        }
        for (Completion& c : done)
            if (c) c(ok);
        done.clear();
        batch_.clear();
        if (ok) store_->afterCommit();
    }
}

}  // namespace cpe::server
