#pragma once
// Reads a stream of lines (NDJSON) in large blocks, with a bound on a line's
// length: a longer line is reported as too long and skipped in blocks, never
// held whole, so one 1 GiB line cannot exhaust memory or take the next line
// with it. Shared by every batch path (`cpe decide --cases`, `cpe diff
// --cases`, `cpe audit --cases`).
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

namespace cpe {

// The longest case line accepted by default (--max-line): a case is a few
// hundred bytes; a megabyte leaves room for long code lists.
inline constexpr std::size_t kDefaultMaxLine = 1 << 20;

struct Line {
    std::string_view text;   // without the '\n'; empty when tooLong
    std::size_t number = 0;  // 1-based
    bool tooLong = false;
    std::size_t length = 0;  // bytes of the line without its '\n' (all of them, when tooLong)
};

class LineReader {
public:
    LineReader(std::istream& in, std::size_t maxLine = kDefaultMaxLine, std::size_t blockSize = 1 << 20);
    // The next line, or false at the end of the stream. `line.text` is valid
    // until the next call.
    bool next(Line& line);
    // True when the stream failed (not just ended).
    bool readError() const { return in_.bad(); }

private:
    bool fill();  // reads one more block after the kept bytes; false at the end
    std::istream& in_;
    std::size_t maxLine_, blockSize_;
    std::string buffer_;
    std::size_t begin_ = 0;  // start of the unread bytes in buffer_
    std::size_t lineNo_ = 0;
    bool eof_ = false;
};

}  // namespace cpe
