#pragma once
// Word-at-a-time tests over bytes: whether any of eight bytes is below a
// bound or equal to a value, without a branch per byte. Used where every
// byte of a case or a decision passes through a check that almost always
// finds nothing (a JSON string needing no escape, a case line without one).
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cpe {

inline constexpr uint64_t kEachByte = 0x0101010101010101ull;
inline constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Non-zero when some byte of `w` is below `n` (n <= 128).
constexpr uint64_t anyByteBelow(uint64_t w, unsigned char n) { return (w - kEachByte * n) & ~w & kHighBits; }
// Non-zero when some byte of `w` equals `c`.
constexpr uint64_t anyByteEqual(uint64_t w, unsigned char c) { return anyByteBelow(w ^ (kEachByte * c), 1); }
// Non-zero when some byte of `w` is 0x80 or above.
constexpr uint64_t anyByteHigh(uint64_t w) { return w & kHighBits; }

inline uint64_t loadWord(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}

}  // namespace cpe
