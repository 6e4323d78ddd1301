#include "audit/count/tally.h"

#include <algorithm>
#include <map>

namespace cpe::audit {

GroupCounts mergeTallies(const std::vector<const GroupTally*>& tallies, size_t interventions) {
    std::map<std::string, size_t> index;
    for (const GroupTally* t : tallies)
        for (uint32_t g = 0; g < t->groups(); ++g) index.emplace(t->name(g), 0);
    GroupCounts out;
    out.names.reserve(index.size());
    for (auto& [name, i] : index) {
        i = out.names.size();
        out.names.push_back(name);
    }
    out.rows.assign(out.names.size(), 0);
    out.counts.assign(interventions, std::vector<uint64_t>(out.names.size(), 0));
    for (const GroupTally* t : tallies)
        for (uint32_t g = 0; g < t->groups(); ++g) {
            size_t to = index[t->name(g)];
            out.rows[to] += t->rows(g);
            for (size_t iv = 0; iv < interventions; ++iv) out.counts[iv][to] += t->count(g, iv);
        }
    return out;
}

CellCounts mergeCells(const std::vector<std::pair<const CellTally*, const GroupTally*>>& tallies) {
    CellCounts out;
    for (const auto& [cells, groups] : tallies)
        cells->forEach([&](size_t intervention, uint32_t group, uint32_t cell, uint64_t n) {
            out[{intervention, groups->name(group), cell}] += n;
        });
    return out;
}

}  // namespace cpe::audit
