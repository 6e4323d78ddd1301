#include "audit/count/case_results.h"

#include <algorithm>

namespace cpe::audit {

std::vector<PolicyCompliance> caseCompliance(const CaseResults& results) {
    std::vector<PolicyCompliance> out;
    for (const auto& [key, n] : results.tally) {
        if (out.empty() || out.back().policy != key.first) out.push_back({key.first, {}, 0, {}, {}});
        PolicyCompliance& p = out.back();
        ProviderCompliance row;
        row.provider = key.second;
        for (size_t o = 0; o < n.size(); ++o) {
            p.outcomes[o] += n[o];
            row.cases += n[o];
        }
        row.eligible = n[static_cast<size_t>(Outcome::Eligible)];
        p.providers.push_back(std::move(row));
    }
    for (PolicyCompliance& p : out) {
        uint64_t cases = 0;
        for (uint64_t n : p.outcomes) cases += n;
        p.share =
            cases ? static_cast<double>(p.outcomes[static_cast<size_t>(Outcome::Eligible)]) / static_cast<double>(cases) : 0;
        for (ProviderCompliance& r : p.providers) {
            r.limits95 = stats::proportionFunnelLimits(r.cases, p.share, 0.95);
            r.limits998 = stats::proportionFunnelLimits(r.cases, p.share, 0.998);
            // Compared as counts, so a share on a limit is within it whatever the rounding.
            const auto counts = [&](double level) {
                const stats::CountInterval c = stats::binomialCountLimits(r.cases, p.share, level);
                return stats::Interval{static_cast<double>(c.lower), static_cast<double>(c.upper)};
            };
            r.flag = stats::funnelFlag(static_cast<double>(r.eligible), counts(0.95), counts(0.998));
        }
        std::map<std::string, uint64_t> missing;
        for (const CaseFinding& f : results.findings)
            if (f.policy == p.policy)
                for (const std::string& fact : f.missing) ++missing[fact];
        p.missingFacts.assign(missing.begin(), missing.end());
        std::stable_sort(p.missingFacts.begin(), p.missingFacts.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
    }
    return out;
}

}  // namespace cpe::audit
