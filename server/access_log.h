#pragma once
// One JSON line per HTTP request, written in blocks by a background thread
// (BufferedFdSink) so that logging costs a request neither a system call nor
// a slow disk. It records what was asked and how it went, never a fact value.
#include <memory>
#include <string>
#include <string_view>

#include "server/reply.h"

namespace cpe::server {

class BufferedFdSink;

struct AccessEntry {
    std::string_view method, path, remoteAddr;
    int remotePort = 0;
    int status = 0;
    double seconds = -1;  // < 0: unknown
    std::size_t bytesIn = 0, bytesOut = 0;
    const RequestNote* note = nullptr;
};

class AccessLog {
public:
    // target: "-" for stderr, "off" for none, else a file (appended to).
    // Throws when the file cannot be opened.
    explicit AccessLog(const std::string& target);
    ~AccessLog();
    bool enabled() const { return sink_ != nullptr; }
    void write(const AccessEntry& entry);
    void flush();

private:
    std::unique_ptr<BufferedFdSink> sink_;
};

// The line's body, without the braces and the time stamp write() puts around
// it, appended to `line`.
void appendAccessEntry(std::string& line, const AccessEntry& entry);

}  // namespace cpe::server
