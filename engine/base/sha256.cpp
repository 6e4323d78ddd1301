// SHA-256 by OpenSSL's EVP_Digest. Checked against the FIPS 180-4 test
// vectors in tests/unit/test_registry.cpp.
#include "engine/base/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace cpe {

std::string toHex(const unsigned char* bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xF];
    }
    return out;
}

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr)) throw std::runtime_error("SHA-256 failed");
    return toHex(digest, len);
}

}  // namespace cpe
