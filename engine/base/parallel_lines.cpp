#include "engine/base/parallel_lines.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace cpe {
namespace {

// A block owns copies of its lines' bytes: the reader's views last only to
// its next call.
struct Block {
    std::string bytes;
    struct Entry {
        std::size_t offset, number, length;
        bool tooLong;
    };
    std::vector<Entry> entries;
    std::string out;

    void clear() {
        bytes.clear();
        entries.clear();
        out.clear();
    }
    void add(const Line& line) {
        entries.push_back({bytes.size(), line.number, line.length, line.tooLong});
        bytes.append(line.text);
    }
    void run(const LineJob& job, unsigned worker) {
        for (const Entry& e : entries) {
            Line line{e.tooLong ? std::string_view() : std::string_view(bytes).substr(e.offset, e.length), e.number, e.tooLong,
                      e.length};
            job(line, out, worker);
        }
    }
};

// Threads that wait for a round of blocks, take them one at a time, and say
// when the round is done. The calling thread works in each round too.
class BlockPool {
public:
    BlockPool(unsigned helpers, const LineJob& job) : job_(job) {
        for (unsigned i = 0; i < helpers; ++i) threads_.emplace_back([this, i] { work(i + 1); });
    }
    ~BlockPool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        start_.notify_all();
        for (std::thread& t : threads_) t.join();
    }
    void runRound(std::vector<Block>& blocks, std::size_t count) {
        {
            std::lock_guard lock(mutex_);
            blocks_ = &blocks;
            count_ = count;
            next_.store(0);
            busy_ = threads_.size();
            ++round_;
        }
        start_.notify_all();
        takeBlocks(0);
        std::unique_lock lock(mutex_);
        done_.wait(lock, [this] { return busy_ == 0; });
    }

private:
    void takeBlocks(unsigned worker) {
        for (std::size_t i; (i = next_.fetch_add(1)) < count_;) (*blocks_)[i].run(job_, worker);
    }
    void work(unsigned worker) {
        std::size_t seen = 0;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                start_.wait(lock, [&] { return stopping_ || round_ != seen; });
                if (stopping_) return;
                seen = round_;
            }
            takeBlocks(worker);
            std::lock_guard lock(mutex_);
            if (--busy_ == 0) done_.notify_one();
        }
    }
    const LineJob& job_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable start_, done_;
    std::vector<Block>* blocks_ = nullptr;
    std::size_t count_ = 0, busy_ = 0, round_ = 0;
    std::atomic<std::size_t> next_{0};
    bool stopping_ = false;
};

}  // namespace

ParallelLinesResult forEachLineInOrder(std::istream& in, std::ostream& out, const LineJob& job,
                                       const ParallelLinesOptions& options) {
    return forEachLineInOrder(
        in, [&out](std::string_view output) { out.write(output.data(), static_cast<std::streamsize>(output.size())); }, job,
        options);
}

ParallelLinesResult forEachLineInOrder(std::istream& in, const LinesSink& sink, const LineJob& job,
                                       const ParallelLinesOptions& options) {
    LineReader reader(in, options.maxLine);
    ParallelLinesResult result;
    Line line;
    if (options.threads <= 1) {
        std::string buffer;
        while (reader.next(line)) {
            ++result.lines;
            result.lastLine = line.number;
            job(line, buffer, 0);
            if (buffer.size() > (1 << 16)) {
                sink(buffer);
                buffer.clear();
            }
        }
        sink(buffer);
        result.readError = reader.readError();
        return result;
    }
    // Two blocks a thread in a round, so a slow block does not idle the rest.
    std::vector<Block> blocks(2 * options.threads);
    BlockPool pool(options.threads - 1, job);
    bool more = true;
    while (more) {
        std::size_t filled = 0;
        for (; filled < blocks.size(); ++filled) {
            Block& block = blocks[filled];
            block.clear();
            while (block.entries.size() < options.blockLines && block.bytes.size() < options.blockBytes &&
                   (more = reader.next(line))) {
                ++result.lines;
                result.lastLine = line.number;
                block.add(line);
            }
            if (!more) {
                if (!block.entries.empty()) ++filled;
                break;
            }
        }
        pool.runRound(blocks, filled);
        for (std::size_t i = 0; i < filled; ++i) sink(blocks[i].out);
    }
    result.readError = reader.readError();
    return result;
}

}  // namespace cpe
