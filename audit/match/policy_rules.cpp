#include "audit/match/policy_rules.h"

#include <algorithm>
#include <map>

#include "engine/source/diagnostics.h"

namespace cpe::audit {

namespace {
// `until` is the last day in force, as in PolicyLibrary::find.
bool inForce(const PolicyModel& p, int day) { return p.effectiveDay <= day && (!p.untilDay || day <= *p.untilDay); }
}  // namespace

RuleSelection selectCodingRules(const PolicyLibrary& library, int day, const std::vector<std::string>& only,
                                std::vector<std::string>& errors) {
    RuleSelection out;
    std::map<std::string, std::vector<const PolicyModel*>> versions;
    for (const PolicyModel& p : library.checked().policies)
        if (p.coding && p.coding->expr) versions[p.id].push_back(&p);

    std::vector<std::string> known;
    for (const auto& [id, _] : versions) known.push_back(id);
    for (const std::string& id : only)
        if (!versions.count(id)) {
            bool exists = false;
            for (const PolicyModel& p : library.checked().policies) exists = exists || p.id == id;
            errors.push_back("--policy " + id + ": " +
                             (exists ? std::string("this policy has no coding rule, so the audit cannot count it")
                                     : "no such policy" + didYouMean(id, known)));
        }

    for (auto& [id, list] : versions) {
        if (!only.empty() && std::find(only.begin(), only.end(), id) == only.end()) continue;
        std::sort(list.begin(), list.end(),
                  [](const PolicyModel* a, const PolicyModel* b) { return a->effectiveDay < b->effectiveDay; });
        const PolicyModel* chosen = nullptr;
        for (const PolicyModel* p : list)
            if (inForce(*p, day)) chosen = p;
        if (!chosen) {
            for (const PolicyModel* p : list)
                if (p->effectiveDay > day) {
                    chosen = p;
                    break;
                }
            if (!chosen) chosen = list.back();
            out.notes.push_back(id + ": no version is in force on " + formatDate(day) + "; using version " + chosen->version +
                                " (effective " + chosen->effective + ")");
        }
        RuleSpec spec;
        spec.intervention = id;
        spec.title = chosen->title;
        spec.version = chosen->version;
        spec.effective = chosen->effective;
        spec.coding = chosen->coding.get();
        spec.cancerExclusion = chosen->coding->withoutCancerExclusion ? nullptr : chosen->cancerExclusion;
        out.rules.push_back(spec);
    }
    return out;
}

CodesetLookup libraryCodesets(const PolicyLibrary& library) {
    const CheckedLibrary* checked = &library.checked();
    return [checked](const std::string& name) -> const CodesetInfo* {
        for (const CodesetInfo& c : checked->codesets)
            if (c.name == name) return &c;
        return nullptr;
    };
}

}  // namespace cpe::audit
