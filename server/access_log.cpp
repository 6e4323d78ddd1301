#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/buffered_sink.h"
#include "server/json_writer.h"

namespace cpe::server {

std::string formatAccessEntry(const AccessEntry& e) {
    // Paths and ids come from the client and may hold anything: every string
    // goes through the JSON escaper.
    std::string line;
    line.reserve(256);
    line += "\"method\":";
    appendJsonString(line, e.method, true);
    line += ",\"path\":";
    appendJsonString(line, e.path, true);
    fmt::format_to(std::back_inserter(line), R"(,"status":{},"remote":)", e.status);
    appendJsonString(line, fmt::format("{}:{}", e.remoteAddr, e.remotePort));
    fmt::format_to(std::back_inserter(line), R"(,"bytes_in":{},"bytes_out":{})", e.bytesIn, e.bytesOut);
    if (e.seconds >= 0) fmt::format_to(std::back_inserter(line), R"(,"ms":{:.3f})", e.seconds * 1000.0);
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
    return line;
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
    auto sink = std::make_shared<BufferedFdSink>(fd, owns);
    logger_ = std::make_shared<spdlog::logger>("access", std::move(sink));
    logger_->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ",%v})", spdlog::pattern_time_type::utc);
    logger_->set_level(spdlog::level::info);
    logger_->flush_on(spdlog::level::off);  // the sink flushes on its own
}

AccessLog::~AccessLog() { flush(); }

void AccessLog::write(const AccessEntry& entry) {
    if (logger_) logger_->info("{}", formatAccessEntry(entry));
}

void AccessLog::flush() {
    if (logger_) logger_->flush();
}

}  // namespace cpe::server
