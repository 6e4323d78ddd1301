// POST /v1/decisions through the fast case reader (engine/library/fast_decider.h)
// against the reference reader (Api::useFastReader(false)): the same reply
// bytes (less the decision id, new each time) and the same log record, on
// generated requests for every bundled policy — values of every type, facts
// left unknown, a decimal written as nlohmann writes it — and on seeded
// mutations of them (a value of the wrong type, a member repeated, a byte
// dropped), which the fast path must leave to the reference.
#include <doctest/doctest.h>

#include <random>

#include "engine/compile/program.h"
#include "engine/library/fast_decider.h"
#include "random_facts.h"
#include "server/api.h"

using namespace cpe;
using namespace cpe::server;

namespace {

std::string withoutDecisionId(std::string body) {
    const std::string key = "\"decision_id\":\"";
    std::size_t at = body.find(key);
    if (at != std::string::npos) body.erase(at, body.find('"', at + key.size()) + 1 - at);
    return body;
}

std::string mutate(std::string body, std::mt19937_64& rng) {
    static const char* const values[] = {"-0", "1e2", "\"x\"", "[]", "{}", "null", "true", "27.0", "1e-400", "\"\\u0041\""};
    switch (rng() % 4) {
        case 0:
        case 1: {
            std::size_t colon = body.find(':', rng() % body.size());
            std::size_t end = colon == std::string::npos ? colon : body.find_first_of(",}", colon);
            if (end != std::string::npos) body.replace(colon + 1, end - colon - 1, values[rng() % std::size(values)]);
            break;
        }
        case 2: body.erase(rng() % body.size(), 1); break;
        default: body.insert(body.size() - 1, ",\"policy\":\"x\"");
    }
    return body;
}

}  // namespace

TEST_CASE("a request decided by the fast reader is answered and logged as the reference reader does") {
    LibraryHolder holder({CPE_SOURCE_DIR "/policies"});
    REQUIRE(holder.reload().ok);
    Metrics metrics;
    Api fast(holder, metrics, nullptr), reference(holder, metrics, nullptr);
    reference.useFastReader(false);
    std::shared_ptr<const PolicyLibrary> lib = holder.current();
    FastDecider counter(*lib);
    const FastShape shape = fastShapeOf(requestCaseShape(), todayDay());

    std::mt19937_64 rng(18);
    std::size_t compared = 0, decidedFast = 0;
    for (const std::string& id : lib->policyIds()) {
        const CompiledPolicy* policy = lib->find(id, parseDate("2026-06-01").value());
        if (!policy) continue;
        for (int i = 0; i < 80; ++i) {
            nlohmann::json request = {{"policy", id}, {"facts", testing::randomFacts(*policy->model, rng)}};
            if (i % 3) request["as_of"] = "2026-06-01";
            std::string body = request.dump();
            if (i % 4 == 3) body = mutate(body, rng);
            CAPTURE(body);
            Decision scratch;
            if (counter.decide(body, shape, true, scratch)) ++decidedFast;

            RequestNote fastNote, referenceNote;
            std::optional<PendingDecision> fastPending, referencePending;
            Reply a = fast.decide(body, fastNote, fastPending);
            Reply b = reference.decide(body, referenceNote, referencePending);
            CHECK(a.status == b.status);
            CHECK(withoutDecisionId(a.body) == withoutDecisionId(b.body));
            CHECK(fastNote.policy == referenceNote.policy);
            CHECK(fastNote.errorField == referenceNote.errorField);
            REQUIRE(fastPending.has_value() == referencePending.has_value());
            if (fastPending) {
                const DecisionRecord &x = fastPending->record, &y = referencePending->record;
                CHECK(x.asOf == y.asOf);
                CHECK(x.policy == y.policy);
                CHECK(x.policyVersion == y.policyVersion);
                CHECK(x.outcome == y.outcome);
                CHECK(x.route == y.route);
                CHECK(x.reasons == y.reasons);
                CHECK(x.facts == y.facts);  // the canonical text the facts hash is made of
            }
            ++compared;
        }
    }
    CHECK(compared > 1000);
    // The fast path really answered most of them.
    CHECK(decidedFast * 2 > compared);
}
