#include <doctest/doctest.h>

#include <cmath>

#include "audit/count/stats.h"

using namespace cpe::audit;

// Expected values are R's quantile(x, type = 7) (also numpy's default).
TEST_CASE("type 7 percentiles interpolate between order statistics") {
    std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK(quantileType7(x, 0.10) == doctest::Approx(1.9));
    CHECK(quantileType7(x, 0.25) == doctest::Approx(3.25));
    CHECK(quantileType7(x, 0.50) == doctest::Approx(5.5));
    CHECK(quantileType7(x, 0.90) == doctest::Approx(9.1));
    CHECK(quantileType7(x, 0.0) == 1);
    CHECK(quantileType7(x, 1.0) == 10);
    std::vector<double> y = {0, 1, 3};
    // h = 2 * 0.1 = 0.2: 0 + 0.2 * (1 - 0) = 0.2; p90: h = 1.8: 1 + 0.8 * 2 = 2.6
    CHECK(quantileType7(y, 0.10) == doctest::Approx(0.2));
    CHECK(quantileType7(y, 0.90) == doctest::Approx(2.6));
    CHECK(quantileType7({7}, 0.5) == 7);
}

TEST_CASE("variation: min, percentiles, max and n-fold") {
    Variation v = variationOf({30, 10, 20, 40, 50}, 150);
    CHECK(v.groups == 5);
    CHECK(v.episodes == 150);
    CHECK(v.min == 10);
    CHECK(v.max == 50);
    CHECK(v.p10 == doctest::Approx(14));  // h = 0.4
    CHECK(v.p25 == doctest::Approx(20));  // h = 1
    CHECK(v.p50 == doctest::Approx(30));
    CHECK(v.p75 == doctest::Approx(40));
    CHECK(v.p90 == doctest::Approx(46));  // h = 3.6
    REQUIRE(v.nFold.has_value());
    CHECK(*v.nFold == doctest::Approx(46.0 / 14.0));
}

TEST_CASE("n-fold is empty when p10 is 0") {
    Variation v = variationOf({0, 0, 0, 5, 9}, 14);
    CHECK(v.p10 == 0);
    CHECK_FALSE(v.nFold.has_value());
    Variation none = variationOf({}, 0);
    CHECK(none.groups == 0);
    CHECK_FALSE(none.nFold.has_value());
}

TEST_CASE("funnel limits widen as volume falls") {
    Limits wide = proportionLimits(0.01, 100, kZ998);
    Limits narrow = proportionLimits(0.01, 100000, kZ998);
    CHECK(wide.upper > narrow.upper);
    CHECK(wide.lower == 0);
    CHECK(narrow.lower > 0);
    Limits l95 = proportionLimits(0.01, 10000, kZ95);
    CHECK(l95.upper == doctest::Approx(0.01 + 1.959964 * std::sqrt(0.01 * 0.99 / 10000)).epsilon(1e-6));
    Limits r = rateLimits(0.002, 500000, kZ95);
    CHECK(r.upper == doctest::Approx(0.002 + 1.959964 * std::sqrt(0.002 / 500000)).epsilon(1e-6));
}
