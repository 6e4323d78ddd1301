#pragma once
// The HTTP side of `cpe serve` on cpp-httplib: routing, bearer auth, body
// limit, read/write and keep-alive timeouts, JSON bodies for the errors the
// library itself produces (413, malformed requests), metrics and the access
// log. The library's header stays out of this one.
#include <memory>
#include <optional>
#include <string>

#include "server/access_log.h"
#include "server/api.h"
#include "server/metrics.h"
#include "server/options.h"

namespace cpe::server {

class HttpService {
public:
    HttpService(const ServeOptions& options, Api& api, Metrics& metrics, AccessLog& accessLog,
                std::optional<std::string> token);
    ~HttpService();

    // Binds the listening socket; returns the port (useful with port 0).
    // Throws when the address cannot be bound.
    int bind();
    // Serves until stop(); returns after every in-flight request is answered.
    void run();
    // Stops accepting and ends keep-alive connections after their current
    // request. Safe from any thread; a no-op until run() has started, so
    // callers retry until run() returns.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cpe::server
