#pragma once
// SHA-256 through OpenSSL (which the server's HMAC already needs): the
// registry's content hash of each published policy version, the content hash
// in `cpe doc`'s pages, and the fingerprint of the decision log's salt.
#include <cstddef>
#include <string>
#include <string_view>

namespace cpe {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256Hex(std::string_view data);

// Lower-case hex of `n` bytes.
std::string toHex(const unsigned char* bytes, size_t n);

}  // namespace cpe
