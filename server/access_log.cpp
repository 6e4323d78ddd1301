#include "server/access_log.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

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
    // One background thread; when its queue is full, requests wait for it
    // rather than lines being dropped.
    spdlog::init_thread_pool(16384, 1);
    spdlog::sink_ptr sink;
    if (target == "-") sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    else sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(target);
    logger_ = std::make_shared<spdlog::async_logger>("access", sink, spdlog::thread_pool(),
                                                     spdlog::async_overflow_policy::block);
    logger_->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ",%v})", spdlog::pattern_time_type::utc);
    logger_->set_level(spdlog::level::info);
    // Lines reach the file in blocks, at most a second late, instead of one
    // write(2) per request.
    logger_->flush_on(spdlog::level::err);
    spdlog::register_logger(logger_);
    spdlog::flush_every(std::chrono::seconds(1));
}

AccessLog::~AccessLog() {
    flush();
    if (logger_) spdlog::drop("access");
}

void AccessLog::write(const AccessEntry& entry) {
    if (logger_) logger_->info("{}", formatAccessEntry(entry));
}

void AccessLog::flush() {
    if (logger_) logger_->flush();
}

}  // namespace cpe::server
