#include <doctest/doctest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "audit/match/matcher.h"
#include "audit/tests/coding_text.h"

using namespace cpe::audit;
using cpe::audit::test::CodingRules;

namespace {

// An episode given the way the activity file holds it.
struct Row {
    std::string dominant;
    std::string procedures;
    std::string diagnoses;
    int age = 40;
    Sex sex = Sex::Male;
    Setting setting = Setting::APC;
    Admission admission = Admission::Elective;
};

// The interventions whose rules count the row.
std::set<std::string> matching(const Matcher& m, const Row& row) {
    Episode e;
    e.age = row.age;
    e.sex = row.sex;
    e.setting = row.setting;
    e.admission = row.admission;
    e.primaryProcedure = packCode(row.dominant);
    std::vector<PackedCode> procs, diags;
    packCodeList(row.procedures, procs);
    packCodeList(row.diagnoses, diags);
    EpisodeCodes codes{e.primaryProcedure, procs.data(), procs.size(), diags.data(), diags.size()};
    CandidateSet candidates;
    candidates.resize(m.size());
    m.candidates(codes, candidates);
    std::set<std::string> out;
    candidates.forEach([&](size_t r) {
        if (m.matches(r, e, codes)) out.insert(m.intervention(r));
    });
    // The index must never hide a match: evaluating every rule agrees.
    std::set<std::string> all;
    for (size_t r = 0; r < m.size(); ++r)
        if (m.matches(r, e, codes)) all.insert(m.intervention(r));
    CHECK(out == all);
    // Nor may the quick tests before the index: on packed codes, and on the
    // procedures column as text.
    if (!all.empty()) CHECK(m.mayMatch(codes));
    if (m.mayMatch(codes)) CHECK(m.mayMatchText(e.primaryProcedure, row.procedures));
    return out;
}

using Set = std::set<std::string>;

}  // namespace

TEST_CASE("snoring: primary procedure and diagnosis, no secondary G473, adults") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    Row r{"F324", "F324", "R065", 45};
    CHECK(matching(*m, r) == Set{"ebi.snoring_surgery"});
    r.dominant = "F32.5";
    CHECK(matching(*m, r) == Set{"ebi.snoring_surgery"});
    r.diagnoses = "R065|G473";  // sleep apnoea as a secondary diagnosis
    CHECK(matching(*m, r).empty());
    r.diagnoses = "G473|R065";  // R065 not primary
    CHECK(matching(*m, r).empty());
    r.diagnoses = "R06.5|I10";
    r.age = 18;
    CHECK(matching(*m, r).empty());
    r.age = 19;
    CHECK(matching(*m, r) == Set{"ebi.snoring_surgery"});
}

TEST_CASE("tonsillectomy: any position, a code range, excluded diagnoses anywhere, all ages") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    Row r{"E201", "E201|F341", "J039", 6};
    CHECK(matching(*m, r) == Set{"ebi.tonsillectomy"});
    r.dominant = "";
    r.procedures = "";
    CHECK(matching(*m, r).empty());
    r.dominant = "F36.1";  // dominant only, empty procedures list
    CHECK(matching(*m, r) == Set{"ebi.tonsillectomy"});
    r.diagnoses = "I10|J350";
    CHECK(matching(*m, r) == Set{"ebi.tonsillectomy"});
    r.diagnoses = "J039|J36";
    CHECK(matching(*m, r).empty());
    r.diagnoses = "J039|J390";
    CHECK(matching(*m, r).empty());
    r.dominant = "F340";  // outside F341-F349
    r.diagnoses = "J039";
    CHECK(matching(*m, r).empty());
    r.dominant = "F3490";
    CHECK(matching(*m, r) == Set{"ebi.tonsillectomy"});
}

TEST_CASE("emergencies and cancer diagnoses are excluded unless the rule opts in") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    Row r{"A651", "A651", "G560", 50};
    CHECK(matching(*m, r) == Set{"ebi.carpal_tunnel_release"});
    r.admission = Admission::Emergency;
    CHECK(matching(*m, r).empty());
    r.admission = Admission::Other;
    CHECK(matching(*m, r) == Set{"ebi.carpal_tunnel_release"});
    for (const char* cancer : {"C50.9", "C00", "C97", "D05.1", "D371", "D48"}) {
        CAPTURE(cancer);
        r.diagnoses = std::string("G560|") + cancer;
        CHECK(matching(*m, r).empty());
    }
    for (const char* notCancer : {"C98", "D10", "D36", "D49", "B99"}) {
        CAPTURE(notCancer);
        r.diagnoses = std::string("G560|") + notCancer;
        CHECK(matching(*m, r) == Set{"ebi.carpal_tunnel_release"});
    }

    CodingRules opt;
    opt.codeset("cancer_exclusion", {{"C00", "C97"}, {"D00", "D09"}, {"D37", "D48"}});
    opt.rule("with.emergencies", "primary procedure in {A651}", true, false);
    opt.rule("without.cancer", "primary procedure in {A651}", false, true);
    auto m2 = opt.compile();
    Row e{"A651", "", "C509", 50};
    e.admission = Admission::Emergency;
    CHECK(matching(*m2, e).empty());  // emergency excluded by one, cancer by the other
    e.diagnoses = "";
    CHECK(matching(*m2, e) == Set{"with.emergencies"});
    e.admission = Admission::Elective;
    e.diagnoses = "C509";
    CHECK(matching(*m2, e) == Set{"without.cancer"});
}

TEST_CASE("age, sex and setting conditions") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    Row g{"D151", "D151", "H653", 11};
    CHECK(matching(*m, g) == Set{"ebi.grommets"});
    g.age = 12;
    CHECK(matching(*m, g).empty());
    g.age = 4;
    g.diagnoses = "H669";  // H66 and its extensions
    CHECK(matching(*m, g) == Set{"ebi.grommets"});

    Row h{"Q074", "Q074", "D259|N920", 45, Sex::Female};
    CHECK(matching(*m, h) == Set{"ebi.hysterectomy_hmb"});
    h.setting = Setting::OP;
    CHECK(matching(*m, h).empty());
    h.setting = Setting::APC;
    h.sex = Sex::Unknown;
    CHECK(matching(*m, h).empty());

    Row t{"T701", "T701", "M6530", 60};
    t.setting = Setting::OP;
    CHECK(matching(*m, t) == Set{"ebi.trigger_finger_release"});
    t.diagnoses = "M6584";
    CHECK(matching(*m, t) == Set{"ebi.trigger_finger_release"});
    t.diagnoses = "M658";  // M6584 needs all five characters
    CHECK(matching(*m, t).empty());
}

TEST_CASE("knee arthroscopy and shoulder decompression: alternatives with secondary procedures") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    Row k{"W802", "W802|Y767|Z846", "M170", 60};
    CHECK(matching(*m, k) == Set{"ebi.knee_arthroscopy_oa"});
    k.procedures = "W802|Y767";
    CHECK(matching(*m, k).empty());
    k.procedures = "Y767|W802|Z846";  // Y767 in first position is not secondary
    CHECK(matching(*m, k).empty());
    k.dominant = "W851";
    k.procedures = "W851";
    k.diagnoses = "M15.0|M2380";
    CHECK(matching(*m, k).empty());
    k.diagnoses = "M150";
    CHECK(matching(*m, k) == Set{"ebi.knee_arthroscopy_oa"});

    Row s{"O291", "O291|Y767", "I10|M754", 55};
    CHECK(matching(*m, s) == Set{"ebi.shoulder_decompression"});
    s.diagnoses = "M754|M751";
    CHECK(matching(*m, s).empty());
    s.dominant = "W844";
    s.procedures = "W844|Z812";
    s.diagnoses = "M754";
    CHECK(matching(*m, s) == Set{"ebi.shoulder_decompression"});
    s.procedures = "W844|Y767";
    CHECK(matching(*m, s).empty());
}

TEST_CASE("every one of the 17 rules counts a typical episode") {
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    struct Case {
        const char* id;
        Row row;
    };
    const Case cases[] = {
        {"ebi.snoring_surgery", {"F326", "F326", "R065", 30}},
        {"ebi.dilatation_curettage_hmb", {"Q103", "Q103", "D259|N921", 40, Sex::Female}},
        {"ebi.knee_arthroscopy_oa", {"W852", "W852", "M179", 70}},
        {"ebi.back_pain_injection", {"V544", "V544", "M545", 50}},
        {"ebi.tonsillectomy", {"F345", "F345", "J03", 8}},
        {"ebi.grommets", {"D151", "D151", "H652", 3}},
        {"ebi.carpal_tunnel_release", {"A659", "A659", "G560", 40}},
        {"ebi.dupuytrens_contracture", {"T543", "T543", "M720", 66}},
        {"ebi.ganglion_excision", {"T602", "T602", "M255", 30}},
        {"ebi.trigger_finger_release", {"T729", "T729", "M6594", 50}},
        {"ebi.varicose_veins", {"L871", "L871", "I839", 50}},
        {"ebi.hysterectomy_hmb", {"Q081", "Q081", "N92", 45, Sex::Female}},
        {"ebi.breast_reduction", {"B311", "B311", "N62", 30, Sex::Female}},
        {"ebi.benign_skin_lesions", {"S063", "S063", "L821", 30}},
        {"ebi.chalazia_removal", {"C122", "C122", "H001", 30}},
        {"ebi.haemorrhoid_surgery", {"H513", "H513", "K643", 50}},
        {"ebi.shoulder_decompression", {"W572", "W572|Z812", "M754", 50}},
    };
    CHECK(m->size() == 17);
    for (const Case& c : cases) {
        CAPTURE(c.id);
        CHECK(matching(*m, c.row) == Set{c.id});
    }
    // An ordinary episode matches nothing.
    CHECK(matching(*m, Row{"C751", "C751", "H251", 75}).empty());
    CHECK(matching(*m, Row{"", "", "J189|I10", 80}).empty());
}

TEST_CASE("rules the audit cannot evaluate are refused with the policy named") {
    CodingRules r;
    r.rule("ebi.bad", "primary procedure in cancer_exclusion");
    std::vector<std::string> errors;
    auto m = Matcher::compile(r.specs(), r.lookup(), nullptr, errors);
    CHECK(m == nullptr);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "policy ebi.bad: unknown codeset 'cancer_exclusion'");

    CodingRules r2;
    r2.rule("ebi.long", "primary procedure in {ABCDEFGHIJ}");
    r2.rule("ebi.sex", "sex > female");
    errors.clear();
    CHECK(Matcher::compile(r2.specs(), r2.lookup(), nullptr, errors) == nullptr);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].find("policy ebi.long: code 'ABCDEFGHIJ' is longer than 8 characters") != std::string::npos);
    CHECK(errors[1].find("policy ebi.sex: the audit cannot evaluate ordering comparison on sex") != std::string::npos);
}

TEST_CASE("rules without a procedure are evaluated for every row") {
    CodingRules r;
    r.rule("dx.only", "primary diagnosis in {J18} and age between 65 and 80");
    r.rule("not.proc", "not primary procedure in {C75} and any diagnosis in {H25}");
    auto m = r.compile();
    CHECK(matching(*m, Row{"", "", "J189", 70}) == Set{"dx.only"});
    CHECK(matching(*m, Row{"", "", "J189", 81}).empty());
    CHECK(matching(*m, Row{"X123", "X123", "H251", 81}) == Set{"not.proc"});
    CHECK(matching(*m, Row{"C751", "C751", "H251", 81}).empty());
    CHECK(m->describe(0) == "(primary diagnosis in {J18} and (age >= 65 and age <= 80)) [emergencies excluded]");
}

TEST_CASE("the quick test on procedure text lets through every row the packed test does") {
    // Random procedure columns: codes of the rules and others, in upper and
    // lower case, with dots, spaces, one-character and empty items.
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    const std::vector<std::string> pieces = {"F34", "f34", "F3.4", ".F34", " F34", "F",  "",  "Q07",
                                             "H51", "X29", "Z9",   "C50",  "W82",  "w8", "1", "A"};
    std::mt19937 rng(5);
    size_t passedText = 0, passedPacked = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string list;
        for (size_t k = rng() % 4; k > 0; --k) {
            if (!list.empty() || rng() % 5 == 0) list += '|';
            list += pieces[rng() % pieces.size()];
            if (rng() % 3 == 0) list += std::to_string(rng() % 10);
        }
        const std::string dominant = rng() % 2 ? pieces[rng() % pieces.size()] : "";
        std::vector<PackedCode> procs;
        packCodeList(list, procs);
        EpisodeCodes codes{packCode(dominant), procs.data(), procs.size(), nullptr, 0};
        const bool packed = m->mayMatch(codes);
        const bool text = m->mayMatchText(codes.primaryProcedure, list);
        CAPTURE(list);
        CAPTURE(dominant);
        if (packed) CHECK(text);
        passedText += text;
        passedPacked += packed;
    }
    // Both tests reject rows, and the text test lets through few rows the
    // packed test would reject (those with unusual codes).
    CHECK(passedPacked < 20000);
    CHECK(passedText < 20000);
    CHECK(passedText >= passedPacked);
}

TEST_CASE("the quick tests reject codes no rule could begin with, by their first two characters") {
    // The rules' procedure codes begin F3, W5, W8, H0, H5, H6, ... but none F9 or W9.
    auto rules = cpe::audit::test::ebiRules();
    auto m = rules.compile();
    auto text = [&](const char* list) { return m->mayMatchText(0, list); };
    auto packed = [&](const char* code) { return m->mayMatch(EpisodeCodes{packCode(code), nullptr, 0, nullptr, 0}); };
    CHECK_FALSE(packed("F991"));
    CHECK_FALSE(packed("W999"));
    CHECK(packed("F349"));
    CHECK(packed("F3"));
    CHECK_FALSE(text("F991|W999|X292"));
    CHECK_FALSE(text("|F9||"));
    CHECK(text("F991|F361"));
    // Text packing would change is let through, to be judged once packed.
    CHECK(text("f991"));
    CHECK(text("F.991"));
    CHECK(text(" W999"));
    CHECK(text("F"));
}
