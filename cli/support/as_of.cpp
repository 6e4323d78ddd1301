#include "cli/support/as_of.h"

#include <iostream>

#include "engine/base/civil_date.h"
#include "engine/library/policy_library.h"

namespace cpe::cli {

std::optional<int> asOfDayOrReport(const std::string& text) {
    if (text.empty()) return todayDay();
    std::optional<int> day = parseDate(text);
    if (!day) std::cerr << "error: --as-of must be a date YYYY-MM-DD, got '" << text << "'\n";
    return day;
}

}  // namespace cpe::cli
