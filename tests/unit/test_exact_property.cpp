// The engine against the brute-force reference (exact_reference.h).
//
// Always run (well under a second together):
//   - the reference's own checks: its reading order is the checker's; its
//     classes sit on and beside the constants and, against a much finer
//     enumeration of every number and date fact, miss no behaviour; its
//     calendar agrees with the engine's; it gives the exact answers to the five
//     cases the project's issue quotes, and what the 400-odd tests written
//     beside the policies expect;
//   - on fully known facts the reference and the engine agree on every policy
//     in policies/ (exhaustively when a policy has at most 8,192 combinations
//     of classes) and on a fixture with every construct of the language: this
//     validates the reference, the engine being believed correct there;
//   - soundness on partial facts, which a cautious engine already has and an
//     exact one must keep: when the engine decides, the decision is the exact
//     one; it never leaves out a missing fact that matters; an output it
//     reports is the exact one.
// Skipped by default (run it with -tc='*partial*' --no-skip):
//   - on partial facts the engine gives the exact decision: outcome, route,
//     missing facts (set and order) and outputs. The engine is sound but not
//     yet exact, so this fails today; it prints the mismatches by kind and by
//     policy, with examples. CPE_EXACT_CASES sets the cases per policy
//     (default 2000); CPE_EXACT_UNKNOWN=lo,hi the share of facts left unknown
//     (default 0.2,0.5).
#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"
#include "engine/library/test_runner.h"
#include "exact_reference.h"
#include "library_fixture.h"

using namespace cpe;
using exact::Reference;

namespace {

const PolicyLibrary& bundled() {
    static std::shared_ptr<const PolicyLibrary> lib = [] {
        Diagnostics diags;
        std::shared_ptr<SourceSet> sources;
        auto l = PolicyLibrary::load({std::string(CPE_SOURCE_DIR) + "/policies"}, diags, sources);
        if (!l) throw std::runtime_error(diags.render(*sources));
        return l;
    }();
    return *lib;
}

// Every construct of the language, for the fully known comparison.
const char* kEveryConstruct = R"(module xr {
    type lvl = levels (no < low < moderate < high < severe < priority)
    fact n1: integer in 0..40 "N1"
    fact n2: integer in 0..10 "N2"
    fact dx: decimal [kg] in 0..50 "Weight"
    fact dob: date "Date of birth"
    fact seen: date "Last seen"
    fact flag: boolean "Flag"
    fact flag2: boolean "Flag 2"
    fact colour: enum (red, green, blue) "Colour"
    fact lv: lvl up to severe "Level"
    fact lv2: lvl except low "Level 2"
    fact word: text "Word"
    fact dx_codes: list of icd10 "Diagnoses"
    fact sections: list of text "Sections"
    fact b1: boolean "B1"
    fact b2: boolean "B2"
    fact b3: boolean "B3"
    codeset cx "Cancer" = {C00-C97, D00-D09}
}

policy xr.every {
    title "Every construct"
    version "1"
    effective 2026-01-01
    route prior approval
    ifr none
    use xr
    group bs = (b1, b2, b3)
    group ls = (lv, lv2)
    value age "Age" = years_since(dob)
    value months "Months" = months_since(seen)
    value score "Score" = n1 * 2 - n2 + (if flag then 3 else 0)
    value half "Half" = dx / 2
    value capped "Capped" = min(max(n1 - 5, 0), 20)
    value trues "Trues" = count of bs where it
    value highs "Highs" = count of ls where it >= high
    criterion adult "Adult" = age >= 18
    criterion recent "Seen within 6 weeks" = seen within 6 weeks
    criterion recent_months "Seen in the last 3 months" = months < 3
    criterion recent_days "Seen in the last 10 days" = days_since(seen) <= 10
    criterion heavy "Heavy" = half between 10 and 20.5
    criterion scored "Scored" = score > 30 or -score < -50
    criterion colourful "Colourful" = colour in {red, blue} and colour is not green
    criterion cancer "Cancer" = dx_codes has cx or dx_codes has {D05, Q501}
    criterion s3 "Section 3" = before(sections, "/") has {"3", "37"}
    criterion wordy "Word" = word == "yes" or word in {"maybe", "perhaps"}
    criterion lev "Level" = lv >= high and lv2 != moderate
    criterion two "Two of three" = at least 2 of (b1, b2, b3)
    criterion flagged "Flag is flag2" = flag == flag2 and flag is not false
    criterion cutoff "Seen before 2026" = seen < 2026-01-01
    criterion long_ago "Seen over a year ago" = not (seen within 1 years) and (seen within 30 days) is false
    criterion old_months "Seen 2 months ago or more" = (seen within 2 months) == false
    decide {
        exempt when cancer
        review when all of (adult, heavy, not recent)
        eligible route fast_track when any of (two, lev) and trues >= 2 and highs >= 1
        not_eligible when wordy and s3
        eligible when if colourful then scored else capped > 10
        review route none when recent_months and recent_days and flagged
        eligible when cutoff and n2 in {3, 5} and n1 not in {7}
        not_eligible route panel when long_ago and old_months
        otherwise not_eligible
    }
    output out_score "Score" = score
    output out_elig "Eligible" = outcome is eligible
    output out_capped "Capped or zero" = if outcome is eligible then capped else 0
    output out_age "Age" = age
    output out_half "Half" = half
    output out_lv "Level" = lv
    output out_day "Seen" = seen
}
)";

const PolicyLibrary& fixture() {
    static std::shared_ptr<const PolicyLibrary> lib = [] {
        auto b = testing::build({{"xr.cpl", kEveryConstruct}});
        if (!b.library) throw std::runtime_error(b.errors());
        return b.library;
    }();
    return *lib;
}

// A day the policy version is in force: 2026-06-01 when it is.
int asOfFor(const PolicyModel& m) {
    int want = *parseDate("2026-06-01");
    if (want >= m.effectiveDay && (!m.untilDay || want <= *m.untilDay)) return want;
    return m.untilDay ? std::min(m.effectiveDay + 60, *m.untilDay) : m.effectiveDay + 60;
}

// The engine's decision for exactly this policy version (no variant selection).
Decision engineDecide(const PolicyLibrary& lib, const PolicyModel& m, const nlohmann::json& facts, int day) {
    DecideRequest request{m.id, &facts, formatDate(day), false};
    DecideResult r = lib.decide(request);
    if (auto* e = std::get_if<InputError>(&r))
        throw std::runtime_error(m.id + ": the engine refused " + facts.dump() + ": " + e->message);
    Decision d = std::get<Decision>(r);
    if (d.policyVersion != m.version) throw std::runtime_error(m.id + ": decided by version " + d.policyVersion);
    return d;
}

nlohmann::json factsJson(const Reference& ref, const std::vector<std::optional<exact::Val>>& values) {
    nlohmann::json j = nlohmann::json::object();
    for (size_t i = 0; i < values.size(); ++i)
        if (values[i]) j[ref.facts()[i]->name] = ref.toJson(i, *values[i]);
    return j;
}

std::string describe(Outcome o, Route r, const std::vector<std::string>& missing) {
    std::string s = std::string(outcomeName(o)) + "/" + routeName(r);
    if (!missing.empty()) {
        s += " [";
        for (size_t i = 0; i < missing.size(); ++i) s += (i ? ", " : "") + missing[i];
        s += "]";
    }
    return s;
}

std::string describeOutputs(const std::vector<exact::OutputResult>& outs) {
    std::string s;
    for (const auto& o : outs) s += " " + o.name + "=" + (o.isText ? "(text)" : o.known ? std::to_string(o.number) : "null");
    return s;
}

std::vector<std::string> engineMissing(const Decision& d) { return {d.missingFacts.begin(), d.missingFacts.end()}; }

std::string describe(const Decision& d) {
    std::string s = describe(d.outcome, d.route, engineMissing(d));
    for (const auto& o : d.outputs) s += " " + std::string(o.name) + "=" + (o.known ? std::to_string(o.number) : "null");
    return s;
}

std::string describe(const exact::Result& r) { return describe(r.outcome, r.route, r.missing) + describeOutputs(r.outputs); }

bool sameNumber(double a, double b) { return a == b || std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a)); }

// ---------------------------------------------------------------- fully known

struct KnownRun {
    size_t sets = 0, mismatches = 0, policies = 0;
    std::set<int> rulesDecided;
    std::vector<std::string> examples;
};

// Every combination of classes when there are at most `exhaustive` of them,
// else `samples` random ones (seeded).
void compareKnown(const PolicyLibrary& lib, const PolicyModel& m, size_t exhaustive, size_t samples, uint32_t seed,
                  KnownRun& run) {
    int day = asOfFor(m);
    Reference ref(lib.checked(), m, day);
    ++run.policies;
    const size_t n = ref.facts().size();
    uint64_t total = ref.completions(std::vector<bool>(n, true));
    bool all = total <= exhaustive;
    size_t count = all ? static_cast<size_t>(total) : samples;
    std::mt19937 rng(seed);
    std::vector<size_t> digit(n, 0);
    for (size_t c = 0; c < count; ++c) {
        std::vector<std::optional<exact::Val>> values(n);
        std::vector<exact::Val> plain(n);
        for (size_t i = 0; i < n; ++i) {
            const auto& cls = ref.classes(i);
            size_t k = all ? digit[i] : std::uniform_int_distribution<size_t>(0, cls.size() - 1)(rng);
            plain[i] = cls[k];
            values[i] = cls[k];
        }
        if (all)
            for (size_t i = 0; i < n; ++i) {
                if (++digit[i] < ref.classes(i).size()) break;
                digit[i] = 0;
            }
        nlohmann::json facts = factsJson(ref, values);
        Decision d = engineDecide(lib, m, facts, day);
        exact::Result r = ref.decideKnown(plain);
        run.rulesDecided.insert(r.rule);
        exact::Result enumerated = ref.decide(values);  // one completion: must be the same
        bool same = d.outcome == r.outcome && d.route == r.route && d.missingFacts.empty() && enumerated.outcome == r.outcome &&
                    enumerated.route == r.route && enumerated.missing.empty();
        for (size_t o = 0; o < r.outputs.size() && same; ++o) {
            if (r.outputs[o].isText) continue;
            same = d.outputs[o].name == r.outputs[o].name && d.outputs[o].known &&
                   sameNumber(d.outputs[o].number, r.outputs[o].number);
        }
        ++run.sets;
        if (!same) {
            ++run.mismatches;
            if (run.examples.size() < 10)
                run.examples.push_back(m.id + " " + facts.dump() + "\n    engine:    " + describe(d) +
                                       "\n    reference: " + describe(r));
        }
    }
}

// ---------------------------------------------------------------- partial facts

enum Kind {
    kWrongDecision,   // the engine decided, and the exact decision differs: a real bug
    kTooCautious,     // the engine says undetermined; the known facts decide
    kExtraMissing,    // both undetermined; the engine lists a fact that cannot change the outcome or route
    kOmittedMissing,  // both undetermined; the engine leaves out a fact that can: a real bug
    kWrongOrder,      // the same missing facts in another order
    kOutputCautious,  // the engine's output is null; the exact output is known
    kOutputOutcome,   // the same, for an output that reads `outcome` of an undetermined decision (see below)
    kOutputWrong,     // the engine's output is known, and the exact one is null or another value: a real bug
    kKinds
};
// kOutputOutcome is kept apart: when the decision is undetermined, the
// reference works `outcome` out per completion (exact_reference.h), so an
// output such as `outcome is eligible` is known when every completion is
// eligible by different routes; another reading of the contract would differ.
const char* kKindNames[] = {"WRONG decision (bug)",
                            "too-cautious undetermined",
                            "extra missing facts",
                            "OMITTED missing facts (bug)",
                            "wrong order",
                            "output null but exact known",
                            "output null but exact known (reads `outcome`, undetermined)",
                            "output WRONG (bug)"};

struct PartialRun {
    std::map<std::string, std::array<size_t, kKinds>> byPolicy;
    std::map<std::string, size_t> casesByPolicy;
    std::array<size_t, kKinds> total{};
    std::map<std::pair<std::string, int>, std::vector<std::string>> examples;
    size_t cases = 0, completions = 0, mismatchedCases = 0;
};

void compareOne(const PolicyLibrary& lib, const PolicyModel& m, const Reference& ref,
                const std::vector<std::optional<exact::Val>>& values, PartialRun& run) {
    nlohmann::json facts = factsJson(ref, values);
    Decision d = engineDecide(lib, m, facts, ref.asOf());
    exact::Result r = ref.decide(values);
    ++run.cases;
    ++run.casesByPolicy[m.id];
    run.completions += r.completions;

    std::array<bool, kKinds> hit{};
    bool engineDecided = d.outcome != Outcome::Undetermined;
    bool exactDecided = r.outcome != Outcome::Undetermined;
    if (engineDecided && (d.outcome != r.outcome || d.route != r.route)) hit[kWrongDecision] = true;
    if (!engineDecided && exactDecided) hit[kTooCautious] = true;
    if (!engineDecided && !exactDecided) {
        std::vector<std::string> em = engineMissing(d);
        for (const std::string& f : em)
            if (std::find(r.missing.begin(), r.missing.end(), f) == r.missing.end()) hit[kExtraMissing] = true;
        for (const std::string& f : r.missing)
            if (std::find(em.begin(), em.end(), f) == em.end()) hit[kOmittedMissing] = true;
        if (!hit[kExtraMissing] && !hit[kOmittedMissing] && em != r.missing) hit[kWrongOrder] = true;
    }
    for (size_t o = 0; o < r.outputs.size(); ++o) {
        if (r.outputs[o].isText) continue;
        const OutputValue& e = d.outputs[o];
        if (e.known && (!r.outputs[o].known || !sameNumber(e.number, r.outputs[o].number))) hit[kOutputWrong] = true;
        if (!e.known && r.outputs[o].known)
            hit[!exactDecided && ref.outputReadsOutcome(o) ? kOutputOutcome : kOutputCautious] = true;
    }
    bool any = false;
    for (int k = 0; k < kKinds; ++k) {
        if (!hit[static_cast<size_t>(k)]) continue;
        any = true;
        ++run.byPolicy[m.id][static_cast<size_t>(k)];
        ++run.total[static_cast<size_t>(k)];
        auto& ex = run.examples[{m.id, k}];
        if (ex.size() < 2) ex.push_back(facts.dump() + "\n        engine: " + describe(d) + "\n        exact:  " + describe(r));
    }
    run.mismatchedCases += any;
}

// Seeded random partial fact sets: a fifth to a half of the facts unknown
// (fewer when there would be more than `cap` completions). Known values come
// from the classes, so they sit on and beside every constant: uniformly in
// half the cases, and in the others mostly the first (or mostly the last)
// class of each fact, so corners such as "every domain at no" come up too.
void comparePartial(const PolicyLibrary& lib, const PolicyModel& m, size_t cases, uint64_t cap, uint32_t seed, PartialRun& run,
                    double minShare = 0.2, double maxShare = 0.5) {
    Reference ref(lib.checked(), m, asOfFor(m));
    const size_t n = ref.facts().size();
    std::mt19937 rng(seed);
    run.byPolicy[m.id];
    for (size_t c = 0; c < cases; ++c) {
        double share = std::uniform_real_distribution<double>(minShare, maxShare)(rng);
        std::vector<bool> unknown(n);
        for (size_t i = 0; i < n; ++i) unknown[i] = std::bernoulli_distribution(share)(rng);
        if (n > 0 && std::none_of(unknown.begin(), unknown.end(), [](bool u) { return u; }))
            unknown[std::uniform_int_distribution<size_t>(0, n - 1)(rng)] = true;
        while (ref.completions(unknown) > cap) {
            std::vector<size_t> open;
            for (size_t i = 0; i < n; ++i)
                if (unknown[i]) open.push_back(i);
            unknown[open[std::uniform_int_distribution<size_t>(0, open.size() - 1)(rng)]] = false;
        }
        int mode = std::uniform_int_distribution<int>(0, 3)(rng);  // 0, 1: uniform; 2: mostly first; 3: mostly last
        std::vector<std::optional<exact::Val>> values(n);
        for (size_t i = 0; i < n; ++i) {
            if (unknown[i]) continue;
            const auto& cls = ref.classes(i);
            size_t k = std::uniform_int_distribution<size_t>(0, cls.size() - 1)(rng);
            if (mode >= 2 && std::bernoulli_distribution(0.8)(rng)) k = mode == 2 ? 0 : cls.size() - 1;
            values[i] = cls[k];
        }
        compareOne(lib, m, ref, values, run);
    }
}

// The cases the project's issue quotes, in the partial run too.
const std::pair<const char*, const char*> kQuotedCases[] = {
    {"chc.checklist", R"({"checklist_breathing": "c", "checklist_nutrition": "b", "checklist_continence": "b",
        "checklist_skin_integrity": "b", "checklist_communication": "c", "checklist_psychological_emotional": "c",
        "checklist_cognition": "c", "checklist_behaviour": "c", "checklist_drug_therapies": "c",
        "checklist_altered_states_of_consciousness": "c"})"},
    {"chc.dst", R"({"dst_breathing": "no", "dst_continence": "no", "dst_skin_integrity": "no", "dst_mobility": "no",
        "dst_communication": "no", "dst_psychological_emotional": "no", "dst_cognition": "no", "dst_behaviour": "no",
        "dst_drug_therapies": "no", "dst_altered_states_of_consciousness": "no", "dst_other_significant_care_needs": "no"})"},
    {"ebi.shoulder_decompression", R"({"conservative_treatment_failed": false})"},
    {"ebi.grommets", R"({"down_syndrome_or_cleft_palate": false, "ome_bilateral": false})"},
    {"srp.wigs", R"({"hair_loss_cause": "other_medical_condition", "wigs_supplied_last_12_months": 1})"},
};

uint32_t seedOf(const std::string& id) {
    uint32_t h = 2166136261u;
    for (char c : id) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
    return h;
}

exact::Result referenceOn(const char* policy, const char* factsText) {
    const PolicyLibrary& lib = bundled();
    int day = *parseDate("2026-06-01");
    const PolicyModel* m = lib.model(policy, day);
    REQUIRE(m);
    Reference ref(lib.checked(), *m, day);
    return ref.decide(nlohmann::json::parse(factsText));
}

}  // namespace

TEST_CASE("exact reference: its reading order is the checker's; policies/ need no over-approximation") {
    size_t policies = 0;
    for (const PolicyLibrary* lib : {&bundled(), &fixture()})
        for (const PolicyModel& m : lib->checked().policies) {
            Reference ref(lib->checked(), m, asOfFor(m));
            // The rules' and outputs' facts come first in factsRead (a variant's condition is read last).
            REQUIRE(ref.facts().size() <= m.factsRead.size());
            for (size_t i = 0; i < ref.facts().size(); ++i) CHECK_MESSAGE(ref.facts()[i] == m.factsRead[i], m.id << " #" << i);
            if (lib == &bundled())
                CHECK_MESSAGE(ref.notes().empty(), m.id << ": " << (ref.notes().empty() ? "" : ref.notes()[0]));
            for (size_t i = 0; i < ref.facts().size(); ++i) CHECK(!ref.classes(i).empty());
            ++policies;
        }
    CHECK(policies == 31);
}

TEST_CASE("exact reference: classes are on and beside every constant") {
    const PolicyLibrary& lib = bundled();
    int day = *parseDate("2026-06-01");
    auto numbersOf = [&](const char* policy, const char* fact) {
        Reference ref(lib.checked(), *lib.model(policy, day), day);
        std::vector<double> v;
        for (const exact::Val& x : ref.classes(static_cast<size_t>(ref.indexOf(fact)))) v.push_back(x.num);
        return v;
    };
    // age_years between 23 and 42, age_years < 40 (entitlement); range 0..130.
    CHECK(numbersOf("fertility.ivf", "age_years") == std::vector<double>{0, 22, 23, 24, 39, 40, 41, 42, 43, 130});
    // entitlement (1 or 2) - previous_ivf_cycles >= 1: thresholds 0 and 1; range 0..20.
    CHECK(numbersOf("fertility.ivf", "previous_ivf_cycles") == std::vector<double>{0, 1, 2, 20});
    // wigs_supplied_last_12_months < allowance (1 or 2), and max(allowance - wigs, 0) in an output.
    CHECK(numbersOf("srp.wigs", "wigs_supplied_last_12_months") == std::vector<double>{0, 1, 2, 3, 50});
    // amh_pmol_l > 5.4, range 0..500: 5.4 and beside it, the ends and the midpoints.
    std::vector<double> amh = numbersOf("fertility.ivf", "amh_pmol_l");
    CHECK(std::find(amh.begin(), amh.end(), 5.4) != amh.end());
    CHECK(std::count_if(amh.begin(), amh.end(), [](double x) { return x > 5.4 && x < 5.5; }) == 1);
    CHECK(std::count_if(amh.begin(), amh.end(), [](double x) { return x < 5.4 && x > 5.3; }) == 1);
    CHECK(amh.front() == 0);
    CHECK(amh.back() == 500);
    // amh_test_date within 12 months of 2026-06-01: 2025-06-01 and 2026-06-01, each with its neighbours.
    std::vector<double> dates = numbersOf("fertility.ivf", "amh_test_date");
    for (const char* d : {"2025-05-31", "2025-06-01", "2025-06-02", "2026-05-31", "2026-06-01", "2026-06-02"})
        CHECK_MESSAGE(std::find(dates.begin(), dates.end(), *parseDate(d)) != dates.end(), d);
    // Levels: only the allowed ones (dst_continence up to high; altered states except severe).
    CHECK(numbersOf("chc.dst", "dst_continence") == std::vector<double>{0, 1, 2, 3});
    CHECK(numbersOf("chc.dst", "dst_altered_states_of_consciousness") == std::vector<double>{0, 1, 2, 3, 5});
    // A text list tested by before(mha_sections, "/") has {...}: empty or matching.
    Reference s117(lib.checked(), *lib.model("s117.aftercare", day), day);
    CHECK(s117.classes(static_cast<size_t>(s117.indexOf("mha_sections"))).size() == 2);
}

// Whether a fact's classes miss a behaviour: in random contexts (the other
// facts at class values), the outcomes and routes reached by varying the fact
// over its classes, and whether each output stays constant, must be the same
// as over a much finer set of its allowed values. Returns the facts checked.
size_t checkClassesComplete(const PolicyLibrary& lib, const PolicyModel& m, size_t contexts, uint32_t seed,
                            std::vector<std::string>& problems) {
    Reference ref(lib.checked(), m, asOfFor(m));
    const size_t n = ref.facts().size();
    std::mt19937 rng(seed);
    size_t checked = 0;
    for (size_t f = 0; f < n; ++f) {
        const FactInfo& fact = *ref.facts()[f];
        std::vector<double> fine;
        if (fact.type.kind == TypeKind::Int) {
            double lo = fact.min.value_or(-1000), hi = fact.max.value_or(1000);
            for (double x = lo; x <= hi && fine.size() < 5000; ++x) fine.push_back(x);
        } else if (fact.type.kind == TypeKind::Dec) {
            double lo = fact.min.value_or(-1000), hi = fact.max.value_or(1000);
            for (double x = std::ceil(lo * 2) / 2; x <= hi; x += 0.5) fine.push_back(x);
            for (int k = 0; k < 1500; ++k) fine.push_back(std::uniform_real_distribution<double>(lo, hi)(rng));
        } else if (fact.type.kind == TypeKind::Date) {
            for (int d = ref.asOf() - 3 * 366 - 45; d <= ref.asOf() + 45; ++d) fine.push_back(d);
            for (int years = 4; years <= 100; ++years) {
                int anniversary = exact::refMinusMonths(ref.asOf(), 12 * years);
                for (int d = anniversary - 2; d <= anniversary + 2; ++d) fine.push_back(d);
            }
        } else {
            continue;  // booleans, enums and levels: every value is a class; text and lists: by construction
        }
        ++checked;
        for (size_t c = 0; c < contexts; ++c) {
            std::vector<exact::Val> values(n);
            for (size_t i = 0; i < n; ++i) {
                const auto& cls = ref.classes(i);
                values[i] = cls[std::uniform_int_distribution<size_t>(0, cls.size() - 1)(rng)];
            }
            auto reach = [&](const std::vector<double>& over, std::set<std::pair<int, int>>& decisions,
                             std::vector<std::set<double>>& outputs) {
                for (double x : over) {
                    values[f].num = x;
                    exact::Result r = ref.decideKnown(values);
                    decisions.insert({static_cast<int>(r.outcome), static_cast<int>(r.route)});
                    outputs.resize(r.outputs.size());
                    for (size_t o = 0; o < r.outputs.size(); ++o) outputs[o].insert(r.outputs[o].number);
                }
            };
            std::vector<double> classes;
            for (const exact::Val& v : ref.classes(f)) classes.push_back(v.num);
            std::set<std::pair<int, int>> byClasses, byFine;
            std::vector<std::set<double>> outClasses, outFine;
            reach(classes, byClasses, outClasses);
            reach(fine, byFine, outFine);
            reach(classes, byFine, outFine);
            bool same = byClasses == byFine;
            for (size_t o = 0; o < outClasses.size(); ++o) same &= (outClasses[o].size() == 1) == (outFine[o].size() == 1);
            if (!same && problems.size() < 10) {
                values[f] = ref.classes(f)[0];
                problems.push_back(m.id + ": " + fact.name + " has a behaviour its classes miss, with the others at " +
                                   factsJson(ref, {values.begin(), values.end()}).dump());
            }
        }
    }
    return checked;
}

TEST_CASE("exact reference: a finer enumeration of numbers and dates finds no behaviour the classes miss") {
    std::vector<std::string> problems;
    size_t facts = 0;
    for (const PolicyModel& m : bundled().checked().policies)
        facts += checkClassesComplete(bundled(), m, 10, seedOf(m.id) + 3, problems);
    facts += checkClassesComplete(fixture(), fixture().checked().policies.front(), 40, 99, problems);
    for (const std::string& p : problems) MESSAGE(p);
    CHECK(problems.empty());
    MESSAGE(facts << " numeric and date facts checked");
    CHECK(facts > 50);
}

TEST_CASE("exact reference: its calendar agrees with the engine's") {
    int start = *parseDate("2019-12-25"), end = *parseDate("2021-03-05");
    int asOfs[] = {*parseDate("2020-02-29"), *parseDate("2021-02-28"), *parseDate("2020-03-31"), *parseDate("2021-01-31")};
    for (int asOf : asOfs)
        for (int d = start; d <= end; ++d) {
            REQUIRE(exact::refWholeMonths(d, asOf) == wholeMonthsBetween(d, asOf));
            REQUIRE(exact::refWholeYears(d - 3000, asOf) == wholeYearsBetween(d - 3000, asOf));
            REQUIRE(exact::refMinusMonths(asOf, (d - start) % 40 - 5) == subtractMonths(asOf, (d - start) % 40 - 5));
        }
}

TEST_CASE("exact reference: the five cases where today's engine is too cautious") {
    SUBCASE("chc.checklist: three B, the rest C, mobility unknown: no level of mobility needs an assessment") {
        exact::Result r = referenceOn(kQuotedCases[0].first, kQuotedCases[0].second);
        CHECK(r.outcome == Outcome::NotEligible);
        CHECK(r.route == Route::None);
        CHECK(r.missing.empty());
        CHECK(r.completions == 3);
    }
    SUBCASE("chc.dst: every domain no but nutrition unknown: not eligible") {
        exact::Result r = referenceOn(kQuotedCases[1].first, kQuotedCases[1].second);
        CHECK(r.outcome == Outcome::NotEligible);
        CHECK(r.route == Route::None);
        CHECK(r.missing.empty());
        CHECK(r.completions == 5);  // dst_nutrition is `up to severe`
    }
    SUBCASE("ebi.shoulder_decompression: conservative treatment has not failed: only malignancy matters") {
        exact::Result r = referenceOn(kQuotedCases[2].first, kQuotedCases[2].second);
        CHECK(r.outcome == Outcome::Undetermined);
        CHECK(r.missing == std::vector<std::string>{"suspected_malignancy"});
    }
    SUBCASE("ebi.grommets: no specialist group, not bilateral: either age gives not_eligible, ifr") {
        exact::Result r = referenceOn(kQuotedCases[3].first, kQuotedCases[3].second);
        CHECK(r.outcome == Outcome::Undetermined);
        CHECK(r.missing == std::vector<std::string>{"suspected_malignancy"});
        exact::Result known = referenceOn(
            "ebi.grommets", R"({"suspected_malignancy": false, "down_syndrome_or_cleft_palate": false, "ome_bilateral": false})");
        CHECK(known.outcome == Outcome::NotEligible);
        CHECK(known.route == Route::Ifr);
    }
    SUBCASE("srp.wigs: another medical condition, one wig supplied: only the wig type matters") {
        exact::Result r = referenceOn(kQuotedCases[4].first, kQuotedCases[4].second);
        CHECK(r.outcome == Outcome::Undetermined);
        CHECK(r.missing == std::vector<std::string>{"wig_type"});
        REQUIRE(r.outputs.size() == 2);
        CHECK_FALSE(r.outputs[0].known);  // wigs_remaining: 1 for a synthetic wig, 0 for human hair
        CHECK_FALSE(r.outputs[1].known);  // charge_exempt: nothing known about the charge
    }
    SUBCASE("and where the engine is already exact, so is the reference") {
        // A smoker is not eligible whatever the BMI and AMH (contract, "Three-valued logic").
        exact::Result r = referenceOn("fertility.ivf", R"({"smoker": true, "registered_with_icb_gp": true,
            "age_years": 30, "partner_smoker": false, "living_children": 0, "sterilisation": false,
            "infertility_years": 3, "amh_test_date": "2026-01-15", "previous_ivf_cycles": 0})");
        CHECK(r.outcome == Outcome::NotEligible);
        CHECK(r.route == Route::Ifr);
        REQUIRE(r.outputs.size() == 1);
        CHECK(r.outputs[0].known);
        CHECK(r.outputs[0].number == 0);
        exact::Result s117 = referenceOn("s117.aftercare", "{}");
        CHECK(s117.outcome == Outcome::Undetermined);
        CHECK(s117.missing == std::vector<std::string>{"mha_sections", "left_hospital"});
        exact::Result four = referenceOn("chc.checklist", R"({"checklist_nutrition": "b", "checklist_continence": "b",
            "checklist_skin_integrity": "b", "checklist_mobility": "b", "checklist_breathing": "c",
            "checklist_communication": "c", "checklist_psychological_emotional": "c", "checklist_behaviour": "c",
            "checklist_drug_therapies": "c", "checklist_altered_states_of_consciousness": "c"})");
        CHECK(four.outcome == Outcome::Undetermined);  // a fifth B, or an A with the four B, needs an assessment
        CHECK(four.missing == std::vector<std::string>{"checklist_cognition"});
    }
}

TEST_CASE("exact reference agrees with the engine on fully known facts: every policy in policies/") {
    const PolicyLibrary& lib = bundled();
    KnownRun run;
    auto started = std::chrono::steady_clock::now();
    for (const PolicyModel& m : lib.checked().policies) compareKnown(lib, m, 8192, 4000, seedOf(m.id), run);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const std::string& e : run.examples) MESSAGE(e);
    MESSAGE(run.sets << " fully known fact sets over " << run.policies << " policies, " << run.mismatches << " mismatches, "
                     << seconds << " s");
    CHECK(run.policies == 30);
    CHECK(run.sets > 40000);
    CHECK(run.mismatches == 0);
}

TEST_CASE("exact reference agrees with the engine on fully known facts: every construct of the language") {
    const PolicyLibrary& lib = fixture();
    KnownRun run;
    const PolicyModel& m = lib.checked().policies.front();
    // `n1 * 2 - n2 + ... > 30` compares two facts: both take every value of their ranges.
    Reference ref(lib.checked(), m, asOfFor(m));
    REQUIRE(ref.notes().size() == 2);
    CHECK(ref.notes()[0].rfind("n1: every value of its range", 0) == 0);
    CHECK(ref.notes()[1].rfind("n2: every value of its range", 0) == 0);
    compareKnown(lib, m, 0, 20000, 12345, run);
    for (const std::string& e : run.examples) MESSAGE(e);
    CHECK(run.sets == 20000);
    CHECK(run.mismatches == 0);
    // Not vacuous: every rule decides some of the sets.
    CHECK(run.rulesDecided.size() == m.rules.size());
}

TEST_CASE("exact property, soundness only: when the engine decides it is right, and it names every fact that matters") {
    // What holds already of a sound but cautious engine, and must keep holding
    // as it becomes exact: no decision the known facts do not force, no missing
    // fact left out, no output known that could differ.
    PartialRun run;
    for (const PolicyLibrary* lib : {&bundled(), &fixture()})
        for (const PolicyModel& m : lib->checked().policies) comparePartial(*lib, m, 400, 1024, seedOf(m.id) + 2, run);
    for (const auto& [key, list] : run.examples)
        if (key.second == kWrongDecision || key.second == kOmittedMissing || key.second == kOutputWrong)
            for (const std::string& e : list) MESSAGE(key.first << " — " << kKindNames[key.second] << "\n    " << e);
    CHECK(run.cases == 31 * 400);
    CHECK(run.total[kWrongDecision] == 0);
    CHECK(run.total[kOmittedMissing] == 0);
    CHECK(run.total[kOutputWrong] == 0);
}

namespace {

// One partial-facts run over `libs`, printed; CPE_EXACT_CASES (cases a policy)
// and CPE_EXACT_UNKNOWN (the share of facts left unknown, "0.5,0.9") widen it.
PartialRun partialRun(const std::vector<const PolicyLibrary*>& libs, bool quoted, size_t defaultCases) {
    size_t cases = defaultCases;
    if (const char* env = std::getenv("CPE_EXACT_CASES")) cases = static_cast<size_t>(std::atol(env));
    double minShare = 0.2, maxShare = 0.5;
    if (const char* env = std::getenv("CPE_EXACT_UNKNOWN")) std::sscanf(env, "%lf,%lf", &minShare, &maxShare);
    const uint64_t cap = 4096;
    PartialRun run;
    auto started = std::chrono::steady_clock::now();
    int day = *parseDate("2026-06-01");
    if (quoted)
        for (const auto& [policy, facts] : kQuotedCases) {
            const PolicyModel& m = *bundled().model(policy, day);
            Reference ref(bundled().checked(), m, day);
            nlohmann::json j = nlohmann::json::parse(facts);
            std::vector<std::optional<exact::Val>> values(ref.facts().size());
            for (size_t i = 0; i < values.size(); ++i)
                if (j.contains(ref.facts()[i]->name)) values[i] = ref.fromJson(i, j[ref.facts()[i]->name]);
            compareOne(bundled(), m, ref, values, run);
        }
    for (const PolicyLibrary* lib : libs)
        for (const PolicyModel& m : lib->checked().policies)
            comparePartial(*lib, m, cases, cap, seedOf(m.id) + 1, run, minShare, maxShare);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    std::ostringstream out;
    out << run.cases << " partial fact sets (" << (quoted ? "the 5 quoted cases, then " : "") << cases << " a policy with "
        << minShare << " to " << maxShare << " of the facts unknown), " << run.completions << " completions enumerated, "
        << seconds << " s; " << run.mismatchedCases << " differ from the exact decision\n";
    for (int k = 0; k < kKinds; ++k)
        if (run.total[static_cast<size_t>(k)]) out << "  " << kKindNames[k] << ": " << run.total[static_cast<size_t>(k)] << "\n";
    for (const auto& [id, counts] : run.byPolicy) {
        size_t sum = 0;
        for (size_t c : counts) sum += c;
        if (!sum) continue;
        out << "  " << id << " (" << run.casesByPolicy[id] << "):";
        for (int k = 0; k < kKinds; ++k)
            if (counts[static_cast<size_t>(k)]) out << "  " << kKindNames[k] << " " << counts[static_cast<size_t>(k)] << ";";
        out << "\n";
    }
    for (const auto& [key, list] : run.examples)
        for (const std::string& e : list) out << "  " << key.first << " — " << kKindNames[key.second] << "\n    " << e << "\n";
    MESSAGE(out.str());
    return run;
}

}  // namespace

TEST_CASE("exact property: on partial facts the engine gives the exact decision, for every policy in policies/") {
    const uint64_t hitsBefore = Evaluator::refineCounters().boundHits.load();
    PartialRun run = partialRun({&bundled()}, true, 1000);
    if (!std::getenv("CPE_EXACT_CASES")) CHECK(run.cases == 5 + 30 * 1000);
    CHECK(run.total[kWrongDecision] == 0);
    CHECK(run.total[kOmittedMissing] == 0);
    CHECK(run.total[kOutputWrong] == 0);
    CHECK(run.mismatchedCases == 0);
    // No policy reaches the refinement's bound (refine.cpp, kRefineBudget).
    CHECK(Evaluator::refineCounters().boundHits.load() == hitsBefore);
}

TEST_CASE("policies whose shape makes the three-valued pass exact decide without searching") {
    // Rule conditions that are trees over separate facts (kleeneIsExact in
    // refine.cpp): tonsillectomy is one; IVF (age read twice) and the
    // checklist (counts) are not. The property test above holds every one of
    // them to the reference, searching or not.
    std::vector<std::string> searchless;
    for (const PolicyModel& m : bundled().checked().policies) {
        const CompiledPolicy* p = bundled().find(m.id, asOfFor(m));
        if (p && Evaluator(p->program).kleeneExact()) searchless.push_back(m.id + " " + m.version);
    }
    std::string list;
    for (const std::string& s : searchless) list += "  " + s + "\n";
    MESSAGE(searchless.size() << " policy versions decide without searching:\n" << list);
    auto has = [&](const std::string& id) {
        return std::any_of(searchless.begin(), searchless.end(), [&](const std::string& s) { return s.rfind(id + " ", 0) == 0; });
    };
    CHECK(has("ebi.tonsillectomy"));
    CHECK_FALSE(has("fertility.ivf"));
    CHECK_FALSE(has("chc.checklist"));
}

TEST_CASE("exact property on every construct: the fixture reading each construct of the language") {
    // The fixture reads a list of codes through two overlapping code sets, a
    // list of text through `before`, text, dates under `years_since`,
    // `months_since`, `days_since` and `within`, a decimal through a named
    // value in arithmetic, counts over levels and outputs that read `outcome`:
    // the engine's answer must be exact on every one.
    const uint64_t hitsBefore = Evaluator::refineCounters().boundHits.load();
    PartialRun run = partialRun({&fixture()}, false, 2000);
    for (size_t k = 0; k < run.total.size(); ++k) CHECK(run.total[k] == 0);
    CHECK(run.mismatchedCases == 0);
    CHECK(Evaluator::refineCounters().boundHits.load() == hitsBefore);
}

TEST_CASE("exact reference: it gives what the policies' own tests expect") {
    // The tests beside the policies were written by hand from the policy
    // documents; the reference must meet every `expect` outcome, route,
    // missing and output line (all of them hold of the exact decision today:
    // none encodes the engine's caution). Facts and date as the test runner
    // takes them: the `like` chain, oldest first; without `as of`, the
    // policy's effective date. A few tests leave too many facts unknown to
    // enumerate (chc.dst with every domain unknown: 6^12 completions).
    const PolicyLibrary& lib = bundled();
    std::ostringstream out;
    size_t tests = 0, differing = 0, enumerated = 0;
    for (const TestDecl* t : lib.checked().tests) {
        bool expectsError = std::any_of(t->items.begin(), t->items.end(),
                                        [](const TestItem& i) { return i.kind == TestItem::Kind::ExpectError; });
        if (expectsError) continue;
        TestRequest request = testRequest(lib, *t);
        const nlohmann::json& facts = request.facts;
        int day = *parseDate(*request.asOf);
        const PolicyModel* m = lib.model(t->policy, day);
        REQUIRE(m);
        Reference ref(lib.checked(), *m, day);
        ++tests;
        exact::Result r;
        try {
            r = ref.decide(facts);
        } catch (const exact::ReferenceUnsupported& e) {
            out << "  " << t->policy << " \"" << t->name << "\": not enumerated (" << e.what() << ")\n";
            continue;
        }
        ++enumerated;
        std::vector<std::string> problems;
        for (const TestItem& item : t->items) {
            if (item.kind == TestItem::Kind::ExpectOutcome) {
                if (item.text != outcomeName(r.outcome) || (!item.route.empty() && item.route != routeName(r.route)))
                    problems.push_back("expects " + item.text + (item.route.empty() ? "" : ", route " + item.route) +
                                       "; exact: " + describe(r.outcome, r.route, r.missing));
            }
            if (item.kind == TestItem::Kind::ExpectMissing) {
                std::vector<std::string> expected;
                for (const auto& [name, _] : item.names) expected.push_back(name);
                if (expected != r.missing)
                    problems.push_back("expects missing " + describe(Outcome::Undetermined, Route::None, expected) +
                                       "; exact: " + describe(r.outcome, r.route, r.missing));
            }
            if (item.kind == TestItem::Kind::ExpectOutput) {
                auto o = std::find_if(r.outputs.begin(), r.outputs.end(), [&](auto& x) { return x.name == item.text; });
                if (o == r.outputs.end() || o->isText) continue;
                nlohmann::json want = factValueToJson(item.value);
                bool same = want.is_null()      ? !o->known
                            : want.is_boolean() ? o->known && o->number == (want.get<bool>() ? 1 : 0)
                            : want.is_number()  ? o->known && sameNumber(o->number, want.get<double>())
                                                : true;  // enum or date outputs: not compared here
                if (!same)
                    problems.push_back("expects output " + item.text + " = " + want.dump() +
                                       "; exact: " + (o->known ? std::to_string(o->number) : "null"));
            }
        }
        if (!problems.empty()) {
            ++differing;
            out << "  " << t->policy << " \"" << t->name << "\" " << facts.dump() << "\n";
            for (const std::string& p : problems) out << "      " << p << "\n";
        }
    }
    MESSAGE(tests << " policy tests, " << enumerated << " enumerated, " << differing
                  << " expect something other than the exact decision\n"
                  << out.str());
    CHECK(differing == 0);
    CHECK(enumerated >= 400);
}
