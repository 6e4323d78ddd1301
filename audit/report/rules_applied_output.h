#pragma once
// versions.csv and the report's "Rules applied" section: the data period and
// every policy version that judged some of it (count/rules_applied.h).
#include <string>

#include "audit/count/rules_applied.h"

namespace cpe::audit {

// versions.csv: intervention,version,effective,applied_from,applied_to,episodes_judged,episodes_counted
void writeVersionsCsv(const std::string& path, const RulesApplied& applied);
// The <section> of report.html; counts 1 to 5 as "*" when suppressing.
std::string rulesAppliedSectionHtml(const RulesApplied& applied, bool forcedAsOf, bool suppress);

}  // namespace cpe::audit
