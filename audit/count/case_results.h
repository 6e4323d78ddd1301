#pragma once
// What a case audit (`cpe audit --cases`) found, for compliance.csv,
// case_findings.csv and its report.html: outcomes by policy and provider,
// every case not eligible or undetermined with its reasons, and how often
// each fact was missing from the undetermined ones. Compliance is the share
// of a provider's cases that met the policy (eligible), placed on a funnel
// by the exact binomial limits around the policy's overall share
// (shared/reference/statistics.md, "Proportions").
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "audit/stats/limits.h"
#include "engine/check/model.h"

namespace cpe::audit {

// A case that did not meet its policy, or could not be decided on its facts.
struct CaseFinding {
    uint64_t line = 0;
    std::string id, policy, provider;
    Outcome outcome = Outcome::NotEligible;
    std::vector<std::string> reasons;  // "Aged 12 or over: yes", the criteria that decided it
    std::vector<std::string> missing;  // facts that could change an undetermined decision
};

struct ProviderCompliance {
    std::string provider;
    uint64_t cases = 0, eligible = 0;
    stats::Interval limits95, limits998;  // as shares, around the policy's overall share
    stats::FunnelFlag flag = stats::FunnelFlag::Within;
};

struct PolicyCompliance {
    std::string policy;
    std::array<uint64_t, 4> outcomes{};  // by Outcome
    double share = 0;                    // eligible / cases, over every provider
    std::vector<ProviderCompliance> providers;
    std::vector<std::pair<std::string, uint64_t>> missingFacts;  // most often missing first
};

struct CaseResults {
    std::map<std::pair<std::string, std::string>, std::array<uint64_t, 4>> tally;  // (policy, provider) -> by Outcome
    std::vector<CaseFinding> findings;                                             // in line order
};

// By policy: outcomes, each provider's share and funnel flag, the facts missing most often.
std::vector<PolicyCompliance> caseCompliance(const CaseResults& results);

}  // namespace cpe::audit
