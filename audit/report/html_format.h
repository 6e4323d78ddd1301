#pragma once
// Small text helpers for the HTML report.
#include <cstdint>
#include <string>
#include <string_view>

namespace cpe::audit {

std::string htmlEscape(std::string_view s);
// 1234567 -> "1,234,567".
std::string withThousands(uint64_t n);
// A count as the report shows it: 1 to 5 become "*" when suppressing.
std::string shownCount(uint64_t n, bool suppress);
// A decimal with `decimals` places and thousands separators.
std::string shownDecimal(double v, int decimals);
// A statistic of counts (min, percentiles, max): "*" for values in (0, 5]
// when suppressing, since min and max are some provider's count.
std::string shownCountStatistic(double v, bool suppress);

}  // namespace cpe::audit
