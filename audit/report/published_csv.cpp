#include "audit/report/published_csv.h"

#include <algorithm>
#include <map>

#include "audit/report/outputs.h"

namespace cpe::audit {

namespace {
std::string optionalNumber(const std::optional<double>& v) { return v ? formatNumber(*v) : ""; }
}  // namespace

void writeGroupsCsv(const std::string& path, const PublishedStats& stats) {
    OutputFile f(path);
    std::string out =
        "intervention,group,name,episodes,denominator,rate,rate_lower,rate_upper,crude_rate,expected,ratio,limit95_lower,"
        "limit95_upper,limit998_lower,limit998_upper,z_score,flag,method\n";
    const std::string method = stats.method == RateMethod::Standardised ? "dsr_per_100000"
                               : stats.method == RateMethod::Crude      ? "crude_per_100000"
                                                                        : "per_1000_episodes";
    for (const PublishedIntervention& pi : stats.interventions)
        for (const PublishedGroup& g : pi.groups) {
            std::optional<double> ratio;
            if (g.expected > 0) ratio = static_cast<double>(g.episodes) / g.expected;
            out += csvField(pi.id) + "," + csvField(g.group) + "," + csvField(g.name) + "," + std::to_string(g.episodes) + "," +
                   formatNumber(g.denominator) + "," + optionalNumber(g.rate) + "," + optionalNumber(g.lower) + "," +
                   optionalNumber(g.upper) + "," + optionalNumber(g.crude) + "," + formatNumber(g.expected) + "," +
                   optionalNumber(ratio) + "," + formatNumber(g.limits95.lower) + "," + formatNumber(g.limits95.upper) + "," +
                   formatNumber(g.limits998.lower) + "," + formatNumber(g.limits998.upper) + "," + optionalNumber(g.z) + "," +
                   stats::funnelFlagName(g.flag) + "," + method + "\n";
        }
    f.write(out);
    f.commit();
}

std::string trendPeriodLabel(uint32_t monthCell, TrendPeriod period) {
    const unsigned year = monthCell / 12, month = monthCell % 12 + 1;
    char buf[16];
    if (period == TrendPeriod::Quarter) std::snprintf(buf, sizeof buf, "%04u-Q%u", year, (month - 1) / 3 + 1);
    else std::snprintf(buf, sizeof buf, "%04u-%02u", year, month);
    return buf;
}

std::vector<TrendSeries> trendSeries(const Matcher& matcher, const CellCounts& months, TrendPeriod period) {
    std::vector<TrendSeries> out;
    if (months.empty()) return out;
    uint32_t first = UINT32_MAX, last = 0;
    for (const auto& [key, n] : months) {
        first = std::min(first, std::get<2>(key));
        last = std::max(last, std::get<2>(key));
    }
    std::vector<std::string> labels;  // the periods, in order, each once
    for (uint32_t m = first; m <= last; ++m) {
        std::string l = trendPeriodLabel(m, period);
        if (labels.empty() || labels.back() != l) labels.push_back(l);
    }
    std::map<std::pair<std::string, std::string>, std::map<std::string, uint64_t>> byPair;
    for (const auto& [key, n] : months) {
        const auto& [rule, group, month] = key;
        byPair[{matcher.intervention(rule), group}][trendPeriodLabel(month, period)] += n;
    }
    for (auto& [pair, counts] : byPair) {
        TrendSeries s{pair.first, pair.second, {}};
        for (const std::string& l : labels) {
            auto it = counts.find(l);
            s.points.emplace_back(l, it == counts.end() ? 0 : it->second);
        }
        out.push_back(std::move(s));
    }
    return out;
}

void writeTrendCsv(const std::string& path, const std::vector<TrendSeries>& series, const OrganisationNames* names) {
    OutputFile f(path);
    std::string out = "intervention,group,name,period,episodes\n";
    for (const TrendSeries& s : series) {
        const std::string name = organisationName(names, s.group);
        for (const auto& [label, n] : s.points)
            out += csvField(s.intervention) + "," + csvField(s.group) + "," + csvField(name) + "," + label + "," +
                   std::to_string(n) + "\n";
    }
    f.write(out);
    f.commit();
}

}  // namespace cpe::audit
