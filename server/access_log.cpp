#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "server/buffered_sink.h"

namespace cpe::server {

namespace {

// Request paths come from the client, so they may hold anything: quote them
// as JSON strings, replacing invalid UTF-8.
std::string jsonQuoted(std::string_view s) {
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string formatAccessEntry(const AccessEntry& e) {
    std::string line = fmt::format(R"("method":{},"path":{},"status":{},"remote":"{}:{}","bytes_in":{},"bytes_out":{})",
                                   jsonQuoted(e.method), jsonQuoted(e.path), e.status, e.remoteAddr, e.remotePort, e.bytesIn,
                                   e.bytesOut);
    if (e.seconds >= 0) line += fmt::format(R"(,"ms":{:.3f})", e.seconds * 1000.0);
    if (const RequestNote* n = e.note) {
        if (!n->policy.empty()) line += ",\"policy\":" + jsonQuoted(n->policy);
        if (n->outcome) line += fmt::format(R"(,"outcome":"{}")", n->outcome);
        if (!n->decisionId.empty()) line += fmt::format(R"(,"decision_id":"{}")", n->decisionId);
        if (!n->errorCode.empty()) line += ",\"error\":" + jsonQuoted(n->errorCode);
        if (!n->errorField.empty()) line += ",\"field\":" + jsonQuoted(n->errorField);
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
