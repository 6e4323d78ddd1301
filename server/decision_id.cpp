#include "server/decision_id.h"

#include <array>
#include <random>

namespace cpe::server {

std::string formatDecisionId(std::uint32_t instance, std::uint64_t high, std::uint64_t low) {
    static const char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    auto put = [&](std::size_t at, std::uint64_t bits, int count) {
        for (int i = count - 1; i >= 0; --i, bits >>= 4) id[at + static_cast<std::size_t>(i)] = digits[bits & 0xf];
    };
    put(0, instance, 8);
    put(8, high & 0xffffffffu, 8);
    put(16, low, 16);
    return id;
}

std::string newDecisionId(std::uint32_t instance) {
    // Seeded with 256 bits from the kernel: one 32-bit seed per thread would
    // give only 2^32 different streams, and two threads sharing one would
    // make the same ids.
    thread_local std::mt19937_64 rng = [] {
        std::random_device device;
        std::array<std::uint32_t, 8> words{};
        for (auto& w : words) w = device();
        std::seed_seq seed(words.begin(), words.end());
        return std::mt19937_64(seed);
    }();
    const std::uint64_t high = rng();
    return formatDecisionId(instance, high, rng());
}

}  // namespace cpe::server
