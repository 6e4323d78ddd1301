#pragma once
// Counts as the audit's report and CSV show them, with small-number
// suppression. Escaping and digit grouping are engine/base's (html.h,
// number_format.h), shared with every generated page.
#include <cstdint>
#include <string>

namespace cpe::audit {

// A count as the report shows it: 1 to 5 become "*" when suppressing.
std::string shownCount(uint64_t n, bool suppress);
// A statistic of counts (min, percentiles, max): "*" for values in (0, 5]
// when suppressing, since min and max are some provider's count.
std::string shownCountStatistic(double v, bool suppress);
// When a report was generated: local time as "YYYY-MM-DD HH:MM".
std::string reportTimestamp();

}  // namespace cpe::audit
