#pragma once
// Variation statistics (shared/spec/audit.md) and funnel-plot control limits.
#include <cstdint>
#include <optional>
#include <vector>

#include "audit/stats/limits.h"

namespace cpe::audit {

// The p-th quantile (0 <= p <= 1) of sorted values by linear interpolation
// between order statistics: Hyndman and Fan's type 7, the default of R and
// of numpy. h = (n - 1) p; x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
double quantileType7(const std::vector<double>& sorted, double p);

struct Variation {
    size_t groups = 0;
    uint64_t episodes = 0;
    double min = 0, p10 = 0, p25 = 0, p50 = 0, p75 = 0, p90 = 0, max = 0;
    std::optional<double> nFold;  // p90 / p10; none when p10 is 0
};

// Statistics over one value per group (counts or rates); `episodes` is the
// intervention's total count. No groups gives all zeros and no n-fold.
Variation variationOf(std::vector<double> values, uint64_t episodes);

// Funnel plot limits around a target proportion or rate, by the normal
// approximation (Spiegelhalter 2005). For a proportion p0 with denominator
// n: p0 +/- z sqrt(p0 (1 - p0) / n); for a Poisson rate per unit exposure
// r0: r0 +/- z sqrt(r0 / n). Lower limits stop at 0.
struct Limits {
    double lower = 0, upper = 0;
};
Limits proportionLimits(double target, double n, double z);
Limits rateLimits(double target, double n, double z);

// The quantiles live with the published limits (audit/stats/limits.h).
using stats::kZ95;
using stats::kZ998;

}  // namespace cpe::audit
