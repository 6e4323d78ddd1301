#include "audit/read/mapped_episode.h"

#include <cctype>

namespace cpe::audit {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The contract value `value` maps to (keys are upper case), or null.
const std::string* mapValue(const ValueMap& map, std::string_view value) {
    value = trimmed(value);
    for (const auto& [from, to] : map) {
        if (from.size() != value.size()) continue;
        bool same = true;
        for (size_t i = 0; same && i < value.size(); ++i)
            same = std::toupper(static_cast<unsigned char>(value[i])) == static_cast<unsigned char>(from[i]);
        if (same) return &to;
    }
    return nullptr;
}

std::string listed(const ValueMap& map) {
    std::string out;
    for (size_t i = 0; i < map.size(); ++i) out += (i ? ", " : "") + map[i].first;
    return out;
}

std::string shown(std::string_view v) {
    std::string out;
    for (char c : v.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (v.size() > 40) out += "...";
    return "'" + out + "'";
}

// A wide layout's positions as one '|' list, skipping empty and '-' ones.
std::string_view joinPositions(const Record& record, const std::vector<size_t>& columns, std::string& out) {
    out.clear();
    for (size_t i : columns) {
        std::string_view code = trimmed(record.field(i));
        if (code.empty() || code == "-") continue;
        if (!out.empty()) out += '|';
        out += code;
    }
    return out;
}

// "age 'x' is not ..." -> "age (STARTAGE) 'x' is not ...": the first field
// name in a reason from parseEpisode gets the extract's column beside it.
void nameColumn(std::string& reason, const MappedSchema& schema) {
    for (size_t c = 0; c < kColumnCount; ++c) {
        const std::string name = columnName(static_cast<Column>(c));
        const std::string& column = schema.shown[c];
        if (column.empty() || column == name) continue;
        for (size_t at : {size_t{0}, size_t{6}}) {  // "name ..." or "empty name"
            if (reason.compare(at, name.size(), name) != 0) continue;
            const size_t after = at + name.size();
            if (after < reason.size() && reason[after] != ' ') continue;
            reason.insert(after, " (" + column + ")");
            return;
        }
    }
}

}  // namespace

bool parseMappedEpisode(const Record& record, const MappedSchema& schema, MappedScratch& s, Episode& out, std::string& reason) {
    if (record.error) {
        reason = record.error;
        return false;
    }
    if (record.fieldCount != schema.fieldCount) {
        reason = "expected " + std::to_string(schema.fieldCount) + " fields (as the header has), found " +
                 std::to_string(record.fieldCount);
        return false;
    }
    std::string_view v[kColumnCount];
    for (size_t c = 0; c < kColumnCount; ++c) v[c] = record.field(schema.index[c]);
    auto at = [&](Column c) -> std::string_view& { return v[static_cast<size_t>(c)]; };
    auto column = [&](Column c) { return schema.shown[static_cast<size_t>(c)]; };

    if (const std::string* sex = mapValue(schema.sexValues, at(Column::Sex))) at(Column::Sex) = *sex;
    else {
        reason = "sex (" + column(Column::Sex) + ") " + shown(at(Column::Sex)) + " is not a mapped value (" +
                 listed(schema.sexValues) + "; sex.values in the mapping)";
        return false;
    }
    if (const std::string* setting = mapValue(schema.settingValues, at(Column::Setting))) at(Column::Setting) = *setting;
    else {
        reason = "setting (" + column(Column::Setting) + ") " + shown(at(Column::Setting)) + " is not a mapped value (" +
                 listed(schema.settingValues) + "; setting.values in the mapping)";
        return false;
    }
    // HES codes ages under one year as 7001-7007 (days to months): age 0.
    std::string_view& age = at(Column::Age);
    if (age.size() == 4 && age.substr(0, 3) == "700" && age[3] >= '1' && age[3] <= '7') age = "0";

    if (!schema.procedureColumns.empty()) at(Column::Procedures) = joinPositions(record, schema.procedureColumns, s.procedures);
    if (!schema.diagnosisColumns.empty()) at(Column::Diagnoses) = joinPositions(record, schema.diagnosisColumns, s.diagnoses);
    if (schema.dominantFromProcedures) {
        std::string_view list = at(Column::Procedures);
        at(Column::DominantProcedure) = list.substr(0, list.find('|'));
    }

    // The contract's order, fields one byte apart, padded like a chunk.
    s.fields.clear();
    s.bounds[0] = -1;
    for (size_t c = 0; c < kColumnCount; ++c) {
        s.fields += v[c];
        s.bounds[c + 1] = static_cast<int32_t>(s.fields.size());
        s.fields += ',';
    }
    s.fields.append(16, '\0');
    Record contract;
    contract.begin = s.fields.data();
    contract.bounds = s.bounds;
    contract.fieldCount = kColumnCount;
    contract.line = record.line;
    contract.lines = record.lines;
    ActivitySchema order;
    order.specOrder = true;
    if (parseEpisode(contract, order, out, reason)) return true;
    nameColumn(reason, schema);
    return false;
}

}  // namespace cpe::audit
