#include "server/facts_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "engine/base/sha256.h"

namespace cpe::server {

namespace {

std::string trim(std::string s) {
    auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

}  // namespace

std::string canonicalFacts(const nlohmann::json& facts) {
    constexpr auto replace = nlohmann::json::error_handler_t::replace;
    if (!facts.is_object()) return facts.dump(-1, ' ', false, replace);
    bool hasNull = false;
    for (const auto& [name, value] : facts.items())
        if (value.is_null()) hasNull = true;
    if (!hasNull) return facts.dump(-1, ' ', false, replace);
    nlohmann::json copy = nlohmann::json::object();
    for (const auto& [name, value] : facts.items())
        if (!value.is_null()) copy[name] = value;
    return copy.dump(-1, ' ', false, replace);
}

std::string factsHash(const std::string& salt, const std::string& canonical) { return FactsHasher(salt)(canonical); }

FactsHasher::FactsHasher(const std::string& salt) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac) ctx_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context keeps its own reference
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    if (!ctx_ || !EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), params))
        throw std::runtime_error("cannot set up HMAC-SHA-256");
}

FactsHasher::~FactsHasher() { EVP_MAC_CTX_free(ctx_); }

std::string FactsHasher::operator()(std::string_view canonical) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t len = 0;
    // A null key re-initialises with the key given at construction.
    if (!EVP_MAC_init(ctx_, nullptr, 0, nullptr) ||
        !EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size()) ||
        !EVP_MAC_final(ctx_, mac, &len, sizeof mac))
        throw std::runtime_error("HMAC-SHA-256 failed");
    return toHex(mac, len);
}

std::string saltId(const std::string& salt) { return sha256Hex(salt).substr(0, 16); }

std::string loadSalt(const std::string& path) {
    // Whoever can read the salt can test guesses of a person's facts against
    // the log's hashes: a salt others may read is refused, not used.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
        throw std::runtime_error(
            fmt::format("salt file {} has permissions {:04o}: group and others may not read or write "
                        "it; run chmod 600 {}",
                        path, st.st_mode & 07777, path));
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read salt file " + path + ": " + std::strerror(errno));
    std::stringstream buf;
    buf << in.rdbuf();
    std::string salt = trim(buf.str());
    if (salt.empty()) throw std::runtime_error("salt file " + path + " is empty");
    return salt;
}

std::string loadOrCreateSalt(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return loadSalt(path);
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("no randomness for a new salt");
    std::string salt = toHex(raw, sizeof raw);
    // O_EXCL: never overwrite a salt another process has just created.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return loadSalt(path);
        throw std::runtime_error("cannot create salt file " + path + ": " + std::strerror(errno));
    }
    std::string line = salt + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ok = (::close(fd) == 0) && ok;
    if (!ok) throw std::runtime_error("cannot write salt file " + path);
    return salt;
}

}  // namespace cpe::server
