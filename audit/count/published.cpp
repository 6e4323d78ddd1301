#include "audit/count/published.h"

#include <cmath>

#include "audit/match/denominator.h"
#include "audit/stats/dsr.h"

namespace cpe::audit {

namespace {

using stats::Interval;

void poissonFunnel(PublishedGroup& g) {
    g.limits95 = stats::byarPoissonLimits(g.expected, stats::kZ95);
    g.limits998 = stats::byarPoissonLimits(g.expected, stats::kZ998);
    if (g.expected > 0) g.z = (static_cast<double>(g.episodes) - g.expected) / std::sqrt(g.expected);
    g.flag = stats::funnelFlag(static_cast<double>(g.episodes), g.limits95, g.limits998);
}

uint64_t cellCount(const CellCounts& cells, size_t rule, const std::string& group, uint32_t cell) {
    auto it = cells.find({rule, group, cell});
    return it == cells.end() ? 0 : it->second;
}

}  // namespace

const char* rateMethodDescription(RateMethod method) {
    switch (method) {
        case RateMethod::Standardised: return "directly age- and sex-standardised rate per 100,000 (ESP2013)";
        case RateMethod::Crude: return "crude rate per 100,000";
        case RateMethod::Proportion: return "episodes per 1,000 of the provider's episodes";
    }
    return "";
}

PublishedStats publishStatistics(const Matcher& matcher, const Analysis& analysis, const ScanResult& scan,
                                 const Population* population, const OrganisationNames* names) {
    PublishedStats out;
    const bool banded = analysis.perPopulation && population && population->banded;
    out.method = banded ? RateMethod::Standardised : analysis.perPopulation ? RateMethod::Crude : RateMethod::Proportion;
    for (const InterventionAnalysis& ia : analysis.interventions) {
        PublishedIntervention pi;
        pi.id = ia.id;
        pi.title = ia.title;
        const CountablePopulation countable = countablePopulation(matcher, ia.rule);
        pi.countable = out.method == RateMethod::Proportion ? "the provider's episodes" : countable.describe();
        for (const GroupRow& row : ia.groups) {
            PublishedGroup g;
            g.group = row.name;
            g.name = organisationName(names, row.name);
            g.episodes = row.episodes;
            g.denominator = row.volume;
            pi.groups.push_back(std::move(g));
        }
        const double totalEpisodes = static_cast<double>(ia.variation.episodes);
        if (out.method == RateMethod::Standardised) {
            // The overall rate of each (band, sex) cell, for expected counts.
            std::array<double, kPopulationCells> events{}, persons{};
            for (PublishedGroup& g : pi.groups) {
                const PopulationCells& cells = population->cells.at(g.group);
                for (size_t c = 0; c < kPopulationCells; ++c) {
                    const size_t band = c / 2, sex = c % 2;
                    if (!countable.cells[band][sex]) continue;
                    events[c] += static_cast<double>(cellCount(scan.commissionerAgeSex, ia.rule, g.group,
                                                               ageSexCell(static_cast<int>(band), static_cast<unsigned>(sex))));
                    persons[c] += cells[c];
                }
                for (int band = 0; band < stats::kEspBands; ++band)
                    pi.unknownSex += cellCount(scan.commissionerAgeSex, ia.rule, g.group, ageSexCell(band, 2));
            }
            for (PublishedGroup& g : pi.groups) {
                const PopulationCells& cells = population->cells.at(g.group);
                std::vector<stats::StandardCell> standard;
                g.denominator = 0;
                for (size_t c = 0; c < kPopulationCells; ++c) {
                    const size_t band = c / 2, sex = c % 2;
                    if (!countable.cells[band][sex]) continue;
                    const double o =
                        static_cast<double>(cellCount(scan.commissionerAgeSex, ia.rule, g.group,
                                                      ageSexCell(static_cast<int>(band), static_cast<unsigned>(sex))));
                    standard.push_back({o, cells[c], stats::espWeight(static_cast<int>(band))});
                    g.denominator += cells[c];
                    if (persons[c] > 0) g.expected += events[c] / persons[c] * cells[c];
                }
                stats::StandardisedResult r = stats::directlyStandardisedRate(standard);
                if (r.rate) {
                    g.crude = r.rate->crude;
                    if (r.rate->publishable) {
                        g.rate = r.rate->rate;
                        g.lower = r.rate->interval.lower;
                        g.upper = r.rate->interval.upper;
                    }
                }
                poissonFunnel(g);
            }
        } else if (out.method == RateMethod::Crude) {
            double totalPopulation = 0;
            for (const PublishedGroup& g : pi.groups) totalPopulation += g.denominator;
            const double overall = totalPopulation > 0 ? totalEpisodes / totalPopulation : 0;
            for (PublishedGroup& g : pi.groups) {
                const double o = static_cast<double>(g.episodes);
                g.crude = g.rate = 100000.0 * o / g.denominator;
                Interval ci = stats::byarPoissonLimits(o, stats::kZ95);
                g.lower = 100000.0 * ci.lower / g.denominator;
                g.upper = 100000.0 * ci.upper / g.denominator;
                g.expected = overall * g.denominator;
                poissonFunnel(g);
            }
        } else {
            double totalVolume = 0;
            for (const PublishedGroup& g : pi.groups) totalVolume += g.denominator;
            const double p = totalVolume > 0 ? totalEpisodes / totalVolume : 0;
            for (PublishedGroup& g : pi.groups) {
                const auto n = static_cast<uint64_t>(g.denominator);
                const double o = static_cast<double>(g.episodes);
                g.rate = n ? 1000.0 * o / static_cast<double>(n) : 0;
                g.expected = p * static_cast<double>(n);
                auto limits = [&](double level) {
                    stats::CountInterval c = stats::binomialCountLimits(n, p, level);
                    return Interval{static_cast<double>(c.lower), static_cast<double>(c.upper)};
                };
                g.limits95 = limits(0.95);
                g.limits998 = limits(0.998);
                const double sd = std::sqrt(g.expected * (1 - p));
                if (sd > 0) g.z = (o - g.expected) / sd;
                g.flag = stats::funnelFlag(o, g.limits95, g.limits998);
            }
        }
        out.interventions.push_back(std::move(pi));
    }
    return out;
}

void adoptPublishedFlags(Analysis& analysis, const PublishedStats& stats) {
    for (size_t i = 0; i < analysis.interventions.size() && i < stats.interventions.size(); ++i) {
        auto& groups = analysis.interventions[i].groups;
        const auto& published = stats.interventions[i].groups;
        for (size_t g = 0; g < groups.size() && g < published.size(); ++g)
            groups[g].position = funnelPositionOf(published[g].flag);
    }
}

}  // namespace cpe::audit
