#pragma once
// Where a chart's axis puts its ticks, for every chart the generated pages
// draw (the impact and consultation bar charts, the audit's funnel plots): a
// step of 1, 2, 2.5 or 5 times a power of ten, so the labels read as round
// numbers. A count axis never takes a fractional step: a step of 0.4 would
// label 0, 0.4, 0.8 ... and, rounded, read "0 0 1 1 2 2".
#include <string>
#include <vector>

namespace cpe {

// The round step that divides `range` into about `targetTicks` intervals
// (1 for a range of 0 or less).
double niceStep(double range, int targetTicks);

// Decimals needed to show multiples of `step` exactly (2.5 -> 1, 0.25 -> 2, 5 -> 0).
int decimalsFor(double step);

struct AxisTicks {
    double step = 1;
    double top = 1;              // the last tick, at or above the largest value
    std::vector<double> values;  // 0, step, 2 step, ... top
};

// Ticks from 0 to at least `largest`. `counts`: whole numbers only (the step
// is at least 1 and a whole number), as for counts of cases.
AxisTicks axisTicks(double largest, int targetTicks, bool counts);

}  // namespace cpe
