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

// (Wide HES and SUS extracts run to hundreds of columns.)
inline constexpr size_t kMaxRecordFields = 512;
// A record (and so a chunk) is at most this long: field offsets are int32_t.
inline constexpr size_t kMaxRecordBytes = size_t{1} << 30;

// Bytes a chunk buffer must have readable past its end: the scanner loads 64
// bytes at a time and masks off what lies beyond the chunk.
inline constexpr size_t kScanPadding = 64;

struct Record {
    // Fields lie one byte apart (in the chunk, or in the scanner's scratch
    // for quoted records). bounds[i + 1] is the offset from `begin` of the
    // byte that ends field i, and bounds[0] that of the byte before field 0,
    // so field i is the bytes strictly between bounds[i] and bounds[i + 1]:
    // no branch for the reader. For a quote-free record the bounds are the
    // scanner's separator index itself (see RecordScanner), so serving a
    // record copies nothing.
    std::string_view field(size_t i) const { return {begin + bounds[i] + 1, static_cast<size_t>(bounds[i + 1] - bounds[i] - 1)}; }

    const char* begin = nullptr;
    // fieldCount + 1 entries are readable, or kMaxRecordFields + 1 when
    // there are more fields (what lies beyond is never read).
    const int32_t* bounds = nullptr;
    size_t fieldCount = 0;        // fields seen, even beyond kMaxRecordFields
    uint64_t line = 0;            // 0-based line of the record's start, within the chunk
    uint32_t lines = 1;           // physical lines the record spans
    const char* error = nullptr;  // why the record is malformed, or null
};

// Splits a chunk into records in two stages, as SIMD JSON parsers do. Stage
// one classifies a window of bytes 64 at a time and writes the offset of
// every comma and newline into a separator index, and for each newline the
// index entry where its row ends; it stops at the first quote. Stage two
// serves the window's rows straight from that index: a row is a run of index
// entries, so serving one costs a few loads whatever its length. A record
// with a quote in it, one longer than a window, or one the chunk ends inside
// goes through the RFC 4180 state machine (the slow path), one record at a
// time, and the index resumes after it.
class RecordScanner {
public:
    // [begin, end) must start at a record boundary and be at most
    // kMaxRecordBytes long; `end + kScanPadding` must be readable. `scratch`
    // holds the fields of quoted records; it is reused between calls.
    RecordScanner(const char* begin, const char* end, std::string& scratch)
        : chunk_(begin), pos_(begin), end_(end), scratch_(scratch) {}

    // The next non-blank record, or false at the end of the chunk. Blank
    // lines carry no row and are skipped (their lines still count). The
    // record's fields stay valid until the next call.
    bool next(Record& r);
    // Newlines consumed so far: after the last record, the chunk's line count.
    uint64_t newlines() const { return newlines_; }

    // Bytes indexed per window: small enough that the index stays in the
    // first-level caches, large enough to hold many rows.
    static constexpr size_t kWindowBytes = 4096;

private:
    size_t indexWindow();
    void serveRow(Record& r);
    void slowRecord(Record& r);

    const char* const chunk_;  // index offsets are from here
    const char* pos_;          // start of the next record not yet served
    const char* end_;
    std::string& scratch_;
    uint64_t newlines_ = 0;

    // The window's index (audit/read/csv_index.h). separators_[0] is the offset
    // of the byte before the window (where the row before it ended), and
    // stage one writes from separators_[1]; rowEnds_[k] is the entry of row
    // k's newline, so row k's bounds start at entry rowEnds_[k - 1] (0 for
    // the first row). The spare entries let stage one store without a bound
    // check per separator.
    int32_t separators_[kWindowBytes + 65];
    uint32_t rowEnds_[kWindowBytes];
    size_t rows_ = 0, nextRow_ = 0;
    // Bounds of a record not served from the index: a quoted record's (into
    // scratch_), or a row ending in CR LF (whose last field ends at the CR).
    int32_t ownBounds_[kMaxRecordFields + 1];
};

// The end of the last complete record in [begin, end), where `begin` is a
// record boundary: the byte after its terminating newline, or `begin` when no
// record ends inside the range.
const char* findLastBoundary(const char* begin, const char* end);

// The end of the first record starting at `begin` (after its newline), or
// null when it does not end before `end`. Used for the header row.
const char* findFirstBoundary(const char* begin, const char* end);

}  // namespace cpe::audit
