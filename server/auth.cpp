#include "server/auth.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace cpe::server {

namespace {

bool validName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
    return true;
}

}  // namespace

ClientTokens ClientTokens::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read token file " + path);
    std::vector<ApiClient> clients;
    std::set<std::string> names, tokens;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        auto where = [&] { return "token file " + path + ":" + std::to_string(number) + ": "; };
        std::istringstream words(line);
        std::vector<std::string> parts;
        for (std::string w; words >> w;) parts.push_back(w);
        if (parts.empty() || parts[0][0] == '#') continue;
        if (parts.size() > 2)
            throw std::runtime_error(where() + "expected \"NAME TOKEN\" (or only a token), found " +
                                     std::to_string(parts.size()) + " words");
        ApiClient client = parts.size() == 2 ? ApiClient{parts[0], parts[1]} : ApiClient{"default", parts[0]};
        if (!validName(client.name))
            throw std::runtime_error(where() + "a client's name is letters, digits, '.', '_' and '-' (at most 64)");
        if (!names.insert(client.name).second)
            throw std::runtime_error(where() + "the client '" + client.name + "' is named twice" +
                                     (parts.size() == 1 ? " (a line with only a token is the client 'default')" : ""));
        if (!tokens.insert(client.token).second)
            throw std::runtime_error(where() + "this token is already another client's: each client needs its own");
        clients.push_back(std::move(client));
    }
    if (clients.empty()) throw std::runtime_error("token file " + path + " holds no token");
    return ClientTokens(std::move(clients));
}

ClientTokens::ClientTokens(std::vector<ApiClient> clients) : clients_(std::move(clients)) {}

std::string_view ClientTokens::match(std::string_view header) const {
    std::string_view found;
    // No early exit: the time taken does not depend on which token matched.
    for (const ApiClient& c : clients_)
        if (bearerMatches(header, c.token)) found = c.name;
    return found;
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
