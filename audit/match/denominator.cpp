#include "audit/match/denominator.h"

namespace cpe::audit {

namespace {

enum class Tri : uint8_t { False, True, Unknown };

Tri evalKnown(const Matcher& m, uint32_t index, int age, unsigned sex) {
    const Matcher::Node& n = m.nodes()[index];
    auto child = [&](uint32_t i) { return evalKnown(m, m.children()[n.first + i], age, sex); };
    switch (n.op) {
        case Matcher::Op::Const: return n.value ? Tri::True : Tri::False;
        case Matcher::Op::And: {
            Tri out = Tri::True;
            for (uint32_t i = 0; i < n.count; ++i) {
                Tri t = child(i);
                if (t == Tri::False) return Tri::False;
                if (t == Tri::Unknown) out = Tri::Unknown;
            }
            return out;
        }
        case Matcher::Op::Or: {
            Tri out = Tri::False;
            for (uint32_t i = 0; i < n.count; ++i) {
                Tri t = child(i);
                if (t == Tri::True) return Tri::True;
                if (t == Tri::Unknown) out = Tri::Unknown;
            }
            return out;
        }
        case Matcher::Op::Not: {
            Tri t = child(0);
            return t == Tri::Unknown ? t : t == Tri::True ? Tri::False : Tri::True;
        }
        case Matcher::Op::Code: return Tri::Unknown;
        case Matcher::Op::Age: return cpe::compare(n.cmp, static_cast<double>(age), n.number) ? Tri::True : Tri::False;
        case Matcher::Op::Enum:
            if (n.field != 1) return Tri::Unknown;  // setting, admission method
            return (n.mask >> sex) & 1u ? Tri::True : Tri::False;
    }
    return Tri::Unknown;
}

}  // namespace

bool CountablePopulation::everyone() const {
    for (const auto& band : cells)
        if (!band[0] || !band[1]) return false;
    return true;
}

std::string CountablePopulation::describe() const {
    if (everyone()) return "everyone";
    bool men = false, women = false, sameBands = true;
    int first = -1, last = -1;
    for (int b = 0; b < stats::kEspBands; ++b) {
        const auto& c = cells[static_cast<size_t>(b)];
        men = men || c[0];
        women = women || c[1];
        sameBands = sameBands && (c[0] == c[1] || !men || !women);
        if (c[0] || c[1]) {
            if (first < 0) first = b;
            last = b;
        }
    }
    if (first < 0) return "no one";
    std::string who = men && women ? "" : men ? "men" : "women";
    std::string ages;
    if (first > 0 || last < stats::kEspBands - 1) {
        std::string lo = std::to_string(stats::espBandFirstAge(first));
        ages = last == stats::kEspBands - 1 ? lo + " and over" : lo + "-" + std::to_string(stats::espBandFirstAge(last) + 4);
    }
    if (who.empty()) return "ages " + ages;
    return ages.empty() ? who : who + " aged " + ages;
}

CountablePopulation countablePopulation(const Matcher& m, size_t rule) {
    CountablePopulation out;
    const uint32_t root = m.rules()[rule].root;
    for (int age = 0; age <= 130; ++age) {
        const size_t band = static_cast<size_t>(*stats::espBandOfAge(age));
        for (unsigned sex = 0; sex < 2; ++sex)
            if (evalKnown(m, root, age, sex) != Tri::False) out.cells[band][sex] = true;
    }
    return out;
}

}  // namespace cpe::audit
