#include "audit/read/code_pack.h"

namespace cpe::audit {

std::string unpackCode(PackedCode c) {
    std::string out;
    for (size_t i = 0; i < kMaxPackedChars; ++i) {
        char ch = static_cast<char>((c >> (56 - 8 * i)) & 0xFF);
        if (ch == 0) break;
        out += ch;
    }
    return out;
}

static PackedCode headMaskFor(size_t length) {
    return length >= kMaxPackedChars ? ~PackedCode{0} : ~(~PackedCode{0} >> (8 * length));
}

bool makeRange(std::string_view lo, std::string_view hi, PackedRange& out, std::string& error) {
    auto normalisedLength = [](std::string_view s) {
        size_t n = 0;
        for (char c : s)
            if (c != '.' && c != ' ') ++n;
        return n;
    };
    size_t loLen = normalisedLength(lo);
    size_t hiLen = hi.empty() ? loLen : normalisedLength(hi);
    if (loLen == 0 || (!hi.empty() && hiLen == 0)) {
        error = "empty code";
        return false;
    }
    if (loLen > kMaxPackedChars || hiLen > kMaxPackedChars) {
        error = "code '" + std::string(loLen > kMaxPackedChars ? lo : hi) + "' is longer than " +
                std::to_string(kMaxPackedChars) + " characters";
        return false;
    }
    PackedRange r;
    r.length = static_cast<uint8_t>(loLen);
    r.headMask = headMaskFor(loLen);
    r.lastChar = PackedCode{0xFF} << (56 - 8 * (loLen - 1));
    r.lo = packCode(lo);
    // The engine compares a code's first |lo| characters with `hi` as strings;
    // zero padding keeps that order when |hi| differs from |lo|.
    r.hi = hi.empty() ? r.lo : packCode(hi);
    if (r.hi < r.lo) {
        error = "range '" + std::string(lo) + "-" + std::string(hi) + "' is empty (its end comes before its start)";
        return false;
    }
    out = r;
    return true;
}

}  // namespace cpe::audit
