#pragma once
// The HTTP side of `cpe serve`, on Boost.Beast (asio): one I/O thread per
// core, keep-alive, the body limit (413), a read timeout for requests that
// stall (408), a keep-alive timeout for idle connections, a write timeout for
// clients that stop reading, and a graceful stop; HTTPS with --tls-cert.
// Routing and the endpoints are Router's and Api's; metrics and the access
// log are written per request.
//
// Why Beast rather than cpp-httplib (tried first): httplib spends a thread per
// open connection and about eleven system calls per keep-alive request (poll
// before every read and write, two sends, getpeername, getsockname). On the
// 2-core reference machine that was ~46 us of CPU per request before any
// decision was made, against ~16 us for Beast (recv, one writev, epoll), and
// the 20,000 decisions/s target was out of reach. See server/README.md.
#include <memory>
#include <optional>
#include <string>

#include "server/access_log.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "server/options.h"

namespace cpe::server {

class TlsCredentials;

class HttpService {
public:
    // tls: serve HTTPS with the pair in service there (re-read on SIGHUP by
    // its owner); null: plain HTTP.
    HttpService(const ServeOptions& options, Api& api, Metrics& metrics, AccessLog& accessLog,
                std::optional<ClientTokens> clients, const TlsCredentials* tls = nullptr);
    ~HttpService();

    // Binds and listens; returns the port (useful with port 0). Throws when
    // the address cannot be used.
    int bind();
    // Serves on the I/O threads until stop(); returns once every connection
    // is closed, so every request that was read has been answered.
    void run();
    // Stops accepting, closes idle keep-alive connections at once and the
    // others after the response in progress. Safe from any thread, any time.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cpe::server
