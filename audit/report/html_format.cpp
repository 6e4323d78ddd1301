#include "audit/report/html_format.h"

#include <cmath>
#include <cstdio>

#include "engine/doc/html.h"

namespace cpe::audit {

// The report escapes text and groups digits as every generated page does
// (`cpe doc`, `cpe diff --html`): one implementation, in engine/doc/html.cpp.
std::string htmlEscape(std::string_view s) { return escapeHtml(s); }

std::string withThousands(uint64_t n) { return thousands(static_cast<size_t>(n)); }

std::string shownCount(uint64_t n, bool suppress) {
    if (suppress && n >= 1 && n <= 5) return "*";
    return withThousands(n);
}

std::string shownDecimal(double v, int decimals) {
    if (std::isnan(v)) return "";
    double rounded = std::round(v * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    uint64_t whole = static_cast<uint64_t>(std::floor(std::fabs(rounded)));
    std::string out = (rounded < 0 ? "-" : "") + withThousands(whole);
    if (decimals > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(rounded) - static_cast<double>(whole));
        out += std::string(buf).substr(1);  // ".25"
    }
    return out;
}

std::string shownCountStatistic(double v, bool suppress) {
    if (suppress && v > 0 && v <= 5) return "*";
    if (v == std::floor(v)) return withThousands(static_cast<uint64_t>(v));
    return shownDecimal(v, 1);
}

}  // namespace cpe::audit
