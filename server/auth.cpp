#include "server/auth.h"

#include <cctype>
#include <fstream>
#include <stdexcept>

namespace cpe::server {

std::string loadToken(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read token file " + path);
    std::string line;
    std::getline(in, line);
    auto first = line.find_first_not_of(" \t\r\n");
    auto last = line.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) throw std::runtime_error("token file " + path + " holds no token on its first line");
    return line.substr(first, last - first + 1);
}

bool bearerMatches(std::string_view header, std::string_view token) {
    // The scheme is case-insensitive (RFC 9110, 11.1): Bearer, bearer, BEARER.
    constexpr std::string_view scheme = "bearer ";
    if (header.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
    std::string_view given = header.substr(scheme.size());
    // Length is not secret enough to hide; the bytes are.
    unsigned char diff = given.size() == token.size() ? 0 : 1;
    for (std::size_t i = 0; i < token.size(); ++i)
        diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

}  // namespace cpe::server
