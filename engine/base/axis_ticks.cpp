#include "engine/base/axis_ticks.h"

#include <algorithm>
#include <cmath>

namespace cpe {

double niceStep(double range, int targetTicks) {
    if (range <= 0 || targetTicks <= 0) return 1;
    double raw = range / targetTicks;
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return step * mag;
}

int decimalsFor(double step) {
    int d = 0;
    for (double scaled = step; d < 4 && std::fabs(scaled - std::round(scaled)) > 1e-9 * std::max(1.0, scaled); scaled *= 10) ++d;
    return d;
}

AxisTicks axisTicks(double largest, int targetTicks, bool counts) {
    AxisTicks t;
    t.step = niceStep(largest, targetTicks);
    // Counts: no step under 1, and none that is not whole (2.5 becomes 5).
    if (counts && t.step < 1) t.step = 1;
    if (counts && t.step != std::round(t.step)) t.step = niceStep(t.step * 2 * targetTicks, targetTicks);
    const double intervals = largest > 0 ? std::ceil(largest / t.step - 1e-9) : 1;
    for (double i = 0; i <= intervals; ++i) t.values.push_back(i * t.step);
    t.top = t.values.back();
    return t;
}

}  // namespace cpe
