// engine/base: the vocabulary every stage shares — comparison operators,
// calendar dates, number formatting, axis ticks, HTML escaping and SHA-256.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/base/axis_ticks.h"
#include "engine/base/civil_date.h"
#include "engine/base/compare_op.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"
#include "engine/base/sha256.h"

using namespace cpe;

namespace {

constexpr std::array<CompareOp, 6> kAllOps = {CompareOp::Lt, CompareOp::Le, CompareOp::Gt,
                                              CompareOp::Ge, CompareOp::Eq, CompareOp::Ne};

}  // namespace

TEST_CASE("each comparison operator is spelt as in a policy and read back from its spelling") {
    std::vector<std::string> spelt;
    for (CompareOp op : kAllOps) {
        spelt.emplace_back(spelling(op));
        CHECK(compareOpFromSpelling(spelling(op)) == op);
    }
    CHECK(spelt == std::vector<std::string>{"<", "<=", ">", ">=", "==", "!="});
    CHECK_FALSE(compareOpFromSpelling("=<").has_value());
    CHECK_FALSE(compareOpFromSpelling("=").has_value());
    CHECK_FALSE(compareOpFromSpelling("").has_value());
}

TEST_CASE("a op b holds exactly when b flip(op) a does, and flipping twice is the identity") {
    for (CompareOp op : kAllOps) {
        CAPTURE(spelling(op));
        CHECK(flip(flip(op)) == op);
        for (int a = -2; a <= 2; ++a)
            for (int b = -2; b <= 2; ++b) CHECK(compare(op, a, b) == compare(flip(op), b, a));
    }
    CHECK(flip(CompareOp::Lt) == CompareOp::Gt);
    CHECK(flip(CompareOp::Ge) == CompareOp::Le);
    CHECK(flip(CompareOp::Eq) == CompareOp::Eq);
}

TEST_CASE("operator classes: equality, limits included, upper bounds") {
    for (CompareOp op : kAllOps) {
        CAPTURE(spelling(op));
        // The limit satisfies the comparison exactly for <=, >= and ==.
        CHECK(includesLimit(op) == (!isEquality(op) && compare(op, 5, 5)));
        // An upper bound: a value below the limit passes, one above fails.
        if (!isEquality(op)) CHECK(isUpperBound(op) == (compare(op, 4, 5) && !compare(op, 6, 5)));
    }
    CHECK(isEquality(CompareOp::Eq));
    CHECK(isEquality(CompareOp::Ne));
    CHECK_FALSE(isEquality(CompareOp::Le));
}

TEST_CASE("dates: the same years everywhere, 1800 to 9999") {
    CHECK(parseDate("1800-01-01") == daysFromCivil(1800, 1, 1));
    CHECK(parseDate("9999-12-31") == daysFromCivil(9999, 12, 31));
    CHECK_FALSE(parseDate("1799-12-31").has_value());
    CHECK_FALSE(parseDate("0000-01-01").has_value());
    CHECK(parseDate("1970-01-01") == 0);
    CHECK(parseDate("2024-02-29").has_value());
    CHECK_FALSE(parseDate("2023-02-29").has_value());
    CHECK_FALSE(parseDate("1900-02-29").has_value());
    CHECK(parseDate("2000-02-29").has_value());
    CHECK_FALSE(parseDate("2024-1-01").has_value());
    CHECK_FALSE(parseDate(" 2024-01-01").has_value());
    // Every day of the range round-trips through formatDate.
    int first = *parseDate("1800-01-01"), last = *parseDate("9999-12-31");
    int checked = 0;
    for (int day = first; day <= last; day += 97, ++checked) REQUIRE(parseDate(formatDate(day)) == day);
    CHECK(checked > 30000);
    // formatDate writes the digits by hand: held to snprintf's "%04d-%02u-%02u"
    // on every day from year 0 to 9999 and on days beyond it.
    int differ = 0, days = 0;
    for (int day = *parseDate("1800-01-01") - 700000; day <= last + 400; ++day, ++days) {
        int y;
        unsigned m, d;
        civilFromDays(day, y, m, d);
        char expected[32];
        std::snprintf(expected, sizeof expected, "%04d-%02u-%02u", y, m, d);
        if (formatDate(day) != expected && differ++ == 0) CHECK(formatDate(day) == expected);
    }
    CHECK(differ == 0);
    CHECK(days > 3600000);
    CHECK(isLeapYear(2000));
    CHECK_FALSE(isLeapYear(1900));
    CHECK(daysInMonth(2024, 2) == 29);
    CHECK(daysInMonth(2023, 2) == 28);
}

TEST_CASE("numbers grouped in thousands, decimals rounded") {
    CHECK(thousands(0) == "0");
    CHECK(thousands(999) == "999");
    CHECK(thousands(1000) == "1,000");
    CHECK(thousands(1234567) == "1,234,567");
    CHECK(thousands(18446744073709551615ull) == "18,446,744,073,709,551,615");
    CHECK(decimalWithThousands(1234.567, 2) == "1,234.57");
    CHECK(decimalWithThousands(-1234.567, 1) == "-1,234.6");
    CHECK(decimalWithThousands(0.25, 2) == "0.25");
    CHECK(decimalWithThousands(2.5, 0) == "3");
    CHECK(decimalWithThousands(0.999, 2) == "1.00");
    CHECK(decimalWithThousands(std::nan(""), 2) == "");
}

TEST_CASE("axis ticks: round steps, whole numbers on count axes, the top at or above the largest value") {
    struct Case {
        double largest;
        bool counts;
        std::vector<double> ticks;
    };
    // The small counts are the ones a fractional step drew as "0 0 1 1 2 2".
    const std::vector<Case> cases = {
        {0, true, {0, 1}},
        {1, true, {0, 1}},
        {2, true, {0, 1, 2}},
        {3, true, {0, 1, 2, 3}},
        {5, true, {0, 1, 2, 3, 4, 5}},
        {6, true, {0, 2, 4, 6}},
        {7, true, {0, 2, 4, 6, 8}},
        {12, true, {0, 5, 10, 15}},  // a step of 2.5 is not a count: 5
        {13, true, {0, 5, 10, 15}},
        {20, true, {0, 5, 10, 15, 20}},
        {120, true, {0, 25, 50, 75, 100, 125}},  // 25 is whole, so it stays
        {100000, true, {0, 20000, 40000, 60000, 80000, 100000}},
        {100001, true, {0, 25000, 50000, 75000, 100000, 125000}},
        {0.9, false, {0, 0.2, 0.4, 0.6, 0.8, 1.0}},
        {2, false, {0, 0.5, 1, 1.5, 2}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.largest);
        CAPTURE(c.counts);
        AxisTicks t = axisTicks(c.largest, 5, c.counts);
        REQUIRE(t.values.size() == c.ticks.size());
        for (size_t i = 0; i < c.ticks.size(); ++i) CHECK(t.values[i] == doctest::Approx(c.ticks[i]));
        CHECK(t.top == doctest::Approx(c.ticks.back()));
        CHECK(t.top >= c.largest);
        if (c.counts)
            for (double v : t.values) CHECK(v == std::round(v));
    }
    CHECK(decimalsFor(2.5) == 1);
    CHECK(decimalsFor(0.25) == 2);
    CHECK(decimalsFor(5) == 0);
    CHECK(niceStep(0, 5) == 1);
}

TEST_CASE("HTML escaping covers text and quoted attributes") {
    CHECK(escapeHtml("a < b & c > d \"e\" 'f'") == "a &lt; b &amp; c &gt; d &quot;e&quot; &#39;f&#39;");
    CHECK(escapeHtml("") == "");
    CHECK(escapeHtml("plain £ text") == "plain £ text");
    CHECK(pageHead("<T>").find("<title>&lt;T&gt;</title>") != std::string::npos);
}

TEST_CASE("sha256 matches the standard test vectors") {
    CHECK(sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");  // 56 bytes: padding spills into a second block
    CHECK(sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    CHECK(toHex(bytes, 4) == "000fa5ff");
}
