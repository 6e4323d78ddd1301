#include "audit/read/csv_scan.h"

#include <algorithm>
#include <cstring>

#include "audit/read/csv_index.h"

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
const char* scanRecord(const char* p, const char* end, std::string* scratch, size_t* ends, size_t& fieldCount, uint32_t& newlines,
                       const char*& error) {
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
    while (true) {
        if (nextRow_ == rows_) {
            if (pos_ >= end_) return false;
            rows_ = indexWindow();
            nextRow_ = 0;
        }
        r.error = nullptr;
        r.line = newlines_;
        if (nextRow_ < rows_) serveRow(r);
        else slowRecord(r);                                                             // no quote-free row starts the window
        if (r.fieldCount == 1 && r.bounds[1] - r.bounds[0] == 1 && !r.error) continue;  // blank line
        return true;
    }
}

// Stage one over the window at pos_: returns how many rows it indexed (all
// quote-free, each ending in a newline inside the window).
size_t RecordScanner::indexWindow() {
    const size_t length = std::min(static_cast<size_t>(end_ - pos_), kWindowBytes);
    const auto origin = static_cast<int32_t>(pos_ - chunk_);
    separators_[0] = origin - 1;
    return indexSeparators(pos_, length, origin, separators_ + 1, rowEnds_);
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
    if (newline - 1 > chunk_ + separators_[first] && newline[-1] == '\r') {
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
