// Rules in force on each episode's date (match/rule_schedule.h): the
// date -> program table, the counts each version made, versions.csv, the
// report's "Rules applied" section and the summary, worked by hand on seven
// rows that straddle a policy change.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include "audit/activity_audit.h"
#include "audit/match/rule_schedule.h"
#include "audit/tests/test_support.h"
#include "engine/library/policy_library.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

// ebi.x counts F341 until the end of 2025 and F342 from 2026; ebi.w has
// one version, adopted 2025-03-01, counting Q07.
const char* kPolicies = R"(
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
policy ebi.w {
    title "W" version "2025-03-01" effective 2025-03-01
    route criteria based
    use m
    decide { otherwise review }
    coding = primary procedure in {Q07}
}
)";

// Row 1 is dated before any version of ebi.x: the first one adopted (Old)
// judges it. Old counts rows 1, 2 and 4 (F341 up to its last day, 2025-12-31)
// and not row 3 (F342); New judges rows 5 to 7 and counts row 6 (F342), not
// row 5 (F341). ebi.w counts row 7 only.
const char* kActivity =
    "episode_id,provider,commissioner,age,sex,admission_method,setting,dominant_procedure,procedures,diagnoses,admission_date\n"
    "e1,RAJ,C1,40,1,11,APC,F341,F341,,2024-11-05\n"
    "e2,RAJ,C1,40,1,11,APC,F341,F341,,2025-06-01\n"
    "e3,RAJ,C1,40,1,11,APC,F342,F342,,2025-06-01\n"
    "e4,RBB,C1,40,1,11,APC,F341,F341,,2025-12-31\n"
    "e5,RBB,C1,40,1,11,APC,F341,F341,,2026-01-01\n"
    "e6,RBB,C1,40,1,11,APC,F342,F342,,2026-01-01\n"
    "e7,RBB,C1,40,1,11,APC,Q07,Q07,,2026-02-10\n";

std::shared_ptr<const cpe::PolicyLibrary> library() {
    auto sources = std::make_shared<cpe::SourceSet>();
    sources->add("dated.cpl", kPolicies);
    cpe::Diagnostics diags;
    auto lib = cpe::PolicyLibrary::fromSources(sources, diags);
    if (!lib) FAIL(diags.render(*sources));
    return lib;
}

}  // namespace

TEST_CASE("the date -> program table picks the versions in force on each date") {
    auto lib = library();
    std::vector<std::string> errors;
    auto schedule = RuleSchedule::byEpisodeDate(*lib, {}, errors);
    REQUIRE(schedule);
    CHECK(errors.empty());
    // Before 2026 {Old, W}; from 2026 {New, W}: ebi.w's adoption changes nothing.
    REQUIRE(schedule->programCount() == 2);
    const Matcher& before = schedule->program(schedule->programOf(20251231));
    const Matcher& after = schedule->program(schedule->programOf(20260101));
    CHECK(before.intervention(1) == "ebi.x");
    CHECK(before.version(1) == "2025-01-01");
    CHECK(after.version(1) == "2026-01-01");
    CHECK(after.version(0) == "2025-03-01");
    CHECK(schedule->programOf(18000101) == schedule->programOf(20250101));  // before every version: the first adopted
    CHECK(schedule->programOf(99991231) == schedule->programOf(20260101));  // after every change: the latest
    CHECK(schedule->programOf(20240229) == schedule->programOf(20251231));
    CHECK(schedule->epochs().size() == 2);

    errors.clear();
    CHECK_FALSE(RuleSchedule::byEpisodeDate(*lib, {"ebi.q"}, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].find("--policy ebi.q: no such policy") == 0);
}

TEST_CASE("each episode is counted by the version in force on its date; versions.csv says which") {
    auto lib = library();
    TempDir dir("cpe-audit-dated");
    writeFile(dir.file("activity.csv"), kActivity);
    std::vector<std::string> errors;
    auto schedule = RuleSchedule::byEpisodeDate(*lib, {}, errors);
    REQUIRE(schedule);
    ActivityAuditOptions o;
    o.activityPath = dir.file("activity.csv");
    o.outDir = dir.file("out");
    o.progress = false;
    o.schedule = schedule.get();
    for (unsigned threads : {1u, 2u}) {
        CAPTURE(threads);
        o.threads = threads;
        o.blockSize = 200;  // several chunks, so both threads judge rows
        ActivityAuditSummary s = runActivityAudit(schedule->reference(), o);
        CHECK(s.episodesCounted == 5);
        CHECK(readFile(dir.file("out/activity.csv")) ==
              "intervention,provider,episodes\n"
              "ebi.w,RBB,1\n"
              "ebi.x,RAJ,2\n"
              "ebi.x,RBB,2\n");
        CHECK(readFile(dir.file("out/versions.csv")) ==
              "intervention,version,effective,applied_from,applied_to,episodes_judged,episodes_counted\n"
              "ebi.w,2025-03-01,2025-03-01,2024-11-05,2026-02-10,7,1\n"
              "ebi.x,2025-01-01,2025-01-01,2024-11-05,2025-12-31,4,3\n"
              "ebi.x,2026-01-01,2026-01-01,2026-01-01,2026-02-10,3,1\n");
        REQUIRE(s.rulesLines().size() == 4);
        CHECK(s.rulesLines()[0] == "data period: 2024-11-05 to 2026-02-10; rules applied (versions.csv):");
        CHECK(s.rulesLines()[2] == "  ebi.x version 2025-01-01 (effective 2025-01-01): 4 episodes judged, 3 counted");
        const std::string report = readFile(dir.file("out/report.html"));
        CHECK(report.find("<h2>Rules applied</h2>") != std::string::npos);
        CHECK(report.find("Data period <b>2024-11-05 to 2026-02-10</b>") != std::string::npos);
        CHECK(report.find("in force on its admission date") != std::string::npos);
    }
}

TEST_CASE("cpe audit: by episode date by default, one date with --as-of, named in text and JSON") {
    TempDir dir("cpe-audit-dated-cli");
    std::filesystem::create_directories(dir.file("policies"));
    writeFile(dir.file("policies/dated.cpl"), kPolicies);
    writeFile(dir.file("activity.csv"), kActivity);
    const std::string common =
        "audit --policies " + dir.file("policies") + " --activity " + dir.file("activity.csv") + " --no-progress ";
    Run r = runCpe(common + "--out " + dir.file("bydate"), dir);
    REQUIRE(r.exit == 0);
    CHECK(r.out.find("audit: 7 rows read, 0 rejected, 5 episodes counted") == 0);
    CHECK(r.out.find("\ndata period: 2024-11-05 to 2026-02-10; rules applied (versions.csv):\n") != std::string::npos);
    CHECK(r.out.find("\n  ebi.x version 2026-01-01 (effective 2026-01-01): 3 episodes judged, 1 counted\n") != std::string::npos);

    // --as-of: every episode by New, which counts rows 3 and 6.
    r = runCpe(common + "--as-of 2026-06-01 --format json --out " + dir.file("asof"), dir);
    REQUIRE(r.exit == 0);
    CHECK(readFile(dir.file("asof/activity.csv")) == "intervention,provider,episodes\nebi.w,RBB,1\nebi.x,RAJ,1\nebi.x,RBB,1\n");
    CHECK(r.out.find("\"data_period\":{\"first\":\"2024-11-05\",\"last\":\"2026-02-10\"}") != std::string::npos);
    CHECK(r.out.find("{\"intervention\":\"ebi.x\",\"version\":\"2026-01-01\",\"effective\":\"2026-01-01\","
                     "\"applied_from\":\"2024-11-05\",\"applied_to\":\"2026-02-10\",\"episodes_judged\":7,"
                     "\"episodes_counted\":2}") != std::string::npos);
    CHECK(readFile(dir.file("asof/report.html")).find("judged by the versions in force on the <code>--as-of</code> date") !=
          std::string::npos);
}
