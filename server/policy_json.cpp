#include "server/policy_json.h"

#include "engine/answer/answer_guide.h"
#include "engine/answer/fact_form.h"
#include "engine/explain/explain.h"

namespace cpe::server {

namespace {

bool inForce(const PolicyModel& p, int day) { return p.effectiveDay <= day && (!p.untilDay || day <= *p.untilDay); }

}  // namespace

const PolicyModel* describedVersion(const PolicyLibrary& lib, const std::string& id, int day) {
    if (const PolicyModel* m = lib.model(id, day)) return m;
    const PolicyModel* newest = nullptr;
    for (const PolicyModel& p : lib.checked().policies)
        if (p.id == id && (!newest || p.effectiveDay > newest->effectiveDay)) newest = &p;
    return newest;
}

nlohmann::ordered_json policySummaryJson(const PolicyModel& p, int day) {
    nlohmann::ordered_json facts = nlohmann::ordered_json::array();
    for (const FactInfo* f : p.factsRead)
        if (f) facts.push_back(factJson(*f));
    nlohmann::ordered_json j{{"id", p.id},
                             {"title", p.title},
                             {"version", p.version},
                             {"kind", p.accessRoute},
                             {"effective", p.effective},
                             {"until", p.until.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.until)},
                             {"in_force", inForce(p, day)},
                             {"facts", std::move(facts)}};
    if (!p.variantOf.empty()) j["variant_of"] = p.variantOf;
    return j;
}

nlohmann::ordered_json policyDetailJson(const PolicyLibrary& lib, const PolicyModel& p, int day) {
    nlohmann::ordered_json j = policySummaryJson(p, day);
    if (!p.owner.empty()) j["owner"] = p.owner;
    j["sources"] = p.sources;
    j["ifr_allowed"] = p.ifrAllowed;
    if (!p.extends.empty()) j["extends"] = p.extends;
    nlohmann::ordered_json criteria = nlohmann::ordered_json::array();
    for (const auto& c : p.criteria)
        if (c) criteria.push_back({{"id", c->name}, {"text", c->text}, {"at", lib.sources().libraryLocation(c->span)}});
    j["criteria"] = std::move(criteria);
    // The decide rules with each condition's presented structure: the same
    // rendering as `cpe explain --format json` (engine/explain/condition_tree.h).
    j["rules"] = rulesJson(p, &lib.sources());
    nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
    for (const auto& o : p.outputs)
        if (o) outputs.push_back({{"name", o->name}, {"text", o->text}});
    j["outputs"] = std::move(outputs);
    nlohmann::ordered_json versions = nlohmann::ordered_json::array();
    for (const PolicyModel& v : lib.checked().policies)
        if (v.id == p.id)
            versions.push_back({{"version", v.version},
                                {"effective", v.effective},
                                {"until", v.until.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.until)},
                                {"in_force", inForce(v, day)}});
    j["versions"] = std::move(versions);
    return j;
}

nlohmann::ordered_json policyFormJson(const PolicyModel& p, int day) {
    std::unique_ptr<const AnswerGuide> guide = buildAnswerGuide(p);
    nlohmann::ordered_json facts = nlohmann::ordered_json::array();
    for (const FactInfo* f : p.factsRead) {
        if (!f) continue;
        auto it = guide->questions.find(f->name);
        nlohmann::ordered_json j = factJson(*f);
        j["decides"] = it == guide->questions.end() ? "" : it->second.decides;
        j["criteria"] = it == guide->questions.end() ? std::vector<std::string>{} : it->second.criteria;
        facts.push_back(std::move(j));
    }
    return nlohmann::ordered_json{{"id", p.id},
                                  {"title", p.title},
                                  {"version", p.version},
                                  {"effective", p.effective},
                                  {"in_force", inForce(p, day)},
                                  {"next_steps", p.nextSteps},
                                  {"facts", std::move(facts)}};
}

}  // namespace cpe::server
