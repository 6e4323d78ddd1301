#pragma once
// Quoting what a client sent inside an error message: bounded in length (a
// 200 KB value is quoted by its first bytes and "…", and however deeply it is
// nested the quoting never recurses further than its bound), and valid UTF-8
// whatever bytes came in.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cpe {

// The longest quotation of a value in an error message, in bytes, before "…".
inline constexpr std::size_t kQuoteLimit = 120;

// v.dump() when that is at most `limit` bytes; otherwise its first `limit`
// bytes (cut at a character boundary) followed by "…".
std::string quoteJson(const nlohmann::json& v, std::size_t limit = kQuoteLimit);
// `text` up to `limit` bytes, then "…" (for quoting raw text, e.g. a date).
std::string quoteText(std::string_view text, std::size_t limit = kQuoteLimit);

// `text` with every byte that is not part of well-formed UTF-8 written as
// \xNN, so that it can go into JSON output.
std::string validUtf8(std::string_view text);

}  // namespace cpe
