// The fast case reader (engine/decision/fast_case_reader.h) against the
// reference reader (engine/decision/case_record.h) and nlohmann: each shape's
// members, the canonical JSON text of every fact value it takes (nlohmann's
// dump() of the parsed value, on many random numbers written many ways),
// and FastCase::canonicalFacts() against the server's canonicalFacts()
// (server/facts_hash.h) on the same lines. The policy is tests/batch_fast/policy.cpl.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "batch_fast_fixture.h"
#include "engine/decision/fast_case_reader.h"
#include "fertility_cases.h"
#include "server/facts_hash.h"

using namespace cpe;

namespace {

using testing::readFile;

constexpr int kDefaultDay = 20600;  // 2026-05-27

FastShape shapeOf(const CaseShape& shape) { return fastShapeOf(shape, kDefaultDay); }

const FastFact* factNamed(const FastCase& c, std::string_view name) {
    for (const FastFact& f : c.facts)
        if (f.info->name == name) return &f;
    return nullptr;
}

// Whether the fast reader takes `line` in `shape`; when it does, the
// reference must take it too, with the same facts' canonical text.
bool readsLikeReference(FastCaseReader& reader, const std::string& line, const CaseShape& shape, FastCase& out) {
    if (!reader.read(line, shapeOf(shape), out)) return false;
    CaseRead reference = readCase(line, shape);
    REQUIRE_MESSAGE(!reference.error, line << ": " << reference.error->message);
    CHECK_MESSAGE(out.canonicalFacts() == server::canonicalFacts(reference.record.facts), line);
    CHECK_MESSAGE(out.id == reference.record.id.dump(), line);
    CHECK_MESSAGE(out.day == reference.record.day.value_or(kDefaultDay), line);
    CHECK(out.hasAsOf == reference.record.day.has_value());
    CHECK(out.policy == reference.record.policy);
    CHECK(out.provider == reference.record.provider);
    return true;
}

}  // namespace

TEST_CASE("the fast reader reads each shape's members, and declines what the shape does not allow") {
    auto lib = testing::batchFastLibrary();
    FastCaseReader reader(lib->checked());
    FastCase c;
    const std::string line =
        R"({"id":"c1","policy":"f.p","as_of":"2023-06-01","provider":"RGT","facts":{"n":5,"x":30.5,"s":"a","t":null}})";

    REQUIRE(readsLikeReference(reader, line, batchCaseShape(), c));
    CHECK(c.id == "\"c1\"");
    CHECK(c.policy == "f.p");
    CHECK(c.day == 19509);  // 2023-06-01
    CHECK(c.provider.empty());
    REQUIRE(c.facts.size() == 3);  // t is null: unknown, left out
    CHECK(c.facts[0].info->name == "n");
    CHECK(c.facts[0].number == 5);
    CHECK(c.facts[1].number == 30.5);
    CHECK(c.facts[2].number == 0);  // a, the first member
    CHECK(c.facts[2].json == "\"a\"");
    CHECK(c.canonicalFacts() == R"({"n":5,"s":"a","x":30.5})");

    SUBCASE("impact: the policy is not read") {
        REQUIRE(readsLikeReference(reader, line, impactCaseShape(), c));
        CHECK(c.policy.empty());
        CHECK(readsLikeReference(reader, R"({"id":1,"facts":{"n":2}})", impactCaseShape(), c));
        CHECK(readsLikeReference(reader, R"({"id":1,"policy":7,"facts":{"n":2}})", impactCaseShape(), c));
    }
    SUBCASE("audit: the provider is required, a non-empty string") {
        REQUIRE(readsLikeReference(reader, line, auditCaseShape(), c));
        CHECK(c.provider == "RGT");
        CHECK_FALSE(reader.read(R"({"policy":"f.p","facts":{}})", shapeOf(auditCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p","provider":"","facts":{}})", shapeOf(auditCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p","provider":null,"facts":{}})", shapeOf(auditCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p","provider":3,"facts":{}})", shapeOf(auditCaseShape()), c));
    }
    SUBCASE("request: only policy, facts and as_of, and facts required") {
        CHECK_FALSE(reader.read(line, shapeOf(requestCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p"})", shapeOf(requestCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p","facts":null})", shapeOf(requestCaseShape()), c));
        CHECK_FALSE(reader.read(R"({"policy":"f.p","facts":{},"id":1})", shapeOf(requestCaseShape()), c));
        REQUIRE(
            readsLikeReference(reader, R"({"policy":"f.p","facts":{"ok":true},"as_of":"2026-01-01"})", requestCaseShape(), c));
        CHECK(c.id == "null");
        CHECK(c.facts.at(0).json == "true");
    }
    SUBCASE("every shape: errors, escapes and facts not declared are declined") {
        for (const char* bad :
             {R"({"policy":"f.p","facts":{"nope":1}})", R"({"policy":"f.p","facts":{"t":"a\"b"}})",
              R"({"policy":"f.p","facts":{"n":101}})", R"({"policy":"f.p","facts":{"n":1,"n":2}})",
              R"({"policy":"f.p","as_of":"2026-02-30"})", R"({"policy":"f.p"} x)", R"([1])", "", R"({"facts":{"n":1}})"})
            CHECK_MESSAGE(!reader.read(bad, shapeOf(batchCaseShape()), c), bad);
    }
}

TEST_CASE("lists and text are written back compactly, as nlohmann writes them") {
    auto lib = testing::batchFastLibrary();
    FastCaseReader reader(lib->checked());
    FastCase c;
    const std::string line =
        R"({"policy":"f.p", "facts": {"codes": [ "j03.9" , "J35" ], "words":[], "t":"naïve ✓", "d":"2023-01-01"}})";
    REQUIRE(readsLikeReference(reader, line, batchCaseShape(), c));
    const FastFact* codes = factNamed(c, "codes");
    REQUIRE(codes);
    CHECK(codes->json == R"(["j03.9","J35"])");  // as given: the hash is of the facts sent
    CHECK(*codes->list == std::vector<std::string>{"J039", "J35"});
    CHECK(factNamed(c, "words")->json == "[]");
    CHECK(factNamed(c, "t")->text == "naïve ✓");
    CHECK(factNamed(c, "d")->number == 19358);  // 2023-01-01
    CHECK(c.canonicalFacts() == R"({"codes":["j03.9","J35"],"d":"2023-01-01","t":"naïve ✓","words":[]})");
}

TEST_CASE("a number is taken only in the text nlohmann writes back for it: many random values, many spellings") {
    auto lib = testing::batchFastLibrary();
    FastCaseReader reader(lib->checked());
    FastCase c;
    std::mt19937_64 rng(41);
    std::size_t tried = 0, taken = 0, dumpsTaken = 0, dumps = 0;
    auto spellings = [](double v) {
        std::vector<std::string> out{nlohmann::json(v).dump()};
        for (const char* format : {"%.17g", "%.15g", "%g", "%.1f", "%.3f", "%e", "%.2e", "%a"}) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, format, v);
            out.emplace_back(buffer);
        }
        if (std::trunc(v) == v && std::fabs(v) < 1e15) out.push_back(std::to_string(static_cast<int64_t>(v)));
        return out;
    };
    for (int i = 0; i < 20000; ++i) {
        double v;
        switch (i % 5) {
            case 0: v = std::uniform_real_distribution<double>(-1000, 1000)(rng); break;
            case 1: v = std::round(std::uniform_real_distribution<double>(0, 1000)(rng)) / 10; break;  // one decimal place
            case 2:
                v = std::ldexp(std::uniform_real_distribution<double>(0.5, 1)(rng), static_cast<int>(rng() % 200) - 100);
                break;
            case 3: v = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000); break;
            default: {
                uint64_t bits = rng();
                std::memcpy(&v, &bits, sizeof v);
                if (!std::isfinite(v)) v = 1.5;
            }
        }
        std::vector<std::string> tokens = spellings(v);
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            const std::string& token = tokens[k];
            const std::string line = R"({"policy":"f.p","facts":{"y":)" + token + "}}";
            nlohmann::json parsed = nlohmann::json::parse(token, nullptr, false);
            ++tried;
            if (k == 0 && v != 0) ++dumps;
            if (!reader.read(line, shapeOf(batchCaseShape()), c)) continue;
            ++taken;
            if (k == 0) ++dumpsTaken;
            REQUIRE_MESSAGE(!parsed.is_discarded(), token);
            REQUIRE(c.facts.size() == 1);
            CHECK_MESSAGE(c.facts[0].json == parsed.dump(), token);
            CHECK_MESSAGE(c.facts[0].number == parsed.get<double>(), token);
            CHECK_MESSAGE(c.canonicalFacts() == server::canonicalFacts(readCase(line, batchCaseShape()).record.facts), token);
        }
    }
    // nlohmann's own text is always taken (0 aside, whose sign may differ),
    // and many other spellings are declined: the check does something.
    CHECK(dumpsTaken >= dumps);
    CHECK(taken < tried * 3 / 4);
    MESSAGE("numbers taken: " << taken << ", of which nlohmann's own text " << dumpsTaken);
}

TEST_CASE("canonicalFacts() is the server's canonicalFacts() on generated fertility referrals and the fixture's lines") {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto bundled = PolicyLibrary::load({CPE_SOURCE_DIR "/policies"}, diags, sources);
    REQUIRE(bundled);
    FastCaseReader reader(bundled->checked());
    FastCase c;
    std::size_t taken = 0;
    const auto cases = testing::generateFertilityCases(3000, 11);
    for (const testing::FertilityCase& fc : cases)
        if (readsLikeReference(reader, testing::fertilityCaseJson(fc).dump(), batchCaseShape(), c)) ++taken;
    CHECK(taken == cases.size());

    auto lib = testing::batchFastLibrary();
    FastCaseReader fixture(lib->checked());
    std::istringstream decided(readFile(CPE_SOURCE_DIR "/tests/batch_fast/decided.ndjson"));
    for (std::string line; std::getline(decided, line);)
        CHECK_MESSAGE(readsLikeReference(fixture, line, batchCaseShape(), c), line);
}
