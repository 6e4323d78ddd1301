#pragma once
// Organisation names (`--names FILE`): an ODS lookup `code,name`, so tables,
// plots and CSV files can show "Royal Free London" beside RAL.
#include <map>
#include <string>

namespace cpe::audit {

using OrganisationNames = std::map<std::string, std::string>;

// Throws AuditError naming file:line for a bad header, an empty code or a
// repeated one. Extra columns (ODS files carry many) are ignored.
OrganisationNames readOrganisationNames(const std::string& path);

// The name of a code, or "" (no file, or a code it does not list).
inline std::string organisationName(const OrganisationNames* names, const std::string& code) {
    if (!names) return "";
    auto it = names->find(code);
    return it == names->end() ? "" : it->second;
}

}  // namespace cpe::audit
