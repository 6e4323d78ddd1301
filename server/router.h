#pragma once
// Which endpoint a request is for, whether it may have it (bearer token,
// method), and the endpoint's Reply. Independent of the HTTP library, so the
// routing rules are tested without sockets.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/api.h"
#include "server/auth.h"
#include "server/reply.h"

namespace cpe::server {

struct RequestView {
    std::string_view method;         // "GET", "POST", ...
    std::string_view target;         // as sent: "/v1/policies/x?as_of=2026-01-01"
    std::string_view authorization;  // the Authorization header, or ""
    std::string_view body;
};

struct Routed {
    using Headers = std::vector<std::pair<const char*, std::string>>;
    Routed() = default;
    Routed(Reply r, Headers h) : reply(std::move(r)), headers(std::move(h)) {}

    Reply reply;
    Headers headers;  // extra response headers
    // POST /v1/admin/reload, authorised: the caller runs Api::reload off its
    // I/O thread (compiling a library takes a while) and sends that reply.
    bool reload = false;
    // POST /v1/decisions, decided: the caller sends `reply` only once the
    // decision is in the decision log (Api::decide).
    std::optional<PendingDecision> decision;
};

// Splits a request target into its percent-decoded path and the value of one
// query parameter. Returns false for malformed percent-encoding.
bool splitTarget(std::string_view target, std::string& path, std::optional<std::string>& asOf);

class Router {
public:
    Router(Api& api, std::optional<ClientTokens> clients) : api_(api), clients_(std::move(clients)) {}
    // Sets note.client to the client whose token the request carries.
    Routed route(const RequestView& request, RequestNote& note) const;
    bool requiresToken() const { return clients_.has_value(); }

private:
    Api& api_;
    std::optional<ClientTokens> clients_;
};

}  // namespace cpe::server
