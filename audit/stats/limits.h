#pragma once
// Control limits the published funnel plots use (shared/reference/statistics.md):
// Byar's approximation to the exact Poisson limits of a count, and the exact
// binomial limits of a proportion. Both are worked in tests against figures
// computed by hand from the formulas and against published tables.
#include <cstdint>

namespace cpe::audit::stats {

// The standard normal quantiles of two-sided 95% and 99.8% limits.
inline constexpr double kZ95 = 1.959963984540054;
inline constexpr double kZ998 = 3.090232306167813;

struct Interval {
    double lower = 0, upper = 0;
};

// Byar's limits for an observed count O (or an expected count E, for a
// funnel around expected): lower = O (1 - 1/(9O) - z/(3 sqrt O))^3, 0 when
// O = 0 (and never below 0); upper = (O + 1)(1 - 1/(9(O + 1)) + z/(3 sqrt(O + 1)))^3.
Interval byarPoissonLimits(double count, double z);

// The exact binomial limits around a target proportion p at denominator n,
// as counts: lower = the smallest k with P(X <= k) >= (1 - level)/2, upper =
// the smallest k with P(X <= k) >= 1 - (1 - level)/2, X ~ Binomial(n, p)
// (R's qbinom at the two tail probabilities). A count k is beyond the limits
// when k < lower or k > upper. level is 0.95 or 0.998 in the published plots.
struct CountInterval {
    uint64_t lower = 0, upper = 0;
};
CountInterval binomialCountLimits(uint64_t n, double p, double level);

// The same limits divided by n, as proportions (0 to 1); n = 0 gives [0, 1].
Interval proportionFunnelLimits(uint64_t n, double p, double level);

// Where a point falls against its 95% and 99.8% limits, as the national
// funnel plots label it: beyond 99.8% is an alert, between 95% and 99.8% a
// warning, and the side (high or low) is kept.
enum class FunnelFlag { Within, HighWarning, HighAlert, LowWarning, LowAlert };
FunnelFlag funnelFlag(double value, Interval limits95, Interval limits998);
// "within", "high warning", "high alert", "low warning", "low alert".
const char* funnelFlagName(FunnelFlag flag);

}  // namespace cpe::audit::stats
