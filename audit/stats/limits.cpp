#include "audit/stats/limits.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cpe::audit::stats {

Interval byarPoissonLimits(double count, double z) {
    Interval r;
    if (count > 0) {
        double base = 1 - 1 / (9 * count) - z / (3 * std::sqrt(count));
        r.lower = base > 0 ? count * base * base * base : 0;
    }
    double next = count + 1;
    double up = 1 - 1 / (9 * next) + z / (3 * std::sqrt(next));
    r.upper = next * up * up * up;
    return r;
}

CountInterval binomialCountLimits(uint64_t n, double p, double level) {
    if (n == 0 || p <= 0) return {0, 0};
    if (p >= 1) return {n, n};
    double tail = (1 - level) / 2;
    // The probability outside mean +/- 40 standard deviations is below 1e-300,
    // so summing the window [lo, hi] is the whole distribution to double
    // precision, and keeps a denominator of millions to a few thousand terms.
    double mean = static_cast<double>(n) * p;
    double sd = std::sqrt(mean * (1 - p));
    double span = 40 * sd + 10;
    uint64_t lo = mean - span > 0 ? static_cast<uint64_t>(mean - span) : 0;
    uint64_t hi = std::min<uint64_t>(n, static_cast<uint64_t>(mean + span) + 1);
    // P(X = k) relative to the mode's, by the ratio P(k + 1) / P(k) =
    // (n - k) p / ((k + 1)(1 - p)) outwards from the mode: no lgamma or log per
    // term (lgamma per term made the report's exact funnel curves cost seconds
    // on 10 million rows; this is a multiply and a divide). Far tails
    // underflow to 0, below any tail probability asked for.
    const double odds = p / (1 - p);
    const uint64_t mode = std::clamp<uint64_t>(static_cast<uint64_t>(static_cast<double>(n + 1) * p), lo, hi);
    std::vector<double> mass(static_cast<size_t>(hi - lo + 1), 0.0);
    mass[static_cast<size_t>(mode - lo)] = 1;
    for (uint64_t k = mode; k < hi; ++k)
        mass[static_cast<size_t>(k + 1 - lo)] =
            mass[static_cast<size_t>(k - lo)] * static_cast<double>(n - k) * odds / static_cast<double>(k + 1);
    for (uint64_t k = mode; k > lo; --k)
        mass[static_cast<size_t>(k - 1 - lo)] =
            mass[static_cast<size_t>(k - lo)] * static_cast<double>(k) / (static_cast<double>(n - k + 1) * odds);
    double total = 0;
    for (double m : mass) total += m;
    CountInterval r{hi, hi};
    bool haveLower = false;
    double cumulative = 0;
    // A relative slack of 1e-12 keeps a cumulative sum that equals the tail
    // probability in exact arithmetic from missing it by rounding.
    for (uint64_t k = lo; k <= hi; ++k) {
        cumulative += mass[static_cast<size_t>(k - lo)] / total;
        if (!haveLower && cumulative >= tail * (1 - 1e-12)) {
            r.lower = k;
            haveLower = true;
        }
        if (cumulative >= (1 - tail) * (1 - 1e-12)) {
            r.upper = k;
            break;
        }
    }
    return r;
}

Interval proportionFunnelLimits(uint64_t n, double p, double level) {
    if (n == 0) return {0, 1};
    CountInterval c = binomialCountLimits(n, p, level);
    double dn = static_cast<double>(n);
    return {static_cast<double>(c.lower) / dn, static_cast<double>(c.upper) / dn};
}

FunnelFlag funnelFlag(double value, Interval limits95, Interval limits998) {
    if (value > limits998.upper) return FunnelFlag::HighAlert;
    if (value < limits998.lower) return FunnelFlag::LowAlert;
    if (value > limits95.upper) return FunnelFlag::HighWarning;
    if (value < limits95.lower) return FunnelFlag::LowWarning;
    return FunnelFlag::Within;
}

const char* funnelFlagName(FunnelFlag flag) {
    switch (flag) {
        case FunnelFlag::Within: return "within";
        case FunnelFlag::HighWarning: return "high warning";
        case FunnelFlag::HighAlert: return "high alert";
        case FunnelFlag::LowWarning: return "low warning";
        case FunnelFlag::LowAlert: return "low alert";
    }
    return "within";
}

}  // namespace cpe::audit::stats
