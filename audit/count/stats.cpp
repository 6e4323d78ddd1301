#include "audit/count/stats.h"

#include <algorithm>
#include <cmath>

namespace cpe::audit {

double quantileType7(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    double h = static_cast<double>(sorted.size() - 1) * p;
    size_t lo = static_cast<size_t>(std::floor(h));
    if (lo + 1 >= sorted.size()) return sorted.back();
    double frac = h - static_cast<double>(lo);
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

Variation variationOf(std::vector<double> values, uint64_t episodes) {
    Variation v;
    v.groups = values.size();
    v.episodes = episodes;
    if (values.empty()) return v;
    std::sort(values.begin(), values.end());
    v.min = values.front();
    v.max = values.back();
    v.p10 = quantileType7(values, 0.10);
    v.p25 = quantileType7(values, 0.25);
    v.p50 = quantileType7(values, 0.50);
    v.p75 = quantileType7(values, 0.75);
    v.p90 = quantileType7(values, 0.90);
    if (v.p10 != 0) v.nFold = v.p90 / v.p10;
    return v;
}

Limits proportionLimits(double target, double n, double z) {
    if (n <= 0) return {0, 1};
    double se = std::sqrt(target * (1 - target) / n);
    return {std::max(0.0, target - z * se), std::min(1.0, target + z * se)};
}

Limits rateLimits(double target, double n, double z) {
    if (n <= 0) return {0, 0};
    double se = std::sqrt(target / n);
    return {std::max(0.0, target - z * se), target + z * se};
}

}  // namespace cpe::audit
