#include "audit/csv_scan.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
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

bool RecordScanner::next(Record& r) {
    while (pos_ < end_) {
        r.error = nullptr;
        r.line = newlines_;
        if (!fastRecord(r)) slowRecord(r);
        if (r.fieldCount == 1 && r.bounds[1] == 0 && !r.error) continue;  // blank line
        return true;
    }
    return false;
}

// The masks of the 64 bytes from `base` (which lies before end_).
void RecordScanner::loadBlock(const char* base) {
    base_ = base;
    uint64_t comma = 0, newline = 0, quote = 0;
#if defined(__SSE2__)
    const __m128i commaByte = _mm_set1_epi8(',');
    const __m128i newlineByte = _mm_set1_epi8('\n');
    const __m128i quoteByte = _mm_set1_epi8('"');
    __m128i block[4];
    __m128i anyQuote = _mm_setzero_si128();
    auto bits = [](__m128i matches, int i) {
        return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(matches))) << (16 * i);
    };
    for (int i = 0; i < 4; ++i) {
        block[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + 16 * i));
        comma |= bits(_mm_cmpeq_epi8(block[i], commaByte), i);
        newline |= bits(_mm_cmpeq_epi8(block[i], newlineByte), i);
        anyQuote = _mm_or_si128(anyQuote, _mm_cmpeq_epi8(block[i], quoteByte));
    }
    // Quotes are rare: their positions are worked out only when there is one.
    if (_mm_movemask_epi8(anyQuote))
        for (int i = 0; i < 4; ++i) quote |= bits(_mm_cmpeq_epi8(block[i], quoteByte), i);
#else
    for (int i = 0; i < 64; ++i) {
        uint64_t bit = uint64_t{1} << i;
        if (base[i] == ',') comma |= bit;
        else if (base[i] == '\n') newline |= bit;
        else if (base[i] == '"') quote |= bit;
    }
#endif
    size_t avail = static_cast<size_t>(end_ - base);
    uint64_t inside = avail >= 64 ? ~uint64_t{0} : (uint64_t{1} << avail) - 1;
    commas_ = comma & inside;
    newlineBits_ = newline & inside;
    quotes_ = quote & inside;
}

// Splits a record with no quote in it. Returns false when it meets a quote:
// the slow path then handles the whole record (pos_ is left alone).
bool RecordScanner::fastRecord(Record& r) {
    r.begin = pos_;
    r.bounds[0] = -1;
    size_t count = 0;
    auto finishField = [&](const char* fieldEnd) {
        if (count < kMaxRecordFields) r.bounds[count + 1] = static_cast<int32_t>(fieldEnd - r.begin);
        ++count;
    };
    if (!base_) loadBlock(pos_);
    while (true) {
        uint64_t newline = newlineBits_ & (0 - newlineBits_);  // the first newline's bit, or 0
        uint64_t before = newline - 1;                          // every bit before it (all when none)
        if (quotes_ & before) {
            base_ = nullptr;
            return false;
        }
        uint64_t c = commas_ & before;
        if (count < kMaxRecordFields) {
            // Room for every field of this block (see Record::bounds): no
            // bound check per field.
            const auto offset = static_cast<int32_t>(base_ - r.begin);
            for (; c; c &= c - 1) r.bounds[++count] = offset + __builtin_ctzll(c);
        }
        for (; c; c &= c - 1) finishField(base_ + __builtin_ctzll(c));
        if (newline) {
            const char* q = base_ + __builtin_ctzll(newline);
            // A CR before the newline: it belongs to the last field (a CR is never a
            // separator), which it ends.
            finishField((q > r.begin && q[-1] == '\r') ? q - 1 : q);
            uint64_t keep = ~(newline | before);
            commas_ &= keep;
            newlineBits_ &= keep;
            quotes_ &= keep;
            ++newlines_;
            pos_ = q + 1;
            break;
        }
        if (end_ - base_ <= 64) {
            // The chunk (the file) ends without a final newline.
            finishField((end_ > r.begin && end_[-1] == '\r') ? end_ - 1 : end_);
            base_ = nullptr;
            pos_ = end_;
            break;
        }
        loadBlock(base_ + 64);
    }
    r.fieldCount = count;
    r.lines = 1;
    return true;
}

void RecordScanner::slowRecord(Record& r) {
    base_ = nullptr;
    scratch_.clear();
    size_t ends[kMaxRecordFields];
    size_t count = 0;
    uint32_t lines = 0;
    const char* error = nullptr;
    const char* after = scanRecord<true>(pos_, end_, &scratch_, ends, count, lines, error);
    if (!after) {
        // Unterminated: reject the first line and resume on the next.
        const void* nl = std::memchr(pos_, '\n', static_cast<size_t>(end_ - pos_));
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
    r.bounds[0] = -1;
    for (size_t i = 0; i < stored; ++i) r.bounds[i + 1] = static_cast<int32_t>(ends[i]);
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
