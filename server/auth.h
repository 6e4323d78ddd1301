#pragma once
// Optional bearer-token authentication (--token-file).
#include <optional>
#include <string>
#include <string_view>

namespace cpe::server {

// The token is the file's first line, trimmed. Throws when the file cannot be
// read or holds no token, because a server meant to be guarded must not
// quietly start open.
std::string loadToken(const std::string& path);

// Compares "Bearer <token>" (the scheme in any letter case) in constant
// time, so response timing does not reveal how much of a guess was right.
bool bearerMatches(std::string_view authorizationHeader, std::string_view token);

}  // namespace cpe::server
