// The audit with the real engine: coding rules written as policies
// (tests/data/policies/ebi_coding.cpl), checked by the checker, selected by
// version, and the `cpe audit` command end to end.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <map>

#include "audit/case_audit.h"
#include "audit/count/activity_scan.h"
#include "audit/generator/activity_generator.h"
#include "audit/match/policy_rules.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"
#include "engine/library/policy_library.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

std::shared_ptr<const cpe::PolicyLibrary> loadText(const std::string& text) {
    auto sources = std::make_shared<cpe::SourceSet>();
    sources->add("test.cpl", text);
    cpe::Diagnostics diags;
    auto lib = cpe::PolicyLibrary::fromSources(sources, diags);
    if (!lib) FAIL(diags.render(*sources));
    return lib;
}

std::shared_ptr<const cpe::PolicyLibrary> loadPath(const std::string& path) {
    cpe::Diagnostics diags;
    std::shared_ptr<cpe::SourceSet> sources;
    auto lib = cpe::PolicyLibrary::load({path}, diags, sources);
    if (!lib) FAIL(diags.render(*sources));
    return lib;
}

std::unique_ptr<Matcher> compileLibrary(const cpe::PolicyLibrary& lib, int day = 20600) {
    std::vector<std::string> errors;
    auto selection = selectCodingRules(lib, day, {}, errors);
    REQUIRE(errors.empty());
    auto m = Matcher::compile(selection.rules, libraryCodesets(lib), &lib.sources(), errors);
    if (!m) FAIL(errors.front());
    return m;
}

ScanResult scanFile(const Matcher& m, const std::string& path) {
    ScanOptions o;
    o.path = path;
    return scanActivity(m, o, {});
}

const std::string kSource = CPE_SOURCE_DIR;

}  // namespace

TEST_CASE("the 17 EBI coding rules as policies count what the hand-built rules count") {
    auto lib = loadPath(dataPath("policies"));
    auto fromPolicies = compileLibrary(*lib);
    CHECK(fromPolicies->size() == 17);
    auto rules = ebiRules();
    auto handBuilt = rules.compile();
    std::map<std::string, std::string> a, b;
    for (size_t r = 0; r < 17; ++r) {
        a[fromPolicies->intervention(r)] = fromPolicies->describe(r);
        b[handBuilt->intervention(r)] = handBuilt->describe(r);
    }
    CHECK(a == b);

    ScanResult small = scanFile(*fromPolicies, dataPath("activity_small.csv"));
    CHECK(small.episodesCounted == 14);
    CHECK(small.rowsRejected == 10);

    // Generated activity exercises every rule, near misses included.
    TempDir dir("cpe-audit-engine");
    GeneratorOptions g;
    g.rows = 40000;
    g.malformedRate = 0.001;
    std::FILE* f = std::fopen(dir.file("gen.csv").c_str(), "wb");
    REQUIRE(generateActivity(g, f));
    std::fclose(f);
    ScanResult result = scanFile(*fromPolicies, dir.file("gen.csv"));
    ScanResult expected = scanFile(*handBuilt, dir.file("gen.csv"));
    CHECK(result.episodesCounted > 1000);
    CHECK(counts(*fromPolicies, result.providers) == counts(*handBuilt, expected.providers));
    for (size_t r = 0; r < 17; ++r) {
        CAPTURE(fromPolicies->intervention(r));
        CHECK(result.providers.total(r) > 0);
    }
}

TEST_CASE("the version in force on the reference date is audited") {
    auto lib = loadText(R"(
module m { codeset cancer_exclusion = { C00-C97 } }
policy ebi.x {
    title "Old" version "2025-01-01" effective 2025-01-01 until 2025-12-31
    route criteria based
    use m
    decide { otherwise review }
    coding = primary procedure in {F341}
}
policy ebi.x {
    title "New" version "2026-01-01" effective 2026-01-01
    route criteria based
    use m
    decide { otherwise review }
    coding = primary procedure in {F342}
}
policy ebi.y {
    title "No coding" version "2026-01-01" effective 2026-01-01
    route criteria based
    decide { otherwise review }
}
)");
    std::vector<std::string> errors;
    int32_t day = 0;
    REQUIRE(parseIsoDate("2025-06-01", day));
    auto old = selectCodingRules(*lib, day, {}, errors);
    REQUIRE(old.rules.size() == 1);
    CHECK(old.rules[0].title == "Old");
    REQUIRE(parseIsoDate("2025-12-31", day));
    CHECK(selectCodingRules(*lib, day, {}, errors).rules[0].title == "Old");  // `until` is the last day in force
    REQUIRE(parseIsoDate("2026-06-01", day));
    auto current = selectCodingRules(*lib, day, {}, errors);
    CHECK(current.rules[0].title == "New");
    CHECK(current.notes.empty());
    REQUIRE(parseIsoDate("2020-01-01", day));
    auto early = selectCodingRules(*lib, day, {}, errors);
    CHECK(early.rules[0].title == "Old");  // the rule as first adopted
    REQUIRE(early.notes.size() == 1);
    CHECK(early.notes[0].find("no version is in force on 2020-01-01") != std::string::npos);

    selectCodingRules(*lib, day, {"ebi.y", "ebi.z"}, errors);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == "--policy ebi.y: this policy has no coding rule, so the audit cannot count it");
    CHECK(errors[1].find("--policy ebi.z: no such policy") == 0);
}

TEST_CASE("cpe audit: the small file end to end") {
    TempDir dir("cpe-audit-cli");
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") + " --out " +
                       out + " --as-of 2026-06-01",
                   dir);
    CHECK(r.exit == 0);
    CHECK(r.out.find("audit: 35 rows read, 10 rejected, 14 episodes counted in ") == 0);
    CHECK(readFile(out + "/activity.csv") ==
          "intervention,provider,episodes\n"
          "ebi.carpal_tunnel_release,RBB,2\n"
          "ebi.grommets,RAJ,1\n"
          "ebi.hysterectomy_hmb,RAJ,1\n"
          "ebi.knee_arthroscopy_oa,RBB,1\n"
          "ebi.shoulder_decompression,RAJ,1\n"
          "ebi.snoring_surgery,RAJ,2\n"
          "ebi.snoring_surgery,RBB,1\n"
          "ebi.tonsillectomy,RAJ,2\n"
          "ebi.tonsillectomy,RBB,1\n"
          "ebi.varicose_veins,RAJ,2\n");
    std::string variation = readFile(out + "/variation.csv");
    CHECK(variation.find("intervention,providers,episodes,min,p10,p25,p50,p75,p90,max,n_fold\n") == 0);
    CHECK(variation.find("\nebi.snoring_surgery,3,3,0,0.2,0.5,1,1.5,1.8,2,9\n") != std::string::npos);
    CHECK(variation.find("\nebi.grommets,3,1,0,0,0,0,0.5,0.8,1,\n") != std::string::npos);
    CHECK(variation.find("\nebi.carpal_tunnel_release,3,2,0,0,0,0,1,1.6,2,\n") != std::string::npos);
    CHECK(variation.find("\nebi.back_pain_injection,3,0,0,0,0,0,0,0,0,\n") != std::string::npos);
    std::string rejects = readFile(out + "/rejects.csv");
    CHECK(rejects.find("line,reason\n20,age 'abc' is not a whole number from 0 to 130\n") == 0);
    CHECK(rejects.find("\n22,\"expected 11 fields, found 10\"\n") != std::string::npos);
    CHECK(rejects.find("\n35,\"expected 11 fields, found 12\"\n") != std::string::npos);
    std::string report = readFile(out + "/report.html");
    CHECK(report.find("<svg") != std::string::npos);
    // A policy's title heads its section, with the id beside it.
    CHECK(report.find("<h2>Surgery for snoring (without sleep apnoea)<span class=\"id\">ebi.snoring_surgery</span></h2>") !=
          std::string::npos);

    // --from/--to, and JSON output.
    r = runCpe("--format json audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") +
                   " --out " + out + " --from 2024-04-01 --to 2025-03-31",
               dir);
    CHECK(r.exit == 0);
    CHECK(r.out.find("\"rows_read\":35,\"rows_rejected\":10,\"rows_outside_period\":2,\"episodes_counted\":12") !=
          std::string::npos);
}

TEST_CASE("cpe audit: rates by commissioner with a population file") {
    TempDir dir("cpe-audit-pop");
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") +
                       " --population " + dataPath("population_small.csv") + " --out " + out,
                   dir);
    CHECK(r.exit == 0);
    // Snoring: 06K 2 episodes / 100,000 = 2.0; 07H 1 / 50,000 = 2.0; 99X none = 0.
    // Sorted 0, 2, 2: p10 = 0.4 (h = 0.2), p25 = 1 (h = 0.5), p90 = 2, n-fold 5.
    std::string variation = readFile(out + "/variation.csv");
    CHECK(variation.find("\nebi.snoring_surgery,3,3,0,0.4,1,2,2,2,2,5\n") != std::string::npos);
    std::string byCommissioner = readFile(out + "/activity_by_commissioner.csv");
    CHECK(byCommissioner.find("ebi.snoring_surgery,06K,2,100000,2\n") != std::string::npos);
    CHECK(byCommissioner.find("ebi.snoring_surgery,99X,0,20000,0\n") != std::string::npos);
    // activity.csv stays by provider.
    CHECK(readFile(out + "/activity.csv").find("ebi.snoring_surgery,RAJ,2\n") != std::string::npos);

    r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") + " --population " +
                   dataPath("population_small.csv") + " --by provider --out " + out,
               dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("cannot be used with --by provider") != std::string::npos);
}

TEST_CASE("cpe audit: errors are clear and name the file") {
    TempDir dir("cpe-audit-errors");
    std::string out = dir.file("out");
    std::string base = "audit --policies " + dataPath("policies") + " --out " + out;
    Run r = runCpe(base + " --activity " + dataPath("activity_small.csv") + " --strict", dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("activity_small.csv:20: age 'abc' is not a whole number from 0 to 130 (--strict") != std::string::npos);

    writeFile(dir.file("bad_header.csv"), "episode_id,provider,commissioner,age,sex,admission,setting\n");
    r = runCpe(base + " --activity " + dir.file("bad_header.csv"), dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("bad_header.csv:1: bad header: missing columns admission_method, dominant_procedure, procedures, "
                     "diagnoses, admission_date (name a field's column with --columns FIELD=COLUMN or a --mapping file; the "
                     "header also has admission) (expected: episode_id, provider,") != std::string::npos);

    r = runCpe(base + " --activity " + dir.file("nope.csv"), dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("nope.csv: cannot open: No such file or directory") != std::string::npos);

    r = runCpe(base + " --activity " + dataPath("activity_small.csv") + " --from 2024-02-30", dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("--from: '2024-02-30' is not a date YYYY-MM-DD") != std::string::npos);

    r = runCpe(base + " --activity " + dataPath("activity_small.csv") + " --cases x.ndjson", dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("give one of --activity FILE or --query SQL") != std::string::npos);

    r = runCpe(base + " --activity " + dataPath("activity_small.csv") + " --policy ebi.tonsilectomy", dir);
    CHECK(r.exit == 2);
    CHECK(r.err.find("--policy ebi.tonsilectomy: no such policy (did you mean 'ebi.tonsillectomy'?)") != std::string::npos);
}

TEST_CASE("cpe audit --cases: outcomes by policy and provider") {
    TempDir dir("cpe-audit-cases");
    std::string out = dir.file("out");
    Run r = runCpe(
        "audit --policies " + dataPath("case_policies") + " --cases " + dataPath("cases_small.ndjson") + " --out " + out, dir);
    CHECK(r.exit == 0);
    CHECK(r.out.find("case audit: 10 cases read, 4 rejected, 6 decided") == 0);
    // Worked by hand: c1 eligible, c2 not eligible (age 14), c3 undetermined
    // (bilateral unknown) at RAJ; c4 review, c5 not eligible, c11 eligible at RBB.
    CHECK(readFile(out + "/compliance.csv") ==
          "policy,provider,cases,eligible,not_eligible,review,undetermined\n"
          "casetest.grommets,RAJ,3,1,1,0,1\n"
          "casetest.grommets,RBB,3,1,1,1,0\n");
    std::string rejects = readFile(out + "/rejects.csv");
    CHECK(rejects.find("line,reason\n7,") == 0);
    CHECK(rejects.find("\n8,'provider' must be a non-empty string") != std::string::npos);
    CHECK(rejects.find("\n9,unknown_policy") != std::string::npos);
    CHECK(rejects.find("\n10,unknown_fact") != std::string::npos);
    // The cases that did not meet the policy, with the criteria that decided
    // them: c2 is too old; c3 lacks both facts its decision could turn on;
    // c5 has neither special needs nor bilateral effusion.
    CHECK(readFile(out + "/case_findings.csv") ==
          "line,id,policy,provider,outcome,reasons,missing_facts\n"
          "2,c2,casetest.grommets,RAJ,not_eligible,Aged 12 or over: yes,\n"
          "3,c3,casetest.grommets,RAJ,undetermined,Down syndrome or cleft palate: not known; Effusion in both ears: not "
          "known,down_syndrome_or_cleft_palate|ome_bilateral\n"
          "5,c5,casetest.grommets,RBB,not_eligible,Down syndrome or cleft palate: no; Effusion in both ears: no,\n");
    const std::string report = readFile(out + "/report.html");
    CHECK(report.find("<h2>casetest.grommets</h2>") != std::string::npos);
    CHECK(report.find("aria-label=\"Funnel plot for casetest.grommets\"") != std::string::npos);
    CHECK(report.find("<code>down_syndrome_or_cleft_palate</code>") != std::string::npos);

    // Two threads and one give the same files.
    cpe::Diagnostics diags;
    std::shared_ptr<cpe::SourceSet> sources;
    auto lib = cpe::PolicyLibrary::load({dataPath("case_policies")}, diags, sources);
    REQUIRE(lib);
    std::string many;
    std::string text = readFile(dataPath("cases_small.ndjson"));
    for (int i = 0; i < 500; ++i) many += text;
    writeFile(dir.file("many.ndjson"), many);
    CaseAuditOptions o;
    o.casesPath = dir.file("many.ndjson");
    o.outDir = dir.file("one");
    o.threads = 1;
    CaseAuditSummary one = runCaseAudit(*lib, o);
    o.outDir = dir.file("two");
    o.threads = 2;
    CaseAuditSummary two = runCaseAudit(*lib, o);
    CHECK(one.casesDecided == 3000);
    CHECK(two.casesDecided == 3000);
    CHECK(readFile(dir.file("one/compliance.csv")) == readFile(dir.file("two/compliance.csv")));
    CHECK(readFile(dir.file("one/rejects.csv")) == readFile(dir.file("two/rejects.csv")));
    CHECK(readFile(dir.file("one/case_findings.csv")) == readFile(dir.file("two/case_findings.csv")));
    CHECK(readFile(dir.file("one/compliance.csv")).find("casetest.grommets,RAJ,1500,500,500,0,500\n") != std::string::npos);
}
