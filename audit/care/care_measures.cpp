#include "audit/care/care_measures.h"

#include <algorithm>

#include "audit/care/care_csv.h"
#include "audit/count/stats.h"
#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

DaysSummary summarise(std::vector<double>& days) {
    DaysSummary s;
    s.count = days.size();
    if (days.empty()) return s;
    std::sort(days.begin(), days.end());
    s.median = quantileType7(days, 0.5);
    s.p90 = quantileType7(days, 0.9);
    return s;
}

std::string sectionsText(const nlohmann::json& facts) {
    std::string out;
    auto it = facts.find("mha_sections");
    if (it == facts.end() || !it->is_array()) return out;
    for (const auto& s : *it) out += (out.empty() ? "" : "|") + (s.is_string() ? s.get<std::string>() : s.dump());
    return out;
}

}  // namespace

int trendPeriodStart(int day, TrendPeriod period) {
    int y;
    unsigned m, d;
    civilFromDays(day, y, m, d);
    if (period == TrendPeriod::Quarter) m = (m - 1) / 3 * 3 + 1;
    return daysFromCivil(y, m, 1);
}

CareMeasureBuilder::CareMeasureBuilder(const Localities& localities, TrendPeriod period) {
    results_.period = period;
    for (const std::string& n : localities.names()) {
        index_[n] = acc_.size();
        acc_.push_back({});
        acc_.back().m.locality = n;
    }
    acc_.push_back({});
    acc_.back().m.locality = "overall";
}

int CareMeasureBuilder::periodStart(int day) const { return trendPeriodStart(day, results_.period); }

void CareMeasureBuilder::add(const CareCase& c) {
    auto it = index_.find(c.record.locality);
    if (it == index_.end()) return;  // the reader refuses undeclared localities
    count(it->second, c);
    count(acc_.size() - 1, c);
}

void CareMeasureBuilder::count(size_t index, const CareCase& c) {
    Acc& a = acc_[index];
    const bool overall = index + 1 == acc_.size();
    const CareRecord& r = c.record;
    LocalityMeasures& m = a.m;
    auto trend = [&](const char* measure, int day, bool yes) {
        Share& s = results_.trends[{measure, periodStart(day), index}];
        ++s.of;
        s.n += yes;
    };
    if (r.kind == CareKind::S117) {
        if (c.s117 == Outcome::NotEligible) ++m.s117NotEligible;
        if (c.s117 != Outcome::Eligible) {
            m.s117Undetermined += c.s117 != Outcome::NotEligible;
            return;
        }
        const int discharge = *r.dischargeDate;
        const bool byDischarge = r.planAgreed && *r.planAgreed <= discharge;
        ++m.planByDischarge.of;
        m.planByDischarge.n += byDischarge;
        trend("s117_plan_by_discharge", discharge, byDischarge);
        if (byDischarge) return;
        if (r.planAgreed) {
            ++m.planAfter;
            a.planDays.push_back(*r.planAgreed - discharge);
        } else {
            ++m.noPlan;
        }
        if (!overall) results_.aftercare.push_back({r.id, r.locality, discharge, r.planAgreed, sectionsText(r.facts)});
        return;
    }

    if (r.fastTrack) {
        ++m.fastTrackCases;
        m.fastTrackMeetsPolicy += c.fastTrack == Outcome::Eligible;
        if (r.decisionDate) a.fastTrackDays.push_back(*r.decisionDate - *r.referralReceived);
        return;
    }

    // The 28-day standard.
    if (r.decisionDate) {
        const int days = *r.decisionDate - *r.referralReceived;
        a.days.push_back(days);
        ++m.within28.of;
        m.within28.n += days <= 28;
        trend("within_28_days", *r.decisionDate, days <= 28);
        if (days > 28 && !overall) results_.late.push_back({r.id, r.locality, *r.referralReceived, *r.decisionDate});
    } else {
        ++m.open;
    }

    // Conversion: positive Checklist -> full assessment -> eligible.
    if (c.checklist == Outcome::Eligible) {
        ++m.assessed.of;
        m.assessed.n += r.dstDate.has_value();
        trend("full_assessment", *r.referralReceived, r.dstDate.has_value());
    }
    if (r.dstDate && r.recordedEligible) {
        ++m.converted.of;
        m.converted.n += *r.recordedEligible;
        trend("conversion", *r.decisionDate, *r.recordedEligible);
    }

    // Consistency: the policy's band on the recorded domains against the team's decision.
    if (r.hasDst && c.dst && r.recordedEligible) {
        const bool recorded = *r.recordedEligible;
        const char* kind = "";
        if (*c.dst == Outcome::Eligible || *c.dst == Outcome::NotEligible) {
            const bool agree = (*c.dst == Outcome::Eligible) == recorded;
            ++m.agreement.of;
            m.agreement.n += agree;
            trend("agreement", *r.decisionDate, agree);
            if (!agree) kind = "disagreement";
        } else if (*c.dst == Outcome::Review) {
            kind = "review";
            ++(recorded ? m.reviewRecordedEligible : m.reviewRecordedNotEligible);
        } else {
            kind = "undetermined";
            ++m.undetermined;
        }
        if (*kind && !overall) {
            ConsistencyCase cc{r.id, r.locality, *r.decisionDate, recorded, *c.dst, {}, kind};
            for (const std::string& f : dstDomainFacts()) {
                auto v = r.facts.find(f);
                cc.domains.push_back(v != r.facts.end() && v->is_string() ? v->get<std::string>() : "");
            }
            results_.consistency.push_back(std::move(cc));
        }
    }
}

CareResults CareMeasureBuilder::finish() {
    for (Acc& a : acc_) {
        a.m.days = summarise(a.days);
        a.m.fastTrackDays = summarise(a.fastTrackDays);
        a.m.daysToPlan = summarise(a.planDays);
        results_.localities.push_back(std::move(a.m));
    }
    acc_.clear();
    return std::move(results_);
}

}  // namespace cpe::audit
