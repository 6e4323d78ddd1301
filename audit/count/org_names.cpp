#include "audit/count/org_names.h"

#include "audit/read/byte_source.h"
#include "audit/read/small_csv.h"

namespace cpe::audit {

OrganisationNames readOrganisationNames(const std::string& path) {
    SmallCsv csv = readSmallCsv(path, "names file");
    const int codeCol = csv.column("code"), nameCol = csv.column("name");
    if (codeCol < 0 || nameCol < 0) throw AuditError(path + ":1: bad header: expected the columns code,name");
    OrganisationNames out;
    for (const SmallCsv::Row& r : csv.rows) {
        const std::string& code = r.fields[static_cast<size_t>(codeCol)];
        if (code.empty()) throw AuditError(path + ":" + std::to_string(r.line) + ": column code: empty code");
        if (!out.emplace(code, r.fields[static_cast<size_t>(nameCol)]).second)
            throw AuditError(path + ":" + std::to_string(r.line) + ": code '" + code + "' appears more than once");
    }
    return out;
}

}  // namespace cpe::audit
