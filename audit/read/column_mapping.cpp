#include "audit/read/column_mapping.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "audit/read/byte_source.h"
#include "engine/source/diagnostics.h"

namespace cpe::audit {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) { return normaliseColumnName(s); }

std::string upper(std::string_view s) {
    std::string out(trim(s));
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::optional<Column> fieldNamed(std::string_view name) {
    std::string n = lower(name);
    for (size_t c = 0; c < kColumnCount; ++c)
        if (n == columnName(static_cast<Column>(c))) return static_cast<Column>(c);
    return std::nullopt;
}

std::vector<std::string> fieldNames() {
    std::vector<std::string> out;
    for (size_t c = 0; c < kColumnCount; ++c) out.emplace_back(columnName(static_cast<Column>(c)));
    return out;
}

// The number a wide pattern's '*' stands for in `name` (both lower-cased), or
// nothing when the name does not fit the pattern.
std::optional<unsigned long> patternNumber(const std::string& pattern, const std::string& name) {
    size_t star = pattern.find('*');
    std::string_view head = std::string_view(pattern).substr(0, star), tail = std::string_view(pattern).substr(star + 1);
    if (name.size() <= head.size() + tail.size() || !name.starts_with(head) || !name.ends_with(tail)) return std::nullopt;
    std::string_view digits = std::string_view(name).substr(head.size(), name.size() - head.size() - tail.size());
    if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoul(std::string(digits));
}

}  // namespace

ColumnMapping::ColumnMapping() {
    sexValues = {{"1", "1"}, {"M", "1"}, {"2", "2"}, {"F", "2"}, {"9", "9"}, {"0", "9"}, {"U", "9"}};
    settingValues = {{"APC", "APC"}, {"OP", "OP"}, {"1", "APC"}, {"2", "APC"}};
}

void ColumnMapping::declare(std::string_view rawKey, std::string_view rawValue, const std::string& origin) {
    std::string key = lower(rawKey);
    std::string_view value = trim(rawValue);
    given = true;
    if (key == "sex.values" || key == "setting.values") {
        const bool sex = key == "sex.values";
        ValueMap map;
        std::string item;
        auto flush = [&] {
            const std::string it(trim(item));
            item.clear();
            if (it.empty()) return;
            size_t colon = it.rfind(':');
            if (colon == std::string_view::npos || colon == 0 || colon + 1 == it.size())
                throw AuditError(origin + ": " + key + ": '" + it + "' is not SOURCE:VALUE (e.g. " + (sex ? "M:1" : "1:APC") +
                                 ")");
            std::string from = upper(std::string_view(it).substr(0, colon)), to = upper(std::string_view(it).substr(colon + 1));
            const bool ok = sex ? (to == "1" || to == "2" || to == "9") : (to == "APC" || to == "OP");
            if (!ok)
                throw AuditError(origin + ": " + key + ": '" + it + "' maps to " + to + ", which is not " +
                                 (sex ? "1 (male), 2 (female) or 9 (not known)" : "APC or OP"));
            map.emplace_back(from, to);
        };
        for (char c : value) {
            if (c == ',' || std::isspace(static_cast<unsigned char>(c))) flush();
            else item += c;
        }
        flush();
        if (map.empty()) throw AuditError(origin + ": " + key + " lists no values");
        (sex ? sexValues : settingValues) = std::move(map);
        (sex ? sexOrigin : settingOrigin) = origin;
        return;
    }
    std::optional<Column> field = fieldNamed(key);
    if (!field)
        throw AuditError(origin + ": '" + std::string(trim(rawKey)) + "' is not a field" + cpe::didYouMean(key, fieldNames()) +
                         " (fields: " + joinNames(fieldNames()) + ", sex.values, setting.values)");
    if (value.empty()) throw AuditError(origin + ": " + key + " names no column");
    FieldSource source{std::string(value), false, origin};
    const auto stars = std::count(value.begin(), value.end(), '*');
    if (stars > 1) throw AuditError(origin + ": " + key + " = " + std::string(value) + ": a pattern holds one '*'");
    if (stars == 1) {
        if (*field != Column::Procedures && *field != Column::Diagnoses)
            throw AuditError(origin + ": " + key + " = " + std::string(value) +
                             ": only procedures and diagnoses may be spread over numbered columns");
        source.wide = true;
    }
    fields[static_cast<size_t>(*field)] = std::move(source);
}

void ColumnMapping::addColumnsOption(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        std::string_view item =
            trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!item.empty()) {
            size_t eq = item.find('=');
            if (eq == std::string_view::npos)
                throw AuditError("--columns: '" + std::string(item) + "' is not FIELD=COLUMN (e.g. provider=PROCODE3)");
            declare(item.substr(0, eq), item.substr(eq + 1), "--columns");
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    given = true;
}

void ColumnMapping::addFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw AuditError(path + ": cannot read the mapping file");
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
        if (size_t hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::string_view l = trim(line);
        if (l.empty()) continue;
        const std::string origin = path + ":" + std::to_string(number);
        size_t eq = l.find('=');
        if (eq == std::string_view::npos)
            throw AuditError(origin + ": '" + std::string(l) + "' is not 'field = COLUMN' or 'FIELD.values = SOURCE:VALUE, ...'");
        declare(l.substr(0, eq), l.substr(eq + 1), origin);
    }
    given = true;
}

std::optional<ResolvedHeader> resolveHeader(const ColumnMapping& mapping, const std::vector<std::string_view>& names,
                                            std::string& error) {
    std::vector<std::string> normal, original;
    for (auto n : names) {
        normal.push_back(lower(n));
        original.emplace_back(trim(n));
    }
    std::vector<bool> used(names.size(), false);
    std::vector<std::string> problems;
    ResolvedHeader out;
    MappedSchema& m = out.mapped;
    m.fieldCount = names.size();
    m.sexValues = mapping.sexValues;
    m.settingValues = mapping.settingValues;

    std::vector<std::string> missing;  // fields left at their contract name
    std::vector<std::string> unusedNames;
    for (size_t i = 0; i < normal.size(); ++i)
        if (!fieldNamed(normal[i])) unusedNames.push_back(normal[i]);
    for (size_t ci = 0; ci < kColumnCount; ++ci) {
        const Column c = static_cast<Column>(ci);
        const FieldSource* declared = mapping.fields[ci] ? &*mapping.fields[ci] : nullptr;
        const std::string want = declared ? lower(declared->column) : std::string(columnName(c));
        if (declared && declared->wide) {
            std::vector<std::pair<unsigned long, size_t>> found;
            for (size_t i = 0; i < normal.size(); ++i)
                if (auto k = patternNumber(want, normal[i])) found.emplace_back(*k, i);
            if (found.empty()) {
                problems.push_back(std::string(columnName(c)) + ": no column matches '" + declared->column + "' (" +
                                   declared->origin + "; '*' stands for the position number)");
                continue;
            }
            std::sort(found.begin(), found.end());
            auto& list = c == Column::Procedures ? m.procedureColumns : m.diagnosisColumns;
            for (auto& [k, i] : found) {
                list.push_back(i);
                used[i] = true;
            }
            m.shown[ci] = declared->column;
            continue;
        }
        std::vector<size_t> at;
        for (size_t i = 0; i < normal.size(); ++i)
            if (normal[i] == want) at.push_back(i);
        if (at.empty() && c == Column::DominantProcedure && !declared && mapping.given) {
            m.dominantFromProcedures = true;  // the first of the procedures
            continue;
        }
        if (at.empty()) {
            std::string hint = cpe::didYouMean(want, unusedNames);
            if (declared)
                problems.push_back(std::string(columnName(c)) + ": no column '" + declared->column + "' (" + declared->origin +
                                   ")" + hint);
            else missing.push_back(want + hint);
            continue;
        }
        if (at.size() > 1) {
            problems.push_back(std::string(columnName(c)) + ": column '" + original[at[0]] + "' appears " +
                               std::to_string(at.size()) + " times (columns " + std::to_string(at[0] + 1) + " and " +
                               std::to_string(at[1] + 1) + ")");
            continue;
        }
        m.index[ci] = at[0];
        m.shown[ci] = original[at[0]];
        used[at[0]] = true;
    }
    // A wide procedures list with a dominant column not declared: the first
    // position is the dominant one, as HES's OPERTN_01 is.
    if (!m.procedureColumns.empty() && !mapping.fields[static_cast<size_t>(Column::DominantProcedure)]) {
        if (!m.dominantFromProcedures) used[m.index[static_cast<size_t>(Column::DominantProcedure)]] = false;
        m.dominantFromProcedures = true;
    }
    if (!missing.empty())
        problems.insert(problems.begin(),
                        "missing column" + std::string(missing.size() > 1 ? "s " : " ") + joinNames(missing) +
                            " (name a field's column with --columns FIELD=COLUMN or a --mapping file" +
                            (unusedNames.empty() ? std::string() : "; the header also has " + joinNames(unusedNames)) + ")");
    if (!problems.empty()) {
        error = "bad header: ";
        for (size_t i = 0; i < problems.size(); ++i) error += (i ? "; " : "") + problems[i];
        if (!mapping.given) error += " (expected: " + joinNames(fieldNames()) + ")";
        return std::nullopt;
    }
    for (size_t i = 0; i < names.size(); ++i)
        if (!used[i])
            out.ignored.push_back(original[i].empty() ? "(column " + std::to_string(i + 1) + ", unnamed)" : original[i]);
    if (!mapping.given) {
        out.usePlain = true;
        ActivitySchema& s = out.plain;
        s.fieldCount = names.size();
        s.index = m.index;
        s.specOrder = names.size() == kColumnCount;
        for (size_t c = 0; c < kColumnCount; ++c) s.specOrder = s.specOrder && s.index[c] == c;
    }
    return out;
}

}  // namespace cpe::audit
