#pragma once
// Which version of each coding rule judges an episode. By default every
// episode is judged by the versions in force on its admission date, so a
// year of activity that spans a policy change is counted by the rule of its
// day. The versions change only on the days a version starts or ends, so the
// library's versions fall into a few epochs; each distinct choice of
// versions is compiled once into a program (a Matcher), and a table from the
// date key (YYYYMMDD) to the program is built before the scan: per row
// there is one table read, nothing looked up by name.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/match/matcher.h"
#include "engine/library/policy_library.h"

namespace cpe::audit {

class RuleSchedule {
public:
    // One epoch: days [firstDay, lastDay] (days since 1970-01-01) judged by
    // program `program`.
    struct Epoch {
        int firstDay = 0, lastDay = 0;
        uint16_t program = 0;
    };

    // Every episode judged by one program (`--as-of`, or a matcher built elsewhere).
    explicit RuleSchedule(std::unique_ptr<Matcher> program);

    // Each episode by the versions in force on its date; on a day no version
    // of a policy is in force, the first version adopted after it (else the
    // latest), as selectCodingRules chooses. `only` as selectCodingRules.
    // Returns null with `errors` set when a rule does not compile.
    static std::unique_ptr<RuleSchedule> byEpisodeDate(const PolicyLibrary& library, const std::vector<std::string>& only,
                                                       std::vector<std::string>& errors);

    size_t programCount() const { return programs_.size(); }
    const Matcher& program(size_t k) const { return *programs_[k]; }
    // The program for names, titles and denominators: every program has the
    // same interventions in the same order (rule r is one intervention in all).
    const Matcher& reference() const { return *programs_.front(); }
    const std::vector<Epoch>& epochs() const { return epochs_; }

    // The program judging an episode of this admission date (YYYYMMDD).
    uint16_t programOf(int32_t dateKey) const {
        if (dateKey < firstKey_) return before_;
        if (dateKey > lastKey_) return after_;
        const int32_t year = dateKey / 10000, monthDay = dateKey % 10000;
        return table_[static_cast<size_t>((year - firstYear_) * 372 + (monthDay / 100 - 1) * 31 + monthDay % 100 - 1)];
    }

private:
    RuleSchedule() = default;
    void buildTable();

    std::vector<std::unique_ptr<Matcher>> programs_;
    std::vector<Epoch> epochs_;  // in date order, covering every day
    // Dates before firstKey_ (after lastKey_) lie before (after) every
    // version's start and end, so one program judges them all; between them,
    // 31 slots a month from 1 January of firstYear_.
    int32_t firstKey_ = INT32_MAX, lastKey_ = INT32_MAX;
    int32_t firstYear_ = 0;
    uint16_t before_ = 0, after_ = 0;
    std::vector<uint16_t> table_;
};

}  // namespace cpe::audit
