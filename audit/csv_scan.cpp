#include "audit/csv_scan.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cpe::audit {

namespace {

enum class State : uint8_t { FieldStart, Unquoted, Quoted, AfterQuote };

const char* kBadQuote = "quote inside an unquoted field (quote the whole field and double inner quotes)";
const char* kTextAfterQuote = "text after a closing quote (double quotes inside a quoted field)";
const char* kUnterminated = "unterminated quoted field";

// The state machine of the header comment. With Copy, field text is written
// to `scratch` (one separator byte after each field) and the offset where each
// field ends to `ends`; without it, it only finds where the record ends. Returns the byte after the record's newline, `end`
// when the record ends at `end` outside quotes, or null when `end` comes
// inside a quoted field.
template <bool Copy>
const char* scanRecord(const char* p, const char* end, std::string* scratch, size_t* ends, size_t& fieldCount,
                       uint32_t& newlines, const char*& error) {
    State state = State::FieldStart;
    fieldCount = 0;
    newlines = 0;
    size_t fieldStart = Copy ? scratch->size() : 0;
    auto endField = [&](bool trimCr) {
        if constexpr (Copy) {
            if (trimCr && scratch->size() > fieldStart && scratch->back() == '\r') scratch->pop_back();
            if (fieldCount < kMaxRecordFields) ends[fieldCount] = scratch->size();
            scratch->push_back(',');  // fields lie one byte apart, as in a chunk
            fieldStart = scratch->size();
        }
        ++fieldCount;
    };
    auto put = [&](char c) {
        if constexpr (Copy) scratch->push_back(c);
    };
    while (p < end) {
        char c = *p;
        switch (state) {
            case State::FieldStart:
                if (c == '"') {
                    state = State::Quoted;
                    ++p;
                    continue;
                }
                state = State::Unquoted;
                continue;  // the same byte, as unquoted text
            case State::Unquoted:
                if (c == ',') {
                    endField(false);
                    state = State::FieldStart;
                } else if (c == '\n') {
                    endField(true);
                    ++newlines;
                    return p + 1;
                } else {
                    if (c == '"' && !error) error = kBadQuote;
                    put(c);
                }
                ++p;
                continue;
            case State::Quoted:
                if (c == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        put('"');
                        p += 2;
                        continue;
                    }
                    state = State::AfterQuote;
                } else {
                    if (c == '\n') ++newlines;
                    put(c);
                }
                ++p;
                continue;
            case State::AfterQuote:
                if (c == ',') {
                    endField(false);
                    state = State::FieldStart;
                } else if (c == '\n') {
                    endField(false);
                    ++newlines;
                    return p + 1;
                } else if (c == '\r' && (p + 1 == end || p[1] == '\n')) {
                    // CRLF after a quoted field
                } else {
                    if (!error) error = kTextAfterQuote;
                    put(c);
                    state = State::Unquoted;
                }
                ++p;
                continue;
        }
    }
    if (state == State::Quoted) return nullptr;
    endField(state == State::Unquoted);
    return end;
}

}  // namespace

namespace {

// Bit i set when byte i of the 64 bytes at `p` is a comma, a newline or a quote.
struct BlockMasks {
    uint64_t commas = 0, newlines = 0, quotes = 0;
};

#if defined(__x86_64__)
// What stage one needs of an instruction set: the masks of a block, and the
// position of the lowest set bit of a word (any value when it is 0).
struct Sse2 {
    [[gnu::always_inline]] static BlockMasks classify(const char* p) {
        BlockMasks m;
        const __m128i comma = _mm_set1_epi8(',');
        const __m128i newline = _mm_set1_epi8('\n');
        const __m128i quote = _mm_set1_epi8('"');
        for (int i = 0; i < 4; ++i) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
            auto bits = [&](__m128i c) {
                return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, c)))) << (16 * i);
            };
            m.commas |= bits(comma);
            m.newlines |= bits(newline);
            m.quotes |= bits(quote);
        }
        return m;
    }
    [[gnu::always_inline]] static int lowestBit(uint64_t bits) { return __builtin_ctzll(bits | (uint64_t{1} << 63)); }
};

struct Avx2 {
    __attribute__((target("avx2"))) static BlockMasks classify(const char* p) {
        BlockMasks m;
        const __m256i comma = _mm256_set1_epi8(',');
        const __m256i newline = _mm256_set1_epi8('\n');
        const __m256i quote = _mm256_set1_epi8('"');
        for (int i = 0; i < 2; ++i) {
            const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * i));
            auto bits = [&](__m256i c) __attribute__((target("avx2"))) {
                return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, c))))
                       << (32 * i);
            };
            m.commas |= bits(comma);
            m.newlines |= bits(newline);
            m.quotes |= bits(quote);
        }
        return m;
    }
    __attribute__((target("bmi"))) static int lowestBit(uint64_t bits) { return static_cast<int>(_tzcnt_u64(bits)); }
};
#else
struct Bytes {
    static BlockMasks classify(const char* p) {
        BlockMasks m;
        for (int i = 0; i < 64; ++i) {
            const uint64_t bit = uint64_t{1} << i;
            if (p[i] == ',') m.commas |= bit;
            else if (p[i] == '\n') m.newlines |= bit;
            else if (p[i] == '"') m.quotes |= bit;
        }
        return m;
    }
    static int lowestBit(uint64_t bits) { return __builtin_ctzll(bits | (uint64_t{1} << 63)); }
};
#endif

// Stage one (see RecordScanner): indexes the `length` bytes at `p`, whose
// first byte is at offset `origin` in the chunk. Writes separator offsets
// from separators[1] and row ends to rowEnds; returns the row count.
// Inlined into one function per instruction set below.
template <typename Isa>
[[gnu::always_inline]] inline size_t indexBlocks(const char* p, size_t length, int32_t origin, int32_t* separators,
                                                 uint32_t* rowEnds) {
    size_t entries = 1, rows = 0;
    for (size_t at = 0; at < length; at += 64) {
        BlockMasks m = Isa::classify(p + at);
        uint64_t inside = length - at >= 64 ? ~uint64_t{0} : (uint64_t{1} << (length - at)) - 1;
        const bool quote = (m.quotes & inside) != 0;
        if (quote) inside &= (m.quotes & (0 - m.quotes)) - 1;  // stop before the first quote
        const uint64_t newlines = m.newlines & inside;
        uint64_t bits = (m.commas & inside) | newlines;
        for (uint64_t n = newlines; n; n &= n - 1)
            rowEnds[rows++] = static_cast<uint32_t>(entries) +
                              static_cast<uint32_t>(__builtin_popcountll(bits & ((n & (0 - n)) - 1)));
        // Every separator's offset, 4 stores at a time whatever the count
        // (the spare entries take the excess): no branch per separator.
        const int32_t base = origin + static_cast<int32_t>(at);
        const auto count = static_cast<size_t>(__builtin_popcountll(bits));
        int32_t* out = separators + entries;
        for (size_t done = 0; done < count; done += 4, out += 4) {
#pragma GCC unroll 4
            for (int k = 0; k < 4; ++k) {
                out[k] = base + Isa::lowestBit(bits);
                bits &= bits - 1;
            }
        }
        entries += count;
        if (quote) break;
    }
    return rows;
}

using IndexBlocks = size_t (*)(const char*, size_t, int32_t, int32_t*, uint32_t*);

#if defined(__x86_64__)
// The same loop for CPUs with AVX2, POPCNT and BMI (x86-64-v3, 2013 on),
// chosen at run time so the program still runs on any x86-64.
__attribute__((target("avx2,popcnt,bmi,bmi2"))) size_t indexBlocksV3(const char* p, size_t length, int32_t origin,
                                                                       int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Avx2>(p, length, origin, separators, rowEnds);
}
size_t indexBlocksV1(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Sse2>(p, length, origin, separators, rowEnds);
}
IndexBlocks chooseIndexBlocks() {
    __builtin_cpu_init();
    const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("bmi2");
    return v3 ? indexBlocksV3 : indexBlocksV1;
}
#else
size_t indexBlocksPortable(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Bytes>(p, length, origin, separators, rowEnds);
}
IndexBlocks chooseIndexBlocks() { return indexBlocksPortable; }
#endif

}  // namespace

bool RecordScanner::next(Record& r) {
    while (true) {
        if (nextRow_ == rows_) {
            if (pos_ >= end_) return false;
            rows_ = indexWindow();
            nextRow_ = 0;
        }
        r.error = nullptr;
        r.line = newlines_;
        if (nextRow_ < rows_) serveRow(r);
        else slowRecord(r);  // no quote-free row starts the window
        if (r.fieldCount == 1 && r.bounds[1] - r.bounds[0] == 1 && !r.error) continue;  // blank line
        return true;
    }
}

// Stage one over the window at pos_: returns how many rows it indexed (all
// quote-free, each ending in a newline inside the window).
size_t RecordScanner::indexWindow() {
    static const IndexBlocks index = chooseIndexBlocks();
    const size_t length = std::min(static_cast<size_t>(end_ - pos_), kWindowBytes);
    const auto origin = static_cast<int32_t>(pos_ - chunk_);
    separators_[0] = origin - 1;
    return index(pos_, length, origin, separators_, rowEnds_);
}

// Stage two: row nextRow_ of the window, from the index.
void RecordScanner::serveRow(Record& r) {
    const uint32_t first = nextRow_ == 0 ? 0 : rowEnds_[nextRow_ - 1];
    const uint32_t last = rowEnds_[nextRow_++];
    r.begin = chunk_;
    r.bounds = separators_ + first;
    r.fieldCount = last - first;
    r.lines = 1;
    ++newlines_;
    const char* newline = chunk_ + separators_[last];
    pos_ = newline + 1;
    if (newline[-1] == '\r' && newline - 1 > chunk_ + separators_[first]) {
        // CR LF: the CR ends the last field (a CR is never a separator). The
        // index entry is also the next row's start, so the row gets its own
        // copy of the bounds.
        const size_t stored = std::min<size_t>(r.fieldCount, kMaxRecordFields);
        std::memcpy(ownBounds_, r.bounds, (stored + 1) * sizeof(int32_t));
        if (r.fieldCount <= kMaxRecordFields) --ownBounds_[r.fieldCount];
        r.bounds = ownBounds_;
    }
}

void RecordScanner::slowRecord(Record& r) {
    scratch_.clear();
    size_t ends[kMaxRecordFields];
    size_t count = 0;
    uint32_t lines = 0;
    const char* error = nullptr;
    const char* after = scanRecord<true>(pos_, end_, &scratch_, ends, count, lines, error);
    if (!after) {
        // Unterminated: reject the first line and resume on the next.
        const void* nl = std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_));
        ownBounds_[0] = -1;
        r.begin = pos_;
        r.bounds = ownBounds_;
        r.fieldCount = 0;
        r.lines = 1;
        r.error = kUnterminated;
        if (nl) {
            pos_ = static_cast<const char*>(nl) + 1;
            ++newlines_;
        } else {
            pos_ = end_;
        }
        return;
    }
    // Padding, so that fields in the scratch can be read 8 bytes at a time
    // like fields in a chunk.
    scratch_.append(16, '\0');
    size_t stored = count < kMaxRecordFields ? count : kMaxRecordFields;
    r.begin = scratch_.data();
    ownBounds_[0] = -1;
    for (size_t i = 0; i < stored; ++i) ownBounds_[i + 1] = static_cast<int32_t>(ends[i]);
    r.bounds = ownBounds_;
    r.fieldCount = count;
    r.lines = lines == 0 ? 1 : lines;
    r.error = error;
    newlines_ += lines;
    pos_ = after;
}

const char* findFirstBoundary(const char* begin, const char* end) {
    size_t count = 0;
    uint32_t lines = 0;
    const char* error = nullptr;
    const char* after = scanRecord<false>(begin, end, nullptr, nullptr, count, lines, error);
    if (!after || (after == end && (end == begin || end[-1] != '\n'))) return nullptr;
    return after;
}

// The same state machine, run by jumping from quote to quote: outside a
// quoted field only a quote can change the state, and a quote opens a quoted
// field exactly when it starts a field (after the chunk start, a comma or a
// newline); elsewhere it is literal text. So newlines between quoted fields
// are found with memrchr, and files with a few quoted fields cost little more
// than files with none.
const char* findLastBoundary(const char* begin, const char* end) {
    const char* last = begin;
    const char* outside = begin;  // start of the current stretch outside quotes
    auto lastNewline = [&](const char* from, const char* to) {
        if (from >= to) return;
        const void* nl = memrchr(from, '\n', static_cast<size_t>(to - from));
        if (nl) last = static_cast<const char*>(nl) + 1;
    };
    const char* p = begin;
    while (p < end) {
        const void* q = std::memchr(p, '"', static_cast<size_t>(end - p));
        if (!q) break;
        const char* quote = static_cast<const char*>(q);
        bool opens = quote == begin || quote[-1] == ',' || quote[-1] == '\n';
        if (!opens) {  // a literal quote (the record is malformed, but not quoted)
            p = quote + 1;
            continue;
        }
        lastNewline(outside, quote);
        // Find the closing quote: a quote not followed by another.
        const char* c = quote + 1;
        while (true) {
            const void* next = std::memchr(c, '"', static_cast<size_t>(end - c));
            if (!next) return last;  // still inside quotes at the end
            c = static_cast<const char*>(next);
            if (c + 1 < end && c[1] == '"') {
                c += 2;
                continue;
            }
            break;
        }
        outside = p = c + 1;
    }
    lastNewline(outside, end);
    return last;
}

}  // namespace cpe::audit
