#pragma once
#include <string>
#include <string_view>

namespace cpe {

// The text of a STRING token (quotes included): without its quotes, with
// `\n` and `\t` read as newline and tab and any other `\c` as `c`.
std::string unquote(std::string_view quoted);

}  // namespace cpe
