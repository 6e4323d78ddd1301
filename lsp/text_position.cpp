#include "lsp/text_position.h"

#include <algorithm>
#include <cctype>

namespace cpe::lsp {

std::string_view lineOf(std::string_view text, uint32_t line) {
    size_t start = 0;
    for (uint32_t l = 0; l < line; ++l) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) return {};
        start = nl + 1;
    }
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start && text[end - 1] == '\r') --end;
    return text.substr(start, end - start);
}

// Length in bytes of the UTF-8 sequence led by `c` (1 for a stray byte).
static size_t sequenceLength(unsigned char c) {
    if (c >= 0xF0 && c < 0xF8) return 4;
    if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0) return 2;
    return 1;
}

size_t offsetOf(std::string_view text, uint32_t line, uint32_t utf16Char) {
    size_t start = 0;
    for (uint32_t l = 0; l < line; ++l) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) return text.size();
        start = nl + 1;
    }
    size_t i = start;
    uint32_t units = 0;
    while (i < text.size() && text[i] != '\n' && units < utf16Char) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') break;
        size_t len = std::min(sequenceLength(static_cast<unsigned char>(text[i])), text.size() - i);
        units += len == 4 ? 2 : 1;
        i += len;
    }
    return i;
}

uint32_t utf16Column(std::string_view line, uint32_t codePoints) {
    uint32_t units = 0;
    size_t i = 0;
    for (uint32_t cp = 0; cp < codePoints && i < line.size(); ++cp) {
        size_t len = std::min(sequenceLength(static_cast<unsigned char>(line[i])), line.size() - i);
        units += len == 4 ? 2 : 1;
        i += len;
    }
    // Past the line's end (an end column one after the last character): count on.
    return units;
}

uint32_t codePointColumn(std::string_view line, uint32_t utf16Units) {
    uint32_t units = 0, cps = 0;
    size_t i = 0;
    while (i < line.size() && units < utf16Units) {
        size_t len = std::min(sequenceLength(static_cast<unsigned char>(line[i])), line.size() - i);
        units += len == 4 ? 2 : 1;
        i += len;
        ++cps;
    }
    return cps;
}

nlohmann::json rangeOf(std::string_view text, const Span& span) {
    auto pos = [&](uint32_t line, uint32_t col) {
        if (line == 0) return nlohmann::json{{"line", 0}, {"character", 0}};
        std::string_view l = lineOf(text, line - 1);
        uint32_t cps = col > 0 ? col - 1 : 0;
        // Columns past the line's end (a span's end is exclusive) are kept as
        // one past it: clients clamp, and the range still covers the token.
        uint32_t lineCps = codePointColumn(l, UINT32_MAX);
        uint32_t c = cps <= lineCps ? utf16Column(l, cps) : utf16Column(l, lineCps) + (cps - lineCps);
        return nlohmann::json{{"line", line - 1}, {"character", c}};
    };
    if (!span.valid()) return {{"start", pos(0, 0)}, {"end", pos(0, 0)}};
    uint32_t endLine = span.endLine ? span.endLine : span.line;
    uint32_t endCol = span.endCol ? span.endCol : span.col + 1;
    return {{"start", pos(span.line, span.col)}, {"end", pos(endLine, endCol)}};
}

static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string pathFromUri(const std::string& uri) {
    const std::string scheme = "file://";
    if (uri.compare(0, scheme.size(), scheme) != 0) return "";
    std::string rest = uri.substr(scheme.size());
    // file://host/path: only the local host is ours.
    size_t slash = rest.find('/');
    if (slash == std::string::npos) return "";
    std::string host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") return "";
    std::string out;
    for (size_t i = slash; i < rest.size(); ++i) {
        if (rest[i] == '%' && i + 2 < rest.size() && hexValue(rest[i + 1]) >= 0 && hexValue(rest[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2]));
            i += 2;
        } else if (rest[i] == '?' || rest[i] == '#') {
            break;
        } else {
            out += rest[i];
        }
    }
    return out;
}

std::string uriFromPath(const std::string& path) {
    static const char* hex = "0123456789ABCDEF";
    std::string out = "file://";
    for (unsigned char c : path) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace cpe::lsp
