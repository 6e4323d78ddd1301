#include "audit/care/care_funnels.h"

namespace cpe::audit {

const Share& measureShare(const LocalityMeasures& m, const std::string& measure) {
    if (measure == "within_28_days") return m.within28;
    if (measure == "full_assessment") return m.assessed;
    if (measure == "conversion") return m.converted;
    if (measure == "agreement") return m.agreement;
    return m.planByDischarge;
}

std::vector<MeasureFunnel> careFunnels(const CareResults& r, const std::map<std::string, double>& benchmarks) {
    static const std::map<std::string, std::string> titles{
        {"within_28_days", "Eligibility decisions within 28 days"},
        {"full_assessment", "Positive Checklists going on to a full assessment"},
        {"conversion", "Full assessments finding eligibility (conversion)"},
        {"agreement", "Recorded decisions agreeing with chc.dst"},
        {"s117_plan_by_discharge", "Section 117 aftercare plans agreed by discharge"}};
    // The benchmark names of --benchmark.
    static const std::map<std::string, std::string> benchmarkOf{{"conversion", "conversion"}, {"full_assessment", "assessment"}};
    std::vector<MeasureFunnel> out;
    const LocalityMeasures& overall = r.localities.back();
    for (const char* measure : kTrendMeasures) {
        MeasureFunnel f;
        f.measure = measure;
        f.title = titles.at(measure);
        auto b = benchmarkOf.find(measure);
        auto given = b == benchmarkOf.end() ? benchmarks.end() : benchmarks.find(b->second);
        const Share& all = measureShare(overall, measure);
        if (given != benchmarks.end()) {
            f.target = given->second;
            f.benchmark = true;
        } else if (all.of) {
            f.target = *all.value();
        }
        if (all.of)
            for (size_t i = 0; i + 1 < r.localities.size(); ++i) {
                const Share& s = measureShare(r.localities[i], measure);
                if (!s.of) continue;
                FunnelRow row{r.localities[i].locality, s, stats::proportionFunnelLimits(s.of, f.target, 0.95),
                              stats::proportionFunnelLimits(s.of, f.target, 0.998), stats::FunnelFlag::Within};
                row.flag = stats::funnelFlag(*s.value(), row.limits95, row.limits998);
                f.rows.push_back(row);
            }
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace cpe::audit
