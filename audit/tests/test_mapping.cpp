// Reading extracts that are not in the contract's layout: column mapping
// (--columns, --mapping), extra columns, wide HES layouts, value mapping, and
// the generator's HES layout giving the same counts as the contract layout.
#include <doctest/doctest.h>

#include <cstdio>

#include "audit/count/activity_scan.h"
#include "audit/generator/activity_generator.h"
#include "audit/read/column_mapping.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

struct Scanned {
    ScanResult result;
    std::vector<std::pair<uint64_t, std::string>> rejects;
};

Scanned scanWith(const Matcher& m, const std::string& path, const ColumnMapping* mapping, unsigned threads = 2,
                 size_t block = size_t{4} << 20) {
    ScanOptions o;
    o.path = path;
    o.mapping = mapping;
    o.threads = threads;
    o.blockSize = block;
    Scanned s;
    ScanHooks hooks;
    hooks.onReject = [&](uint64_t line, std::string_view reason) {
        s.rejects.emplace_back(line, std::string(reason));
        return true;
    };
    s.result = scanActivity(m, o, hooks);
    return s;
}

std::vector<uint64_t> lines(const Scanned& s) {
    std::vector<uint64_t> out;
    for (auto& [line, reason] : s.rejects) out.push_back(line);
    return out;
}

ColumnMapping hesSmallMapping() {
    ColumnMapping m;
    m.addFile(dataPath("hes_small.map"));
    return m;
}

}  // namespace

TEST_CASE("a wide HES-style extract through a mapping file counts what its contract-layout twin counts") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ColumnMapping mapping = hesSmallMapping();
    Scanned hes = scanWith(*m, dataPath("hes_small.csv"), &mapping);
    Scanned contract = scanWith(*m, dataPath("hes_small_contract.csv"), nullptr);
    CHECK(hes.result.mapped);
    CHECK_FALSE(contract.result.mapped);
    CHECK(counts(*m, hes.result.providers) == counts(*m, contract.result.providers));
    // Worked by hand (E01-E18 are activity_small.csv's first rows): snoring E01,
    // E02 (dotted, OPERTN_02 Y534) at RAJ, not E03 (G473 secondary; its '-'
    // position is skipped) nor E04 (aged 17); tonsillectomy E05 (F341 second
    // position) at RAJ and E09 at RBB, not E06 (emergency), E07 (cancer) or E08
    // (OP, and F361); grommets E10 (aged 4) and H19 (STARTAGE 7005 = under one;
    // DIAG_01 '-' skipped, so H653 is primary), not E11 (12); carpal tunnel E12
    // (classpat 'op', any case) and E13 (A65.9, g56.0 second); hysterectomy E16
    // (day case = APC), not E17 (OP) or E18 (sex U = not known).
    std::map<std::string, uint64_t> expected = {
        {"ebi.snoring_surgery/RAJ", 2}, {"ebi.tonsillectomy/RAJ", 1},         {"ebi.tonsillectomy/RBB", 1},
        {"ebi.grommets/RAJ", 2},        {"ebi.carpal_tunnel_release/RBB", 2}, {"ebi.hysterectomy_hmb/RAJ", 1},
    };
    CHECK(counts(*m, hes.result.providers) == expected);
    CHECK(hes.result.rowsRead == 23);
    CHECK(hes.result.ignoredColumns == std::vector<std::string>{"spell_id"});
    CHECK(contract.result.ignoredColumns.empty());

    // The same rows are rejected, and the reasons name the field and the
    // extract's column.
    CHECK(lines(hes) == std::vector<uint64_t>{21, 22, 23, 24});
    CHECK(lines(hes) == lines(contract));
    REQUIRE(hes.rejects.size() == 4);
    CHECK(hes.rejects[0].second == "sex (Sex) 'X' is not a mapped value (1, M, 2, F, 9, 0, U; sex.values in the mapping)");
    CHECK(hes.rejects[1].second == "setting (classpat) '3' is not a mapped value (APC, OP, 1, 2; setting.values in the mapping)");
    CHECK(hes.rejects[2].second == "age (STARTAGE) 'abc' is not a whole number from 0 to 130");
    CHECK(hes.rejects[3].second == "expected 15 fields (as the header has), found 14");

    // One thread or two, any block size: the same.
    for (unsigned threads : {1u, 2u})
        for (size_t block : {size_t{300}, size_t{4096}}) {
            Scanned again = scanWith(*m, dataPath("hes_small.csv"), &mapping, threads, block);
            CHECK(counts(*m, again.result.providers) == expected);
            CHECK(lines(again) == lines(hes));
        }
}

TEST_CASE("declared value maps replace the HES defaults; --columns overrides the file") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ColumnMapping mapping = hesSmallMapping();
    mapping.declare("sex.values", "1:1, 2:2 9:9", "test");
    mapping.declare("setting.values", "1:APC,2:APC,3:APC,OP:OP", "test");
    Scanned s = scanWith(*m, dataPath("hes_small.csv"), &mapping);
    // M, F, U, m are no longer values, so every row is a reject naming the
    // list (sex is checked before age), but for H23's field count.
    CHECK(s.result.episodesCounted == 0);
    REQUIRE(s.rejects.size() == 23);
    CHECK(s.rejects[0].second == "sex (Sex) 'M' is not a mapped value (1, 2, 9; sex.values in the mapping)");
    CHECK(s.rejects[21].second == "sex (Sex) 'M' is not a mapped value (1, 2, 9; sex.values in the mapping)");
    CHECK(s.rejects[22].second == "expected 15 fields (as the header has), found 14");

    ColumnMapping byCommissioner = hesSmallMapping();
    byCommissioner.addColumnsOption("provider=CCG_RESPONSIBILITY, commissioner = procode3");
    Scanned c = scanWith(*m, dataPath("hes_small.csv"), &byCommissioner);
    auto k = counts(*m, c.result.providers);
    CHECK(k["ebi.snoring_surgery/06K"] == 2);
    CHECK(k["ebi.carpal_tunnel_release/07H"] == 2);
}

TEST_CASE("mapping errors name the field, the column and where it was declared") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-mapping");
    ColumnMapping mapping = hesSmallMapping();
    mapping.addColumnsOption("provider=PROCODE");
    CHECK_THROWS_WITH_AS(scanWith(*m, dataPath("hes_small.csv"), &mapping),
                         doctest::Contains("hes_small.csv:1: bad header: provider: no column 'PROCODE' (--columns) (did you "
                                           "mean 'procode3'?)"),
                         AuditError);
    ColumnMapping wide = hesSmallMapping();
    wide.addColumnsOption("diagnoses=DIAG4_*");
    CHECK_THROWS_WITH_AS(
        scanWith(*m, dataPath("hes_small.csv"), &wide),
        doctest::Contains("diagnoses: no column matches 'DIAG4_*' (--columns; '*' stands for the position number)"), AuditError);
    // Not mapped at all: the contract's names, with the near miss offered.
    CHECK_THROWS_WITH_AS(
        scanWith(*m, dataPath("hes_small.csv"), nullptr),
        doctest::Contains("bad header: missing columns episode_id, provider, commissioner, age, "
                          "admission_method, setting, dominant_procedure, procedures, diagnoses, admission_date"),
        AuditError);

    writeFile(dir.file("bad.map"), "# comment\nprovder = PROCODE3\n");
    ColumnMapping bad;
    CHECK_THROWS_WITH_AS(bad.addFile(dir.file("bad.map")),
                         doctest::Contains("bad.map:2: 'provder' is not a field (did you mean 'provider'?)"), AuditError);
    writeFile(dir.file("bad2.map"), "sex.values = M:1, F:3\n");
    CHECK_THROWS_WITH_AS(bad.addFile(dir.file("bad2.map")),
                         doctest::Contains("bad2.map:1: sex.values: 'F:3' maps to 3, which is not 1 (male), 2 (female) or 9"),
                         AuditError);
    writeFile(dir.file("bad3.map"), "age = STARTAGE_*\n");
    CHECK_THROWS_WITH_AS(bad.addFile(dir.file("bad3.map")),
                         doctest::Contains("bad3.map:1: age = STARTAGE_*: only procedures and diagnoses may be spread"),
                         AuditError);
    CHECK_THROWS_WITH_AS(bad.addColumnsOption("provider"), doctest::Contains("--columns: 'provider' is not FIELD=COLUMN"),
                         AuditError);
    CHECK_THROWS_WITH_AS(bad.addFile(dir.file("none.map")), doctest::Contains("none.map: cannot read the mapping file"),
                         AuditError);
}

TEST_CASE("wide columns are taken in number order; extra columns are listed, not refused") {
    ColumnMapping mapping;
    mapping.addColumnsOption("procedures=opertn_*,diagnoses=DIAG_*");
    std::vector<std::string_view> header = {"episode_id",       "provider", "commissioner", "age",           "sex",
                                            "admission_method", "setting",  "DIAG_10",      "OPERTN_2",      "OPERTN_01",
                                            "DIAG_2",           "DIAG_1",   "DIAG_X",       "admission_date"};
    std::string error;
    auto r = resolveHeader(mapping, header, error);
    REQUIRE(r);
    CHECK_FALSE(r->usePlain);
    CHECK(r->mapped.procedureColumns == std::vector<size_t>{9, 8});
    CHECK(r->mapped.diagnosisColumns == std::vector<size_t>{11, 10, 7});
    CHECK(r->mapped.dominantFromProcedures);
    CHECK(r->ignored == std::vector<std::string>{"DIAG_X"});

    // No mapping: contract names in any order, extras ignored, the plain path.
    ColumnMapping none;
    r = resolveHeader(none,
                      {"spell_id", "episode_id", "provider", "commissioner", "age", "sex", "admission_method", "setting",
                       "dominant_procedure", "procedures", "diagnoses", "admission_date"},
                      error);
    REQUIRE(r);
    CHECK(r->usePlain);
    CHECK_FALSE(r->plain.specOrder);
    CHECK(r->plain.fieldCount == 12);
    CHECK(r->plain.at(Column::EpisodeId) == 1);
    CHECK(r->ignored == std::vector<std::string>{"spell_id"});
    // A needed column twice is ambiguous.
    CHECK_FALSE(resolveHeader(none,
                              {"episode_id", "provider", "commissioner", "age", "sex", "admission_method", "setting",
                               "dominant_procedure", "procedures", "diagnoses", "admission_date", "Provider"},
                              error));
    CHECK(error.find("provider: column 'provider' appears 2 times (columns 2 and 12)") != std::string::npos);
}

TEST_CASE("the generator's HES layout and contract layout of the same activity give identical counts") {
    auto rules = ebiRules();
    auto m = rules.compile();
    TempDir dir("cpe-audit-hes-gen");
    GeneratorOptions g;
    g.rows = 30000;
    g.malformedRate = 0.01;
    g.quotedRate = 0.01;
    for (auto [layout, name] :
         {std::pair{GeneratorLayout::Contract, "contract.csv"}, std::pair{GeneratorLayout::Hes, "hes.csv"}}) {
        g.layout = layout;
        std::FILE* f = std::fopen(dir.file(name).c_str(), "wb");
        REQUIRE(generateActivity(g, f));
        std::fclose(f);
    }
    writeFile(dir.file("hes.map"), generatorHesMapping());
    ColumnMapping mapping;
    mapping.addFile(dir.file("hes.map"));
    Scanned contract = scanWith(*m, dir.file("contract.csv"), nullptr);
    Scanned hes = scanWith(*m, dir.file("hes.csv"), &mapping);
    CHECK(contract.result.episodesCounted > 1000);
    CHECK(hes.result.episodesCounted == contract.result.episodesCounted);
    CHECK(counts(*m, hes.result.providers) == counts(*m, contract.result.providers));
    CHECK(hes.result.rowsRead == contract.result.rowsRead);
    CHECK(lines(hes) == lines(contract));
    CHECK(hes.result.ignoredColumns == std::vector<std::string>{"FYEAR", "SPELL_ID"});
    Scanned one = scanWith(*m, dir.file("hes.csv"), &mapping, 1, 5000);
    CHECK(counts(*m, one.result.providers) == counts(*m, contract.result.providers));
}

TEST_CASE("cpe audit --mapping / --columns end to end: the unused columns are named once") {
    TempDir dir("cpe-audit-mapping-cli");
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("hes_small.csv") + " --mapping " +
                       dataPath("hes_small.map") + " --out " + out + " --no-progress",
                   dir);
    CHECK(r.exit == 0);
    CHECK(r.out.find("audit: 23 rows read, 4 rejected, 9 episodes counted") == 0);
    CHECK(r.err == "note: 1 column not used: spell_id\n");
    CHECK(readFile(out + "/activity.csv") ==
          "intervention,provider,episodes\n"
          "ebi.carpal_tunnel_release,RBB,2\n"
          "ebi.grommets,RAJ,2\n"
          "ebi.hysterectomy_hmb,RAJ,1\n"
          "ebi.snoring_surgery,RAJ,2\n"
          "ebi.tonsillectomy,RAJ,1\n"
          "ebi.tonsillectomy,RBB,1\n");
    CHECK(readFile(out + "/rejects.csv").find("\n23,age (STARTAGE) 'abc' is not a whole number from 0 to 130\n") !=
          std::string::npos);

    r = runCpe("audit --format json --policies " + dataPath("policies") + " --activity " + dataPath("hes_small.csv") +
                   " --mapping " + dataPath("hes_small.map") + " --columns provider=PROCODE --out " + out,
               dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("error: ") == 0);
    CHECK(r.err.find("provider: no column 'PROCODE' (--columns)") != std::string::npos);
}

TEST_CASE("rejects that go back to providers: rejects_detail.csv and rejects_summary.csv") {
    TempDir dir("cpe-audit-rejects-detail");
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") + " --out " +
                       out + " --no-progress",
                   dir);
    REQUIRE(r.exit == 0);
    // activity_small.csv's ten rejects (see test_engine_audit), each with the
    // id and provider its row has; E27's stray quote still has its fields.
    CHECK(readFile(out + "/rejects_detail.csv") ==
          "line,episode_id,provider,reason\n"
          "20,E19,RBB,age 'abc' is not a whole number from 0 to 130\n"
          "21,E20,RBB,admission_date '2024-13-01' is not a date YYYY-MM-DD\n"
          "22,E21,RBB,\"expected 11 fields, found 10\"\n"
          "23,E22,RBB,\"sex 'X' is not 1 (male), 2 (female) or 9 (not known)\"\n"
          "24,E23,RBB,setting 'AE' is not APC or OP\n"
          "25,E24,RBB,admission_method '1' is not two characters\n"
          "26,,RBB,empty episode_id\n"
          "27,E26,,empty provider\n"
          "28,E27,RBB,quote inside an unquoted field (quote the whole field and double inner quotes)\n"
          "35,E34,RAJ,\"expected 11 fields, found 12\"\n");
    std::string summary = readFile(out + "/rejects_summary.csv");
    CHECK(summary.find("provider,reason,rows\n,empty provider,1\nRAJ,\"expected 11 fields, found 12\",1\n") == 0);
    CHECK(summary.find("\nRBB,age is not a whole number from 0 to 130,1\n") != std::string::npos);
    // The contract's rejects.csv is as it was.
    CHECK(readFile(out + "/rejects.csv").find("line,reason\n20,age 'abc' is not a whole number from 0 to 130\n") == 0);

    // Through a mapping, the extract's own ids.
    r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("hes_small.csv") + " --mapping " +
                   dataPath("hes_small.map") + " --out " + out + " --no-progress",
               dir);
    REQUIRE(r.exit == 0);
    CHECK(readFile(out + "/rejects_detail.csv").find("\n21,H20,RAJ,") != std::string::npos);
    CHECK(readFile(out + "/rejects_summary.csv")
              .find("RAJ,\"sex (Sex) is not a mapped value (1, M, 2, F, 9, 0, U; sex.values in "
                    "the mapping)\",1\n") != std::string::npos);
}
