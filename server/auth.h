#pragma once
// Optional bearer-token authentication (--token-file), by named clients: one
// token per referral system or team, so each decision in the log says which
// system asked (the Data Security and Protection Toolkit's attributable
// audit trail).
#include <string>
#include <string_view>
#include <vector>

namespace cpe::server {

struct ApiClient {
    std::string name;   // stored with each decision and in the access log
    std::string token;  // never stored or logged
};

// The token file: one client a line, "NAME TOKEN", or a line holding only a
// token (the client "default", as files before named clients were written).
// Blank lines and lines starting with '#' are skipped.
class ClientTokens {
public:
    // Throws naming the file and line when it cannot be read, holds no
    // client, or a line is not "NAME TOKEN", a name is not [A-Za-z0-9._-],
    // or a name or token comes twice: a server meant to be guarded must not
    // quietly start open or with clients it cannot tell apart.
    static ClientTokens load(const std::string& path);
    explicit ClientTokens(std::vector<ApiClient> clients);

    // The name of the client whose token "Bearer <token>" carries, or "" when
    // none does. Every token is compared in full, in constant time, so
    // response timing reveals neither which client nor how much of a guess
    // was right.
    std::string_view match(std::string_view authorizationHeader) const;
    const std::vector<ApiClient>& clients() const { return clients_; }

private:
    std::vector<ApiClient> clients_;
};

// Compares "Bearer <token>" (the scheme in any letter case) in constant time.
bool bearerMatches(std::string_view authorizationHeader, std::string_view token);

}  // namespace cpe::server
