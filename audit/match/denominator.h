#pragma once
// The population a coding rule can count, for its denominator: the age bands
// and sexes for which some episode could satisfy the rule. Worked out from the
// compiled rule itself by a three-valued reading (age and sex known, codes,
// setting and admission method unknown), so `age < 12` gives the bands 0-4 to
// 10-14 and `sex is female` women only, and a rule without such conditions
// gives everyone (statistics.md: only the bands and sexes the rule can count
// take part, with their standard weights as they are).
#include <array>
#include <string>

#include "audit/match/matcher.h"
#include "audit/stats/esp2013.h"

namespace cpe::audit {

struct CountablePopulation {
    // [band][0 male, 1 female]: some age in the band (0-130 for 90+) of
    // that sex can be counted.
    std::array<std::array<bool, 2>, stats::kEspBands> cells{};
    bool everyone() const;
    // "everyone", "ages 0-14", "women", "women aged 15-59", ...: for notes.
    std::string describe() const;
};

CountablePopulation countablePopulation(const Matcher& matcher, size_t rule);

}  // namespace cpe::audit
