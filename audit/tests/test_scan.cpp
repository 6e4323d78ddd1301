// End-to-end scans of audit/tests/data/activity_small.csv. Expected values
// were worked out by hand, row by row (line numbers count the header as 1):
//   counted: E01, E02 (dotted), E30 snoring; E05 (F341 second), E33 (quoted,
//   dotted), E08 (empty procedures list) tonsillectomy; E10 grommets; E12
//   (OP), E13 (lower case, dotted) carpal tunnel; E16 hysterectomy; E28
//   shoulder; E31 (every field quoted), E32 varicose veins; E35 (last line,
//   no newline) knee arthroscopy: 14 episodes.
//   not counted: E03 secondary G473; E04 age 17; E06 emergency; "E07,X"
//   cancer; E09 J36; E11 age 12; E14, E15 not EBI; E17 outpatient; E18 sex
//   not known; E29 M751.
//   rejected (10): lines 20 age, 21 date, 22 field count, 23 sex, 24
//   setting, 25 admission method, 26 episode id, 27 provider, 28 quote,
//   35 field count.
#include <doctest/doctest.h>
#include <zlib.h>

#include <map>

#include "audit/count/activity_scan.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

struct Outcome {
    ScanResult result;
    std::vector<std::pair<uint64_t, std::string>> rejects;
};

Outcome scan(const Matcher& m, ScanOptions o) {
    Outcome out;
    ScanHooks hooks;
    hooks.onReject = [&](uint64_t line, std::string_view reason) {
        out.rejects.emplace_back(line, std::string(reason));
        return true;
    };
    out.result = scanActivity(m, o, hooks);
    return out;
}

const std::map<std::string, uint64_t> kExpected = {
    {"ebi.snoring_surgery/RAJ", 2},  {"ebi.snoring_surgery/RBB", 1},
    {"ebi.tonsillectomy/RAJ", 2},    {"ebi.tonsillectomy/RBB", 1},
    {"ebi.grommets/RAJ", 1},         {"ebi.carpal_tunnel_release/RBB", 2},
    {"ebi.hysterectomy_hmb/RAJ", 1}, {"ebi.shoulder_decompression/RAJ", 1},
    {"ebi.varicose_veins/RAJ", 2},   {"ebi.knee_arthroscopy_oa/RBB", 1},
};

}  // namespace

TEST_CASE("the small activity file: counts, rejects and line numbers") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ScanOptions o;
    o.path = dataPath("activity_small.csv");
    Outcome out = scan(*m, o);
    CHECK(out.result.rowsRead == 35);
    CHECK(out.result.rowsRejected == 10);
    CHECK(out.result.episodesCounted == 14);
    CHECK(counts(*m, out.result.providers) == kExpected);
    CHECK(out.result.providers.names == std::vector<std::string>{"RAJ", "RBB", "RCC"});
    CHECK(out.result.providers.rows == std::vector<uint64_t>{14, 9, 2});

    std::vector<std::pair<uint64_t, std::string>> expected = {
        {20, "age 'abc' is not a whole number from 0 to 130"},
        {21, "admission_date '2024-13-01' is not a date YYYY-MM-DD"},
        {22, "expected 11 fields, found 10"},
        {23, "sex 'X' is not 1 (male), 2 (female) or 9 (not known)"},
        {24, "setting 'AE' is not APC or OP"},
        {25, "admission_method '1' is not two characters"},
        {26, "empty episode_id"},
        {27, "empty provider"},
        {28, "quote inside an unquoted field (quote the whole field and double inner quotes)"},
        {35, "expected 11 fields, found 12"},
    };
    CHECK(out.rejects == expected);
}

TEST_CASE("date filters are inclusive and leave rows outside the period uncounted") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ScanOptions o;
    o.path = dataPath("activity_small.csv");
    o.fromDate = 20240401;
    o.toDate = 20250331;
    Outcome out = scan(*m, o);
    auto expected = kExpected;
    expected["ebi.varicose_veins/RAJ"] = 1;  // E32 is 2025-04-01
    expected["ebi.tonsillectomy/RAJ"] = 1;   // E33 is 2024-03-31
    CHECK(counts(*m, out.result.providers) == expected);
    CHECK(out.result.rowsOutsidePeriod == 2);
    CHECK(out.result.episodesCounted == 12);
    CHECK(out.result.providers.rows == std::vector<uint64_t>{12, 9, 2});
    CHECK(out.result.rowsRejected == 10);  // malformed rows are reported whatever their date
}

TEST_CASE("counting by commissioner") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ScanOptions o;
    o.path = dataPath("activity_small.csv");
    o.byCommissioner = true;
    Outcome out = scan(*m, o);
    CHECK(out.result.commissioners.names == std::vector<std::string>{"06K", "07H"});
    CHECK(out.result.commissioners.rows == std::vector<uint64_t>{16, 9});
    auto c = counts(*m, out.result.commissioners);
    CHECK(c["ebi.snoring_surgery/06K"] == 2);
    CHECK(c["ebi.snoring_surgery/07H"] == 1);
    CHECK(c["ebi.carpal_tunnel_release/07H"] == 2);
}

TEST_CASE("gzip input gives the same results as plain input") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-gz");
    std::string text = readFile(dataPath("activity_small.csv"));
    std::string gzPath = dir.file("activity.csv.gz");
    gzFile gz = gzopen(gzPath.c_str(), "wb");
    REQUIRE(gz);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    ScanOptions o;
    o.path = gzPath;
    Outcome out = scan(*m, o);
    CHECK(counts(*m, out.result.providers) == kExpected);
    CHECK(out.result.rowsRejected == 10);
    CHECK(out.rejects.back().first == 35);

    // A gzip file cut short is a clear error, not a silent partial count.
    std::string whole = readFile(gzPath);
    writeFile(dir.file("cut.csv.gz"), whole.substr(0, whole.size() / 2));
    o.path = dir.file("cut.csv.gz");
    CHECK_THROWS_WITH_AS(scan(*m, o), doctest::Contains("cut.csv.gz: corrupt or truncated gzip data near byte "), AuditError);
    CHECK_THROWS_WITH_AS(scan(*m, o), doctest::Contains("(unexpected end of file)"), AuditError);

    // Damaged bytes inside the stream: also an error naming the file, with
    // zlib's reason but not its internal stream name.
    std::string damaged = whole;
    for (size_t i = 20; i < 60 && i < damaged.size(); ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x55);
    writeFile(dir.file("damaged.csv.gz"), damaged);
    o.path = dir.file("damaged.csv.gz");
    std::string message;
    try {
        scan(*m, o);
    } catch (const AuditError& e) {
        message = e.what();
    }
    CHECK(message.find("damaged.csv.gz: corrupt or truncated gzip data near byte ") != std::string::npos);
    CHECK(message.find("<fd:") == std::string::npos);
}

TEST_CASE("one thread and two threads, any block size: identical results") {
    auto rules = ebiRules();
    auto m = rules.compile();
    // Repeat the small file's rows many times (with its quoting and its
    // malformed rows) so that many chunks are cut.
    std::string text = readFile(dataPath("activity_small.csv"));
    size_t headerEnd = text.find('\n') + 1;
    std::string body = text.substr(headerEnd) + "\n";
    std::string big = text.substr(0, headerEnd);
    for (int i = 0; i < 300; ++i) big += body;
    TempDir dir("cpe-audit-threads");
    writeFile(dir.file("big.csv"), big);

    ScanOptions o;
    o.path = dir.file("big.csv");
    o.threads = 1;
    o.blockSize = size_t{1} << 20;
    Outcome one = scan(*m, o);
    CHECK(one.result.rowsRead == 35 * 300);
    CHECK(one.result.rowsRejected == 10 * 300);
    CHECK(one.result.episodesCounted == 14 * 300);
    CHECK(one.rejects[10].first == 20 + 35);  // the second copy's first reject
    for (unsigned threads : {1u, 2u, 3u})
        for (size_t block : {size_t{200}, size_t{4096}, size_t{65536}}) {
            CAPTURE(threads);
            CAPTURE(block);
            o.threads = threads;
            o.blockSize = block;
            Outcome other = scan(*m, o);
            CHECK(other.result.rowsRead == one.result.rowsRead);
            CHECK(other.result.episodesCounted == one.result.episodesCounted);
            CHECK(counts(*m, other.result.providers) == counts(*m, one.result.providers));
            CHECK(other.result.providers.rows == one.result.providers.rows);
            CHECK(other.rejects == one.rejects);
        }
}

TEST_CASE("a reject hook can stop the run (--strict)") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ScanOptions o;
    o.path = dataPath("activity_small.csv");
    uint64_t first = 0;
    ScanHooks hooks;
    hooks.onReject = [&](uint64_t line, std::string_view) {
        first = line;
        return false;
    };
    ScanResult r = scanActivity(*m, o, hooks);
    CHECK(r.stopped);
    CHECK(first == 20);
}

TEST_CASE("bad files are clear errors naming the file") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-bad");
    ScanOptions o;
    ScanHooks hooks;

    o.path = dir.file("missing.csv");
    CHECK_THROWS_WITH_AS(scanActivity(*m, o, hooks), doctest::Contains("missing.csv: cannot open"), AuditError);

    writeFile(dir.file("empty.csv"), "");
    o.path = dir.file("empty.csv");
    CHECK_THROWS_WITH_AS(scanActivity(*m, o, hooks), doctest::Contains("empty.csv: the file is empty"), AuditError);

    writeFile(dir.file("header.csv"), "episode_id,provider,commisioner,age\nE1,RAJ,06K,40\n");
    o.path = dir.file("header.csv");
    // An unknown column is not an error (extracts carry many); the missing
    // field is, with the header's near miss offered.
    CHECK_THROWS_WITH_AS(scanActivity(*m, o, hooks),
                         doctest::Contains("header.csv:1: bad header: missing columns commissioner (did you mean "
                                           "'commisioner'?), sex, admission_method"),
                         AuditError);
    CHECK_THROWS_WITH_AS(scanActivity(*m, o, hooks),
                         doctest::Contains("(name a field's column with --columns FIELD=COLUMN or a --mapping file; the header "
                                           "also has commisioner)"),
                         AuditError);

    o.path = dir.path();
    CHECK_THROWS_WITH_AS(scanActivity(*m, o, hooks), doctest::Contains("is a folder"), AuditError);
}

TEST_CASE("a header-only file, a BOM and CRLF line ends") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-bom");
    std::string header =
        "episode_id,provider,commissioner,age,sex,admission_method,setting,dominant_procedure,procedures,diagnoses,admission_"
        "date";
    writeFile(dir.file("only.csv"), header);
    ScanOptions o;
    o.path = dir.file("only.csv");
    ScanResult r = scanActivity(*m, o, {});
    CHECK(r.rowsRead == 0);

    writeFile(dir.file("bom.csv"), "\xEF\xBB\xBF" + header + "\r\nE1,RAJ,06K,45,1,11,APC,F324,F324,R065,2024-04-10\r\n\r\n");
    o.path = dir.file("bom.csv");
    r = scanActivity(*m, o, {});
    CHECK(r.rowsRead == 1);
    CHECK(r.rowsRejected == 0);
    CHECK(r.episodesCounted == 1);
}
