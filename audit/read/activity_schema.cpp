#include "audit/read/activity_schema.h"

#include <algorithm>
#include <cctype>

#include "engine/source/diagnostics.h"

namespace cpe::audit {

namespace {
constexpr std::array<const char*, kColumnCount> kNames = {"episode_id", "provider",         "commissioner",  "age",
                                                          "sex",        "admission_method", "setting",       "dominant_procedure",
                                                          "procedures", "diagnoses",        "admission_date"};

}  // namespace

std::string normaliseColumnName(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string joinNames(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        out += items[i];
    }
    return out;
}

const char* columnName(Column c) { return kNames[static_cast<size_t>(c)]; }

std::optional<ActivitySchema> checkHeader(const std::vector<std::string_view>& names, std::string& error) {
    ActivitySchema schema;
    schema.fieldCount = names.size();
    std::array<bool, kColumnCount> seen{};
    std::vector<std::string> unknown, repeated, missing;
    std::vector<std::string> expected(kNames.begin(), kNames.end());
    for (size_t i = 0; i < names.size(); ++i) {
        std::string name = normaliseColumnName(names[i]);
        auto it = std::find(kNames.begin(), kNames.end(), name);
        if (it == kNames.end()) {
            std::string shown = "'" + std::string(names[i]) + "'";
            unknown.push_back(shown + " (column " + std::to_string(i + 1) + ")" + cpe::didYouMean(name, expected));
            continue;
        }
        size_t c = static_cast<size_t>(it - kNames.begin());
        if (seen[c]) {
            repeated.push_back(name);
            continue;
        }
        seen[c] = true;
        schema.index[c] = i;
    }
    for (size_t c = 0; c < kColumnCount; ++c)
        if (!seen[c]) missing.push_back(kNames[c]);
    if (unknown.empty() && repeated.empty() && missing.empty()) {
        schema.specOrder = true;
        for (size_t c = 0; c < kColumnCount; ++c) schema.specOrder = schema.specOrder && schema.index[c] == c;
        return schema;
    }
    std::vector<std::string> parts;
    if (!missing.empty()) parts.push_back("missing column" + std::string(missing.size() > 1 ? "s " : " ") + joinNames(missing));
    if (!unknown.empty()) parts.push_back("unknown column" + std::string(unknown.size() > 1 ? "s " : " ") + joinNames(unknown));
    if (!repeated.empty())
        parts.push_back("repeated column" + std::string(repeated.size() > 1 ? "s " : " ") + joinNames(repeated));
    error = "bad header: ";
    for (size_t i = 0; i < parts.size(); ++i) error += (i ? "; " : "") + parts[i];
    error += " (expected: " + joinNames(expected) + ")";
    return std::nullopt;
}

}  // namespace cpe::audit
