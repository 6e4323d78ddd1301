#pragma once
// How an extract's columns and values map onto the fields of the coded-activity
// contract (shared/spec/audit.md), for files that are not in its layout: HES and
// SUS extracts with their own column names, one column per procedure or diagnosis
// position, and their own codes for sex and setting.
//
// A mapping comes from `--columns field=COLUMN,...` and from a mapping file
// (`--mapping FILE`, one `key = value` a line, `#` comments):
//   provider = PROCODE3             the column holding a field (any case)
//   procedures = OPERTN_*           a wide layout: every column the pattern
//                                   matches, `*` standing for a number, in
//                                   number order (the first is the primary)
//   sex.values = M:1, F:2, U:9      source value -> contract value (replaces
//   setting.values = 1:APC, 2:APC   the default list for that field)
// Fields not named keep their contract name. The defaults follow the HES
// conventions: sex 1/M male, 2/F female, 9/0/U not known; setting APC or OP, and
// patient classification 1 (ordinary admission) or 2 (day case) as APC; a wide
// layout's empty and `-` positions are skipped; age 7001-7007 (HES's codes for
// under one year) is 0. The dominant procedure, unless named, is the first code
// of the procedures.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/read/activity_schema.h"

namespace cpe::audit {

// Where one field comes from: a column name, or a pattern over numbered columns.
struct FieldSource {
    std::string column;  // as written (matched case-insensitively)
    bool wide = false;   // `column` holds one '*': the numbered columns
    std::string origin;  // where it was declared, for messages ("hes.map:3", "--columns")
};

// source value (upper-cased) -> the contract's value ("1", "APC", ...)
using ValueMap = std::vector<std::pair<std::string, std::string>>;

struct ColumnMapping {
    std::array<std::optional<FieldSource>, kColumnCount> fields;
    ValueMap sexValues, settingValues;
    std::string sexOrigin = "the default", settingOrigin = "the default";
    bool given = false;  // any --columns or --mapping at all

    ColumnMapping();  // the HES-convention value maps
    // Reads `--columns` text (comma-separated `field=COLUMN`). Throws
    // AuditError naming the item.
    void addColumnsOption(std::string_view text);
    // Reads a mapping file. Throws AuditError naming file:line.
    void addFile(const std::string& path);
    // One `key = value` declaration (the key a field, or FIELD.values).
    void declare(std::string_view key, std::string_view value, const std::string& origin);
};

// A mapping resolved against one header.
struct MappedSchema {
    size_t fieldCount = 0;                        // columns in the header
    std::array<size_t, kColumnCount> index{};     // single-column fields
    std::vector<size_t> procedureColumns;         // wide procedures (empty: a '|' list at index[Procedures])
    std::vector<size_t> diagnosisColumns;         // wide diagnoses
    bool dominantFromProcedures = false;          // no dominant column: the first procedure
    std::array<std::string, kColumnCount> shown;  // each field's column as the header names it
    ValueMap sexValues, settingValues;
};

// The header checked against a mapping. `plain` is set when the file can take
// the contract's own path (no mapping given and only contract names, whatever
// else the header holds). `ignored` lists the columns no field uses, in header
// order. On failure returns nothing and sets `error` to a message naming every
// field whose column is missing (with the columns it may have meant) or
// ambiguous.
struct ResolvedHeader {
    MappedSchema mapped;
    ActivitySchema plain;
    bool usePlain = false;
    std::vector<std::string> ignored;
};
std::optional<ResolvedHeader> resolveHeader(const ColumnMapping& mapping, const std::vector<std::string_view>& names,
                                            std::string& error);

}  // namespace cpe::audit
