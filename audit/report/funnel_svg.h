#pragma once
// A funnel plot as inline SVG: each group's rate against its volume, the
// overall rate as the centre line, and 95% and 99.8% control limits. Groups
// beyond the 99.8% limits are labelled. No script and no external resource.
#include <string>

#include "audit/count/analysis.h"

namespace cpe::audit {

std::string funnelSvg(const InterventionAnalysis& intervention, const Analysis& analysis, bool suppress);

}  // namespace cpe::audit
