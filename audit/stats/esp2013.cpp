#include "audit/stats/esp2013.h"

namespace cpe::audit::stats {
namespace {
constexpr std::array<std::string_view, kEspBands> kLabels = {"0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34",
                                                             "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69",
                                                             "70-74", "75-79", "80-84", "85-89", "90+"};
}  // namespace

std::optional<int> espBandOfAge(int age) {
    if (age < 0) return std::nullopt;
    return age >= 90 ? kEspBands - 1 : age / 5;
}

double espWeight(int band) { return kEspWeights.at(static_cast<size_t>(band)); }

std::string_view espBandLabel(int band) { return kLabels.at(static_cast<size_t>(band)); }

std::optional<int> parseEspBand(std::string_view label) {
    for (int b = 0; b < kEspBands; ++b)
        if (kLabels[static_cast<size_t>(b)] == label) return b;
    return std::nullopt;
}

int espBandFirstAge(int band) { return band * 5; }

}  // namespace cpe::audit::stats
