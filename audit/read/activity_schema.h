#pragma once
// The columns of the coded-activity CSV (shared/spec/audit.md) and the header
// check that maps them to field positions. Columns may come in any order;
// every one is required and no other is allowed, so a misspelt column is
// caught at the header rather than as millions of odd rows.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpe::audit {

enum class Column {
    EpisodeId,
    Provider,
    Commissioner,
    Age,
    Sex,
    AdmissionMethod,
    Setting,
    DominantProcedure,
    Procedures,
    Diagnoses,
    AdmissionDate,
};
inline constexpr size_t kColumnCount = 11;

// The column's name in the header.
const char* columnName(Column c);
// A header name as compared: trimmed and lower-cased.
std::string normaliseColumnName(std::string_view name);
// "a, b, c".
std::string joinNames(const std::vector<std::string>& items);

struct ActivitySchema {
    size_t fieldCount = kColumnCount;
    std::array<size_t, kColumnCount> index{};  // field position of each Column
    // Whether the columns come in the order audit.md lists them (the usual
    // case, which row parsing specialises for).
    bool specOrder = false;
    size_t at(Column c) const { return index[static_cast<size_t>(c)]; }
};

// The layout of a file whose columns are in audit.md's order: the same
// interface as ActivitySchema, with positions known at compile time.
struct SpecOrderLayout {
    static constexpr size_t fieldCount = kColumnCount;
    static constexpr size_t at(Column c) { return static_cast<size_t>(c); }
};

// Checks the header's names (trimmed, case-insensitive). On failure returns
// nothing and sets `error` to a message naming every missing, unknown or
// repeated column.
std::optional<ActivitySchema> checkHeader(const std::vector<std::string_view>& names, std::string& error);

}  // namespace cpe::audit
