#pragma once
// UTF-8 validation for policy sources. The ANTLR runtime throws on malformed
// UTF-8, so every source is checked first and a bad byte is reported at its
// line and column instead.
#include <cstddef>
#include <optional>
#include <string_view>

namespace cpe {

// Byte offset of the first byte that does not start or continue a well-formed
// UTF-8 sequence (overlong forms, surrogates and values above U+10FFFF included).
std::optional<size_t> firstInvalidUtf8(std::string_view text);

// Number of code points in text[begin, end), the unit of a diagnostic's column.
size_t countCodePoints(std::string_view text);

// The byte offset of code point `index` (0-based) in `text`, or text.size()
// past its end: from a span's column (code points, from 1) to the line's bytes.
size_t byteOfCodePoint(std::string_view text, size_t index);

}  // namespace cpe
