// Loading only what one policy needs (engine/library/policy_scope.h), pinned
// to the whole library: every test of policies/ decided through the part
// must give the very decision, reasons and answer the whole library gives.
#include <doctest/doctest.h>

#include <set>

#include "engine/compile/program.h"
#include "engine/decision/decision.h"
#include "engine/library/policy_scope.h"
#include "engine/library/test_runner.h"
#include "library_fixture.h"

using namespace cpe;
using cpe::testing::build;
using cpe::testing::kFixtureModule;

namespace {

// The declarations of `policy`'s part, as "file:index" of each kept one.
std::set<std::string> kept(const std::vector<std::pair<std::string, std::string>>& files, const std::string& policy) {
    SourceSet sources;
    for (const auto& [path, text] : files) sources.add(path, text);
    auto keep = declarationsFor(sources, policy);
    REQUIRE(keep);
    std::set<std::string> out;
    for (uint32_t f = 0; f < sources.size(); ++f) {
        REQUIRE((*keep)[f]);
        for (size_t d = 0; d < (*keep)[f]->size(); ++d)
            if ((*(*keep)[f])[d]) out.insert(files[f].first + ":" + std::to_string(d));
    }
    return out;
}

const char* kPolicies = R"cpl(module board {
    next step ifr "ask the IFR team"
}
module extra {
    use fx
    criterion adult "Adult" = age_years >= 18
}
// a comment between declarations
policy p {
    title "P" version "1" effective 2026-01-01
    use extra
    decide {
        eligible when adult
        otherwise not_eligible
    }
}
policy p.snee extends p {
    title "P (SNEE)" version "1" effective 2026-01-01
    variant of p when legacy_area is snee
}
policy pp {
    title "Unrelated" version "1" effective 2026-01-01
    use fx
    decide { otherwise not_eligible }
}
test "adult" for p {
    given age_years = 30
    expect eligible
}
)cpl";

}  // namespace

TEST_CASE("a policy's part: its versions, its variants, what they extend and use, and the board module") {
    std::vector<std::pair<std::string, std::string>> files{{"fx.cpl", kFixtureModule}, {"p.cpl", kPolicies}};
    // p.cpl's heads: board, extra, p, p.snee, pp, the test, the end of the file.
    CHECK(kept(files, "p") == std::set<std::string>{"fx.cpl:0", "p.cpl:0", "p.cpl:1", "p.cpl:2", "p.cpl:3"});
    // A variant needs its base (which it extends), and the base its variants.
    CHECK(kept(files, "p.snee") == std::set<std::string>{"fx.cpl:0", "p.cpl:0", "p.cpl:1", "p.cpl:2", "p.cpl:3"});
    CHECK(kept(files, "pp") == std::set<std::string>{"fx.cpl:0", "p.cpl:0", "p.cpl:4"});

    SourceSet sources;
    sources.add("p.cpl", kPolicies);
    CHECK_FALSE(declarationsFor(sources, "nowhere"));
    CHECK_FALSE(declarationsFor(sources, "snee"));  // a word of the file, but no policy of that name

    // The part decides as the whole does, and knows nothing of the rest.
    auto whole = build(files);
    REQUIRE_MESSAGE(whole.library, whole.errors());
    auto partSources = std::make_shared<SourceSet>();
    for (const auto& [path, text] : files) partSources->add(path, text);
    Diagnostics diags;
    auto part = PolicyLibrary::fromSourcesForPolicy(partSources, "pp", diags);
    REQUIRE(part);
    CHECK(part->policyIds() == std::vector<std::string>{"pp"});
    CHECK(part->checked().tests.empty());
}

TEST_CASE("a file the token scan declines is parsed whole, and the part still loads") {
    // An unterminated block comment: lexFast declines, ANTLR reports it.
    std::vector<std::pair<std::string, std::string>> files{{"fx.cpl", kFixtureModule}, {"bad.cpl", "policy q { /* never closed"}};
    SourceSet sources;
    for (const auto& [path, text] : files) sources.add(path, text);
    auto keep = declarationsFor(sources, "q");
    REQUIRE(keep);
    CHECK_FALSE((*keep)[1]);  // parsed whole: its error is the whole library's to report
    auto shared = std::make_shared<SourceSet>(sources);
    Diagnostics diags;
    CHECK_FALSE(PolicyLibrary::fromSourcesForPolicy(shared, "q", diags));
    CHECK(diags.hasErrors());
}

TEST_CASE("every test of policies/ decides the same through its policy's part as through the whole library") {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto whole = PolicyLibrary::load({std::string(CPE_SOURCE_DIR) + "/policies"}, diags, sources);
    REQUIRE_MESSAGE(whole, diags.render(*sources));
    size_t compared = 0;
    for (const std::string& id : whole->policyIds()) {
        Diagnostics partDiags;
        std::shared_ptr<SourceSet> partSources;
        auto part = PolicyLibrary::loadForPolicy({std::string(CPE_SOURCE_DIR) + "/policies"}, id, partDiags, partSources);
        REQUIRE_MESSAGE(part, id << ": " << partDiags.render(*partSources));
        CHECK_MESSAGE(part->policyIds().size() < whole->policyIds().size(), id << " loaded the whole library");
        for (const TestDecl* t : whole->checked().tests) {
            if (t->policy != id) continue;
            TestRequest tr = testRequest(*whole, *t);
            DecideRequest request{id, &tr.facts, tr.asOf};
            DecideResult a = whole->decide(request), b = part->decide(request);
            REQUIRE(a.index() == b.index());
            if (const auto* da = std::get_if<Decision>(&a)) {
                // With the answer's additions: questions, values, next step and source locations too.
                CHECK_MESSAGE(decisionToJson(*da).dump() == decisionToJson(std::get<Decision>(b)).dump(), id << ": " << t->name);
            } else {
                CHECK(std::get<InputError>(a).message == std::get<InputError>(b).message);
            }
            ++compared;
        }
    }
    CHECK(compared > 300);
}
