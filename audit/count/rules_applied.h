#pragma once
// Which policy versions judged the activity: the data period (the first and
// last admission date of the rows counted) and, per intervention, every
// version applied to some of it, with the days of the period it judged and
// its episodes. versions.csv and the report's "Rules applied" section show it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/count/activity_scan.h"

namespace cpe::audit {

struct VersionApplied {
    std::string intervention, version, effective;
    int appliedFrom = 0, appliedTo = 0;  // days since 1970-01-01, within the data period
    uint64_t episodesJudged = 0;         // valid rows in the period dated on those days
    uint64_t episodesCounted = 0;        // of them, those its coding rule counted
};

struct RulesApplied {
    std::optional<int> firstDay, lastDay;  // the data period; empty when no row was in it
    std::vector<VersionApplied> versions;  // by intervention, then by the first day applied
};

// `schedule` null: `matcher` judged every row.
RulesApplied rulesApplied(const Matcher& matcher, const RuleSchedule* schedule, const ScanResult& scan);

// "2024-04-01 to 2025-03-31", or "no episodes in the period".
std::string dataPeriodText(const RulesApplied& applied);

}  // namespace cpe::audit
