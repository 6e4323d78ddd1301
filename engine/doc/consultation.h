#pragma once
// The consultation page (`cpe diff OLD NEW --cases F --html OUT`): what a
// policy team takes to a public consultation. One self-contained page that
// says first what the proposal changes in the rules — thresholds, criteria,
// who is eligible, the route, what is offered, the information asked for —
// in the wording the published criteria use, and then whom it affects: how
// many of the cases change decision, from what to what, by group.
#include <string>
#include <vector>

#include "engine/check/model.h"
#include "engine/diff/impact.h"
#include "engine/diff/policy_diff.h"

namespace cpe {

// One policy now in force against the proposal. An old side of one policy per
// area (`fertility.ivf.{legacy_area}`) gives one comparison per area.
struct RuleComparison {
    const PolicyModel* before = nullptr;
    const PolicyModel* after = nullptr;
    PolicyDiff diff;
};

std::string consultationPage(const std::vector<RuleComparison>& rules, const ImpactReport& impact);

}  // namespace cpe
