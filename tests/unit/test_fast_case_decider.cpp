// The batch fast path (engine/library/fast_case_decider.h) against the
// reference reading of a line (engine/library/batch_line.h): the same bytes
// wherever the fast path decides, and the fast path really deciding the
// common shape. Cases: tests/batch_fast/decided.ndjson (each must be decided
// by the fast path) and declined.ndjson (each must be left to the reference),
// on tests/batch_fast/policy.cpl; generated fertility referrals and
// tonsillectomy-style lines on the bundled policies; and seeded mutations of
// them. Add a line to either file to pin a case.
#include <doctest/doctest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "batch_fast_fixture.h"
#include "engine/library/batch_line.h"
#include "engine/library/fast_case_decider.h"
#include "fertility_cases.h"

using namespace cpe;

namespace {

using testing::readFile;

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

std::shared_ptr<const PolicyLibrary> bundledLibrary() {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto lib = PolicyLibrary::load({CPE_SOURCE_DIR "/policies"}, diags, sources);
    REQUIRE(lib);
    return lib;
}

BatchLineOptions options() {
    BatchLineOptions o;
    o.defaultDay = 20600;  // 2026-05-27
    return o;
}

// The fast path's output for the line, or nullopt when it declined; checked
// against the reference either way.
std::optional<std::string> compare(const PolicyLibrary& lib, FastCaseDecider& fast, const std::string& text) {
    Line line{text, 1, false, text.size()};
    std::string fastOut, referenceOut;
    bool decided = fast.tryAppend(text, fastOut);
    BatchLineResult reference = appendBatchLine(lib, line, options(), referenceOut);
    if (!decided) {
        CHECK_MESSAGE(fastOut.empty(), text);
        return std::nullopt;
    }
    CHECK_MESSAGE(reference == BatchLineResult::Decided, text);
    CHECK_MESSAGE(fastOut == referenceOut, text);
    return fastOut;
}

std::string tonsillectomyLine(std::mt19937_64& rng, int i) {
    std::string facts;
    auto add = [&](const char* name, const std::string& value) {
        if (rng() % 10 == 0) return;  // a fact left unknown
        facts += (facts.empty() ? "\"" : ",\"") + std::string(name) + "\":" + value;
    };
    for (const char* name : {"tonsillitis_episodes_last_12_months", "tonsillitis_episodes_each_of_last_2_years",
                             "tonsillitis_episodes_each_of_last_3_years", "quinsy_episodes"})
        add(name, std::to_string(rng() % 13));
    for (const char* name : {"episodes_disabling", "suspected_malignancy", "obstructive_sleep_apnoea"})
        add(name, rng() % 3 ? "false" : "true");
    return "{\"id\":\"t" + std::to_string(i) + "\",\"policy\":\"ebi.tonsillectomy\",\"as_of\":\"2026-06-01\",\"facts\":{" +
           facts + "}}";
}

// A small change an upstream system could make to a line: a value swapped
// for an awkward one, a member repeated, a byte dropped or added.
std::string mutate(std::string line, std::mt19937_64& rng) {
    static const char* const values[] = {
        "-0", "-0.0",      "0",  "27.0", "1e-400", "1e400", "null", "true",           "\"a\"",       "[]",
        "{}", "\"J03.9\"", "-1", "101",  "1e2",    "3.5",   "0.5",  "\"2026-02-30\"", "\"\\u0041\"", "12345678901234567890"};
    std::size_t colon = line.find(':', rng() % line.size());
    switch (rng() % 5) {
        case 0:
        case 1:
            if (colon != std::string::npos) {
                std::size_t end = line.find_first_of(",}", colon);
                if (end != std::string::npos) line.replace(colon + 1, end - colon - 1, values[rng() % std::size(values)]);
            }
            break;
        case 2: {  // a member given twice
            std::size_t comma = line.find(',', rng() % line.size());
            std::size_t open = line.rfind('"', comma == std::string::npos ? 0 : comma);
            if (comma != std::string::npos && open != std::string::npos) {
                std::size_t start = line.rfind('"', open - 1);
                if (start != std::string::npos && start < comma) line.insert(comma, "," + line.substr(start, comma - start));
            }
            break;
        }
        case 3: line.erase(rng() % line.size(), 1); break;
        default: line.insert(rng() % line.size(), 1, "{}[],:\" 0e-.\\"[rng() % 13]);
    }
    return line;
}

}  // namespace

TEST_CASE("the fast path decides the common shape as the reference does, byte for byte") {
    auto lib = testing::batchFastLibrary();
    FastCaseDecider fast(*lib, options());
    for (const std::string& line : lines(readFile(CPE_SOURCE_DIR "/tests/batch_fast/decided.ndjson")))
        CHECK_MESSAGE(compare(*lib, fast, line).has_value(), "declined: " << line);
}

TEST_CASE("the fast path leaves every unusual or bad line to the reference") {
    auto lib = testing::batchFastLibrary();
    FastCaseDecider fast(*lib, options());
    for (const std::string& line : lines(readFile(CPE_SOURCE_DIR "/tests/batch_fast/declined.ndjson")))
        CHECK_MESSAGE(!compare(*lib, fast, line).has_value(), "decided: " << line);
}

TEST_CASE("generated referrals on the bundled policies: the fast path decides them all, as the reference") {
    auto lib = bundledLibrary();
    FastCaseDecider fast(*lib, options());
    std::mt19937_64 rng(19);
    std::vector<std::string> cases;
    for (const testing::FertilityCase& c : testing::generateFertilityCases(3000, 7))
        cases.push_back(testing::fertilityCaseJson(c).dump());
    for (int i = 0; i < 3000; ++i) cases.push_back(tonsillectomyLine(rng, i));
    for (const std::string& line : cases) compare(*lib, fast, line);
    CHECK(fast.declined() == 0);
    CHECK(fast.decided() == cases.size());

    SUBCASE("and mutated, whatever it decides is what the reference writes") {
        FastCaseDecider mutated(*lib, options());
        std::size_t decided = 0;
        for (int round = 0; round < 4; ++round)
            for (const std::string& line : cases)
                if (compare(*lib, mutated, mutate(line, rng))) ++decided;
        // Many mutations leave a valid case the fast path still decides: a
        // differential test where it declined everything would prove nothing.
        CHECK(decided > cases.size() / 4);
        CHECK(mutated.declined() > cases.size() / 2);
    }
}

TEST_CASE("--answer and a shallow --max-depth are left to the reference") {
    auto lib = bundledLibrary();
    std::mt19937_64 rng(3);
    const std::string line = tonsillectomyLine(rng, 1);
    std::string out;
    BatchLineOptions answer = options();
    answer.answer = true;
    CHECK_FALSE(FastCaseDecider(*lib, answer).tryAppend(line, out));
    BatchLineOptions shallow = options();
    shallow.maxDepth = 2;
    CHECK_FALSE(FastCaseDecider(*lib, shallow).tryAppend(line, out));
    CHECK(out.empty());
    CHECK(FastCaseDecider(*lib, options()).tryAppend(line, out));
}
