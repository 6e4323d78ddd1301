#include "engine/base/line_reader.h"

#include <cstring>

namespace cpe {

LineReader::LineReader(std::istream& in, std::size_t maxLine, std::size_t blockSize)
    : in_(in), maxLine_(maxLine), blockSize_(blockSize < 16 ? 16 : blockSize) {}

bool LineReader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // keep only the unread bytes, at the front
        buffer_.erase(0, begin_);
        begin_ = 0;
    }
    std::size_t kept = buffer_.size();
    buffer_.resize(kept + blockSize_);
    in_.read(buffer_.data() + kept, static_cast<std::streamsize>(blockSize_));
    auto got = static_cast<std::size_t>(in_.gcount());
    buffer_.resize(kept + got);
    if (got < blockSize_) eof_ = true;
    return got > 0;
}

bool LineReader::next(Line& line) {
    std::size_t scanned = 0;  // bytes after begin_ known to hold no '\n'
    for (;;) {
        const char* start = buffer_.data() + begin_;
        std::size_t avail = buffer_.size() - begin_;
        const void* nl = avail > scanned ? std::memchr(start + scanned, '\n', avail - scanned) : nullptr;
        if (nl) {
            auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
            bool tooLong = len > maxLine_;
            line = Line{tooLong ? std::string_view() : std::string_view(start, len), ++lineNo_, tooLong, len};
            begin_ += len + 1;
            return true;
        }
        scanned = avail;
        if (avail > maxLine_) break;  // too long: skip the rest of it below
        if (!fill()) {
            if (avail == 0) return false;
            // The last line, with no '\n' after it.
            bool tooLong = avail > maxLine_;
            line =
                Line{tooLong ? std::string_view() : std::string_view(buffer_.data() + begin_, avail), ++lineNo_, tooLong, avail};
            begin_ = buffer_.size();
            return true;
        }
        // fill() moved the unread bytes to the front; `scanned` still counts them.
    }
    // Drop what is held and read on, block by block, to the end of the line.
    std::size_t length = buffer_.size() - begin_;
    buffer_.clear();
    begin_ = 0;
    for (;;) {
        if (!fill()) break;
        const void* nl = std::memchr(buffer_.data(), '\n', buffer_.size());
        if (nl) {
            auto len = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer_.data());
            length += len;
            begin_ = len + 1;
            break;
        }
        length += buffer_.size();
        buffer_.clear();
    }
    line = Line{std::string_view(), ++lineNo_, true, length};
    return true;
}

}  // namespace cpe
