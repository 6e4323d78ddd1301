#include "server/policy_json.h"

#include "engine/explain/explain.h"

namespace cpe::server {

namespace {

const char* typeName(const Type& t) {
    switch (t.kind) {
        case TypeKind::Bool: return "boolean";
        case TypeKind::Int: return "integer";
        case TypeKind::Dec: return "decimal";
        case TypeKind::Date: return "date";
        case TypeKind::Text: return "text";
        case TypeKind::Enum: return t.enumInfo && t.enumInfo->ordered ? "levels" : "enum";
        case TypeKind::CodeList:
        case TypeKind::TextList: return "list";
        default: return "unknown";
    }
}

const char* listKindName(ListKind k) {
    switch (k) {
        case ListKind::Opcs: return "opcs4";
        case ListKind::Icd10: return "icd10";
        default: return "text";
    }
}

bool inForce(const PolicyModel& p, int day) { return p.effectiveDay <= day && (!p.untilDay || day <= *p.untilDay); }

}  // namespace

const PolicyModel* describedVersion(const PolicyLibrary& lib, const std::string& id, int day) {
    if (const PolicyModel* m = lib.model(id, day)) return m;
    const PolicyModel* newest = nullptr;
    for (const PolicyModel& p : lib.checked().policies)
        if (p.id == id && (!newest || p.effectiveDay > newest->effectiveDay)) newest = &p;
    return newest;
}

nlohmann::ordered_json factJson(const FactInfo& f) {
    nlohmann::ordered_json j{{"name", f.name}, {"type", typeName(f.type)}, {"description", f.description}};
    if (!f.type.unit.empty()) j["unit"] = f.type.unit;
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (f.type.kind == TypeKind::Enum && f.type.enumInfo) {
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        const auto& members = f.type.enumInfo->members;
        for (std::size_t i = 0; i < members.size(); ++i)
            if (f.allowed.empty() || (i < f.allowed.size() && f.allowed[i])) values.push_back(members[i]);
        j["values"] = std::move(values);
    }
    if (f.type.kind == TypeKind::CodeList || f.type.kind == TypeKind::TextList) j["codes"] = listKindName(f.listKind);
    return j;
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
        if (c) criteria.push_back({{"id", c->name}, {"text", c->text}, {"at", lib.sources().location(c->span)}});
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

}  // namespace cpe::server
