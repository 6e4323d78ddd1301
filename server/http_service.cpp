#include "server/http_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <stdexcept>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "server/auth.h"

namespace cpe::server {

namespace {

using Clock = std::chrono::steady_clock;

// cpp-httplib runs a request from its headers to its access-log callback on
// one worker thread, so per-request notes can live in a thread_local instead
// of a map keyed by request.
struct Scratch {
    Clock::time_point start;
    bool started = false;
    std::size_t bodyBytes = 0;
    RequestNote note;
};
thread_local Scratch tScratch;

std::optional<std::string> param(const httplib::Request& req, const char* name) {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
}

void send(httplib::Response& res, Reply reply) {
    res.status = reply.status;
    res.set_content(std::move(reply.body), reply.contentType);
}

void sendError(httplib::Response& res, int status, std::string code, std::string message, std::string field = "") {
    send(res, errorReply(status, InputError{std::move(code), std::move(message), std::move(field)}, &tScratch.note));
}

// The bodies of errors cpp-httplib raises before any handler runs.
void libraryError(const httplib::Request& req, httplib::Response& res, std::size_t maxBody) {
    switch (res.status) {
        case 413:
            sendError(res, 413, "body_too_large",
                      "the request body exceeds the limit of " + std::to_string(maxBody) + " bytes", "body");
            break;
        case 414: sendError(res, 414, "uri_too_long", "the request URI is too long"); break;
        case 404:
            sendError(res, 404, "not_found", "no endpoint " + req.method + " " + req.path + "; see GET /v1/policies");
            break;
        case 400:
            sendError(res, 400, "bad_request",
                      "malformed HTTP request, or its body did not arrive within the read timeout", "body");
            break;
        default:
            sendError(res, res.status, "http_error", "HTTP error " + std::to_string(res.status));
            break;
    }
}

bool carriesBody(const std::string& method) {
    // The methods cpp-httplib reads a body for (detail::expect_content).
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "PRI";
}

}  // namespace

struct HttpService::Impl {
    Impl(const ServeOptions& o, Api& a, Metrics& m, AccessLog& l, std::optional<std::string> t)
        : options(o), api(a), metrics(m), access(l), token(std::move(t)) {}

    void route(const httplib::Request& req, std::string_view body, httplib::Response& res);
    void readBodyAndRoute(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
    void methodNotAllowed(httplib::Response& res, const httplib::Request& req, const char* allowed) {
        res.set_header("Allow", allowed);
        sendError(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; use " + allowed);
    }
    void finish(const httplib::Request& req, const httplib::Response& res);

    const ServeOptions& options;
    Api& api;
    Metrics& metrics;
    AccessLog& access;
    std::optional<std::string> token;
    std::atomic<bool> stopped{false};
    httplib::Server svr;
};

void HttpService::Impl::route(const httplib::Request& req, std::string_view body, httplib::Response& res) {
    RequestNote& note = tScratch.note;
    Endpoint endpoint = classifyPath(req.path);
    if (token && endpoint != Endpoint::Healthz && !bearerMatches(req.get_header_value("Authorization"), *token)) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"cpe\"");
        sendError(res, 401, "unauthorized", "this endpoint needs the header Authorization: Bearer <token>",
                  "Authorization");
        return;
    }
    const bool get = req.method == "GET" || req.method == "HEAD";
    switch (endpoint) {
        case Endpoint::Decisions:
            if (req.method != "POST") return methodNotAllowed(res, req, "POST");
            send(res, api.decide(body, note));
            if (!note.decisionId.empty()) res.set_header("X-Decision-Id", note.decisionId);
            return;
        case Endpoint::Policies:
            if (!get) return methodNotAllowed(res, req, "GET");
            return send(res, api.listPolicies(param(req, "as_of"), note));
        case Endpoint::Policy:
            if (!get) return methodNotAllowed(res, req, "GET");
            return send(res, api.getPolicy(req.path.substr(std::string_view("/v1/policies/").size()),
                                           param(req, "as_of"), note));
        case Endpoint::Healthz:
            if (!get) return methodNotAllowed(res, req, "GET");
            return send(res, api.health());
        case Endpoint::Metrics:
            if (!get) return methodNotAllowed(res, req, "GET");
            return send(res, api.metrics());
        case Endpoint::Reload:
            if (req.method != "POST") return methodNotAllowed(res, req, "POST");
            if (!token)
                return sendError(res, 403, "forbidden",
                                 "reloading over HTTP needs a token: start cpe serve with --token-file, or send SIGHUP");
            return send(res, api.reload("POST /v1/admin/reload"));
        default:
            return sendError(res, 404, "not_found",
                             "no endpoint " + req.method + " " + req.path + "; see GET /v1/policies");
    }
}

// cpp-httplib holds Content-Length bodies to the payload limit itself but not
// chunked ones, so the body is read here, under the same limit. Past the
// limit the rest is read and dropped (up to kDrainLimit) so that the
// connection stays in step for its next request.
void HttpService::Impl::readBodyAndRoute(const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& reader) {
    constexpr std::size_t kDrainLimit = 1 << 20;
    const std::size_t limit = options.maxBodyBytes;
    std::string body;
    std::size_t seen = 0;
    bool complete = reader([&](const char* data, std::size_t length) {
        seen += length;
        tScratch.bodyBytes = seen;
        if (seen <= limit) body.append(data, length);
        return seen <= std::max(limit, kDrainLimit);
    });
    if (res.status == 413 || seen > limit)
        return sendError(res, 413, "body_too_large",
                         "the request body exceeds the limit of " + std::to_string(limit) + " bytes", "body");
    if (!complete)
        return sendError(res, 400, "bad_request",
                         "the request body could not be read: malformed, or it did not arrive within the read timeout",
                         "body");
    route(req, body, res);
}

void HttpService::Impl::finish(const httplib::Request& req, const httplib::Response& res) {
    double seconds = -1;
    if (tScratch.started) seconds = std::chrono::duration<double>(Clock::now() - tScratch.start).count();
    Endpoint endpoint = classifyPath(req.path);
    metrics.countRequest(endpoint, res.status);
    if (seconds >= 0) metrics.observeLatency(endpoint, seconds);
    if (access.enabled())
        access.write(AccessEntry{req.method, req.path, req.remote_addr, req.remote_port, res.status, seconds,
                                 tScratch.bodyBytes, res.body.size(), &tScratch.note});
    // Requests that fail before the pre-routing hook (malformed request
    // lines) must not inherit this one's notes.
    tScratch.started = false;
    tScratch.bodyBytes = 0;
    tScratch.note = RequestNote{};
}

HttpService::HttpService(const ServeOptions& options, Api& api, Metrics& metrics, AccessLog& accessLog,
                         std::optional<std::string> token)
    : impl_(std::make_unique<Impl>(options, api, metrics, accessLog, std::move(token))) {
    Impl& s = *impl_;
    httplib::Server& svr = s.svr;
    const unsigned threads = options.threads ? options.threads : defaultThreads();
    svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

    auto splitSeconds = [](double seconds, auto&& set) {
        auto micros = static_cast<long long>(seconds * 1e6);
        set(static_cast<time_t>(micros / 1000000), static_cast<time_t>(micros % 1000000));
    };
    splitSeconds(options.readTimeoutSeconds, [&](time_t sec, time_t usec) { svr.set_read_timeout(sec, usec); });
    splitSeconds(options.writeTimeoutSeconds, [&](time_t sec, time_t usec) { svr.set_write_timeout(sec, usec); });
    svr.set_keep_alive_timeout(options.keepAliveSeconds);
    // The library's default closes a connection after 5 requests, which
    // throws away keep-alive's benefit; the idle timeout bounds it instead.
    svr.set_keep_alive_max_count(std::numeric_limits<int>::max());
    svr.set_payload_max_length(options.maxBodyBytes);
    // Headers and body go out in separate writes; without NODELAY, Nagle and
    // delayed ACKs would add ~40 ms to every keep-alive response.
    svr.set_tcp_nodelay(true);

    // Runs once the headers are read, before any body is. Requests without a
    // body are answered here; the others by the handlers below, which read the
    // body under the size limit first.
    svr.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
        tScratch.start = Clock::now();
        tScratch.started = true;
        tScratch.bodyBytes = 0;
        tScratch.note = RequestNote{};
        // A request with neither Content-Length nor Transfer-Encoding has no
        // body (RFC 9112 6.3); answer it now, or cpp-httplib would wait for
        // the client to close the connection.
        if (carriesBody(req.method) && (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")))
            return httplib::Server::HandlerResponse::Unhandled;
        s.route(req, {}, res);
        return httplib::Server::HandlerResponse::Handled;
    });
    auto handler = [&s](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
        s.readBodyAndRoute(req, res, reader);
    };
    svr.Post(".*", handler);
    svr.Put(".*", handler);
    svr.Patch(".*", handler);
    svr.Delete(".*", handler);

    const std::size_t maxBody = options.maxBodyBytes;
    svr.set_error_handler(httplib::Server::HandlerWithResponse(
        [maxBody](const httplib::Request& req, httplib::Response& res) {
            // Our own error replies already have their JSON body.
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            libraryError(req, res, maxBody);
            return httplib::Server::HandlerResponse::Handled;
        }));
    svr.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        spdlog::error("internal error on {} {}: {}", req.method, req.path, what);
        sendError(res, 500, "internal_error", "internal error; the request was not decided");
    });
    svr.set_logger([&s](const httplib::Request& req, const httplib::Response& res) { s.finish(req, res); });
}

HttpService::~HttpService() = default;

int HttpService::bind() {
    httplib::Server& svr = impl_->svr;
    const ServeOptions& o = impl_->options;
    int port = o.port == 0 ? svr.bind_to_any_port(o.host) : (svr.bind_to_port(o.host, o.port) ? o.port : -1);
    if (port < 0)
        throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                 " (address in use, or not an address of this machine)");
    return port;
}

void HttpService::run() {
    if (!impl_->svr.listen_after_bind()) spdlog::error("the HTTP listener stopped with an error");
}

void HttpService::stop() {
    // Only one effective call: a second stop() while the listener drains
    // would shut down an already closed socket.
    if (impl_->svr.is_running() && !impl_->stopped.exchange(true)) impl_->svr.stop();
}

}  // namespace cpe::server
