// The published statistics end to end (groups.csv, trend.csv) on a small
// file whose figures are worked by hand from shared/reference/statistics.md;
// who each coding rule's denominator counts; the banded population file.
#include <doctest/doctest.h>

#include "audit/count/population.h"
#include "audit/count/tally.h"
#include "audit/match/denominator.h"
#include "audit/read/byte_source.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

// Hysterectomy (Q074 with N920, women, APC) at RAJ: commissioner A 12 women
// aged 42 and 3 aged 47; B 8 aged 41 and 2 aged 46; C 3 aged 43. A man and an
// outpatient episode at A do not count.
std::string hysterectomyActivity() {
    std::string csv =
        "episode_id,provider,commissioner,age,sex,admission_method,setting,dominant_procedure,procedures,diagnoses,"
        "admission_date\n";
    int id = 0;
    auto add = [&](const char* commissioner, int age, int n, const char* date, const char* sex = "2",
                   const char* setting = "APC") {
        for (int i = 0; i < n; ++i)
            csv += "H" + std::to_string(++id) + ",RAJ," + commissioner + "," + std::to_string(age) + "," + sex + ",11," +
                   setting + ",Q074,Q074,N920," + date + "\n";
    };
    add("A", 42, 12, "2024-04-15");
    add("A", 47, 3, "2024-06-01");
    add("B", 41, 8, "2024-05-20");
    add("B", 46, 2, "2024-06-30");
    add("C", 43, 3, "2024-04-01");
    add("A", 42, 1, "2024-04-15", "1");
    add("A", 42, 1, "2024-04-15", "2", "OP");
    return csv;
}

std::map<std::string, std::vector<std::string>> rowsByKey(const std::string& csv, size_t keyFields) {
    std::map<std::string, std::vector<std::string>> out;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::string f;
        bool quoted = false;
        for (char c : line) {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) {
                fields.push_back(f);
                f.clear();
            } else f += c;
        }
        fields.push_back(f);
        std::string key;
        for (size_t i = 0; i < keyFields; ++i) key += (i ? "/" : "") + fields[i];
        out[key] = fields;
    }
    return out;
}

double num(const std::string& s) { return std::stod(s); }

}  // namespace

TEST_CASE("a coding rule's denominator: the bands and sexes it can count") {
    auto rules = ebiRules();
    auto m = rules.compile();
    std::map<std::string, std::string> who;
    for (size_t r = 0; r < m->size(); ++r) who[m->intervention(r)] = countablePopulation(*m, r).describe();
    CHECK(who["ebi.grommets"] == "ages 0-14");                // age < 12: bands 0-4, 5-9, 10-14
    CHECK(who["ebi.hysterectomy_hmb"] == "women");            // sex is female
    CHECK(who["ebi.snoring_surgery"] == "ages 15 and over");  // adults (19+): band 15-19 holds 19
    CHECK(who["ebi.tonsillectomy"] == "everyone");
    auto grommets = countablePopulation(*m, 0);
    for (size_t r = 0; r < m->size(); ++r)
        if (m->intervention(r) == "ebi.grommets") grommets = countablePopulation(*m, r);
    CHECK(grommets.cells[2][0]);
    CHECK(grommets.cells[2][1]);
    CHECK_FALSE(grommets.cells[3][0]);
}

TEST_CASE("banded population files") {
    Population p = readPopulation(dataPath("population_banded.csv"));
    CHECK(p.banded);
    CHECK(p.byCommissioner.at("A") == 25000);
    CHECK(p.cells.at("A")[8 * 2 + 1] == 10000);  // 40-44 female
    CHECK(p.cells.at("A")[8 * 2 + 0] == 10000);  // 40-44 male
    TempDir dir("cpe-audit-banded");
    auto fails = [&](const std::string& text, const std::string& message) {
        writeFile(dir.file("bad.csv"), text);
        CHECK_THROWS_WITH_AS(readPopulation(dir.file("bad.csv")), doctest::Contains(message.c_str()), AuditError);
    };
    const std::string h = "commissioner,age_band,sex,population\n";
    fails(h + "A,40-45,2,5\n", "bad.csv:2: column age_band: '40-45' is not an ESP2013 band (0-4, 5-9, ..., 85-89, 90+)");
    fails(h + "A,40-44,X,5\n", "bad.csv:2: column sex: 'X' is not 1 (or M) male or 2 (or F) female");
    fails(h + "A,40-44,2,5\nA,40-44,F,6\n", "bad.csv:3: commissioner 'A', band 40-44, sex F appears more than once");
    fails(h + "A,40-44,2,0\n", "bad.csv: commissioner 'A' has a population of 0 in every band");
    fails(h + "A,40-44,2,-1\n", "bad.csv:2: column population: '-1' is not a number 0 or more");
}

TEST_CASE("groups.csv: standardised rates, Dobson intervals, expected counts and Byar limits, worked by hand") {
    TempDir dir("cpe-audit-published");
    writeFile(dir.file("activity.csv"), hysterectomyActivity());
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --policy ebi.hysterectomy_hmb --activity " +
                       dir.file("activity.csv") + " --population " + dataPath("population_banded.csv") + " --names " +
                       dataPath("names_small.csv") + " --out " + out + " --no-progress",
                   dir);
    REQUIRE(r.exit == 0);
    auto groups = rowsByKey(readFile(out + "/groups.csv"), 2);
    REQUIRE(groups.size() == 3);
    // A: women only (the rule's sex is female), all 19 bands (weights sum to
    // 100,000); events 12 in 40-44 (10,000 women), 3 in 45-49 (5,000).
    // DSR = 100,000 (7000*12/10000 + 7000*3/5000) / 100,000 = 8.4 + 4.2 = 12.6.
    // Var = 10^10 (7000^2*12/10^8 + 7000^2*3/(25*10^6)) / 10^10 = 5.88 + 5.88 = 11.76.
    // O = 15: Byar 95% O_L = 15(1 - 1/135 - 1.959964/(3*sqrt 15))^3 = 8.38932,
    // O_U = 16(1 - 1/144 + 1.959964/12)^3 = 24.74157; sqrt(11.76/15) = 0.885438, so
    // lower = 12.6 - 0.885438*6.61068 = 6.7466, upper = 12.6 + 0.885438*9.74157 = 21.2256.
    // Crude = 100,000 * 15 / 15,000 women = 100.
    const auto& a = groups.at("ebi.hysterectomy_hmb/A");
    CHECK(a[2] == "Place A, North");
    CHECK(a[3] == "15");
    CHECK(a[4] == "15000");
    CHECK(num(a[5]) == doctest::Approx(12.6).epsilon(1e-9));
    CHECK(num(a[6]) == doctest::Approx(6.746605).epsilon(1e-6));
    CHECK(num(a[7]) == doctest::Approx(21.225608).epsilon(1e-6));
    CHECK(num(a[8]) == doctest::Approx(100));
    // Expected (indirect standardisation): overall rates 40-44 women
    // (12 + 8 + 3) / 40,000 and 45-49 women 5 / 25,000, so
    // E_A = 23/40000*10000 + 5/25000*5000 = 5.75 + 1 = 6.75, E_B = 11.5 + 4 = 15.5,
    // E_C = 5.75 (the three sum to the 28 events). z = (O - E)/sqrt E:
    // A (15 - 6.75)/2.598076 = 3.175426. Byar limits of E = 6.75: 95% 2.648327
    // to 14.084696, 99.8% 1.365702 to 19.309507, so 15 is a high warning.
    CHECK(num(a[9]) == doctest::Approx(6.75));
    CHECK(num(a[10]) == doctest::Approx(15 / 6.75).epsilon(1e-6));
    CHECK(num(a[11]) == doctest::Approx(2.648327).epsilon(1e-6));
    CHECK(num(a[12]) == doctest::Approx(14.084696).epsilon(1e-6));
    CHECK(num(a[13]) == doctest::Approx(1.365702).epsilon(1e-6));
    CHECK(num(a[14]) == doctest::Approx(19.309507).epsilon(1e-6));
    CHECK(num(a[15]) == doctest::Approx(3.175426).epsilon(1e-6));
    CHECK(a[16] == "high warning");
    CHECK(a[17] == "dsr_per_100000");
    // B: DSR = 7000*8/20000 + 7000*2/20000 = 2.8 + 0.7 = 3.5 (exactly 10 events:
    // published); Dobson 1.675607 to 6.437011; E = 15.5, within.
    const auto& b = groups.at("ebi.hysterectomy_hmb/B");
    CHECK(num(b[5]) == doctest::Approx(3.5));
    CHECK(num(b[6]) == doctest::Approx(1.675607).epsilon(1e-6));
    CHECK(num(b[7]) == doctest::Approx(6.437011).epsilon(1e-6));
    CHECK(num(b[9]) == doctest::Approx(15.5));
    CHECK(b[16] == "within");
    // C: 3 events, fewer than 10: no DSR or interval, the crude rate 30 stays.
    const auto& c = groups.at("ebi.hysterectomy_hmb/C");
    CHECK(c[5].empty());
    CHECK(c[6].empty());
    CHECK(num(c[8]) == doctest::Approx(30));
    CHECK(num(c[9]) == doctest::Approx(5.75));

    // The report shows the same: names, the method, the trend chart; A's 15
    // episodes and 12.6 (C's 3 episodes are suppressed, as is its crude rate).
    std::string report = readFile(out + "/report.html");
    CHECK(report.find("<h3>Published statistics</h3>") != std::string::npos);
    CHECK(report.find("directly age- and sex-standardised rate per 100,000 (ESP2013); denominator: women") != std::string::npos);
    CHECK(report.find("<td>Place A, North</td><td class=\"n\">15</td><td class=\"n\">15,000</td><td class=\"n\">12.6</td>"
                      "<td class=\"n\">6.7 – 21.2</td>") != std::string::npos);
    CHECK(report.find("<code>C</code></td><td></td><td class=\"n\">*</td><td class=\"n\">10,000</td><td class=\"n\">*</td>") !=
          std::string::npos);
    CHECK(report.find("<svg class=\"trend\"") != std::string::npos);

    // trend.csv by commissioner, by month from the first to the last month.
    CHECK(readFile(out + "/trend.csv") ==
          "intervention,group,name,period,episodes\n"
          "ebi.hysterectomy_hmb,A,\"Place A, North\",2024-04,12\n"
          "ebi.hysterectomy_hmb,A,\"Place A, North\",2024-05,0\n"
          "ebi.hysterectomy_hmb,A,\"Place A, North\",2024-06,3\n"
          "ebi.hysterectomy_hmb,B,Place B,2024-04,0\n"
          "ebi.hysterectomy_hmb,B,Place B,2024-05,8\n"
          "ebi.hysterectomy_hmb,B,Place B,2024-06,2\n"
          "ebi.hysterectomy_hmb,C,,2024-04,3\n"
          "ebi.hysterectomy_hmb,C,,2024-05,0\n"
          "ebi.hysterectomy_hmb,C,,2024-06,0\n");
}

TEST_CASE("groups.csv by provider: exact binomial limits; trend.csv by quarter") {
    TempDir dir("cpe-audit-published-providers");
    std::string out = dir.file("out");
    Run r = runCpe("audit --policies " + dataPath("policies") + " --activity " + dataPath("activity_small.csv") +
                       " --trend quarter --names " + dataPath("names_small.csv") + " --out " + out + " --no-progress",
                   dir);
    REQUIRE(r.exit == 0);
    auto groups = rowsByKey(readFile(out + "/groups.csv"), 2);
    // Snoring: 3 episodes over 25 valid rows in the period, p = 0.12; RAJ has
    // 2 of its 14 rows: 142.857 per 1,000, expected 14 * 0.12 = 1.68.
    // Binomial(14, 0.12) cumulative: P(X<=0) = 0.167016, P(X<=3) = 0.922633,
    // P(X<=4) = 0.980441, P(X<=5) = 0.996207, P(X<=6) = 0.999432, so the 95%
    // limits are 0 and 4 (first past 0.025 and 0.975) and the 99.8% 0 and 6
    // (first past 0.001 and 0.999). z = (2 - 1.68)/sqrt(1.68 * 0.88) = 0.263181.
    const auto& raj = groups.at("ebi.snoring_surgery/RAJ");
    CHECK(raj[2] == "Mid and South Essex NHS Foundation Trust");
    CHECK(raj[17] == "per_1000_episodes");
    CHECK(raj[3] == "2");
    CHECK(raj[4] == "14");
    CHECK(num(raj[5]) == doctest::Approx(142.857143));
    CHECK(raj[6].empty());
    CHECK(num(raj[9]) == doctest::Approx(1.68));
    CHECK(raj[11] == "0");
    CHECK(raj[12] == "4");
    CHECK(raj[13] == "0");
    CHECK(raj[14] == "6");
    CHECK(num(raj[15]) == doctest::Approx(0.263181).epsilon(1e-6));
    CHECK(raj[16] == "within");
    std::string trend = readFile(out + "/trend.csv");
    CHECK(trend.find("ebi.snoring_surgery,RAJ,Mid and South Essex NHS Foundation Trust,2024-Q2,2\n") != std::string::npos);
}

TEST_CASE("CellTally (open addressing) counts what a std::map counts, through its growth") {
    CellTally tally;
    std::map<std::tuple<size_t, uint32_t, uint32_t>, uint64_t> reference;
    uint64_t x = 12345;
    for (int i = 0; i < 200000; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        const size_t rule = (x >> 60) % 17;
        const auto group = static_cast<uint32_t>((x >> 40) % 300);
        const auto cell = static_cast<uint32_t>((x >> 20) % 600);
        tally.add(rule, group, cell);
        ++reference[{rule, group, cell}];
    }
    std::map<std::tuple<size_t, uint32_t, uint32_t>, uint64_t> got;
    tally.forEach([&](size_t r, uint32_t g, uint32_t c, uint64_t n) { got[{r, g, c}] += n; });
    CHECK(got == reference);
}
