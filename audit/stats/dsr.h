#pragma once
// The directly standardised rate per 100,000 and its 95% confidence interval
// by the Dobson method (shared/reference/statistics.md), over the (age band,
// sex) cells a denominator counts: a restricted denominator (children for
// grommets, women for hysterectomy) simply passes fewer cells, and their
// weights are used as they are.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/stats/limits.h"

namespace cpe::audit::stats {

struct StandardCell {
    double observed = 0;    // events O_i
    double population = 0;  // persons n_i
    double weight = 0;      // standard weight w_i (espWeight of the band)
};

struct StandardisedRate {
    uint64_t events = 0;    // O, the sum of the cells' events
    double population = 0;  // the sum of the cells' persons
    double crude = 0;       // 100,000 O / population
    double rate = 0;        // the DSR per 100,000
    Interval interval;      // Dobson 95% limits (both 0 when events = 0)
    // The national convention publishes no DSR for fewer than 10 events.
    bool publishable = false;
};

// Computes the rate over the cells. A cell with no persons and no events
// adds its weight with a rate of 0; a cell with events but no persons cannot
// be standardised, and gives the error in `problem` (the caller names the
// group and band) with no rate.
struct StandardisedResult {
    std::optional<StandardisedRate> rate;
    std::string problem;
};
StandardisedResult directlyStandardisedRate(const std::vector<StandardCell>& cells, double z = kZ95);

// Fewer than 10 events: no DSR is published.
inline constexpr uint64_t kMinEventsForRate = 10;

// Counts of 1 to 5 are shown as "*" (small-number suppression); 0 and 6 up
// as themselves.
bool isSuppressedCount(uint64_t count);
std::string suppressedCount(uint64_t count);

}  // namespace cpe::audit::stats
