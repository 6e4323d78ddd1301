#include "engine/answer/fact_form.h"

namespace cpe {
namespace {

const char* listKindName(ListKind k) {
    switch (k) {
        case ListKind::Opcs: return "opcs4";
        case ListKind::Icd10: return "icd10";
        default: return "text";
    }
}

}  // namespace

const char* factTypeName(const Type& t) {
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

nlohmann::ordered_json factJson(const FactInfo& f) {
    nlohmann::ordered_json j{{"name", f.name}, {"type", factTypeName(f.type)}, {"description", f.description}};
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

}  // namespace cpe
