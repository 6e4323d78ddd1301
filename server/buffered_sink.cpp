#include "server/buffered_sink.h"

#include <unistd.h>

#include <cerrno>

namespace cpe::server {

namespace {
constexpr std::size_t kHighWater = 256 * 1024;
constexpr auto kInterval = std::chrono::milliseconds(200);
}  // namespace

BufferedFdSink::BufferedFdSink(int fd, bool ownsFd) : fd_(fd), ownsFd_(ownsFd) {
    buffer_.reserve(kHighWater);
    thread_ = std::thread([this] { run(); });
}

BufferedFdSink::~BufferedFdSink() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
    flush();
    if (ownsFd_) ::close(fd_);
}

void BufferedFdSink::writeLine(std::string_view line) {
    bool full;
    {
        std::lock_guard lock(mutex_);
        buffer_.append(line);
        buffer_ += '\n';
        full = buffer_.size() >= kHighWater;
    }
    if (full) wake_.notify_one();
}

void BufferedFdSink::flush() {
    std::lock_guard writing(writeMutex_);
    std::string block;
    {
        std::lock_guard lock(mutex_);
        block.swap(buffer_);
        buffer_.reserve(kHighWater);
    }
    // Written outside the buffer lock, so requests keep logging meanwhile.
    const char* p = block.data();
    std::size_t left = block.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the log's target is gone; serving matters more
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void BufferedFdSink::run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        wake_.wait_for(lock, kInterval, [&] { return stop_ || buffer_.size() >= kHighWater; });
        lock.unlock();
        flush();
        lock.lock();
    }
}

}  // namespace cpe::server
