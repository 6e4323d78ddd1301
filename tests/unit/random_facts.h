#pragma once
// Random values of a fact's declared type, for tests that hold two paths to
// the same answer: numbers within and at the fact's limits, text with quotes
// and non-ASCII, lists, dates, enumeration members (null when none allowed
// is drawn). Used by tests/unit/test_answer_writer.cpp and
// server/tests/unit/test_api_fast_path.cpp.
#include <random>

#include <nlohmann/json.hpp>

#include "engine/base/civil_date.h"
#include "engine/check/model.h"

namespace cpe::testing {

inline nlohmann::json randomValue(const FactInfo& f, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    switch (f.type.kind) {
        case TypeKind::Bool: return pick(2) == 0;
        case TypeKind::Int: {
            const double lo = f.min.value_or(0), hi = f.max.value_or(lo + 60);
            return static_cast<long long>(lo) + static_cast<long long>(pick(static_cast<std::size_t>(hi - lo) + 1));
        }
        case TypeKind::Dec: {
            const double lo = f.min.value_or(0), hi = f.max.value_or(lo + 60);
            static const double fractions[] = {0, 0.5, 0.1, 0.25, 0.3333333333333333};
            double v = lo + static_cast<double>(pick(static_cast<std::size_t>(hi - lo) + 1)) + fractions[pick(5)];
            return v > hi ? hi : v;
        }
        case TypeKind::Date: return formatDate(20000 + static_cast<int>(pick(900)));
        case TypeKind::Text: {
            static const char* const texts[] = {"plain", "with \"quotes\" and \\", "caf\xc3\xa9 \xe2\x89\xa5 30", ""};
            return texts[pick(4)];
        }
        case TypeKind::Enum: {
            const auto& members = f.type.enumInfo->members;
            for (int tries = 0; tries < 8; ++tries) {
                std::size_t i = pick(members.size());
                if (f.allowed.empty() || f.allowed[i]) return members[i];
            }
            return nullptr;
        }
        case TypeKind::CodeList:
        case TypeKind::TextList: {
            static const char* const items[] = {"J03.9", "N97", "C50.1", "E66", "Z30.2", "free text"};
            nlohmann::json list = nlohmann::json::array();
            for (std::size_t n = pick(4); n > 0; --n) list.push_back(items[pick(6)]);
            return list;
        }
        default: return nullptr;
    }
}

// A facts object for the facts `policy` reads, each given with probability 3/4.
inline nlohmann::json randomFacts(const PolicyModel& policy, std::mt19937_64& rng) {
    nlohmann::json facts = nlohmann::json::object();
    for (const FactInfo* f : policy.factsRead)
        if (f && rng() % 4 != 0) facts[f->name] = randomValue(*f, rng);
    return facts;
}

}  // namespace cpe::testing
