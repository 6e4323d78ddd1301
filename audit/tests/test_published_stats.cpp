#include <doctest/doctest.h>

#include <cmath>

#include "audit/stats/dsr.h"
#include "audit/stats/esp2013.h"
#include "audit/stats/limits.h"

using namespace cpe::audit::stats;

// Every expected figure below was worked from the formulas of
// shared/reference/statistics.md outside cpe: Byar's limits and the DSR with
// a calculator's arithmetic, the binomial limits by summing exact fractions
// C(n, k) p^k (1 - p)^(n - k) until the tails were passed.

TEST_CASE("ESP2013: nineteen bands summing to 100,000, ages to bands, labels both ways") {
    double total = 0;
    for (int b = 0; b < kEspBands; ++b) total += espWeight(b);
    CHECK(total == 100000);
    CHECK(espWeight(0) == 5000);
    CHECK(espWeight(9) == 7000);   // 45-49
    CHECK(espWeight(16) == 2500);  // 80-84
    CHECK(espWeight(18) == 1000);  // 90+
    CHECK(espBandOfAge(0) == 0);
    CHECK(espBandOfAge(4) == 0);
    CHECK(espBandOfAge(5) == 1);
    CHECK(espBandOfAge(89) == 17);
    CHECK(espBandOfAge(90) == 18);
    CHECK(espBandOfAge(117) == 18);
    CHECK_FALSE(espBandOfAge(-1).has_value());
    CHECK(espBandLabel(0) == "0-4");
    CHECK(espBandLabel(18) == "90+");
    for (int b = 0; b < kEspBands; ++b) CHECK(parseEspBand(espBandLabel(b)) == b);
    CHECK_FALSE(parseEspBand("90-94").has_value());
    CHECK_FALSE(parseEspBand("0 - 4").has_value());
    CHECK(espBandFirstAge(3) == 15);
}

TEST_CASE("Byar's Poisson limits at 95% and 99.8%") {
    struct Row {
        double count, lo95, up95, lo998, up998;
    } rows[] = {
        {0, 0, 3.668012, 0, 7.066463},
        {1, 0.013072, 5.563756, 0, 9.362180},  // 99.8% lower: the cube's base is negative, so 0
        {10, 4.787450, 18.391459, 2.916318, 24.193725},
        {15, 8.389264, 24.741631, 5.754760, 31.293138},
        {100, 81.362105, 121.627938, 71.903692, 134.943622},
    };
    for (const Row& r : rows) {
        CAPTURE(r.count);
        Interval a = byarPoissonLimits(r.count, kZ95);
        Interval b = byarPoissonLimits(r.count, kZ998);
        CHECK(a.lower == doctest::Approx(r.lo95).epsilon(1e-6));
        CHECK(a.upper == doctest::Approx(r.up95).epsilon(1e-6));
        CHECK(b.lower == doctest::Approx(r.lo998).epsilon(1e-6));
        CHECK(b.upper == doctest::Approx(r.up998).epsilon(1e-6));
    }
    // Close to the exact limits published for 10 events (4.795, 18.390).
    Interval ten = byarPoissonLimits(10, kZ95);
    CHECK(std::abs(ten.lower - 4.795) < 0.01);
    CHECK(std::abs(ten.upper - 18.390) < 0.01);
}

TEST_CASE("exact binomial funnel limits are the binomial quantiles at the two tails") {
    struct Row {
        uint64_t n;
        double p, level;
        uint64_t lower, upper;
    } rows[] = {
        {50, 0.2, 0.95, 5, 16}, {50, 0.2, 0.998, 2, 19},    {200, 0.5, 0.95, 86, 114},
        {30, 0.1, 0.998, 0, 9}, {1000, 0.03, 0.95, 20, 41},
    };
    for (const Row& r : rows) {
        CAPTURE(r.n);
        CAPTURE(r.p);
        CAPTURE(r.level);
        CountInterval c = binomialCountLimits(r.n, r.p, r.level);
        CHECK(c.lower == r.lower);
        CHECK(c.upper == r.upper);
        Interval prop = proportionFunnelLimits(r.n, r.p, r.level);
        CHECK(prop.lower == doctest::Approx(double(r.lower) / double(r.n)));
        CHECK(prop.upper == doctest::Approx(double(r.upper) / double(r.n)));
    }
    // Edges: no cases, a target of 0 or 1.
    CHECK(proportionFunnelLimits(0, 0.3, 0.95).lower == 0);
    CHECK(proportionFunnelLimits(0, 0.3, 0.95).upper == 1);
    CHECK(binomialCountLimits(40, 0, 0.95).upper == 0);
    CHECK(binomialCountLimits(40, 1, 0.95).lower == 40);
    // Two million cases: within a count or two of the normal approximation,
    // which is good at this size (np and n(1 - p) far above 10).
    uint64_t n = 2000000;
    CountInterval big = binomialCountLimits(n, 0.25, 0.95);
    double mean = 500000, sd = std::sqrt(double(n) * 0.25 * 0.75);
    CHECK(std::abs(double(big.lower) - (mean - kZ95 * sd)) < 2.5);
    CHECK(std::abs(double(big.upper) - (mean + kZ95 * sd)) < 2.5);
}

TEST_CASE("funnel flags: alert beyond 99.8%, warning between 95% and 99.8%, with the side") {
    Interval l95{0.2, 0.4}, l998{0.1, 0.5};
    CHECK(funnelFlag(0.3, l95, l998) == FunnelFlag::Within);
    CHECK(funnelFlag(0.4, l95, l998) == FunnelFlag::Within);  // on the limit is within
    CHECK(funnelFlag(0.45, l95, l998) == FunnelFlag::HighWarning);
    CHECK(funnelFlag(0.51, l95, l998) == FunnelFlag::HighAlert);
    CHECK(funnelFlag(0.15, l95, l998) == FunnelFlag::LowWarning);
    CHECK(funnelFlag(0.05, l95, l998) == FunnelFlag::LowAlert);
    CHECK(std::string(funnelFlagName(FunnelFlag::HighAlert)) == "high alert");
}

TEST_CASE("DSR per 100,000 with the Dobson interval, worked by hand") {
    // Bands 0-4, 5-9, 10-14 (weights 5,000, 5,500, 5,500; sum 16,000):
    //   sum w O / n = 5000 * 2/1000 + 5500 * 5/2000 + 5500 * 8/2500 = 41.35
    //   DSR = 100,000 * 41.35 / 16,000 = 258.4375
    //   Var = 1e10 * (5000^2 * 2/1000^2 + 5500^2 * 5/2000^2 + 5500^2 * 8/2500^2) / 16,000^2
    //       = 1e10 * 126.5325 / 2.56e8 = 4942.675781
    //   O = 15, Byar 95%: 8.389264 to 24.741631
    //   lower = 258.4375 + sqrt(4942.675781 / 15) * (8.389264 - 15) = 138.436395
    //   upper = 258.4375 + sqrt(4942.675781 / 15) * (24.741631 - 15) = 435.272050
    std::vector<StandardCell> cells = {{2, 1000, espWeight(0)}, {5, 2000, espWeight(1)}, {8, 2500, espWeight(2)}};
    StandardisedResult r = directlyStandardisedRate(cells);
    REQUIRE(r.rate.has_value());
    CHECK(r.rate->events == 15);
    CHECK(r.rate->population == 5500);
    CHECK(r.rate->crude == doctest::Approx(272.727273));
    CHECK(r.rate->rate == doctest::Approx(258.4375));
    CHECK(r.rate->interval.lower == doctest::Approx(138.436395).epsilon(1e-7));
    CHECK(r.rate->interval.upper == doctest::Approx(435.272050).epsilon(1e-7));
    CHECK(r.rate->publishable);

    // A band with persons and no events still carries its weight.
    cells.push_back({0, 3000, espWeight(3)});
    r = directlyStandardisedRate(cells);
    REQUIRE(r.rate.has_value());
    CHECK(r.rate->rate == doctest::Approx(100000.0 * 41.35 / 21500));

    // Fewer than 10 events: computed, but not publishable.
    r = directlyStandardisedRate({{9, 1000, 5000}});
    REQUIRE(r.rate.has_value());
    CHECK_FALSE(r.rate->publishable);
    // No events: a rate of 0 with no interval.
    r = directlyStandardisedRate({{0, 1000, 5000}});
    REQUIRE(r.rate.has_value());
    CHECK(r.rate->rate == 0);
    CHECK(r.rate->interval.upper == 0);
    // Events where there are no persons cannot be standardised.
    r = directlyStandardisedRate({{3, 0, 5000}});
    CHECK_FALSE(r.rate.has_value());
    CHECK(r.problem == "events in a band with no population");
}

TEST_CASE("small-number suppression shows 1 to 5 as *") {
    CHECK(suppressedCount(0) == "0");
    CHECK(suppressedCount(1) == "*");
    CHECK(suppressedCount(5) == "*");
    CHECK(suppressedCount(6) == "6");
    CHECK_FALSE(isSuppressedCount(0));
}
