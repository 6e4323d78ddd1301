// The care audit (`cpe audit --care`): hand-worked case files whose every
// figure is worked out below, the same cases as CSV with mapped columns, and
// every rejection reason.
//
// tests/data/care/care_small.ndjson (line: case):
//   1 C01 mse  referral 04-01, decided 04-29: day 28, within. Checklist two A
//              (positive), DST two severe: chc.dst eligible, recorded eligible (agree).
//   2 C02 mse  referral 04-01, decided 04-30: day 29, late. DST all "no":
//              not_eligible, recorded not_eligible (agree).
//   3 C03 hwe  16 days. DST one severe + high + moderates: the policy bands
//              review; recorded eligible (a review case, not a disagreement).
//   4 C04 hwe  42 days, late. DST all "no" but recorded eligible: disagreement.
//   5 C05 snee Fast Track, decided the next day: reported apart, meets chc.fast_track.
//   6 C06 snee positive Checklist, no full assessment, decided in 9 days.
//   7 C07 snee Checklist all C (not positive), no decision yet: open.
//   8 C08 mse  14 days. DST two severe (eligible) but recorded not_eligible: disagreement.
//   9-12       rejected: no referral_received; decision_date 2026-02-30;
//              locality "msee"; dst_continence "severe" (the DST caps it at high).
//  13 P01 mse  section 3, plan agreed 2 days before discharge: by discharge.
//  14 P02 mse  section 37/41, plan agreed the day after discharge: 1 day late.
//  15 P03 hwe  section 2 alone: s117.aftercare not eligible, in no share.
//  16 P04 snee section 3, no plan: listed.
//  17 P05 hwe  section 3, plan agreed on the discharge day: by discharge.
//  18-19       rejected: no discharge_date; plan_agreed "01/06/2026".
// 28 days (not Fast Track): mse 28, 29, 14 -> 2 of 3 within, median 28, p90
// (type 7: h = 1.8) 28 + 0.8 = 28.8; hwe 16, 42 -> 1 of 2, median 29, p90
// 16 + 0.9 x 26 = 39.4; snee 9 -> 1 of 1, one open (C07); overall 9, 14, 16,
// 28, 29, 42 -> 4 of 6, median 22, p90 (h = 4.5) 35.5.
// Conversion: positive Checklists mse 3 (all assessed), hwe 2 (both), snee 1
// (none): 5 of 6. Assessments decided: mse 1 eligible of 3, hwe 2 of 2: 3 of 5.
// Consistency: compared mse 3 (2 agree), hwe 1 (0 agree, and C03 review
// recorded eligible): 2 of 4 overall. Section 117: eligible mse 2 (1 by
// discharge, P02 one day after), hwe 1 (by discharge; P03 not eligible),
// snee 1 (no plan): 2 of 4 overall. Trends (by month, expected/care_trends.csv):
// within 28 days April mse 1 of 2 (C01 day 28, C02 day 29), May hwe 1 of 1,
// June hwe 0 of 1 (C04) and snee 1 of 1, July mse 1 of 1.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "audit/care/care_csv.h"
#include "audit/care/care_record.h"
#include "audit/care_audit.h"
#include "audit/generator/care_generator.h"
#include "audit/read/byte_source.h"
#include "audit/tests/test_support.h"
#include "engine/library/policy_library.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

const cpe::PolicyLibrary& boardLibrary() {
    static std::shared_ptr<const cpe::PolicyLibrary> lib = [] {
        cpe::Diagnostics diags;
        std::shared_ptr<cpe::SourceSet> sources;
        auto l = cpe::PolicyLibrary::load({std::string(CPE_SOURCE_DIR) + "/policies"}, diags, sources);
        if (!l) FAIL(diags.render(*sources));
        return l;
    }();
    return *lib;
}

const char* const kOutputs[] = {"care_28day.csv",      "care_late.csv",        "care_fast_track.csv",
                                "care_conversion.csv", "care_consistency.csv", "care_consistency_cases.csv",
                                "s117_aftercare.csv",  "s117_gaps.csv",        "care_trends.csv"};

std::string care(const std::string& name) { return dataPath("care/" + name); }

CareRead readLine(const std::string& line) { return readCareLine(line, Localities()); }

}  // namespace

TEST_CASE("care audit: the hand-worked NDJSON file gives the worked figures") {
    TempDir dir("cpe-care");
    CareAuditOptions o;
    o.carePath = care("care_small.ndjson");
    o.outDir = dir.file("out");
    CareAuditSummary s = runCareAudit(boardLibrary(), o);
    CHECK(s.recordsRead == 19);
    CHECK(s.recordsRejected == 6);
    CHECK(s.chcRecords == 8);
    CHECK(s.s117Records == 5);
    for (const char* f : kOutputs) {
        CAPTURE(f);
        CHECK(readFile(o.outDir + "/" + f) == readFile(care(std::string("expected/") + f)));
    }
    CHECK(readFile(o.outDir + "/rejects.csv") == readFile(care("expected/rejects.csv")));
    // One and three threads agree.
    for (unsigned t : {1u, 3u}) {
        o.threads = t;
        o.outDir = dir.file("out" + std::to_string(t));
        runCareAudit(boardLibrary(), o);
        for (const char* f : kOutputs) CHECK(readFile(o.outDir + "/" + f) == readFile(care(std::string("expected/") + f)));
    }
}

TEST_CASE("care audit: the same cases as CSV with mapped columns give the same figures") {
    TempDir dir("cpe-care-csv");
    CareAuditOptions o;
    o.carePath = care("care_small.csv");
    o.outDir = dir.file("out");
    o.columns = parseCareColumns("id=case_ref, locality=AREA");
    CareAuditSummary s = runCareAudit(boardLibrary(), o);
    CHECK(s.recordsRead == 19);
    CHECK(s.recordsRejected == 6);
    for (const char* f : kOutputs) {
        CAPTURE(f);
        CHECK(readFile(o.outDir + "/" + f) == readFile(care(std::string("expected/") + f)));
    }
    // The same reasons; the header is line 1, so each row is one line further on.
    std::string rejects = readFile(o.outDir + "/rejects.csv");
    CHECK(rejects.find("\n10,\"missing date 'referral_received'") != std::string::npos);
    CHECK(rejects.find("\n12,\"unknown locality 'msee' (did you mean 'mse'?); declared: hwe, mse, snee [locality]\"\n") !=
          std::string::npos);
    CHECK(rejects.find("\n20,\"'plan_agreed' must be a date \"\"YYYY-MM-DD\"\", got \"\"01/06/2026\"\" [plan_agreed]\"\n") !=
          std::string::npos);
}

TEST_CASE("care records: every malformed record is refused with its reason and member") {
    auto bad = [](const std::string& line, const std::string& field, const std::string& start) {
        CareRead r = readLine(line);
        CAPTURE(line);
        CHECK(r.field == field);
        CHECK(r.error.rfind(start, 0) == 0);
    };
    const std::string chc = R"("record":"chc","locality":"mse","referral_received":"2026-04-01")";
    bad("", "", "a care record is empty");
    bad("[1]", "", "a care record must be a JSON object");
    bad("{\"id\":\"x\"", "", "");  // the JSON reader's own message
    bad("{" + chc + "}", "id", "'id' must be a non-empty string");
    bad(R"({"id":"x","record":"ehc","locality":"mse"})", "record", "'record' must be \"chc\"");
    bad(R"({"id":"x","record":"chc"})", "locality", "'locality' must be a non-empty string");
    bad(R"({"id":"x","record":"chc","locality":"Mse","referral_received":"2026-04-01"})", "locality",
        "unknown locality 'Mse' (did you mean 'mse'?)");
    bad(R"({"id":"x",)" + chc + R"(,"decison_date":"2026-04-02"})", "decison_date",
        "unknown member 'decison_date' (did you mean 'decision_date'?)");
    bad(R"({"id":"x",)" + chc + R"(,"discharge_date":"2026-04-02"})", "discharge_date",
        "'discharge_date' belongs to a Section 117 record");
    bad(R"({"id":"x","record":"s117","locality":"mse","discharge_date":"2026-04-02","decision_date":"2026-04-02"})",
        "decision_date", "'decision_date' belongs to a continuing-care record");
    bad(R"({"id":"x",)" + chc + R"(,"decision_date":"2026-13-01","recorded_decision":"eligible"})", "decision_date",
        "'decision_date' must be a date \"YYYY-MM-DD\", got \"2026-13-01\"");
    bad(R"({"id":"x",)" + chc + R"(,"decision_date":20260401,"recorded_decision":"eligible"})", "decision_date",
        "'decision_date' must be a date \"YYYY-MM-DD\", got 20260401");
    bad(R"({"id":"x",)" + chc + R"(,"recorded_decision":"eligible"})", "decision_date", "missing date 'decision_date'");
    bad(R"({"id":"x",)" + chc + R"(,"decision_date":"2026-04-02"})", "recorded_decision", "'decision_date' is given but not");
    bad(R"({"id":"x",)" + chc + R"(,"decision_date":"2026-03-31","recorded_decision":"eligible"})", "decision_date",
        "'decision_date' 2026-03-31 is before 'referral_received' 2026-04-01");
    bad(R"({"id":"x",)" + chc + R"(,"decision_date":"2026-04-02","recorded_decision":"yes"})", "recorded_decision",
        "'recorded_decision' must be \"eligible\" or \"not_eligible\"");
    bad(R"({"id":"x",)" + chc + R"(,"fast_track":"yes"})", "fast_track", "'fast_track' must be true or false");
    bad(R"({"id":"x",)" + chc + R"(,"facts":{"dst_breathing":"high"}})", "dst_date", "missing date 'dst_date'");
    bad(R"({"id":"x",)" + chc + R"(,"facts":[]})", "facts", "'facts' must be a JSON object");

    CareRead ok = readLine(R"({"id":7,"record":"s117","locality":"snee","discharge_date":"2026-04-02"})");
    REQUIRE(ok.ok());
    CHECK(ok.record.id == "7");
    CHECK(ok.record.facts["left_hospital"] == true);  // a discharge date says the person left hospital
    CHECK(ok.record.asOfDay == ok.record.dischargeDate);
}

TEST_CASE("care audit: declared localities, bad headers and options stop the run with a clear message") {
    TempDir dir("cpe-care-err");
    writeFile(dir.file("localities.txt"), "# places\nnorth\n\nsouth\n");
    Localities l = Localities::fromFile(dir.file("localities.txt"));
    CHECK(l.names() == std::vector<std::string>{"north", "south"});
    CHECK(readCareLine(R"({"id":"x","record":"s117","locality":"north","discharge_date":"2026-04-02"})", l).ok());
    CHECK(readCareLine(R"({"id":"x","record":"s117","locality":"mse","discharge_date":"2026-04-02"})", l).error ==
          "unknown locality 'mse'; declared: north, south");
    writeFile(dir.file("twice.txt"), "north\nnorth\n");
    CHECK_THROWS_WITH_AS(Localities::fromFile(dir.file("twice.txt")),
                         (dir.file("twice.txt") + ":2: locality 'north' is listed twice").c_str(), AuditError);

    CHECK_THROWS_WITH_AS(parseCareColumns("id=ref,locallity=area"),
                         "--columns: unknown field 'locallity' (did you mean 'locality'?)", AuditError);
    CHECK_THROWS_WITH_AS(parseCareColumns("id"), "--columns: 'id' is not field=COLUMN", AuditError);

    CareAuditOptions o;
    o.outDir = dir.file("out");
    o.carePath = dir.file("bad.csv");
    writeFile(o.carePath, "id,record,locality,referal_received\n");
    CHECK_THROWS_WITH_AS(runCareAudit(boardLibrary(), o),
                         (o.carePath + ":1: unknown column 'referal_received' (did you mean 'referral_received'?): not a care "
                                       "record field (see cpe audit --help) nor a fact any loaded policy declares")
                             .c_str(),
                         AuditError);
    writeFile(o.carePath, "id,record,locality\nx,chc,mse\n");
    o.columns = parseCareColumns("referral_received=received");
    CHECK_THROWS_WITH_AS(
        runCareAudit(boardLibrary(), o),
        (o.carePath + ":1: --columns maps referral_received to 'received', but the header has no such column").c_str(),
        AuditError);
    o.columns.clear();
    writeFile(o.carePath, "id,record,locality,referral_received,checklist\nx,chc,mse,2026-04-01,a|b\ny,chc,mse\n");
    runCareAudit(boardLibrary(), o);
    CHECK(readFile(o.outDir + "/rejects.csv") ==
          "line,reason\n2,\"'checklist' must hold 11 levels separated by |, got 2: \"\"a|b\"\"\"\n"
          "3,\"wrong field count: 3 fields, the header has 5\"\n");
    o.strict = true;
    CHECK_THROWS_WITH_AS(runCareAudit(boardLibrary(), o),
                         (o.carePath + ":2: 'checklist' must hold 11 levels separated by |, got 2: \"a|b\"").c_str(), AuditError);
}

TEST_CASE("cpe audit --care end to end") {
    TempDir dir("cpe-care-cli");
    std::string cmd = std::string(CPE_BINARY) + " audit --policies " + CPE_SOURCE_DIR + "/policies --care " +
                      care("care_small.ndjson") + " --out " + dir.file("out") + " >" + dir.file("stdout.txt") + " 2>&1";
    int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(readFile(dir.file("stdout.txt"))
              .rfind("care audit: 19 records read, 6 rejected, 8 continuing care and 5 Section 117 "
                     "audited in ",
                     0) == 0);
    CHECK(readFile(dir.file("out/care_28day.csv")) == readFile(care("expected/care_28day.csv")));
    CHECK(std::filesystem::exists(dir.file("out/report.html")));
    // --trend month and --benchmark: the funnels' target is the benchmark.
    cmd = std::string(CPE_BINARY) + " audit --policies " + CPE_SOURCE_DIR + "/policies --care " + care("care_small.ndjson") +
          " --trend month --benchmark conversion=0.2 --out " + dir.file("m") + " >" + dir.file("stdout.txt") + " 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::string trends = readFile(dir.file("m/care_trends.csv"));
    CHECK(trends.find("\nwithin_28_days,month,2026-04-01,mse,1,2,0.5\n") != std::string::npos);
    CHECK(trends.find("\nwithin_28_days,month,2026-06-01,hwe,0,1,0\n") != std::string::npos);
    std::string funnels = readFile(dir.file("m/care_funnels.csv"));
    CHECK(funnels.find("\nconversion,mse,1,3,0.333333,0.2,benchmark,") != std::string::npos);
    CHECK(funnels.find("\nwithin_28_days,mse,2,3,0.666667,0.666667,overall,") != std::string::npos);
    for (const char* bad : {"conversion=1.5", "conversion", "rate=0.2"}) {
        cmd = std::string(CPE_BINARY) + " audit --policies " + CPE_SOURCE_DIR + "/policies --care " + care("care_small.ndjson") +
              " --benchmark " + bad + " --out " + dir.file("b") + " >" + dir.file("stdout.txt") + " 2>&1";
        status = std::system(cmd.c_str());
        CAPTURE(bad);
        CHECK(WEXITSTATUS(status) == 2);
        CHECK(readFile(dir.file("stdout.txt")).find("error: --benchmark: ") != std::string::npos);
    }

    cmd = std::string(CPE_BINARY) + " audit --care " + care("care_small.ndjson") + " --cases x --out " + dir.file("o2") + " >" +
          dir.file("stdout.txt") + " 2>&1";
    status = std::system(cmd.c_str());
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(readFile(dir.file("stdout.txt")).find("give one of --activity FILE or --query SQL") != std::string::npos);
}

// The generator's records audited, against an independent calculation in
// Python (tests/care_reference.py: the Checklist, DST and s117 rules written
// again, Python's dates, type 7 quantiles) over the same file.
TEST_CASE("care audit: generated records give the figures an independent calculation gives") {
    TempDir dir("cpe-care-gen");
    const std::string records = dir.file("records.ndjson");
    {
        CareGeneratorOptions g;
        g.records = 9000;  // two years: some 3,750 referrals and 750 discharges a year
        g.seed = 7;
        std::FILE* f = std::fopen(records.c_str(), "wb");
        REQUIRE(f);
        REQUIRE(generateCareRecords(g, f));
        std::fclose(f);
    }
    CareAuditOptions o;
    o.carePath = records;
    o.outDir = dir.file("out");
    CareAuditSummary s = runCareAudit(boardLibrary(), o);
    CHECK(s.recordsRead == 9000);
    CHECK(s.recordsRejected == 0);

    const std::string cmd =
        "python3 " + std::string(CPE_SOURCE_DIR) + "/audit/tests/care_reference.py " + records + " >" + dir.file("reference.txt");
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::istringstream reference(readFile(dir.file("reference.txt")));
    std::map<std::string, std::vector<std::string>> header;  // file -> columns
    size_t compared = 0;
    for (std::string line; std::getline(reference, line);) {
        // file,locality,column=value
        auto c1 = line.find(','), c2 = line.find(',', c1 + 1), eq = line.find('=', c2);
        std::string file = line.substr(0, c1), locality = line.substr(c1 + 1, c2 - c1 - 1);
        std::string column = line.substr(c2 + 1, eq - c2 - 1), want = line.substr(eq + 1);
        std::istringstream csv(readFile(o.outDir + "/" + file));
        std::string head, row;
        std::getline(csv, head);
        std::vector<std::string> names;
        for (std::istringstream h(head); std::getline(h, row, ',');) names.push_back(row);
        auto at = std::find(names.begin(), names.end(), column);
        CAPTURE(column);
        REQUIRE(at != names.end());
        std::string got = "<no row>";
        while (std::getline(csv, row)) {
            std::vector<std::string> cells;
            for (std::istringstream r(row); std::getline(r, head, ',');) cells.push_back(head);
            if (row.back() == ',') cells.push_back("");
            if (!cells.empty() && cells[0] == locality) got = cells[static_cast<size_t>(at - names.begin())];
        }
        CAPTURE(line);
        CHECK(got == want);
        ++compared;
    }
    CHECK(compared == 4 * 23);

    // The generator's known shares come through: late decisions 20% x (0.3 x 0.8 + 0.45 x 1.4 + 0.25 x 0.6)
    // = 20.4% of decisions, most in mse; a few per cent of recordings disagree with the band.
    std::string days = readFile(o.outDir + "/care_28day.csv");
    auto overall = days.substr(days.find("\noverall,") + 9);
    uint64_t decisions = std::stoull(overall), within = std::stoull(overall.substr(overall.find(',') + 1));
    double late = 1 - double(within) / double(decisions);
    CHECK(late > 0.17);
    CHECK(late < 0.24);
}
