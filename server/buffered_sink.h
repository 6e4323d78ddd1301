#pragma once
// A sink that collects lines in memory and writes them in blocks from its own
// thread (every 200 ms, or sooner when 256 KiB are waiting). At tens of
// thousands of requests a second, a write(2) per access-log line, or a
// wake-up of a logging thread per line, would cost more than the request.
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace cpe::server {

class BufferedFdSink {
public:
    // Writes to `fd`; closes it at the end when `ownsFd`.
    BufferedFdSink(int fd, bool ownsFd);
    ~BufferedFdSink();

    BufferedFdSink(const BufferedFdSink&) = delete;
    BufferedFdSink& operator=(const BufferedFdSink&) = delete;

    // Queues `line` and a newline. Thread-safe; never writes on the caller's thread
    // unless the buffer is past its high-water mark.
    void writeLine(std::string_view line);
    // Writes what is queued now.
    void flush();

private:
    void run();

    int fd_;
    bool ownsFd_;
    std::mutex mutex_;  // buffer_, stop_
    std::condition_variable wake_;
    std::string buffer_;
    bool stop_ = false;
    std::mutex writeMutex_;  // keeps blocks in order when flush() races the thread
    std::thread thread_;
};

}  // namespace cpe::server
