#pragma once
// Positions between the engine and the protocol. The engine's spans count
// lines from 1 and columns in code points from 1; LSP counts both from 0 and
// columns in UTF-16 code units. Everything that turns one into the other is here.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/source/span.h"

namespace cpe::lsp {

// The text of line `line` (0-based) without its line break; "" past the end.
std::string_view lineOf(std::string_view text, uint32_t line);
// Byte offset of an LSP position (0-based line, UTF-16 character), clamped to
// the line's end and the text's end, so a stale or wrong position never reads
// outside the text.
size_t offsetOf(std::string_view text, uint32_t line, uint32_t utf16Char);
// UTF-16 units in the first `codePoints` code points of `line`.
uint32_t utf16Column(std::string_view line, uint32_t codePoints);
// Code points in the first `utf16Units` UTF-16 units of `line`.
uint32_t codePointColumn(std::string_view line, uint32_t utf16Units);
// An engine span of `text` as an LSP range; an invalid span is the file's start.
nlohmann::json rangeOf(std::string_view text, const Span& span);
// file:///a%20b/c.cpl <-> /a b/c.cpl. Non-file URIs come back as "".
std::string pathFromUri(const std::string& uri);
std::string uriFromPath(const std::string& path);

}  // namespace cpe::lsp
