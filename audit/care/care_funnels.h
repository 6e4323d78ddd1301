#pragma once
// Funnel positions of each locality's shares (shared/reference/statistics.md,
// "Proportions"): the target is the benchmark the user gives
// (--benchmark conversion=0.2, assessment=0.8) or else the overall share,
// and the limits at each locality's denominator are the exact binomial ones
// of audit/stats/limits.h at 95% and 99.8%. Beyond 99.8% is an alert,
// between the two a warning.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "audit/care/care_measures.h"
#include "audit/stats/limits.h"

namespace cpe::audit {

struct FunnelRow {
    std::string locality;
    Share share;
    stats::Interval limits95, limits998;
    stats::FunnelFlag flag = stats::FunnelFlag::Within;
};

struct MeasureFunnel {
    std::string measure, title;  // "within_28_days", "Decisions within 28 days"
    double target = 0;
    bool benchmark = false;       // the target is the user's benchmark, not the overall share
    std::vector<FunnelRow> rows;  // localities with a denominator, in declared order
};

// The funnels of within_28_days, full_assessment, conversion, agreement and
// s117_plan_by_discharge (kTrendMeasures' order); a measure without an
// overall denominator has no rows.
std::vector<MeasureFunnel> careFunnels(const CareResults& results, const std::map<std::string, double>& benchmarks);

// The share of a measure in one locality's figures.
const Share& measureShare(const LocalityMeasures& m, const std::string& measure);

}  // namespace cpe::audit
