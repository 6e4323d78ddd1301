// The funnel plots' control limits against an independent calculation
// (tests/limits_reference.py: exact binomial limits in rational arithmetic,
// Byar's formula written again in Python) and against figures worked by hand.
// The functions checked are the ones the report draws its curves with
// (report/funnel_svg.h) and the flags come from (stats/limits.h).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "audit/report/funnel_svg.h"
#include "audit/stats/limits.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

TEST_CASE("exact binomial limits worked by hand: n = 10, p = 0.5") {
    // P(X <= 1) = 11/1024 = 0.0107 and P(X <= 2) = 56/1024 = 0.0547, so the
    // 95% lower limit (first cumulative >= 0.025) is 2; P(X <= 7) = 968/1024 =
    // 0.945 and P(X <= 8) = 1013/1024 = 0.989, so the upper (>= 0.975) is 8.
    stats::CountInterval c = stats::binomialCountLimits(10, 0.5, 0.95);
    CHECK(c.lower == 2);
    CHECK(c.upper == 8);
    // At 99.8% (tails 0.001): P(X = 0) = 1/1024 = 0.00098 < 0.001 and
    // P(X <= 1) = 0.0107, so the lower is 1; P(X <= 8) = 0.989 < 0.999 and
    // P(X <= 9) = 1023/1024 = 0.99902, so the upper is 9.
    c = stats::binomialCountLimits(10, 0.5, 0.998);
    CHECK(c.lower == 1);
    CHECK(c.upper == 9);
    // The plot's curve at n = 10 is the same, per 1,000.
    Limits plotted = exactProportionLimits(0.5, 1000)(10, false);
    CHECK(plotted.lower == doctest::Approx(200));
    CHECK(plotted.upper == doctest::Approx(800));
}

TEST_CASE("Byar's limits and the O/E funnel worked by hand: E = 4") {
    // lower = 4 (1 - 1/36 - 1.96/6)^3 = 4 x 0.64556^3 = 1.0761;
    // upper = 5 (1 - 1/45 + 1.96/(3 sqrt 5))^3 = 5 x 1.26996^3 = 10.241
    stats::Interval b = stats::byarPoissonLimits(4, stats::kZ95);
    CHECK(b.lower == doctest::Approx(1.0761).epsilon(1e-3));
    CHECK(b.upper == doctest::Approx(10.241).epsilon(1e-3));
    Limits ratio = byarRatioLimits()(4, false);
    CHECK(ratio.lower == doctest::Approx(b.lower / 4));
    CHECK(ratio.upper == doctest::Approx(b.upper / 4));
    CHECK(byarRatioLimits()(0, true).upper == 0);  // no expected episodes: no funnel
}

TEST_CASE("funnel limits agree with the independent calculation of limits_reference.py") {
    TempDir dir("cpe-funnel-limits");
    const std::string cmd =
        "python3 " + std::string(CPE_SOURCE_DIR) + "/audit/tests/limits_reference.py >" + dir.file("reference.txt");
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::istringstream reference(readFile(dir.file("reference.txt")));
    size_t binomial = 0, byar = 0;
    for (std::string line; std::getline(reference, line);) {
        CAPTURE(line);
        std::istringstream in(line);
        std::string kind;
        in >> kind;
        if (kind == "binomial") {
            uint64_t n = 0, lower = 0, upper = 0;
            double p = 0, level = 0;
            in >> n >> p >> level >> lower >> upper;
            const stats::CountInterval c = stats::binomialCountLimits(n, p, level);
            CHECK(c.lower == lower);
            CHECK(c.upper == upper);
            const Limits plotted = exactProportionLimits(p, 1000)(static_cast<double>(n), level > 0.99);
            CHECK(plotted.lower == doctest::Approx(1000.0 * static_cast<double>(lower) / static_cast<double>(n)));
            CHECK(plotted.upper == doctest::Approx(1000.0 * static_cast<double>(upper) / static_cast<double>(n)));
            ++binomial;
        } else if (kind == "byar") {
            double e = 0, level = 0, lower = 0, upper = 0;
            in >> e >> level >> lower >> upper;
            const double z = level > 0.99 ? stats::kZ998 : stats::kZ95;
            const stats::Interval b = stats::byarPoissonLimits(e, z);
            CHECK(b.lower == doctest::Approx(lower).epsilon(1e-12));
            CHECK(b.upper == doctest::Approx(upper).epsilon(1e-12));
            const Limits ratio = byarRatioLimits()(e, level > 0.99);
            CHECK(ratio.lower == doctest::Approx(lower / e).epsilon(1e-12));
            CHECK(ratio.upper == doctest::Approx(upper / e).epsilon(1e-12));
            ++byar;
        } else {
            FAIL("unexpected line");
        }
    }
    CHECK(binomial == 100);
    CHECK(byar == 18);
}
