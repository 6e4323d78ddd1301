#include "lsp/transport.h"

#include <algorithm>
#include <cctype>

namespace cpe::lsp {

static std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<Frame> FrameReader::next() {
    if (skip_ > 0) {
        size_t n = std::min(skip_, buffer_.size());
        buffer_.erase(0, n);
        skip_ -= n;
        if (skip_ > 0) return std::nullopt;
    }
    // A header block with no end in sight is refused rather than buffered forever.
    size_t end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (buffer_.size() > 64 * 1024) {
            buffer_.clear();
            return Frame{"", "a message header longer than 64 KiB without its blank line"};
        }
        return std::nullopt;
    }
    std::string_view headers(buffer_.data(), end);
    std::optional<size_t> length;
    std::string problem;
    size_t pos = 0;
    while (pos <= headers.size()) {
        size_t eol = headers.find("\r\n", pos);
        if (eol == std::string_view::npos) eol = headers.size();
        std::string_view line = headers.substr(pos, eol - pos);
        pos = eol + 2;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            if (!line.empty()) problem = "a header line without ':'";
            continue;
        }
        if (lower(line.substr(0, colon)) != "content-length") continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        size_t n = 0;
        bool ok = !value.empty() && value.size() <= 12;
        for (char c : value) {
            if (c < '0' || c > '9') ok = false;
            else n = n * 10 + static_cast<size_t>(c - '0');
        }
        if (!ok) problem = "Content-Length is not a number";
        else length = n;
    }
    if (!length) {
        buffer_.erase(0, end + 4);
        return Frame{"", problem.empty() ? "a message without a Content-Length header" : problem};
    }
    if (*length > kMaxMessageBytes) {
        buffer_.erase(0, end + 4);
        skip_ = *length;
        return Frame{
            "", "a message of " + std::to_string(*length) + " bytes (the limit is " + std::to_string(kMaxMessageBytes) + ")"};
    }
    if (buffer_.size() < end + 4 + *length) return std::nullopt;
    Frame f{buffer_.substr(end + 4, *length), ""};
    buffer_.erase(0, end + 4 + *length);
    return f;
}

std::string frame(const nlohmann::json& message) {
    // Invalid UTF-8 from a document is replaced, never thrown on.
    std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace cpe::lsp
