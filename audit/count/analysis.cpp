#include "audit/count/analysis.h"

#include <algorithm>
#include <numeric>

namespace cpe::audit {

FunnelPosition funnelPositionOf(stats::FunnelFlag flag) {
    switch (flag) {
        case stats::FunnelFlag::HighAlert: return FunnelPosition::Above998;
        case stats::FunnelFlag::LowAlert: return FunnelPosition::Below998;
        case stats::FunnelFlag::HighWarning: return FunnelPosition::Above95;
        case stats::FunnelFlag::LowWarning: return FunnelPosition::Below95;
        case stats::FunnelFlag::Within: break;
    }
    return FunnelPosition::Within;
}

Analysis analyse(const Matcher& matcher, const ScanResult& scan, Grouping grouping, const Population* population) {
    Analysis out;
    out.grouping = grouping;
    out.perPopulation = grouping == Grouping::Commissioner && population != nullptr;
    const GroupCounts& counts = grouping == Grouping::Provider ? scan.providers : scan.commissioners;

    // Which groups make up the distribution, and their volumes.
    struct Member {
        std::string name;
        long index;  // in `counts`, or -1 when the group has no activity
        double volume;
    };
    std::vector<Member> members;
    if (out.perPopulation) {
        for (const auto& [name, pop] : population->byCommissioner) {
            auto it = std::lower_bound(counts.names.begin(), counts.names.end(), name);
            long index = (it != counts.names.end() && *it == name) ? static_cast<long>(it - counts.names.begin()) : -1;
            members.push_back({name, index, pop});
        }
        for (const std::string& name : counts.names)
            if (!population->byCommissioner.count(name)) out.withoutPopulation.push_back(name);
    } else {
        for (size_t i = 0; i < counts.names.size(); ++i)
            members.push_back({counts.names[i], static_cast<long>(i), static_cast<double>(counts.rows[i])});
    }
    const double scale = out.funnelScale();

    std::vector<size_t> order(matcher.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return matcher.intervention(a) < matcher.intervention(b); });

    for (size_t rule : order) {
        InterventionAnalysis ia;
        ia.id = matcher.intervention(rule);
        ia.title = matcher.title(rule);
        ia.rule = rule;
        uint64_t total = 0;
        double totalVolume = 0;
        std::vector<double> values;
        for (const Member& m : members) {
            GroupRow g;
            g.name = m.name;
            g.episodes = m.index >= 0 ? counts.counts[rule][static_cast<size_t>(m.index)] : 0;
            g.volume = m.volume;
            g.value = out.perPopulation ? static_cast<double>(g.episodes) / m.volume * 100000.0 : static_cast<double>(g.episodes);
            g.funnelY = m.volume > 0 ? static_cast<double>(g.episodes) / m.volume * scale : 0;
            total += g.episodes;
            totalVolume += m.volume;
            values.push_back(g.value);
            ia.groups.push_back(std::move(g));
        }
        ia.variation = variationOf(values, total);
        double target = totalVolume > 0 ? static_cast<double>(total) / totalVolume : 0;  // per unit volume
        ia.target = target * scale;
        out.interventions.push_back(std::move(ia));
    }
    return out;
}

}  // namespace cpe::audit
