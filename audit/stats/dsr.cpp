#include "audit/stats/dsr.h"

#include <cmath>

namespace cpe::audit::stats {

StandardisedResult directlyStandardisedRate(const std::vector<StandardCell>& cells, double z) {
    double weighted = 0, variance = 0, weights = 0, observed = 0, persons = 0;
    for (const StandardCell& c : cells) {
        weights += c.weight;
        observed += c.observed;
        persons += c.population;
        if (c.population <= 0) {
            if (c.observed > 0) return {std::nullopt, "events in a band with no population"};
            continue;
        }
        weighted += c.weight * c.observed / c.population;
        variance += c.weight * c.weight * c.observed / (c.population * c.population);
    }
    if (weights <= 0) return {std::nullopt, "no standard population in the bands counted"};
    StandardisedRate r;
    r.events = static_cast<uint64_t>(std::llround(observed));
    r.population = persons;
    r.crude = persons > 0 ? 100000.0 * observed / persons : 0;
    r.rate = 100000.0 * weighted / weights;
    double var = 100000.0 * 100000.0 * variance / (weights * weights);
    if (observed > 0) {
        Interval o = byarPoissonLimits(observed, z);
        double scale = std::sqrt(var / observed);
        r.interval = {r.rate + scale * (o.lower - observed), r.rate + scale * (o.upper - observed)};
    }
    r.publishable = r.events >= kMinEventsForRate;
    return {r, ""};
}

bool isSuppressedCount(uint64_t count) { return count >= 1 && count <= 5; }

std::string suppressedCount(uint64_t count) { return isSuppressedCount(count) ? std::string("*") : std::to_string(count); }

}  // namespace cpe::audit::stats
