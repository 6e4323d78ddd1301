#include "audit/count/population.h"

#include <charconv>

#include "audit/read/byte_source.h"
#include "audit/read/small_csv.h"

namespace cpe::audit {

namespace {

double parsePopulation(const std::string& value, const std::string& where, bool zeroAllowed) {
    double population = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), population);
    if (ec != std::errc() || ptr != value.data() + value.size() || !(population > 0 || (zeroAllowed && population == 0)))
        throw AuditError(where + ": column population: '" + value + "' is not a " +
                         (zeroAllowed ? "number 0 or more" : "positive number"));
    return population;
}

}  // namespace

Population readPopulation(const std::string& path) {
    SmallCsv csv = readSmallCsv(path, "population file");
    const int commissionerCol = csv.column("commissioner"), populationCol = csv.column("population");
    const int bandCol = csv.column("age_band"), sexCol = csv.column("sex");
    Population out;
    out.banded = bandCol >= 0 && sexCol >= 0 && csv.header.size() == 4;
    if (commissionerCol < 0 || populationCol < 0 || (csv.header.size() != 2 && !out.banded))
        throw AuditError(path +
                         ":1: bad header: expected the two columns commissioner,population or the four "
                         "commissioner,age_band,sex,population");
    std::map<std::string, std::array<bool, kPopulationCells>> seen;
    for (const SmallCsv::Row& r : csv.rows) {
        std::string where = path + ":" + std::to_string(r.line);
        const std::string& code = r.fields[static_cast<size_t>(commissionerCol)];
        if (code.empty()) throw AuditError(where + ": column commissioner: empty commissioner code");
        double population = parsePopulation(r.fields[static_cast<size_t>(populationCol)], where, out.banded);
        if (!out.banded) {
            if (!out.byCommissioner.emplace(code, population).second)
                throw AuditError(where + ": commissioner '" + code + "' appears more than once");
            continue;
        }
        const std::string& bandText = r.fields[static_cast<size_t>(bandCol)];
        auto band = stats::parseEspBand(bandText);
        if (!band)
            throw AuditError(where + ": column age_band: '" + bandText + "' is not an ESP2013 band (0-4, 5-9, ..., 85-89, 90+)");
        const std::string& sexText = r.fields[static_cast<size_t>(sexCol)];
        int sex = sexText == "1" || sexText == "M" || sexText == "m"   ? 0
                  : sexText == "2" || sexText == "F" || sexText == "f" ? 1
                                                                       : -1;
        if (sex < 0) throw AuditError(where + ": column sex: '" + sexText + "' is not 1 (or M) male or 2 (or F) female");
        const size_t cell = static_cast<size_t>(*band) * 2 + static_cast<size_t>(sex);
        auto& s = seen[code];
        if (s[cell])
            throw AuditError(where + ": commissioner '" + code + "', band " + bandText + ", sex " + sexText +
                             " appears more than once");
        s[cell] = true;
        out.cells[code][cell] = population;  // value-initialised to 0 on first use
        out.byCommissioner[code] += population;
    }
    for (const auto& [code, total] : out.byCommissioner)
        if (!(total > 0)) throw AuditError(path + ": commissioner '" + code + "' has a population of 0 in every band");
    return out;
}

}  // namespace cpe::audit
