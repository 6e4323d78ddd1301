// Bad input never crashes the audit and is always reported the same way,
// whatever the thread count or block size; bad population files are clear
// errors naming file, line and column.
#include <doctest/doctest.h>

#include <random>

#include "audit/count/activity_scan.h"
#include "audit/count/population.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

const char* kHeader =
    "episode_id,provider,commissioner,age,sex,admission_method,setting,dominant_procedure,procedures,diagnoses,admission_date\n";

struct Seen {
    ScanResult result;
    std::vector<std::pair<uint64_t, std::string>> rejects;
};

Seen scan(const Matcher& m, const std::string& path, unsigned threads, size_t block) {
    Seen s;
    ScanOptions o;
    o.path = path;
    o.threads = threads;
    o.blockSize = block;
    ScanHooks hooks;
    hooks.onReject = [&](uint64_t line, std::string_view reason) {
        s.rejects.emplace_back(line, std::string(reason));
        return true;
    };
    s.result = scanActivity(m, o, hooks);
    return s;
}

}  // namespace

TEST_CASE("random bytes after a good header: no crash, every row accounted for, same on any thread count") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-fuzz");
    std::mt19937 rng(7);
    // Mostly plausible rows, with random damage: quotes, commas, newlines,
    // NUL and high bytes, truncation.
    const std::string good = "E1,RAJ,06K,45,1,11,APC,F341,F341|E201,J039,2024-05-06";
    const std::string alphabet = std::string(",\"\n\r|.") + '\0' + "\xff\xc3" + "AZ09 ";
    for (int round = 0; round < 6; ++round) {
        std::string text = kHeader;
        for (int row = 0; row < 3000; ++row) {
            std::string r = good;
            int damage = static_cast<int>(rng() % 4);
            for (int d = 0; d < damage; ++d) {
                size_t at = rng() % (r.size() + 1);
                switch (rng() % 3) {
                    case 0: r.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                    case 1:
                        if (at < r.size()) r.erase(at, 1);
                        break;
                    default: r = r.substr(0, at); break;
                }
            }
            text += r + "\n";
        }
        if (round % 2) text += "\"unterminated,at,the,end";
        std::string path = dir.file("fuzz" + std::to_string(round) + ".csv");
        writeFile(path, text);
        // The block size is part of the grammar (a quoted field may not run
        // past one block), so compare thread counts at each block size.
        for (size_t block : {size_t{4096}, size_t{1} << 20}) {
            CAPTURE(block);
            Seen first = scan(*m, path, 1, block);
            CHECK(first.result.rowsRead > 1000);  // quoted line breaks join some lines
            CHECK(first.result.rowsRejected == first.rejects.size());
            for (size_t i = 1; i < first.rejects.size(); ++i) CHECK(first.rejects[i - 1].first < first.rejects[i].first);
            for (unsigned threads : {2u, 3u}) {
                Seen other = scan(*m, path, threads, block);
                CHECK(other.result.rowsRead == first.result.rowsRead);
                CHECK(other.result.episodesCounted == first.result.episodesCounted);
                CHECK(other.result.providers.names == first.result.providers.names);
                CHECK(other.rejects == first.rejects);
            }
        }
    }
}

TEST_CASE("population files: good, and every kind of bad") {
    TempDir dir("cpe-audit-population");
    writeFile(dir.file("good.csv"),
              "\xEF\xBB\xBF"
              "Commissioner, Population\r\n06K,612000\n\"07H\",322000.5\n");
    Population p = readPopulation(dir.file("good.csv"));
    CHECK(p.byCommissioner.size() == 2);
    CHECK(p.byCommissioner.at("07H") == doctest::Approx(322000.5));

    auto fails = [&](const std::string& text, const std::string& message) {
        writeFile(dir.file("bad.csv"), text);
        CHECK_THROWS_WITH_AS(readPopulation(dir.file("bad.csv")), doctest::Contains(message.c_str()), AuditError);
    };
    fails("", "bad.csv: empty population file");
    fails("ccg,people\n06K,1\n", "bad.csv:1: bad header: expected the two columns commissioner,population");
    fails("commissioner,population\n06K,lots\n", "bad.csv:2: column population: 'lots' is not a positive number");
    fails("commissioner,population\n06K,0\n", "bad.csv:2: column population: '0' is not a positive number");
    fails("commissioner,population\n06K,-5\n", "bad.csv:2: column population: '-5' is not a positive number");
    fails("commissioner,population\n06K,5\n06K,6\n", "bad.csv:3: commissioner '06K' appears more than once");
    fails("commissioner,population\n06K\n", "bad.csv:2: expected 2 fields, found 1");
    fails("commissioner,population\n,5\n", "bad.csv:2: column commissioner: empty commissioner code");
    CHECK_THROWS_WITH_AS(readPopulation(dir.file("missing.csv")), doctest::Contains("missing.csv: cannot open"), AuditError);
}
