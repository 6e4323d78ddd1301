#include "server/http_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "server/router.h"
#include "server/tls_credentials.h"

namespace cpe::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
namespace ssl = net::ssl;
using Clock = std::chrono::steady_clock;

namespace {

Clock::duration toDuration(double seconds) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// What stop() needs of a connection, whichever its stream: the one virtual
// call is at stop, so a request pays nothing for there being two kinds.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    virtual ~Connection() = default;
    // Posted to the connection's strand by HttpService::stop().
    virtual void closeIfIdle() = 0;
    virtual net::any_io_executor executor() = 0;
};

// A connection's socket carries its strand as its own executor type rather
// than tcp::socket's type-erased any_io_executor, whose copies of a strand
// (too big for its inline buffer) were ~19 heap allocations a decision
// (callgrind, `cpe serve --threads 1` under wrk).
using ConnectionExecutor = net::strand<net::io_context::executor_type>;
using ConnectionSocket = net::basic_stream_socket<tcp, ConnectionExecutor>;
using PlainStream = ConnectionSocket;
using TlsStream = beast::ssl_stream<ConnectionSocket>;

// How long a closing TLS connection waits for the peer's close_notify after
// sending its own: a peer that never answers must not hold up a stop.
constexpr double kTlsCloseSeconds = 1.0;

// Writes a short answer straight to a socket without waiting (it fits in any
// socket buffer), then closes it.
void writeAndClose(ConnectionSocket& socket, const std::string& bytes) {
    beast::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(net::buffer(bytes), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
}

// What every connection shares.
struct Context {
    Context(const ServeOptions& o, Api& a, Metrics& m, AccessLog& l, Router r, net::io_context& io)
        : options(o), api(a), metrics(m), access(l), router(std::move(r)), ioc(io) {}

    const ServeOptions& options;
    Api& api;
    Metrics& metrics;
    AccessLog& access;
    Router router;
    net::io_context& ioc;
    std::atomic<bool> stopping{false};
    std::size_t maxConnections = 0;  // effective cap (ServeOptions::maxConnections or the fd limit's)
    std::atomic<std::size_t> open{0};
    std::mutex sessionsMutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions;
};

// One connection: read a request, answer it, and again while keep-alive
// lasts. All of a session's handlers run on its strand, one at a time.
// Stream is the plain socket or the TLS stream over it: a template, so that
// plain connections carry no TLS branch or indirection.
//
// Over TLS the handshake comes first and counts toward the read timeout (a
// fresh connection has --read-timeout from its accept to its first request
// byte, handshake included); a graceful close sends close_notify and waits
// at most kTlsCloseSeconds for the peer's.
//
// Timeouts are one deadline per phase (handshake, idle, reading, writing,
// closing) watched by a single timer, re-armed only when it fires early or a
// shorter deadline comes: cheaper than a timer operation per read and write.
// A request that stalls has its read cancelled and gets 408; a stalled
// handshake, write or close_notify, or an idle connection, is closed.
template <class Stream>
class Session final : public Connection {
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

public:
    // tls: the context of the certificate in service when the connection
    // came (held, so that a reload leaves this connection as it is).
    Session(ConnectionSocket&& accepted, Context& ctx, std::shared_ptr<ssl::context> tls = {})
        : tls_(std::move(tls)), stream_(makeStream(std::move(accepted), tls_.get())), timer_(stream_.get_executor()), ctx_(ctx),
          connected_(Clock::now()) {
        ctx_.open.fetch_add(1);
        ctx_.metrics.connectionOpened();
        beast::error_code ec;
        auto remote = socket().remote_endpoint(ec);
        if (!ec) {
            remoteAddr_ = remote.address().to_string();
            remotePort_ = remote.port();
        }
        socket().set_option(tcp::no_delay(true), ec);
    }

    ~Session() {
        {
            std::lock_guard lock(ctx_.sessionsMutex);
            ctx_.sessions.erase(this);
        }
        ctx_.open.fetch_sub(1);
        ctx_.metrics.connectionClosed();
    }

    void start() {
        {
            std::lock_guard lock(ctx_.sessionsMutex);
            ctx_.sessions.emplace(this, weak_from_this());
        }
        net::dispatch(stream_.get_executor(), [self = self()] {
            if constexpr (kTls) self->handshake();
            else self->waitForRequest();
        });
    }

    void closeIfIdle() override {
        if (phase_ == Phase::Idle) closeWhileReading();
    }

    net::any_io_executor executor() override { return stream_.get_executor(); }

private:
    enum class Phase { Handshake, Idle, Reading, Handling, Writing, Closing };

    static Stream makeStream(ConnectionSocket&& socket, ssl::context* tls) {
        if constexpr (kTls) return Stream(std::move(socket), *tls);
        else return std::move(socket);
    }

    ConnectionSocket& socket() { return beast::get_lowest_layer(stream_); }
    std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }

    void setPhase(Phase phase, double seconds) { setPhaseUntil(phase, Clock::now() + toDuration(seconds)); }

    void setPhaseUntil(Phase phase, Clock::time_point deadline) {
        phase_ = phase;
        deadline_ = deadline;
        if (!timerArmed_ || deadline < timerAt_) armTimer();
    }

    void armTimer() {
        timerArmed_ = true;
        timerAt_ = deadline_;
        timer_.expires_at(deadline_);
        timer_.async_wait([self = self(), generation = ++timerGeneration_](beast::error_code ec) {
            if (generation != self->timerGeneration_) return;  // re-armed meanwhile
            self->timerArmed_ = false;
            if (ec || !self->socket().is_open() || self->phase_ == Phase::Handling) return;
            if (Clock::now() < self->deadline_) return self->armTimer();
            self->timedOut();
        });
    }

    void timedOut() {
        if (phase_ == Phase::Reading) {
            timedOut_ = true;
            beast::error_code ec;
            socket().cancel(ec);  // the read fails with operation_aborted; readFailed answers 408
        } else if (phase_ == Phase::Idle) {
            closeWhileReading();
        } else {
            close();  // a stalled handshake, write or close_notify
        }
    }

    // TLS first: a client that does not finish its handshake within the
    // read timeout is closed. A plain HTTP request sent to the TLS port is
    // told so in plain HTTP (OpenSSL recognises one), as nginx does.
    void handshake() {
        setPhase(Phase::Handshake, ctx_.options.readTimeoutSeconds);
        stream_.async_handshake(ssl::stream_base::server, [self = self()](beast::error_code ec) {
            if (!ec) {
                self->handshakeDone_ = true;
                return self->waitForRequest();
            }
            if (ec.category() == net::error::get_ssl_category() && ERR_GET_REASON(ec.value()) == SSL_R_HTTP_REQUEST) {
                self->timer_.cancel();
                return writeAndClose(self->socket(), plainHttpRefusal());
            }
            spdlog::debug("TLS handshake with {} failed: {}", self->remoteAddr_, ec.message());
            self->close();
        });
    }

    static const std::string& plainHttpRefusal() {
        static const std::string response = [] {
            std::string body = errorBody(InputError{"bad_request", "this port serves HTTPS; use an https:// URL", ""});
            return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
        }();
        return response;
    }

    // Between requests: wait for the first bytes of the next one, for the
    // keep-alive time (on a fresh connection, the read timeout from accept).
    void waitForRequest() {
        if (ctx_.stopping.load()) return finish();
        if (buffer_.size() > 0) return readHeader();  // pipelined: already here
        if (first_) setPhaseUntil(Phase::Idle, connected_ + toDuration(ctx_.options.readTimeoutSeconds));
        else setPhase(Phase::Idle, ctx_.options.keepAliveSeconds);
        stream_.async_read_some(buffer_.prepare(4096), [self = self()](beast::error_code ec, std::size_t n) {
            // Idle timeout, hang-up or stop: no request.
            if (ec) return self->closing_ || self->saidGoodbye(ec) ? self->finish() : self->close();
            self->buffer_.commit(n);
            self->readHeader();
        });
    }

    void readHeader() {
        start_ = Clock::now();
        note_ = RequestNote{};
        method_.clear();
        target_.clear();
        bodyBytes_ = 0;
        timedOut_ = false;
        parser_.emplace();
        parser_->header_limit(kRequestHeaderLimit);
        parser_->body_limit(ctx_.options.maxBodyBytes);
        // The whole request, headers and body, must arrive within the read timeout.
        setPhase(Phase::Reading, ctx_.options.readTimeoutSeconds);
        http::async_read_header(stream_, buffer_, *parser_, [self = self()](beast::error_code ec, std::size_t) {
            if (ec) return self->readFailed(ec);
            self->onHeader();
        });
    }

    void onHeader() {
        const auto& req = parser_->get();
        method_ = std::string(sv(req.method_string()));
        target_ = std::string(sv(req.target()));
        if (parser_->is_done()) return handle();
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            // curl and others wait for this before sending a larger body.
            auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
            http::async_write(stream_, *cont, [self = self(), cont](beast::error_code ec, std::size_t) {
                if (ec) return self->readFailed(ec);
                self->readBody();
            });
            return;
        }
        readBody();
    }

    void readBody() {
        http::async_read(stream_, buffer_, *parser_, [self = self()](beast::error_code ec, std::size_t) {
            if (ec) return self->readFailed(ec);
            self->handle();
        });
    }

    // The request could not be read whole. Answer when the client is still
    // there to hear it, then close: the rest of its bytes are not a request.
    void readFailed(beast::error_code ec) {
        const bool headerRead = parser_ && parser_->is_header_done();
        if (timedOut_)
            return fail(408, "request_timeout",
                        headerRead ? "the request body did not arrive within the read timeout"
                                   : "the request headers did not arrive within the read timeout",
                        headerRead ? "body" : "");
        if (ec == http::error::body_limit)
            return fail(413, "body_too_large",
                        "the request body exceeds the limit of " + std::to_string(ctx_.options.maxBodyBytes) + " bytes", "body");
        if (ec == http::error::header_limit)
            return fail(431, "headers_too_large", "the request headers exceed " + std::to_string(kRequestHeaderLimit) + " bytes",
                        "");
        if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof ||
            ec == net::error::connection_reset || ec == net::error::operation_aborted || ec == net::error::broken_pipe)
            return saidGoodbye(ec) ? finish() : close();  // the client went away, or we are stopping
        fail(400, "bad_request", "malformed HTTP request: " + ec.message(), "");
    }

    void fail(int status, const char* code, std::string message, std::string field) {
        Routed r{errorReply(status, InputError{code, std::move(message), std::move(field)}, &note_), {}};
        respond(std::move(r), /*keepAlive=*/false, /*head=*/false);
    }

    void handle() {
        phase_ = Phase::Handling;
        auto& req = parser_->get();
        bodyBytes_ = req.body().size();
        const bool keepAlive = req.keep_alive();
        const bool head = req.method() == http::verb::head;
        RequestView view{sv(req.method_string()), sv(req.target()), sv(req[http::field::authorization]), req.body()};
        // A page written by `cpe page` asks from another origin: with
        // --allow-origin, the browser's preflight is answered here and every
        // answer names the origin allowed.
        const std::string_view origin = sv(req[http::field::origin]);
        const std::string& allowed = ctx_.options.allowOrigin;
        const bool cors = !allowed.empty() && !origin.empty() && (allowed == "*" || origin == allowed);
        if (cors && req.method() == http::verb::options) {
            Routed preflight{Reply{204, {}, "text/plain"}, {}};
            preflight.headers.emplace_back("Access-Control-Allow-Origin", allowed);
            preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST");
            preflight.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
            preflight.headers.emplace_back("Access-Control-Max-Age", "600");
            return respond(std::move(preflight), keepAlive, false);
        }
        Routed routed;
        try {
            routed = ctx_.router.route(view, note_);
        } catch (const std::exception& e) {
            spdlog::error("internal error on {} {}: {}", method_, target_, e.what());
            routed = Routed{
                errorReply(500, InputError{"internal_error", "internal error; the request was not decided", ""}, &note_), {}};
        }
        if (cors) {
            routed.headers.emplace_back("Access-Control-Allow-Origin", allowed);
            routed.headers.emplace_back("Access-Control-Expose-Headers", "X-Decision-Id");
        }
        if (routed.reload) return reloadElsewhere(keepAlive);
        if (routed.decision) return recordThenRespond(std::move(routed), keepAlive, head);
        respond(std::move(routed), keepAlive, head);
    }

    // A decision is answered only once its record is committed. The I/O
    // thread does not wait for that: the record goes to the log's queue with
    // a completion, which the writer calls after the group commit; it posts
    // back to this connection's strand, and the answer (the decision, or 503
    // when the log could not record it) is written from there. The tracked
    // executor keeps run() from returning while a decision waits.
    void recordThenRespond(Routed&& routed, bool keepAlive, bool head) {
        DecisionLog* log = ctx_.api.log();
        if (!log) {
            ctx_.api.answered(*routed.decision);
            return respond(std::move(routed), keepAlive, head);
        }
        DecisionRecord record = std::move(routed.decision->record);
        routed.decision->record = DecisionRecord{};
        routed.decision->record.policy = record.policy;  // answered() counts by it
        waiting_ = std::move(routed);
        waitingKeepAlive_ = keepAlive;
        waitingHead_ = head;
        auto ex = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
        const bool queued = log->submit(std::move(record), [self = self(), ex](bool committed) {
            net::post(ex, [self, committed] { self->logged(committed); });
        });
        if (!queued) logged(false);
    }

    void logged(bool committed) {
        Routed routed = std::move(*waiting_);
        waiting_.reset();
        if (committed) {
            ctx_.api.answered(*routed.decision);
            return respond(std::move(routed), waitingKeepAlive_, waitingHead_);
        }
        Routed refused{ctx_.api.logRefused(note_), {}};
        refused.headers.emplace_back("Retry-After", std::to_string(kLogRetryAfterSeconds));
        respond(std::move(refused), waitingKeepAlive_, waitingHead_);
    }

    // Compiling a library takes a while; do it off the I/O threads, which
    // keep serving decisions meanwhile. The work guard keeps run() from
    // returning before the answer is sent.
    void reloadElsewhere(bool keepAlive) {
        std::thread([self = self(), guard = net::make_work_guard(ctx_.ioc), keepAlive]() mutable {
            Reply reply = self->ctx_.api.reload("POST /v1/admin/reload");
            net::post(self->executor(), [self, reply = std::move(reply), keepAlive]() mutable {
                self->respond(Routed{std::move(reply), {}}, keepAlive, false);
            });
            guard.reset();
        }).detach();
    }

    void respond(Routed&& routed, bool keepAlive, bool head) {
        res_ = {};
        res_.version(11);
        res_.result(static_cast<unsigned>(routed.reply.status));
        res_.set(http::field::content_type, routed.reply.contentType);
        for (auto& [name, value] : routed.headers) res_.set(name, value);
        res_.body() = std::move(routed.reply.body);
        res_.prepare_payload();
        if (head) res_.body().clear();  // Content-Length stays that of the GET
        closeAfter_ = !keepAlive || ctx_.stopping.load();
        res_.keep_alive(!closeAfter_);
        setPhase(Phase::Writing, ctx_.options.writeTimeoutSeconds);
        http::async_write(stream_, res_, [self = self()](beast::error_code ec, std::size_t) {
            self->finishRequest();
            if (ec) return self->close();
            if (self->closeAfter_) return self->finish();
            self->first_ = false;
            self->waitForRequest();
        });
    }

    void finishRequest() {
        const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        std::string_view path = std::string_view(target_).substr(0, target_.find('?'));
        const Endpoint endpoint = classifyPath(path);
        const int status = static_cast<int>(res_.result_int());
        ctx_.metrics.countRequest(endpoint, status);
        ctx_.metrics.observeLatency(endpoint, seconds);
        if (ctx_.access.enabled()) {
            // Client-supplied names reach the access log only when the
            // library declares them.
            ctx_.api.redactNote(note_);
            const std::string logged = loggedPath(path);
            ctx_.access.write(AccessEntry{method_.empty() ? "-" : std::string_view(method_), logged, remoteAddr_, remotePort_,
                                          status, seconds, bodyBytes_, res_.body().size(), &note_});
        }
    }

    // The path as the access log shows it: the endpoint's, with a policy id
    // only when the library declares it; any other path the client made up
    // is withheld (its decoded length is kept).
    std::string loggedPath(std::string_view raw) const {
        if (raw.empty()) return "-";
        std::string path;
        std::optional<std::string> unused;
        if (!splitTarget(raw, path, unused)) path = std::string(raw);
        const Endpoint endpoint = classifyPath(path);
        if (endpoint == Endpoint::Other) return withheldName(path);
        if (endpoint == Endpoint::PolicyForm) {
            const std::string id(*policyFormId(path));
            return ctx_.api.isPolicyId(id) ? path : "/v1/policies/" + withheldName(id) + "/form";
        }
        if (endpoint == Endpoint::Doc) {
            std::string file = path.substr(5);
            std::string id = file.size() > 5 && file.substr(file.size() - 5) == ".html" ? file.substr(0, file.size() - 5) : file;
            return file == "index.html" || ctx_.api.isPolicyId(id) ? path : "/doc/" + withheldName(file);
        }
        if (endpoint != Endpoint::Policy) return path;
        constexpr std::string_view prefix = "/v1/policies/";
        const std::string id = path.substr(prefix.size());
        return ctx_.api.isPolicyId(id) ? path : std::string(prefix) + withheldName(id);
    }

    // The connection is done with, politely: over TLS, close_notify first
    // (bounded by kTlsCloseSeconds), then the socket.
    void finish() {
        if constexpr (kTls) {
            if (handshakeDone_ && phase_ != Phase::Closing && socket().is_open()) {
                setPhase(Phase::Closing, std::min(kTlsCloseSeconds, ctx_.options.writeTimeoutSeconds));
                stream_.async_shutdown([self = self()](beast::error_code) { self->close(); });
                return;
            }
        }
        close();
    }

    // finish() while a read is pending: over TLS the read must end before
    // close_notify can be exchanged, so it is cancelled and its handler
    // finishes.
    void closeWhileReading() {
        if constexpr (kTls) {
            closing_ = true;
            beast::error_code ec;
            socket().cancel(ec);
        } else {
            close();
        }
    }

    // A TLS peer that closed with close_notify (asio reports it as eof) is
    // answered with ours: OpenSSL keeps a session for resumption only when
    // the connection was shut down both ways.
    static bool saidGoodbye(const beast::error_code& ec) { return kTls && ec == net::error::eof; }

    // At once, without close_notify: the peer went away or misbehaved.
    void close() {
        beast::error_code ec;
        socket().shutdown(tcp::socket::shutdown_both, ec);
        socket().close(ec);
        timer_.cancel();
    }

    std::shared_ptr<ssl::context> tls_;  // before stream_, which refers to it
    Stream stream_;
    net::basic_waitable_timer<Clock, net::wait_traits<Clock>, ConnectionExecutor> timer_;
    Context& ctx_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    std::string remoteAddr_ = "?";
    int remotePort_ = 0;
    Phase phase_ = Phase::Idle;
    Clock::time_point deadline_, timerAt_;
    bool timerArmed_ = false;
    std::uint64_t timerGeneration_ = 0;
    bool timedOut_ = false, first_ = true, closeAfter_ = false;
    bool handshakeDone_ = false, closing_ = false;
    Clock::time_point connected_, start_;
    RequestNote note_;
    std::optional<Routed> waiting_;  // decided, waiting for its commit
    bool waitingKeepAlive_ = false, waitingHead_ = false;
    std::string method_, target_;
    std::size_t bodyBytes_ = 0;
};

}  // namespace

struct HttpService::Impl {
    Impl(const ServeOptions& o, Api& api, Metrics& metrics, AccessLog& access, std::optional<ClientTokens> clients,
         const TlsCredentials* tlsCredentials)
        : tls(tlsCredentials), ioc(static_cast<int>(o.threads ? o.threads : defaultThreads())),
          ctx(o, api, metrics, access, Router(api, std::move(clients)), ioc), acceptor(net::make_strand(ioc)),
          retry(acceptor.get_executor()) {
        ctx.maxConnections = o.maxConnections ? o.maxConnections : std::numeric_limits<std::size_t>::max();
    }

    // Beyond the cap: one short answer, written without waiting, and the
    // connection closed. A client is told why instead of hanging, and the
    // descriptors left are kept for the log. Over TLS the answer would need
    // a handshake first, the work the cap exists to refuse: the connection
    // is closed without one.
    void refuseConnection(ConnectionSocket socket) {
        static const std::string response = [] {
            std::string body = errorBody(InputError{"too_many_connections",
                                                    "the server has as many connections open as it accepts "
                                                    "(--max-connections); retry shortly",
                                                    ""});
            return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
                   "Connection: close\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n\r\n" + body;
        }();
        ctx.metrics.connectionRefused();
        if (!tls) return writeAndClose(socket, response);
        beast::error_code ec;
        socket.close(ec);
    }

    void accept() {
        acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, ConnectionSocket socket) {
            if (ctx.stopping.load() || !acceptor.is_open()) return;
            if (ec) {
                // Out of file descriptors, most likely: wait a moment instead
                // of spinning on the error.
                spdlog::warn("accept failed: {}", ec.message());
                retry.expires_after(std::chrono::milliseconds(100));
                retry.async_wait([this](beast::error_code waitEc) {
                    if (!waitEc) accept();
                });
                return;
            }
            if (ctx.open.load() >= ctx.maxConnections) refuseConnection(std::move(socket));
            else if (tls) std::make_shared<Session<TlsStream>>(std::move(socket), ctx, tls->current())->start();
            else std::make_shared<Session<PlainStream>>(std::move(socket), ctx)->start();
            accept();
        });
    }

    const TlsCredentials* tls;  // null: plain HTTP
    net::io_context ioc;
    Context ctx;
    tcp::acceptor acceptor;
    net::steady_timer retry;
};

HttpService::HttpService(const ServeOptions& options, Api& api, Metrics& metrics, AccessLog& accessLog,
                         std::optional<ClientTokens> clients, const TlsCredentials* tls)
    : impl_(std::make_unique<Impl>(options, api, metrics, accessLog, std::move(clients), tls)) {}

HttpService::~HttpService() = default;

int HttpService::bind() {
    const ServeOptions& o = impl_->ctx.options;
    try {
        tcp::endpoint endpoint(net::ip::make_address(o.host), static_cast<unsigned short>(o.port));
        tcp::acceptor& a = impl_->acceptor;
        a.open(endpoint.protocol());
        a.set_option(net::socket_base::reuse_address(true));
        a.bind(endpoint);
        a.listen(net::socket_base::max_listen_connections);
        impl_->accept();
        return a.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
    }
}

void HttpService::run() {
    const unsigned threads = impl_->ctx.options.threads ? impl_->ctx.options.threads : defaultThreads();
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { impl_->ioc.run(); });
    impl_->ioc.run();
    for (auto& t : pool) t.join();
}

void HttpService::stop() {
    Impl& s = *impl_;
    if (s.ctx.stopping.exchange(true)) return;
    net::post(s.acceptor.get_executor(), [&s] {
        beast::error_code ec;
        s.acceptor.close(ec);
        s.retry.cancel();
    });
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(s.ctx.sessionsMutex);
        for (auto& [raw, weak] : s.ctx.sessions)
            if (auto session = weak.lock()) open.push_back(std::move(session));
    }
    for (auto& session : open) net::post(session->executor(), [session] { session->closeIfIdle(); });
}

}  // namespace cpe::server
