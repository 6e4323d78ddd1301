#include "audit/report/html_format.h"

#include <cmath>
#include <ctime>

#include "engine/base/number_format.h"

namespace cpe::audit {

std::string shownCount(uint64_t n, bool suppress) {
    if (suppress && n >= 1 && n <= 5) return "*";
    return thousands(n);
}

std::string shownCountStatistic(double v, bool suppress) {
    if (suppress && v > 0 && v <= 5) return "*";
    if (v == std::floor(v)) return thousands(static_cast<uint64_t>(v));
    return decimalWithThousands(v, 1);
}

std::string reportTimestamp() {
    std::time_t t = std::time(nullptr);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&t));
    return buf;
}

}  // namespace cpe::audit
