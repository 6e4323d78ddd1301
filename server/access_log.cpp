#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "server/buffered_sink.h"
#include "server/json_writer.h"
#include "server/log_store.h"

namespace cpe::server {

namespace {

// Numbers by std::to_chars: fmt's formatting, here and in spdlog, was most
// of the access log's cost (callgrind, `cpe serve` under wrk).
template <typename T>
void appendNumber(std::string& out, T value) {
    char digits[32];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

}  // namespace

void appendAccessEntry(std::string& line, const AccessEntry& e) {
    // Paths and ids come from the client and may hold anything: every string
    // goes through the JSON escaper.
    line += "\"method\":";
    appendJsonString(line, e.method, true);
    line += ",\"path\":";
    appendJsonString(line, e.path, true);
    line += ",\"status\":";
    appendNumber(line, e.status);
    line += ",\"remote\":";
    std::string remote(e.remoteAddr);
    remote += ':';
    appendNumber(remote, e.remotePort);
    appendJsonString(line, remote);
    line += ",\"bytes_in\":";
    appendNumber(line, e.bytesIn);
    line += ",\"bytes_out\":";
    appendNumber(line, e.bytesOut);
    if (e.seconds >= 0) {
        char ms[64];
        line += ",\"ms\":";
        line.append(ms, std::to_chars(ms, ms + sizeof ms, e.seconds * 1000.0, std::chars_format::fixed, 3).ptr);
    }
    if (const RequestNote* n = e.note) {
        auto member = [&line](const char* name, std::string_view value) {
            if (value.empty()) return;
            line += ",\"";
            line += name;
            line += "\":";
            appendJsonString(line, value, true);
        };
        member("client", n->client);
        member("policy", n->policy);
        member("outcome", n->outcome ? n->outcome : "");
        member("decision_id", n->decisionId);
        member("error", n->errorCode);
        member("field", n->errorField);
    }
}

AccessLog::AccessLog(const std::string& target) {
    if (target == "off") return;
    int fd = STDERR_FILENO;
    bool owns = false;
    if (target != "-") {
        fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (fd < 0) throw std::runtime_error("cannot open access log " + target + ": " + std::strerror(errno));
        owns = true;
    }
    sink_ = std::make_unique<BufferedFdSink>(fd, owns);
}

AccessLog::~AccessLog() { flush(); }

void AccessLog::write(const AccessEntry& entry) {
    if (!sink_) return;
    // The time as the decision log writes it (UTC, milliseconds); by hand,
    // not through spdlog, whose formatting of the line and its time stamp
    // cost more than the line itself (callgrind, `cpe serve` under wrk).
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    // One string, built once: the entry written into a copy of its own was
    // two allocations and a copy a request.
    std::string line;
    line.reserve(320);
    line += "{\"time\":\"";
    line += formatLogTime(now.count());
    line += "\",";
    appendAccessEntry(line, entry);
    line += '}';
    sink_->writeLine(line);
}

void AccessLog::flush() {
    if (sink_) sink_->flush();
}

}  // namespace cpe::server
