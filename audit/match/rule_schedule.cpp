#include "audit/match/rule_schedule.h"

#include <algorithm>
#include <climits>
#include <set>

#include "audit/match/policy_rules.h"
#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

// A program's identity: the chosen version of each intervention.
std::vector<const NamedExpr*> choiceOf(const RuleSelection& s) {
    std::vector<const NamedExpr*> out;
    for (const RuleSpec& r : s.rules) out.push_back(r.coding);
    return out;
}

int32_t dateKeyOf(int day) {
    int y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(day, y, m, d);
    return y * 10000 + static_cast<int32_t>(m * 100 + d);
}

}  // namespace

RuleSchedule::RuleSchedule(std::unique_ptr<Matcher> program) {
    programs_.push_back(std::move(program));
    epochs_.push_back({INT_MIN, INT_MAX, 0});
}

std::unique_ptr<RuleSchedule> RuleSchedule::byEpisodeDate(const PolicyLibrary& library, const std::vector<std::string>& only,
                                                          std::vector<std::string>& errors) {
    // The days the choice can change: a version starts, or the day after one ends.
    std::set<int> changes;
    for (const PolicyModel& p : library.checked().policies) {
        if (!p.coding || !p.coding->expr) continue;
        if (!only.empty() && std::find(only.begin(), only.end(), p.id) == only.end()) continue;
        changes.insert(p.effectiveDay);
        if (p.untilDay) changes.insert(*p.untilDay + 1);
    }
    std::unique_ptr<RuleSchedule> s(new RuleSchedule());
    const CodesetLookup codesets = libraryCodesets(library);
    std::vector<std::vector<const NamedExpr*>> choices;
    auto programFor = [&](int day) -> std::optional<uint16_t> {
        RuleSelection selection = selectCodingRules(library, day, only, errors);
        if (!errors.empty()) return std::nullopt;
        const auto choice = choiceOf(selection);
        for (size_t k = 0; k < choices.size(); ++k)
            if (choices[k] == choice) return static_cast<uint16_t>(k);
        if (choices.size() == UINT16_MAX) {
            errors.push_back("too many combinations of policy versions to audit by date (use --as-of)");
            return std::nullopt;
        }
        auto m = Matcher::compile(selection.rules, codesets, &library.sources(), errors);
        if (!m) return std::nullopt;
        s->programs_.push_back(std::move(m));
        choices.push_back(choice);
        return static_cast<uint16_t>(choices.size() - 1);
    };
    if (changes.empty()) {  // no coding rule at all: one empty program says so
        auto k = programFor(0);
        if (!k) return nullptr;
        s->epochs_.push_back({INT_MIN, INT_MAX, *k});
        return s;
    }
    std::vector<int> starts(changes.begin(), changes.end());
    auto first = programFor(starts.front() - 1);
    if (!first) return nullptr;
    s->epochs_.push_back({INT_MIN, starts.front() - 1, *first});
    for (size_t i = 0; i < starts.size(); ++i) {
        auto k = programFor(starts[i]);
        if (!k) return nullptr;
        const int last = i + 1 < starts.size() ? starts[i + 1] - 1 : INT_MAX;
        if (s->epochs_.back().program == *k) s->epochs_.back().lastDay = last;  // the same versions go on
        else s->epochs_.push_back({starts[i], last, *k});
    }
    s->buildTable();
    return s;
}

void RuleSchedule::buildTable() {
    before_ = epochs_.front().program;
    after_ = epochs_.back().program;
    if (epochs_.size() == 1) return;  // one program for every date: no table
    int y0 = 0, y1 = 0;
    unsigned m = 0, d = 0;
    civilFromDays(epochs_[1].firstDay, y0, m, d);
    civilFromDays(epochs_.back().firstDay, y1, m, d);
    firstYear_ = y0;
    firstKey_ = y0 * 10000 + 101;
    lastKey_ = y1 * 10000 + 1231;
    table_.assign(static_cast<size_t>(y1 - y0 + 1) * 372, before_);
    size_t e = 0;
    for (int day = daysFromCivil(y0, 1, 1), end = daysFromCivil(y1, 12, 31); day <= end; ++day) {
        while (epochs_[e].lastDay < day) ++e;
        const int32_t key = dateKeyOf(day), year = key / 10000, monthDay = key % 10000;
        table_[static_cast<size_t>((year - firstYear_) * 372 + (monthDay / 100 - 1) * 31 + monthDay % 100 - 1)] =
            epochs_[e].program;
    }
}

}  // namespace cpe::audit
