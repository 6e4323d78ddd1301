// The answer's additions (engine/answer/answer_guide.h: values per reason,
// questions, next step, as of) as the fast writer (engine/decision/json_writer.h)
// writes them, held to the reference: decisionToJson(d).dump(), which builds
// them with answerExtras(). Every bundled policy, decided on generated facts of
// every type the policy reads (numbers at and around its limits, text with
// quotes and non-ASCII, lists, dates, facts left unknown), with and without a
// decision id.
#include <doctest/doctest.h>

#include <random>

#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/decision/json_writer.h"
#include "engine/library/policy_library.h"

using namespace cpe;

namespace {

nlohmann::json randomValue(const FactInfo& f, std::mt19937_64& rng) {
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

}  // namespace

TEST_CASE("the answer's additions are written as decisionToJson dumps them, on every bundled policy") {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto lib = PolicyLibrary::load({CPE_SOURCE_DIR "/policies"}, diags, sources);
    REQUIRE(lib);
    std::mt19937_64 rng(17);
    const int day = 20600;
    std::size_t compared = 0, withValues = 0, withQuestions = 0;
    for (const std::string& id : lib->policyIds()) {
        const CompiledPolicy* policy = lib->find(id, day);
        if (!policy) continue;
        for (int i = 0; i < 60; ++i) {
            nlohmann::json facts = nlohmann::json::object();
            for (const FactInfo* f : policy->model->factsRead)
                if (f && rng() % 4 != 0) facts[f->name] = randomValue(*f, rng);
            DecideRequest request{id, &facts, std::nullopt};
            request.day = day;
            DecideResult result = lib->decide(request);
            if (!std::holds_alternative<Decision>(result)) continue;  // a generated code or value refused
            Decision& d = std::get<Decision>(result);
            REQUIRE(d.guide);
            if (i % 2) d.decisionId = "01J" + std::to_string(i);
            std::string written;
            appendDecisionJson(written, d);
            CHECK_MESSAGE(written == decisionToJson(d).dump(), id << " " << facts.dump());
            ++compared;
            if (!d.missingFacts.empty()) ++withQuestions;
            if (written.find("\"values\":[{") != std::string::npos) ++withValues;
        }
    }
    // The comparison really covered answers with values and with questions.
    CHECK(compared > 500);
    CHECK(withValues > 100);
    CHECK(withQuestions > 100);
}
