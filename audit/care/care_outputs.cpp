#include "audit/care/care_outputs.h"

#include "audit/care/care_csv.h"
#include "audit/care/care_funnels.h"
#include "audit/report/outputs.h"
#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

std::string num(const std::optional<double>& v) { return v ? formatNumber(*v) : ""; }
std::string num(uint64_t v) { return std::to_string(v); }

void writeFile(const std::string& path, const std::string& text) {
    OutputFile f(path);
    f.write(text);
    f.commit();
}

std::string shareColumns(const Share& s) { return num(s.n) + "," + num(s.of) + "," + num(s.value()); }

}  // namespace

void writeCareCsvs(const std::string& dir, const CareResults& r, const std::map<std::string, double>& benchmarks) {
    std::string t = "locality,decisions,within_28_days,share_within_28_days,median_days,p90_days,over_28_days,open\n";
    for (const LocalityMeasures& m : r.localities)
        t += csvField(m.locality) + "," + num(m.within28.of) + "," + num(m.within28.n) + "," + num(m.within28.value()) + "," +
             num(m.days.median) + "," + num(m.days.p90) + "," + num(m.within28.of - m.within28.n) + "," + num(m.open) + "\n";
    writeFile(dir + "/care_28day.csv", t);

    t = "id,locality,referral_received,decision_date,days\n";
    for (const LateDecision& l : r.late)
        t += csvField(l.id) + "," + csvField(l.locality) + "," + formatDate(l.referral) + "," + formatDate(l.decision) + "," +
             std::to_string(l.decision - l.referral) + "\n";
    writeFile(dir + "/care_late.csv", t);

    t = "locality,fast_track_cases,meets_fast_track_policy,decided,median_days,p90_days\n";
    for (const LocalityMeasures& m : r.localities)
        t += csvField(m.locality) + "," + num(m.fastTrackCases) + "," + num(m.fastTrackMeetsPolicy) + "," +
             num(m.fastTrackDays.count) + "," + num(m.fastTrackDays.median) + "," + num(m.fastTrackDays.p90) + "\n";
    writeFile(dir + "/care_fast_track.csv", t);

    t = "locality,positive_checklists,full_assessments,share_assessed,assessments_decided,eligible,conversion\n";
    for (const LocalityMeasures& m : r.localities)
        t += csvField(m.locality) + "," + num(m.assessed.of) + "," + num(m.assessed.n) + "," + num(m.assessed.value()) + "," +
             num(m.converted.of) + "," + num(m.converted.n) + "," + num(m.converted.value()) + "\n";
    writeFile(dir + "/care_conversion.csv", t);

    t = "locality,compared,agree,disagree,agreement_rate,review_recorded_eligible,review_recorded_not_eligible,"
        "undetermined\n";
    for (const LocalityMeasures& m : r.localities)
        t += csvField(m.locality) + "," + num(m.agreement.of) + "," + num(m.agreement.n) + "," +
             num(m.agreement.of - m.agreement.n) + "," + num(m.agreement.value()) + "," + num(m.reviewRecordedEligible) + "," +
             num(m.reviewRecordedNotEligible) + "," + num(m.undetermined) + "\n";
    writeFile(dir + "/care_consistency.csv", t);

    t = "id,locality,decision_date,kind,recorded_decision,policy_band";
    for (const std::string& f : dstDomainFacts()) t += "," + f;
    t += "\n";
    for (const ConsistencyCase& c : r.consistency) {
        t += csvField(c.id) + "," + csvField(c.locality) + "," + formatDate(c.decisionDate) + "," + c.kind + "," +
             (c.recordedEligible ? "eligible" : "not_eligible") + "," + outcomeName(c.band);
        for (const std::string& d : c.domains) t += "," + csvField(d);
        t += "\n";
    }
    writeFile(dir + "/care_consistency_cases.csv", t);

    t = "locality,eligible_discharges,plan_by_discharge,share_by_discharge,plan_after_discharge,median_days_to_plan,"
        "p90_days_to_plan,no_plan,not_eligible,undetermined\n";
    for (const LocalityMeasures& m : r.localities)
        t += csvField(m.locality) + "," + num(m.planByDischarge.of) + "," + num(m.planByDischarge.n) + "," +
             num(m.planByDischarge.value()) + "," + num(m.planAfter) + "," + num(m.daysToPlan.median) + "," +
             num(m.daysToPlan.p90) + "," + num(m.noPlan) + "," + num(m.s117NotEligible) + "," + num(m.s117Undetermined) + "\n";
    writeFile(dir + "/s117_aftercare.csv", t);

    t = "id,locality,sections,discharge_date,plan_agreed,days_to_plan\n";
    for (const AftercareGap& g : r.aftercare)
        t += csvField(g.id) + "," + csvField(g.locality) + "," + csvField(g.sections) + "," + formatDate(g.discharge) + "," +
             (g.plan ? formatDate(*g.plan) : "") + "," + (g.plan ? std::to_string(*g.plan - g.discharge) : "") + "\n";
    writeFile(dir + "/s117_gaps.csv", t);

    t = "measure,locality,numerator,denominator,share,target,target_from,lower_95,upper_95,lower_998,upper_998,funnel\n";
    for (const MeasureFunnel& f : careFunnels(r, benchmarks))
        for (const FunnelRow& row : f.rows)
            t += f.measure + "," + csvField(row.locality) + "," + shareColumns(row.share) + "," + formatNumber(f.target) + "," +
                 (f.benchmark ? "benchmark" : "overall") + "," + formatNumber(row.limits95.lower) + "," +
                 formatNumber(row.limits95.upper) + "," + formatNumber(row.limits998.lower) + "," +
                 formatNumber(row.limits998.upper) + "," + stats::funnelFlagName(row.flag) + "\n";
    writeFile(dir + "/care_funnels.csv", t);

    t = "measure,period,period_start,locality,numerator,denominator,share\n";
    const char* period = r.period == TrendPeriod::Month ? "month" : "quarter";
    for (const char* measure : kTrendMeasures)
        for (const auto& [key, share] : r.trends)
            if (std::get<0>(key) == measure)
                t += std::string(measure) + "," + period + "," + formatDate(std::get<1>(key)) + "," +
                     csvField(r.localities[std::get<2>(key)].locality) + "," + shareColumns(share) + "\n";
    writeFile(dir + "/care_trends.csv", t);
}

}  // namespace cpe::audit
