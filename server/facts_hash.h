#pragma once
// The decision log keeps a salted hash of the facts instead of the facts, which
// may identify a patient. Given the same facts and the salt, an auditor can
// recompute the hash and find the decisions made on them (`cpe log --facts`);
// without the salt, the log alone does not let anyone test guesses of a
// person's facts against it. So the salt is a secret kept beside, not inside,
// the database.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace cpe::server {

// The facts in one canonical text: members sorted by name (nlohmann::json's
// object order), no whitespace, and null members dropped because null means
// the same as absent.
std::string canonicalFacts(const nlohmann::json& facts);

// Hex HMAC-SHA-256 of `canonical` keyed with `salt`.
std::string factsHash(const std::string& salt, const std::string& canonical);

// The same, keyed once and reused: the decision log hashes every decision,
// and setting up OpenSSL's HMAC afresh each time costs more than hashing.
// Not thread-safe; one per thread.
class FactsHasher {
public:
    explicit FactsHasher(const std::string& salt);
    ~FactsHasher();
    FactsHasher(const FactsHasher&) = delete;
    FactsHasher& operator=(const FactsHasher&) = delete;
    std::string operator()(std::string_view canonical);

private:
    ::evp_mac_ctx_st* ctx_ = nullptr;
};

// A short public fingerprint of the salt, stored in the database so that a
// mismatched salt file is caught instead of silently producing hashes that
// match nothing.
std::string saltId(const std::string& salt);

// Reads the salt from `path`, or creates the file with 32 random bytes (hex)
// readable only by its owner when it does not exist. Throws on failure.
std::string loadOrCreateSalt(const std::string& path);
// Reads an existing salt file. Throws when it is missing or empty, or when
// group or others have any permission on it.
std::string loadSalt(const std::string& path);

}  // namespace cpe::server
