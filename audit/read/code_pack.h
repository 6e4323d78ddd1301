#pragma once
// Clinical codes packed into one 64-bit integer, so the audit compares codes
// with integer operations and never allocates a string per row.
//
// A code is normalised as the engine does (dots and spaces dropped, letters
// upper-cased) and its first 8 characters are stored big-endian: byte 0 is the
// first character. Integer order is then the codes' lexicographic order, and
// "starts with" is a mask. Keeping only 8 characters loses nothing: OPCS-4 and
// ICD-10 codes are at most 6 characters, and a rule code of length L only ever
// looks at a code's first L characters (L <= 8 is enforced when rules compile).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace cpe::audit {

using PackedCode = uint64_t;
inline constexpr size_t kMaxPackedChars = 8;

// 0 for an empty code (after removing dots and spaces).
inline PackedCode packCode(const char* p, const char* end) {
    PackedCode v = 0;
    int shift = 56;
    for (; p != end && shift >= 0; ++p) {
        unsigned char c = static_cast<unsigned char>(*p);
        if (c == '.' || c == ' ') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<unsigned char>(c - 'a' + 'A');
        v |= static_cast<PackedCode>(c) << shift;
        shift -= 8;
    }
    return v;
}
inline PackedCode packCode(std::string_view s) { return packCode(s.data(), s.data() + s.size()); }

// packCode for a code of `length` bytes at `p`, where 8 bytes from `p` are
// readable (chunks and the scanner's scratch are padded): the per-row path.
// A code of up to 8 bytes that holds only upper-case letters, digits and
// other bytes packCode keeps as they are is loaded as one integer; anything
// else (a dot, a space, a lower-case letter, a longer code) goes through
// packCode. The test only ever sends too much to packCode, never too little.
inline PackedCode packPaddedCode(const char* p, size_t length) {
    if (length == 0 || length > kMaxPackedChars) return packCode(p, p + length);
    uint64_t v;
    std::memcpy(&v, p, 8);  // little-endian: byte 0 of the code is the low byte
    constexpr uint64_t kLanes = 0x0101010101010101ull;
    const uint64_t lanes = length == 8 ? kLanes : kLanes & ((uint64_t{1} << (8 * length)) - 1);
    // Per byte, bit 0 of its lane: bits 6 and 5 set (0x60-0x7F, 0xE0-0xFF:
    // lower-case letters among them), or bits 6 and 4 clear (0x00-0x0F,
    // 0x20-0x2F, ...: the dot and the space among them).
    const uint64_t suspect = (((v >> 6) & (v >> 5)) | (~(v >> 6) & ~(v >> 4))) & lanes;
    if (suspect) return packCode(p, p + length);
    return __builtin_bswap64(v & (lanes * 0xFF));
}

// Number of characters held (0..8).
inline size_t packedLength(PackedCode c) {
    size_t n = 0;
    while (n < kMaxPackedChars && ((c >> (56 - 8 * n)) & 0xFF) != 0) ++n;
    return n;
}

std::string unpackCode(PackedCode c);

// One normalised code range of a rule: codes whose first `length` characters
// lie in [lo, hi]. A single code is lo == hi (prefix match).
struct PackedRange {
    PackedCode lo = 0, hi = 0;
    PackedCode headMask = 0;  // keeps the first `length` characters
    PackedCode lastChar = 0;  // the byte of character `length`: non-zero iff the code is long enough
    uint8_t length = 0;

    bool matches(PackedCode code) const {
        PackedCode head = code & headMask;
        return (code & lastChar) != 0 && head >= lo && head <= hi;
    }
};

// Builds a range from normalised text; `hi` empty means the single code `lo`.
// Returns false (and leaves `out` alone) when a code is empty or longer than
// 8 characters; `error` then says why.
bool makeRange(std::string_view lo, std::string_view hi, PackedRange& out, std::string& error);

// A small set of ranges, tested linearly: rule sets hold a handful of codes,
// for which a linear scan beats any index.
struct PackedCodeSet {
    std::vector<PackedRange> ranges;
    bool matches(PackedCode code) const {
        for (const PackedRange& r : ranges)
            if (r.matches(code)) return true;
        return false;
    }
};

}  // namespace cpe::audit
