#include "audit/care/care_csv.h"

#include <algorithm>

#include "audit/read/byte_source.h"
#include "audit/read/csv_scan.h"
#include "engine/decision/json_quote.h"
#include "engine/source/diagnostics.h"

namespace cpe::audit {

namespace {

using json = nlohmann::json;

std::string trimmedLower(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return "";
    auto e = s.find_last_not_of(" \t\r");
    std::string out(s.substr(b, e - b + 1));
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> splitBars(std::string_view s) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        size_t bar = s.find('|', start);
        std::string_view part = s.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
        auto b = part.find_first_not_of(' ');
        auto e = part.find_last_not_of(' ');
        parts.emplace_back(b == std::string_view::npos ? std::string_view() : part.substr(b, e - b + 1));
        if (bar == std::string_view::npos) break;
        start = bar + 1;
    }
    return parts;
}

// One column's part of the row's document.
enum class Role { Field, Checklist, Dst, Sections, Fact };

struct ColumnUse {
    Role role = Role::Field;
    std::string name;  // the field or fact
};

// A field's text as JSON: dates, ids and names stay strings; fast_track is a boolean.
json fieldValue(const std::string& field, std::string_view text) {
    if (field == "fast_track") {
        std::string t = trimmedLower(text);
        if (t == "true") return true;
        if (t == "false") return false;
    }
    return std::string(text);
}

json factValue(std::string_view text) {
    if (text == "true") return true;
    if (text == "false") return false;
    return std::string(text);
}

}  // namespace

const std::vector<std::string>& careCsvFields() {
    static const std::vector<std::string> fields{
        "id",         "record",        "locality",          "referral_received", "checklist_date", "dst_date",
        "fast_track", "decision_date", "recorded_decision", "discharge_date",    "plan_agreed",    "as_of",
        "checklist",  "dst",           "sections"};
    return fields;
}

// The order of chc.checklist's group checklist_domains (policies/chc/checklist.cpl).
const std::vector<std::string>& checklistDomainFacts() {
    static const std::vector<std::string> f{"checklist_breathing",
                                            "checklist_nutrition",
                                            "checklist_continence",
                                            "checklist_skin_integrity",
                                            "checklist_mobility",
                                            "checklist_communication",
                                            "checklist_psychological_emotional",
                                            "checklist_cognition",
                                            "checklist_behaviour",
                                            "checklist_drug_therapies",
                                            "checklist_altered_states_of_consciousness"};
    return f;
}

// The order of chc.dst's group dst_domains (policies/chc/dst.cpl).
const std::vector<std::string>& dstDomainFacts() {
    static const std::vector<std::string> f{"dst_breathing",
                                            "dst_nutrition",
                                            "dst_continence",
                                            "dst_skin_integrity",
                                            "dst_mobility",
                                            "dst_communication",
                                            "dst_psychological_emotional",
                                            "dst_cognition",
                                            "dst_behaviour",
                                            "dst_drug_therapies",
                                            "dst_altered_states_of_consciousness",
                                            "dst_other_significant_care_needs"};
    return f;
}

std::map<std::string, std::string> parseCareColumns(std::string_view spec) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start <= spec.size()) {
        size_t comma = spec.find(',', start);
        std::string_view pair = spec.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        size_t eq = pair.find('=');
        std::string field = trimmedLower(pair.substr(0, eq));
        std::string column = eq == std::string_view::npos ? "" : trimmedLower(pair.substr(eq + 1));
        if (eq == std::string_view::npos || field.empty() || column.empty())
            throw AuditError("--columns: '" + std::string(pair) + "' is not field=COLUMN");
        if (std::find(careCsvFields().begin(), careCsvFields().end(), field) == careCsvFields().end())
            throw AuditError("--columns: unknown field '" + field + "'" + didYouMean(field, careCsvFields()));
        if (!out.emplace(field, column).second) throw AuditError("--columns: field '" + field + "' is mapped twice");
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

void readCareCsv(const std::string& path, const std::map<std::string, std::string>& columns,
                 const std::set<std::string>& factNames, const Localities& localities,
                 const std::function<void(uint64_t, CareRead&&)>& onRow) {
    const std::string name = path == "-" ? "<stdin>" : path;
    // Case files are small beside activity extracts: read whole, then scan.
    std::string bytes;
    {
        auto source = openByteSource(path);
        std::vector<char> buffer(1 << 20);
        while (size_t n = source->read(buffer.data(), buffer.size())) {
            bytes.append(buffer.data(), n);
            if (bytes.size() > kMaxRecordBytes) throw AuditError(name + ": over 1 GiB; give care records as NDJSON");
        }
    }
    readCareCsvText(std::move(bytes), name, columns, factNames, localities, onRow);
}

void readCareCsvText(std::string bytes, const std::string& name, const std::map<std::string, std::string>& columns,
                     const std::set<std::string>& factNames, const Localities& localities,
                     const std::function<void(uint64_t, CareRead&&)>& onRow) {
    if (bytes.size() > kMaxRecordBytes) throw AuditError(name + ": over 1 GiB; give care records as NDJSON");
    size_t skip = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    if (!bytes.empty() && bytes.back() != '\n') bytes += '\n';
    const size_t end = bytes.size();
    bytes.append(kScanPadding, '\0');
    std::string scratch;
    RecordScanner scanner(bytes.data() + skip, bytes.data() + end, scratch);
    Record rec;
    if (!scanner.next(rec)) throw AuditError(name + ": empty file; expected a header row");
    if (rec.error) throw AuditError(name + ":1: the header row is malformed: " + rec.error);
    if (rec.fieldCount > kMaxRecordFields)
        throw AuditError(name + ":1: " + std::to_string(rec.fieldCount) + " columns; at most " +
                         std::to_string(kMaxRecordFields) + " are read (give the domains as checklist and dst lists)");

    // Column name -> field, through the mapping.
    std::map<std::string, std::string> fieldOfColumn;
    for (const std::string& f : careCsvFields()) fieldOfColumn[f] = f;
    for (const auto& [field, column] : columns) {
        for (auto it = fieldOfColumn.begin(); it != fieldOfColumn.end();)
            it = it->second == field ? fieldOfColumn.erase(it) : std::next(it);
        fieldOfColumn[column] = field;
    }
    const size_t width = rec.fieldCount;
    std::vector<ColumnUse> uses(width);
    std::set<std::string> seen;
    std::vector<std::string> unknown;
    std::vector<std::string> candidates(factNames.begin(), factNames.end());
    for (const auto& [column, field] : fieldOfColumn) candidates.push_back(column);
    for (size_t i = 0; i < width; ++i) {
        std::string column = trimmedLower(rec.field(i));
        if (!seen.insert(column).second) throw AuditError(name + ":1: column '" + column + "' appears twice");
        auto f = fieldOfColumn.find(column);
        if (f != fieldOfColumn.end()) {
            const std::string& field = f->second;
            uses[i].role = field == "checklist"  ? Role::Checklist
                           : field == "dst"      ? Role::Dst
                           : field == "sections" ? Role::Sections
                                                 : Role::Field;
            uses[i].name = field;
        } else if (factNames.count(column)) {
            uses[i] = {Role::Fact, column};
        } else {
            unknown.push_back("'" + column + "'" + didYouMean(column, candidates));
        }
    }
    for (const auto& [field, column] : columns)
        if (!seen.count(column))
            throw AuditError(name + ":1: --columns maps " + field + " to '" + column + "', but the header has no such column");
    if (!unknown.empty()) {
        std::string list;
        for (const std::string& u : unknown) list += (list.empty() ? "" : ", ") + u;
        throw AuditError(name + ":1: unknown column" + (unknown.size() == 1 ? " " : "s ") + list +
                         ": not a care record field (see cpe audit --help) nor a fact any loaded policy declares");
    }

    while (scanner.next(rec)) {
        const uint64_t line = rec.line + 1;
        CareRead read;
        if (rec.error) {
            read.error = rec.error;
        } else if (rec.fieldCount != width) {
            read.error =
                "wrong field count: " + std::to_string(rec.fieldCount) + " fields, the header has " + std::to_string(width);
        }
        if (!read.ok()) {
            onRow(line, std::move(read));
            continue;
        }
        json doc = json::object();
        json facts = json::object();
        std::string bad;
        for (size_t i = 0; i < width && bad.empty(); ++i) {
            std::string_view text = rec.field(i);
            if (text.empty()) continue;
            const ColumnUse& u = uses[i];
            switch (u.role) {
                case Role::Field: doc[u.name] = fieldValue(u.name, text); break;
                case Role::Fact: facts[u.name] = factValue(text); break;
                case Role::Sections: facts["mha_sections"] = splitBars(text); break;
                case Role::Checklist:
                case Role::Dst: {
                    const auto& names = u.role == Role::Checklist ? checklistDomainFacts() : dstDomainFacts();
                    std::vector<std::string> levels = splitBars(text);
                    if (levels.size() != names.size()) {
                        bad = "'" + u.name + "' must hold " + std::to_string(names.size()) + " levels separated by |, got " +
                              std::to_string(levels.size()) + ": \"" + quoteText(text) + "\"";
                        break;
                    }
                    for (size_t k = 0; k < names.size(); ++k)
                        if (!levels[k].empty()) facts[names[k]] = levels[k];
                    break;
                }
            }
        }
        if (!bad.empty()) {
            read.error = bad;
            onRow(line, std::move(read));
            continue;
        }
        if (!facts.empty()) doc["facts"] = std::move(facts);
        onRow(line, readCareDocument(std::move(doc), localities));
    }
}

}  // namespace cpe::audit
