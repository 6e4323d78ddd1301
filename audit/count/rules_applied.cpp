#include "audit/count/rules_applied.h"

#include <algorithm>
#include <climits>

#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

int dayOfKey(int32_t key) {
    return daysFromCivil(key / 10000, static_cast<unsigned>(key / 100 % 100), static_cast<unsigned>(key % 100));
}

}  // namespace

RulesApplied rulesApplied(const Matcher& matcher, const RuleSchedule* schedule, const ScanResult& scan) {
    RulesApplied out;
    if (scan.firstDate == 0) return out;
    const int first = dayOfKey(scan.firstDate), last = dayOfKey(scan.lastDate);
    out.firstDay = first;
    out.lastDay = last;
    const std::vector<RuleSchedule::Epoch> whole = {{INT_MIN, INT_MAX, 0}};
    const auto& epochs = schedule ? schedule->epochs() : whole;
    auto program = [&](size_t k) -> const Matcher& { return schedule ? schedule->program(k) : matcher; };
    const size_t rules = matcher.size(), programs = schedule ? schedule->programCount() : 1;
    for (size_t rule = 0; rule < rules; ++rule) {
        std::vector<VersionApplied> list;
        for (const RuleSchedule::Epoch& e : epochs) {
            const int from = std::max(e.firstDay, first), to = std::min(e.lastDay, last);
            if (from > to) continue;
            const Matcher& m = program(e.program);
            auto it = std::find_if(list.begin(), list.end(), [&](const VersionApplied& v) {
                return v.version == m.version(rule) && v.effective == m.effective(rule);
            });
            if (it == list.end()) {
                list.push_back({m.intervention(rule), m.version(rule), m.effective(rule), from, to, 0, 0});
                continue;
            }
            it->appliedFrom = std::min(it->appliedFrom, from);
            it->appliedTo = std::max(it->appliedTo, to);
        }
        for (size_t k = 0; k < programs; ++k)
            for (VersionApplied& v : list)
                if (program(k).version(rule) == v.version && program(k).effective(rule) == v.effective) {
                    v.episodesJudged += k < scan.programRows.size() ? scan.programRows[k] : 0;
                    const size_t at = k * rules + rule;
                    v.episodesCounted += at < scan.programEpisodes.size() ? scan.programEpisodes[at] : 0;
                }
        out.versions.insert(out.versions.end(), list.begin(), list.end());
    }
    std::stable_sort(out.versions.begin(), out.versions.end(), [](const VersionApplied& a, const VersionApplied& b) {
        return a.intervention != b.intervention ? a.intervention < b.intervention : a.appliedFrom < b.appliedFrom;
    });
    return out;
}

std::string dataPeriodText(const RulesApplied& applied) {
    if (!applied.firstDay) return "no episodes in the period";
    return formatDate(*applied.firstDay) + " to " + formatDate(*applied.lastDay);
}

}  // namespace cpe::audit
