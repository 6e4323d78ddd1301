#!/usr/bin/env python3
"""An independent calculation of the funnel plots' control limits, for test_funnel_limits.cpp.

Nothing here comes from cpe. The exact binomial limits are worked in exact
rational arithmetic (fractions.Fraction and math.comb, no floating point): for
X ~ Binomial(n, p) the lower limit is the smallest k with P(X <= k) >= (1 - level)/2
and the upper the smallest k with P(X <= k) >= 1 - (1 - level)/2
(shared/reference/statistics.md, "Funnel plots": R's qbinom). Byar's limits are
the formula of the reference written again; the O/E funnel's limits are
Byar's limits of E divided by E.

    limits_reference.py  ->  lines "binomial N P LEVEL LOWER UPPER" and "byar E Z LOWER UPPER"
"""
import math
from fractions import Fraction

LEVELS = ["0.95", "0.998"]
Z = {"0.95": 1.959963984540054, "0.998": 3.090232306167813}


def binomial_limits(n, p, level):
    tail = (1 - Fraction(level)) / 2
    cumulative = Fraction(0)
    lower = None
    for k in range(n + 1):
        cumulative += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if lower is None and cumulative >= tail:
            lower = k
        if cumulative >= 1 - tail:
            return lower, k
    return lower, n


def byar(count, z):
    lower = 0.0
    if count > 0:
        base = 1 - 1 / (9 * count) - z / (3 * math.sqrt(count))
        lower = count * base**3 if base > 0 else 0.0
    up = count + 1
    upper = up * (1 - 1 / (9 * up) + z / (3 * math.sqrt(up))) ** 3
    return lower, upper


def main():
    for n in [1, 2, 5, 10, 20, 37, 50, 100, 250, 600]:
        for p in ["0.01", "0.05", "0.2", "0.5", "0.73"]:
            for level in LEVELS:
                lo, hi = binomial_limits(n, Fraction(p), level)
                print(f"binomial {n} {p} {level} {lo} {hi}")
    for e in [0.5, 1, 2.5, 4, 10, 47.3, 200, 1000, 25000]:
        for level in LEVELS:
            lo, hi = byar(e, Z[level])
            print(f"byar {e!r} {level} {lo!r} {hi!r}")


main()
