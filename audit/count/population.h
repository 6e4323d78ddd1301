#pragma once
// The population file (`--population`): `commissioner,population`, one row
// per commissioner, giving the denominators for rates per 100,000.
#include <map>
#include <string>

namespace cpe::audit {

struct Population {
    std::map<std::string, double> byCommissioner;
};

// Reads and checks the file. Throws AuditError naming file, line and column
// for a bad header, a bad or non-positive population, or a repeated code.
Population readPopulation(const std::string& path);

}  // namespace cpe::audit
