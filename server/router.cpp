#include "server/router.h"

#include "server/auth.h"
#include "server/metrics.h"

namespace cpe::server {

namespace {

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool percentDecode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        int hi = hexValue(in[i + 1]), lo = hexValue(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

Routed error(int status, std::string code, std::string message, std::string field, RequestNote& note) {
    return Routed{errorReply(status, InputError{std::move(code), std::move(message), std::move(field)}, &note), {}};
}

// The pages are self-contained: nothing is fetched but this server's API.
constexpr const char* kPageSecurityPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

Routed methodNotAllowed(const RequestView& r, const std::string& path, const char* allowed, RequestNote& note) {
    Routed out =
        error(405, "method_not_allowed", std::string(r.method) + " is not allowed on " + path + "; use " + allowed, "", note);
    out.headers.emplace_back("Allow", allowed);
    return out;
}

}  // namespace

bool splitTarget(std::string_view target, std::string& path, std::optional<std::string>& asOf) {
    asOf.reset();
    std::string_view rawPath = target.substr(0, target.find('?'));
    if (!percentDecode(rawPath, path)) return false;
    if (rawPath.size() == target.size()) return true;
    std::string_view query = target.substr(rawPath.size() + 1);
    while (!query.empty()) {
        std::string_view pair = query.substr(0, query.find('&'));
        query.remove_prefix(std::min(query.size(), pair.size() + 1));
        auto eq = pair.find('=');
        if (pair.substr(0, eq) != "as_of") continue;
        std::string value;
        if (!percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), value)) return false;
        asOf = std::move(value);
    }
    return true;
}

Routed Router::route(const RequestView& r, RequestNote& note) const {
    std::string path;
    std::optional<std::string> asOf;
    if (!splitTarget(r.target, path, asOf))
        return error(400, "bad_request", "malformed percent-encoding in the request target", "", note);
    const Endpoint endpoint = classifyPath(path);
    // Liveness and readiness probes come from load balancers and
    // orchestrators without the token; they reveal nothing about decisions.
    // The triage page holds no data (it asks for the token itself), and the
    // published criteria pages are publications: neither needs the token.
    const bool unguarded =
        endpoint == Endpoint::Healthz || endpoint == Endpoint::Readyz || endpoint == Endpoint::Page || endpoint == Endpoint::Doc;
    if (clients_ && !unguarded && (note.client = clients_->match(r.authorization)).empty()) {
        Routed out =
            error(401, "unauthorized", "this endpoint needs the header Authorization: Bearer <token>", "Authorization", note);
        out.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cpe\"");
        return out;
    }
    const bool get = r.method == "GET" || r.method == "HEAD";
    switch (endpoint) {
        case Endpoint::Decisions: {
            if (r.method != "POST") return methodNotAllowed(r, path, "POST", note);
            Routed out;
            out.reply = api_.decide(r.body, note, out.decision);
            if (!note.decisionId.empty()) out.headers.emplace_back("X-Decision-Id", note.decisionId);
            return out;
        }
        case Endpoint::Policies:
            if (!get) return methodNotAllowed(r, path, "GET", note);
            return Routed{api_.listPolicies(asOf, note), {}};
        case Endpoint::Policy:
            if (!get) return methodNotAllowed(r, path, "GET", note);
            return Routed{api_.getPolicy(path.substr(std::string_view("/v1/policies/").size()), asOf, note), {}};
        case Endpoint::PolicyForm:
            if (!get) return methodNotAllowed(r, path, "GET", note);
            return Routed{api_.policyForm(std::string(*policyFormId(path)), asOf, note), {}};
        case Endpoint::Page: {
            if (!get) return methodNotAllowed(r, path, "GET", note);
            Routed out{api_.page(), {}};
            out.headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
            return out;
        }
        case Endpoint::Doc: {
            if (!get) return methodNotAllowed(r, path, "GET", note);
            Routed out{api_.doc(path.substr(std::string_view("/doc/").size())), {}};
            out.headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
            return out;
        }
        case Endpoint::Healthz:
            if (!get) return methodNotAllowed(r, path, "GET", note);
            return Routed{api_.health(), {}};
        case Endpoint::Readyz: {
            if (!get) return methodNotAllowed(r, path, "GET", note);
            Routed out{api_.readiness(), {}};
            if (out.reply.status == 503) out.headers.emplace_back("Retry-After", std::to_string(kLogRetryAfterSeconds));
            return out;
        }
        case Endpoint::Metrics:
            if (!get) return methodNotAllowed(r, path, "GET", note);
            return Routed{api_.metrics(), {}};
        case Endpoint::Reload: {
            if (r.method != "POST") return methodNotAllowed(r, path, "POST", note);
            if (!clients_)
                return error(403, "forbidden",
                             "reloading over HTTP needs a token: start cpe serve with --token-file, or send SIGHUP", "", note);
            Routed out;
            out.reload = true;
            return out;
        }
        default:
            return error(404, "not_found", "no endpoint " + std::string(r.method) + " " + path + "; see GET /v1/policies", "",
                         note);
    }
}

}  // namespace cpe::server
