#include "engine/base/number_format.h"

#include <cmath>
#include <cstdio>

namespace cpe {

std::string thousands(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string decimalWithThousands(double v, int decimals) {
    if (std::isnan(v)) return "";
    double rounded = std::round(v * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
    uint64_t whole = static_cast<uint64_t>(std::floor(std::fabs(rounded)));
    std::string out = (rounded < 0 ? "-" : "") + thousands(whole);
    if (decimals > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(rounded) - static_cast<double>(whole));
        out += std::string(buf).substr(1);  // ".25"
    }
    return out;
}

}  // namespace cpe
