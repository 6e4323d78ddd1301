#pragma once
// The statistics analysts publish, per intervention and group
// (shared/reference/statistics.md), computed with audit/stats:
//  * by commissioner with a banded population: the directly age- and
//    sex-standardised rate per 100,000 (ESP2013) with its Dobson 95% interval,
//    the crude rate beside it, both over the population the coding rule can
//    count (audit/match/denominator.h); expected counts by indirect
//    standardisation and Byar's Poisson limits around them at 95% and 99.8%;
//  * by commissioner with a `commissioner,population` file: the crude rate with
//    Byar's interval, expected = the overall rate times the population;
//  * by provider: the share of the provider's episodes, with the exact
//    binomial limits around the overall share.
// groups.csv, trend.csv and the report are rendered from this model.
#include <optional>
#include <string>
#include <vector>

#include "audit/count/analysis.h"
#include "audit/count/org_names.h"
#include "audit/stats/limits.h"

namespace cpe::audit {

enum class RateMethod { Standardised, Crude, Proportion };

struct PublishedGroup {
    std::string group, name;  // name from --names, or empty
    uint64_t episodes = 0;
    double denominator = 0;                    // persons the rule can count, or the provider's episodes
    std::optional<double> rate, lower, upper;  // per 100,000 (or per 1,000 episodes); none below 10 events for a DSR
    std::optional<double> crude;               // per 100,000 over the same persons (by commissioner)
    double expected = 0;                       // episodes expected at the overall rates
    stats::Interval limits95, limits998;       // in episodes, around `expected`
    std::optional<double> z;                   // (O - E) / sd under the funnel's model; none when E = 0
    stats::FunnelFlag flag = stats::FunnelFlag::Within;
};

struct PublishedIntervention {
    std::string id, title;
    std::string countable;               // who the denominator counts ("everyone", "women", "ages 0-14")
    std::vector<PublishedGroup> groups;  // Analysis's groups, in its order
    uint64_t unknownSex = 0;             // episodes left out of standardised rates (sex not known)
};

struct PublishedStats {
    RateMethod method = RateMethod::Proportion;
    std::vector<PublishedIntervention> interventions;  // Analysis's order
};

PublishedStats publishStatistics(const Matcher& matcher, const Analysis& analysis, const ScanResult& scan,
                                 const Population* population, const OrganisationNames* names);

// Each group's funnel position in `analysis` from its published flag (the
// exact binomial or Byar limits), so the report's tables and plots say what
// groups.csv says.
void adoptPublishedFlags(Analysis& analysis, const PublishedStats& stats);

// "directly standardised rate per 100,000", ... for headings and notes.
const char* rateMethodDescription(RateMethod method);

}  // namespace cpe::audit
