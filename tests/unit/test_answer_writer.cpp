// The answer's additions (engine/answer/answer_guide.h: values per reason,
// questions, next step, as of) as the fast writer (engine/decision/json_writer.h)
// writes them, held to the reference: decisionToJson(d).dump(), which builds
// them with answerExtras(). Every bundled policy, decided on generated facts of
// every type the policy reads (numbers at and around its limits, text with
// quotes and non-ASCII, lists, dates, facts left unknown), with and without a
// decision id.
#include <doctest/doctest.h>

#include <random>

#include "engine/compile/program.h"
#include "engine/decision/json_writer.h"
#include "engine/library/policy_library.h"
#include "random_facts.h"

using namespace cpe;

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
            nlohmann::json facts = testing::randomFacts(*policy->model, rng);
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
