#pragma once
// The population file (`--population`), the denominators for rates per
// 100,000. Either `commissioner,population`, one row per commissioner, or
// `commissioner,age_band,sex,population`, one row per commissioner, ESP2013
// band (`0-4` ... `90+`, audit/stats/esp2013.h) and sex (1 or M male, 2 or F
// female), which directly standardised rates need.
#include <array>
#include <map>
#include <string>

#include "audit/stats/esp2013.h"

namespace cpe::audit {

// Cells by band and sex: index band * 2 + (0 male, 1 female).
inline constexpr size_t kPopulationCells = stats::kEspBands * 2;
using PopulationCells = std::array<double, kPopulationCells>;

struct Population {
    std::map<std::string, double> byCommissioner;  // all ages and sexes
    bool banded = false;                           // the file gave bands and sexes
    std::map<std::string, PopulationCells> cells;  // when banded
};

// Reads and checks the file. Throws AuditError naming file, line and column
// for a bad header, a bad or non-positive population, an unknown band or sex,
// or a repeated commissioner (or commissioner, band and sex).
Population readPopulation(const std::string& path);

}  // namespace cpe::audit
