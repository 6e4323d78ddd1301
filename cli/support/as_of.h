#pragma once
#include <optional>
#include <string>

namespace cpe::cli {

// The day an `--as-of` option names: today when it is empty; nullopt, after
// printing "error: --as-of must be a date YYYY-MM-DD, got '...'", when it is
// not a date. One wording for every subcommand that takes the option this way.
std::optional<int> asOfDayOrReport(const std::string& text);

}  // namespace cpe::cli
