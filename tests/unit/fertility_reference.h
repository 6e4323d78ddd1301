#pragma once
// An independent model of the four fertility policies, written straight from
// shared/reference/criteria.md ("Fertility") with its own three-valued logic
// and date arithmetic and nothing from the engine, to check impact counts.
#include <algorithm>
#include <string>

#include "engine/check/model.h"
#include "fertility_cases.h"

namespace cpe::testing {

enum class K { F, T, U };  // Kleene truth values

inline K all(std::initializer_list<K> items) {
    bool unknown = false;
    for (K k : items) {
        if (k == K::F) return K::F;
        unknown |= k == K::U;
    }
    return unknown ? K::U : K::T;
}

inline K any(std::initializer_list<K> items) {
    bool unknown = false;
    for (K k : items) {
        if (k == K::T) return K::T;
        unknown |= k == K::U;
    }
    return unknown ? K::U : K::F;
}

inline K truth(bool b) { return b ? K::T : K::F; }

struct ReferenceDecision {
    Outcome outcome;
    Route route;
};

// `area` is "" for the harmonised draft, else hwe, mse or snee.
inline ReferenceDecision referenceFertility(const FertilityCase& c, const std::string& area) {
    using namespace fertility_detail;
    bool hwe = area == "hwe";
    int minInfertilityHalfYears = (hwe || area == "snee") ? 6 : 4;
    int maxAge = hwe ? 39 : 42;
    K age = truth(c.age >= 23 && c.age <= maxAge);
    K bmi = c.bmiTenths ? truth(*c.bmiTenths >= 190 && *c.bmiTenths <= 300) : K::U;
    K nonSmoker = c.smoker ? truth(!*c.smoker) : K::U;
    K partner = truth(!c.partnerSmoker && (!hwe || c.partnerBmiTenths < 300));
    K infertility = any({c.infertilityHalfYears ? truth(*c.infertilityHalfYears >= minInfertilityHalfYears) : K::U,
                         truth(c.iuiCycles >= 6), truth(c.causeDiagnosed)});
    K amh = c.amhTenths ? truth(*c.amhTenths > 54) : K::U;
    // "No more than 12 months before the decision date": the same day a year
    // earlier is still recent (clamped to the month's end, never needed for
    // the generated dates).
    int y, m, d;
    civilFromDays(c.asOfDay, y, m, d);
    int limit = daysFromCivil(y - 1, m, d);
    K recent = truth(c.amhTestDay >= limit && c.amhTestDay <= c.asOfDay);
    int entitlement = hwe ? 1 : (c.age < 40 ? 2 : 1);
    K cycles = truth(entitlement - c.previousCycles >= 1);
    K eligible = all({truth(c.registered), age, bmi, nonSmoker, partner, truth(c.livingChildren == 0), truth(!c.sterilisation),
                      infertility, amh, recent, cycles});
    if (eligible == K::T) return {Outcome::Eligible, Route::PriorApproval};
    if (eligible == K::F) return {Outcome::NotEligible, Route::Ifr};
    return {Outcome::Undetermined, Route::None};
}

}  // namespace cpe::testing
