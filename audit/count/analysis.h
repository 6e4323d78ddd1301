#pragma once
// What the audit concludes from the counts: per intervention, the value of
// each group (provider or commissioner), the variation statistics of
// shared/spec/audit.md, and each group's place on a funnel plot. The CSV
// files and the HTML report are both rendered from this one model.
#include <cstdint>
#include <string>
#include <vector>

#include "audit/count/activity_scan.h"
#include "audit/count/population.h"
#include "audit/count/stats.h"
#include "audit/stats/limits.h"

namespace cpe::audit {

enum class Grouping { Provider, Commissioner };

// Where a group lies against the funnel's control limits.
enum class FunnelPosition : int8_t { Below998 = -2, Below95 = -1, Within = 0, Above95 = 1, Above998 = 2 };
// The position of a flag of stats::funnelFlag (an alert is beyond 99.8%, a warning beyond 95%).
FunnelPosition funnelPositionOf(stats::FunnelFlag flag);

struct GroupRow {
    std::string name;
    uint64_t episodes = 0;
    double volume = 0;   // the funnel's x: the group's episodes of any kind, or its population
    double value = 0;    // what the variation statistics run over: episodes, or the rate per 100,000
    double funnelY = 0;  // episodes per 1,000 of the group's episodes, or per 100,000 population
    // Against the exact limits of the published statistics (count/published.h
    // sets it: adoptPublishedFlags); Within until then.
    FunnelPosition position = FunnelPosition::Within;
};

struct InterventionAnalysis {
    std::string id, title;
    size_t rule = 0;  // index in the Matcher
    Variation variation;
    std::vector<GroupRow> groups;  // every group in the distribution, by name
    double target = 0;             // the funnel's centre line, in funnelY units
};

struct Analysis {
    Grouping grouping = Grouping::Provider;
    bool perPopulation = false;                       // values are rates per 100,000
    std::vector<InterventionAnalysis> interventions;  // sorted by id
    std::vector<std::string> withoutPopulation;       // commissioners with activity but no population
    // Funnel units: per 1,000 episodes, or per 100,000 population.
    double funnelScale() const { return perPopulation ? 100000.0 : 1000.0; }
};

// The groups of the distribution are every provider (or commissioner) with at
// least one valid row in the period, counting zero for those without the
// intervention, or, with a population file, every commissioner in it.
Analysis analyse(const Matcher& matcher, const ScanResult& scan, Grouping grouping, const Population* population);

}  // namespace cpe::audit
