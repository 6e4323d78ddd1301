#pragma once
// A spdlog sink that collects lines in memory and writes them in blocks from
// its own thread (every 200 ms, or sooner when 256 KiB are waiting). At tens
// of thousands of requests a second, a write(2) per access-log line, or a
// wake-up of a logging thread per line, would cost more than the request.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <spdlog/sinks/sink.h>

namespace cpe::server {

class BufferedFdSink final : public spdlog::sinks::sink {
public:
    // Writes to `fd`; closes it at the end when `ownsFd`.
    BufferedFdSink(int fd, bool ownsFd);
    ~BufferedFdSink() override;

    void log(const spdlog::details::log_msg& msg) override;
    void flush() override;
    void set_pattern(const std::string& pattern) override;
    void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override;

private:
    void run();

    int fd_;
    bool ownsFd_;
    std::mutex mutex_;  // buffer_, formatter_, stop_
    std::condition_variable wake_;
    std::string buffer_;
    std::unique_ptr<spdlog::formatter> formatter_;
    bool stop_ = false;
    std::mutex writeMutex_;  // keeps blocks in order when flush() races the thread
    std::thread thread_;
};

}  // namespace cpe::server
