#pragma once
// The care audit's measures (shared/reference/statistics.md), by locality and
// overall, from records the policies have decided:
//  * the 28-day standard: calendar days from referral_received to
//    decision_date, day 28 within; Fast Track cases apart;
//  * conversion: positive Checklists (chc.checklist eligible on the recorded
//    domains) that went on to a full assessment (a dst_date), and full
//    assessments with a recorded decision that found eligibility;
//  * consistency: chc.dst's band on the recorded DST domains against the
//    team's recorded decision;
//  * Section 117: discharges s117.aftercare finds eligible, with the plan
//    agreed on or before the discharge date, after it, or not at all;
//  * trends of each by month or quarter (the period the measure's date falls in).
// Fast Track cases take part in the Fast Track figures only.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "audit/care/care_record.h"
#include "engine/check/model.h"

#include "audit/stats/trend_period.h"

namespace cpe::audit {

// A record and the decisions of the policies that apply to it (none when
// the record lacks that tool's facts).
struct CareCase {
    CareRecord record;
    std::optional<Outcome> checklist, dst, fastTrack, s117;
};

// numerator of denominator
struct Share {
    uint64_t n = 0, of = 0;
    std::optional<double> value() const { return of ? std::optional<double>(double(n) / double(of)) : std::nullopt; }
};

struct DaysSummary {
    uint64_t count = 0;
    std::optional<double> median, p90;  // type 7 quantiles (audit/count/stats.h)
};

struct LocalityMeasures {
    std::string locality;  // or "overall"
    // 28-day standard (not Fast Track).
    Share within28;  // decisions within 28 days of decisions
    DaysSummary days;
    uint64_t open = 0;  // no decision recorded yet (not Fast Track)
    // Fast Track.
    uint64_t fastTrackCases = 0, fastTrackMeetsPolicy = 0;
    DaysSummary fastTrackDays;
    // Conversion.
    Share assessed;   // positive Checklists with a full assessment
    Share converted;  // full assessments decided eligible
    // Consistency (chc.dst's band against the recorded decision).
    Share agreement;  // agreements of cases the policy bands eligible or not_eligible
    uint64_t reviewRecordedEligible = 0, reviewRecordedNotEligible = 0, undetermined = 0;
    // Section 117.
    Share planByDischarge;  // of eligible discharges
    uint64_t planAfter = 0, noPlan = 0, s117NotEligible = 0, s117Undetermined = 0;
    DaysSummary daysToPlan;  // discharge to plan, for plans agreed after discharge
};

struct LateDecision {
    std::string id, locality;
    int referral = 0, decision = 0;
};

// A case where the policy's band and the team's decision are not simply the same.
struct ConsistencyCase {
    std::string id, locality;
    int decisionDate = 0;
    bool recordedEligible = false;
    Outcome band = Outcome::Undetermined;
    std::vector<std::string> domains;  // the recorded DST levels in chc.dst's order ("" unknown)
    const char* kind = "";             // "disagreement", "review" or "undetermined"
};

struct AftercareGap {
    std::string id, locality;
    int discharge = 0;
    std::optional<int> plan;  // none: no plan agreed
    std::string sections;     // as recorded, |-separated
};

struct CareResults {
    std::vector<LocalityMeasures> localities;  // declared order, then "overall"
    std::vector<LateDecision> late;            // in input order
    std::vector<ConsistencyCase> consistency;
    std::vector<AftercareGap> aftercare;
    // (measure, period start day, index in `localities`: the last is overall) -> share.
    std::map<std::tuple<std::string, int, size_t>, Share> trends;
    TrendPeriod period = TrendPeriod::Month;
};

// The measures' names in trends and the report.
inline constexpr const char* kTrendMeasures[] = {"within_28_days", "full_assessment", "conversion", "agreement",
                                                 "s117_plan_by_discharge"};

class CareMeasureBuilder {
public:
    CareMeasureBuilder(const Localities& localities, TrendPeriod period);
    void add(const CareCase& c);
    CareResults finish();

private:
    struct Acc {
        LocalityMeasures m;
        std::vector<double> days, fastTrackDays, planDays;
    };
    void count(size_t index, const CareCase& c);
    int periodStart(int day) const;
    CareResults results_;
    std::vector<Acc> acc_;  // one per locality, then overall
    std::map<std::string, size_t> index_;
};

// The first day of the month or quarter holding `day` (YYYY-MM-DD in outputs).
int trendPeriodStart(int day, TrendPeriod period);

}  // namespace cpe::audit
