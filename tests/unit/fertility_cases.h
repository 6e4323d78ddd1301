#pragma once
// A deterministic generator of fertility referrals (the facts of
// shared/reference/criteria.md, "Fertility"), for impact runs and their tests.
// Seeded splitmix64 and integer arithmetic only, so the same seed gives the
// same cases on every machine and compiler. Values cluster around the
// policies' thresholds (ages 39-43, BMI 30-32, AMH 5.4, infertility 2-3 years,
// AMH tests about 12 months old) so that changes between versions show, and a
// few facts are left unknown so that some decisions are undetermined.
//
// Also used by tests/tools/gen_fertility_cases.cpp (`cpe_gen_fertility_cases
// N SEED > cases.ndjson`).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cpe::testing {

struct FertilityCase {
    std::string id;
    std::string area;  // legacy_area: hwe | mse | snee
    int imdQuintile = 3;
    std::string asOf;
    int asOfDay = 0;  // days since 1970-01-01
    bool registered = true;
    int age = 30;
    std::optional<int> bmiTenths;  // BMI x 10 (so 30.0 is exactly 300)
    std::optional<bool> smoker;
    bool partnerSmoker = false;
    int partnerBmiTenths = 250;
    int livingChildren = 0;
    std::optional<int> infertilityHalfYears;  // years x 2
    bool causeDiagnosed = false;
    int iuiCycles = 0;
    int previousCycles = 0;
    std::optional<int> amhTenths;
    int amhTestDay = 0;  // days since 1970-01-01
    std::string amhTestDate;
    bool sterilisation = false;
};

namespace fertility_detail {

struct SplitMix {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int range(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }  // inclusive
    bool chance(int percent) { return range(1, 100) <= percent; }
};

// Howard Hinnant's civil-date algorithms, kept here so the generator and the
// reference model do not lean on the engine they check.
inline int daysFromCivil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

inline void civilFromDays(int z, int& y, int& m, int& d) {
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

inline std::string dateText(int day) {
    int y, m, d;
    civilFromDays(day, y, m, d);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
}

}  // namespace fertility_detail

inline std::vector<FertilityCase> generateFertilityCases(size_t n, uint64_t seed) {
    using namespace fertility_detail;
    SplitMix rng{seed};
    static const char* areas[] = {"hwe", "mse", "snee"};
    static const char* dates[] = {"2026-04-15", "2026-06-01", "2026-09-30", "2026-11-23"};
    std::vector<FertilityCase> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        FertilityCase c;
        char id[32];
        std::snprintf(id, sizeof id, "f%06zu", i + 1);
        c.id = id;
        c.area = areas[rng.range(0, 2)];
        c.imdQuintile = rng.range(1, 5);
        c.asOf = dates[rng.range(0, 3)];
        c.asOfDay = daysFromCivil(std::stoi(c.asOf.substr(0, 4)), std::stoi(c.asOf.substr(5, 2)), std::stoi(c.asOf.substr(8, 2)));
        c.registered = rng.chance(96);
        c.age = rng.chance(40) ? rng.range(38, 44) : rng.range(20, 45);
        if (!rng.chance(3)) c.bmiTenths = rng.chance(30) ? rng.range(290, 330) : rng.range(170, 360);
        if (!rng.chance(2)) c.smoker = rng.chance(8);
        c.partnerSmoker = rng.chance(8);
        c.partnerBmiTenths = rng.chance(30) ? rng.range(280, 320) : rng.range(190, 380);
        c.livingChildren = rng.chance(88) ? 0 : rng.range(1, 2);
        if (!rng.chance(3)) c.infertilityHalfYears = rng.chance(40) ? rng.range(3, 7) : rng.range(0, 10);
        c.causeDiagnosed = rng.chance(15);
        int iui = rng.range(1, 100);
        c.iuiCycles = iui <= 80 ? 0 : iui <= 90 ? rng.range(1, 5) : rng.range(6, 8);
        int prev = rng.range(1, 100);
        c.previousCycles = prev <= 70 ? 0 : prev <= 90 ? 1 : 2;
        if (!rng.chance(3)) c.amhTenths = rng.chance(25) ? rng.range(50, 60) : rng.range(10, 400);
        // A quarter of tests fall within a few days of the 12-month limit.
        int y, m, d;
        civilFromDays(c.asOfDay, y, m, d);
        int yearAgo = daysFromCivil(y - 1, m, d);  // the as-of dates are all valid a year earlier
        c.amhTestDay = rng.chance(25) ? yearAgo + rng.range(-3, 3) : c.asOfDay - rng.range(0, 500);
        c.amhTestDate = dateText(c.amhTestDay);
        c.sterilisation = rng.chance(3);
        out.push_back(std::move(c));
    }
    return out;
}

// One line of the batch format of shared/spec/decision.md. `imd_quintile` is
// an analysis dimension no policy declares, so it sits beside the facts on the
// case object: a fact no loaded policy declares is an error under the
// decision contract, and the file stays valid input for `cpe decide --cases`.
// (`cpe diff --by` reads a breakdown fact from the facts or the case object.)
inline nlohmann::json fertilityCaseJson(const FertilityCase& c, const std::string& policy = "fertility.ivf") {
    nlohmann::json f;
    f["registered_with_icb_gp"] = c.registered;
    f["legacy_area"] = c.area;
    f["age_years"] = c.age;
    f["bmi"] = c.bmiTenths ? nlohmann::json(*c.bmiTenths / 10.0) : nlohmann::json(nullptr);
    f["smoker"] = c.smoker ? nlohmann::json(*c.smoker) : nlohmann::json(nullptr);
    f["partner_smoker"] = c.partnerSmoker;
    f["partner_bmi"] = c.partnerBmiTenths / 10.0;
    f["living_children"] = c.livingChildren;
    f["infertility_years"] = c.infertilityHalfYears ? nlohmann::json(*c.infertilityHalfYears / 2.0) : nlohmann::json(nullptr);
    f["infertility_cause_diagnosed"] = c.causeDiagnosed;
    f["iui_cycles"] = c.iuiCycles;
    f["previous_ivf_cycles"] = c.previousCycles;
    f["amh_pmol_l"] = c.amhTenths ? nlohmann::json(*c.amhTenths / 10.0) : nlohmann::json(nullptr);
    f["amh_test_date"] = c.amhTestDate;
    f["sterilisation"] = c.sterilisation;
    return {{"id", c.id}, {"policy", policy}, {"as_of", c.asOf}, {"imd_quintile", c.imdQuintile}, {"facts", f}};
}

}  // namespace cpe::testing
