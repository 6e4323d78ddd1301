#pragma once
// The 2013 European Standard Population (shared/reference/statistics.md):
// nineteen five-year bands, 0-4 to 90+, weights summing to 100,000. The same
// weights serve each sex, so an age-and-sex standardised rate weights each
// (band, sex) cell by its band's weight.
#include <array>
#include <optional>
#include <string_view>

namespace cpe::audit::stats {

inline constexpr int kEspBands = 19;

// Weights in band order (0-4, 5-9, ..., 85-89, 90+).
inline constexpr std::array<double, kEspBands> kEspWeights = {5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
                                                              7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000};

// The band of an age in whole years: 0 for 0-4, ..., 18 for 90 and over.
// A negative age has no band.
std::optional<int> espBandOfAge(int age);

double espWeight(int band);

// "0-4", "5-9", ..., "85-89", "90+": the labels Fingertips and the EBI
// dashboard print. Also the spelling a population file's `age_band` column
// takes (parseEspBand reads it back, with "90-94"-style and en-dash variants
// refused: one spelling, named in the error).
std::string_view espBandLabel(int band);
std::optional<int> parseEspBand(std::string_view label);

// The first age of a band (0, 5, ..., 90).
int espBandFirstAge(int band);

}  // namespace cpe::audit::stats
