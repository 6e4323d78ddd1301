#pragma once
// RFC 4180 record scanning over one in-memory chunk of a CSV file.
//
// Records normally end at a newline. A field that starts with a double quote
// is quoted: it may hold commas, newlines and doubled quotes (""). Two rules
// make the grammar total, so any byte sequence scans without error and every
// malformed record is reported rather than lost:
//  * a quote inside an unquoted field, or text after a closing quote, makes
//    the record malformed (it still ends at the usual place);
//  * a quoted field still open at the end of the chunk (or of the file) is an
//    "unterminated quoted field": that record's first line is rejected and
//    scanning resumes at the next line, so one stray quote cannot swallow the
//    rest of a file.
// `findLastBoundary` uses the same state machine as `RecordScanner`, which is
// what lets the reader cut a file into chunks that each scan exactly as they
// would inside one sequential pass.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cpe::audit {

inline constexpr size_t kMaxRecordFields = 32;
// A record (and so a chunk) is at most this long: field offsets are int32_t.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 30;

// Bytes a chunk buffer must have readable past its end: the scanner loads 64
// bytes at a time and masks off what lies beyond the chunk.
inline constexpr size_t kScanPadding = 64;

struct Record {
    // Fields lie one byte apart (in the chunk, or in the scanner's scratch
    // for quoted records). bounds[i + 1] is the offset from `begin` of the
    // byte that ends field i, and bounds[0] is -1, so field i is the bytes
    // strictly between bounds[i] and bounds[i + 1]: one 4-byte store per
    // field for the scanner and no branch for the reader.
    std::string_view field(size_t i) const {
        return {begin + bounds[i] + 1, static_cast<size_t>(bounds[i + 1] - bounds[i] - 1)};
    }

    const char* begin = nullptr;
    // The first kMaxRecordFields fields are kept; the 64 spare entries let
    // the scanner store a whole 64-byte block of fields without a bound
    // check per field (what lies beyond kMaxRecordFields is never read).
    int32_t bounds[kMaxRecordFields + 65] = {-1};
    size_t fieldCount = 0;          // fields seen, even beyond kMaxRecordFields
    uint64_t line = 0;              // 0-based line of the record's start, within the chunk
    uint32_t lines = 1;             // physical lines the record spans
    const char* error = nullptr;    // why the record is malformed, or null
};

class RecordScanner {
public:
    // [begin, end) must start at a record boundary and be at most
    // kMaxRecordBytes long; `end + kScanPadding` must be readable. `scratch` holds unquoted fields; it is reused between calls.
    RecordScanner(const char* begin, const char* end, std::string& scratch)
        : pos_(begin), end_(end), scratch_(scratch) {}

    // The next non-blank record, or false at the end of the chunk. Blank
    // lines carry no row and are skipped (their lines still count).
    bool next(Record& r);
    // Newlines consumed so far: after the last record, the chunk's line count.
    uint64_t newlines() const { return newlines_; }

private:
    bool fastRecord(Record& r);
    void slowRecord(Record& r);
    void loadBlock(const char* base);

    const char* pos_;
    const char* end_;
    std::string& scratch_;
    uint64_t newlines_ = 0;
    // The fast path reads 64 bytes at a time into bit masks (bit i: byte
    // base_ + i) and carries them from one record to the next, so each byte
    // is classified once. Bits of bytes already consumed or past end_ are
    // clear. Null base_: no block loaded.
    const char* base_ = nullptr;
    uint64_t commas_ = 0, newlineBits_ = 0, quotes_ = 0;
};

// The end of the last complete record in [begin, end), where `begin` is a
// record boundary: the byte after its terminating newline, or `begin` when no
// record ends inside the range.
const char* findLastBoundary(const char* begin, const char* end);

// The end of the first record starting at `begin` (after its newline), or
// null when it does not end before `end`. Used for the header row.
const char* findFirstBoundary(const char* begin, const char* end);

}  // namespace cpe::audit
