#include "engine/doc/test_evidence.h"

#include <algorithm>

#include "engine/base/number_format.h"

namespace cpe {
namespace {

using doc::Bullet;
using doc::Writer;

std::string code(const std::string& s) { return "`" + s + "`"; }
std::string percent(double p) { return decimalWithThousands(p, 1) + "%"; }
std::string plural(size_t n, const char* one, const char* many) { return thousands(n) + " " + (n == 1 ? one : many); }
// A side a test did not read is the finding, so it is the word in bold.
std::string seen(bool yes) { return yes ? "yes" : "**no**"; }

size_t killedOf(const std::vector<const PolicyMutation*>& runs) {
    size_t n = 0;
    for (const PolicyMutation* m : runs) n += m->killed();
    return n;
}

size_t mutantsOf(const std::vector<const PolicyMutation*>& runs) {
    size_t n = 0;
    for (const PolicyMutation* m : runs) n += m->mutants.size();
    return n;
}

template <class T>
std::vector<const T*> forPolicy(const std::vector<T>& all, const std::string& id) {
    std::vector<const T*> out;
    for (const T& x : all)
        if (x.policy == id) out.push_back(&x);
    return out;
}

struct PolicyFigures {
    size_t tests = 0, failed = 0, covered = 0, total = 0, mutants = 0, killed = 0;
    double coverage() const { return total ? 100.0 * static_cast<double>(covered) / static_cast<double>(total) : 100.0; }
};

PolicyFigures figures(const TestEvidence& e, const std::string& id) {
    PolicyFigures f;
    for (const TestResult* t : forPolicy(e.tests, id)) {
        ++f.tests;
        f.failed += !t->passed();
    }
    for (const PolicyCoverage* c : forPolicy(e.coverage, id)) {
        f.covered += c->covered;
        f.total += c->total;
    }
    auto runs = forPolicy(e.mutation, id);
    f.mutants = mutantsOf(runs);
    f.killed = killedOf(runs);
    return f;
}

std::string testsWords(const PolicyFigures& f) {
    if (f.tests == 0) return "no tests";
    return plural(f.tests, "test", "tests") + (f.failed ? ", **" + thousands(f.failed) + " failing**" : ", all pass");
}

std::string mutantsWords(const PolicyFigures& f) {
    return thousands(f.killed) + " of " + plural(f.mutants, "mutant", "mutants") + " caught";
}

// A threshold edge's sides, as table cells: at, below, above (or, for
// `within`, exactly, longer ago, more recent). "—" where no value can reach.
std::vector<std::string> edgeCells(const EdgeCoverage& e) {
    if (e.equality) return {seen(e.at), "", (e.belowPossible || e.abovePossible) ? seen(e.below || e.above) : "—"};
    return {seen(e.at), e.belowPossible ? seen(e.below) : "—", e.abovePossible ? seen(e.above) : "—"};
}

void coverageSection(Writer& w, const PolicyCoverage& c) {
    w.heading(3, "Coverage of version " + c.version);
    w.paragraph(thousands(c.covered) + " of " + thousands(c.total) + " (" + percent(c.percent()) + ") — " +
                plural(c.tests, "test reaches", "tests reach") +
                " this version. Counted: each decision rule that decided a test, each criterion seen true and seen "
                "false, and each threshold read at its edge and on each side of it.");
    std::vector<std::vector<std::string>> rows;
    for (const RuleCoverage& r : c.rules) rows.push_back({code(r.text), code(r.at), seen(r.decided)});
    if (!rows.empty()) w.table({"Decision rule", "Where", "Decided a test"}, rows);
    rows.clear();
    for (const CriterionCoverage& cr : c.criteria)
        rows.push_back({code(cr.id), code(cr.at), seen(cr.seenTrue), seen(cr.seenFalse), cr.seenUnknown ? "yes" : "no"});
    if (!rows.empty()) w.table({"Criterion", "Where", "Seen true", "Seen false", "Seen unknown"}, rows);
    rows.clear();
    bool within = false;
    for (const ComparisonCoverage& s : c.comparisons)
        for (const EdgeCoverage& e : s.edges) {
            within |= s.within;
            std::vector<std::string> row = {code(s.text), code(s.at), "**" + e.value + "**"};
            for (std::string& cell : edgeCells(e)) row.push_back(std::move(cell));
            rows.push_back(std::move(row));
        }
    if (!rows.empty()) {
        w.table({"Threshold", "Where", "Edge", "Tested at the edge", "Below", "Above"}, rows);
        std::string note =
            "Below and above: a test with a value on that side of the edge. For a comparison with `==` or `is`, "
            "the column “Above” says whether a test used any other value. “—”: no value can be on that side.";
        if (within) note += " For `within N months`, below means longer ago than the period and above more recent.";
        w.paragraph(note);
    }
    std::vector<Bullet> gaps;
    for (const std::string& g : c.gaps()) gaps.push_back({code(g.substr(0, g.find(": "))) + g.substr(g.find(": ")), {}});
    if (gaps.empty()) {
        w.paragraph(
            "Nothing untested: every rule decided a test, every criterion was seen true and false, and every "
            "threshold was read at its edge and on each side.");
    } else {
        w.paragraph("**Untested** — a mistake here would pass every test:");
        w.bullets(gaps);
    }
}

void mutationSection(Writer& w, const PolicyMutation& m) {
    w.heading(3, "Mutation testing of version " + m.version);
    w.paragraph(plural(m.mutants.size(), "mutant", "mutants") + " made, " + thousands(m.killed()) +
                " caught by a failing test. Each mutant is one small mistake an author could make — a comparison "
                "flipped, a threshold moved by one unit, `all of` and `any of` swapped, an item dropped, a rule's "
                "outcome or route changed — and the policy's tests are run against it.");
    std::vector<std::vector<std::string>> rows;
    for (const Mutant& u : m.mutants)
        if (!u.killed) rows.push_back({code(u.at), code(u.text), u.change});
    if (rows.empty()) {
        w.paragraph("No mutant survived: a test fails for every one of these mistakes.");
        return;
    }
    w.paragraph("**" + plural(rows.size(), "mutant survived", "mutants survived") +
                "**: no test fails when the rules are changed like this.");
    w.table({"Where", "As written", "Change no test catches"}, rows);
}

}  // namespace

TestEvidence TestEvidence::measure(const PolicyLibrary& lib) {
    return {runPolicyTests(lib), measureCoverage(lib), runMutationTests(lib)};
}

std::string TestEvidence::summaryOf(const std::string& policyId) const {
    PolicyFigures f = figures(*this, policyId);
    std::string s = testsWords(f);
    if (f.total) s += " · coverage " + percent(f.coverage());
    if (f.mutants) s += " · " + mutantsWords(f);
    return s;
}

std::string testEvidenceAnchor(const std::string& policyId) {
    std::string a = "tests-" + policyId;
    std::replace(a.begin(), a.end(), '.', '-');
    return a;
}

namespace {

// What differs between the page within `cpe doc`'s pages and on its own.
struct PageFrame {
    std::string kicker;
    std::string producedBy;  // the intro's last sentence
    bool linksToPolicyPages = false;
    std::string footer;
};

// "cpe test --coverage --mutate": the run that measures what `e` holds.
std::string testCommand(const TestEvidence& e) {
    return std::string("cpe test") + (e.coverageMeasured ? " --coverage" : "") + (e.mutationMeasured ? " --mutate" : "");
}

void writePage(Writer& w, const TestEvidence& e, const std::vector<std::string>& policyIds, const PageFrame& frame) {
    size_t tests = e.tests.size(), failed = 0, covered = 0, total = 0, mutants = 0, killed = 0;
    for (const TestResult& t : e.tests) failed += !t.passed();
    for (const PolicyCoverage& c : e.coverage) covered += c.covered, total += c.total;
    for (const PolicyMutation& m : e.mutation) mutants += m.mutants.size(), killed += m.killed();
    std::string sub = plural(tests, "test", "tests") + (failed ? " (" + thousands(failed) + " failing)" : ", all pass");
    if (e.coverageMeasured)
        sub += " · coverage " + percent(total ? 100.0 * static_cast<double>(covered) / static_cast<double>(total) : 100.0);
    if (e.mutationMeasured) sub += " · " + thousands(killed) + " of " + plural(mutants, "mutant", "mutants") + " caught";
    w.title(frame.kicker, "Test evidence", sub);
    std::string reach = e.coverageMeasured ? "which rules and criteria they reach, whether each threshold is tried at its edge "
                                             "and on both sides"
                                           : "";
    if (e.mutationMeasured)
        reach += std::string(reach.empty() ? "" : ", and ") +
                 "whether a small mistake in the rules — a threshold moved by one, a comparison flipped — would make a "
                 "test fail";
    w.paragraph(std::string("Each policy is tested by the examples written beside it. This page shows, for a reviewer, how "
                            "closely those tests pin the ") +
                (frame.linksToPolicyPages ? "published criteria" : "criteria") +
                (reach.empty() ? std::string(".") : ": " + reach + ".") + " " + frame.producedBy);
    std::vector<std::string> heads = {"Policy", "Tests"};
    std::vector<bool> numeric = {false, false};
    if (e.coverageMeasured) heads.push_back("Coverage"), numeric.push_back(true);
    if (e.mutationMeasured)
        heads.insert(heads.end(), {"Mutants caught", "Survivors"}), numeric.insert(numeric.end(), {true, true});
    std::vector<std::vector<std::string>> rows;
    for (const std::string& id : policyIds) {
        PolicyFigures f = figures(e, id);
        std::vector<std::string> row = {"[" + id + "](#" + testEvidenceAnchor(id) + ")", testsWords(f)};
        if (e.coverageMeasured) row.push_back(f.total ? percent(f.coverage()) : "—");
        if (e.mutationMeasured) {
            row.push_back(f.mutants ? thousands(f.killed) + " of " + thousands(f.mutants) : "—");
            row.push_back(f.mutants ? thousands(f.mutants - f.killed) : "—");
        }
        rows.push_back(std::move(row));
    }
    w.table(heads, rows, numeric);

    for (const std::string& id : policyIds) {
        w.heading(2, id, testEvidenceAnchor(id));
        PolicyFigures f = figures(e, id);
        w.paragraph(frame.linksToPolicyPages ? "[The published criteria](" + id + ".page) · " + testsWords(f) + "."
                                             : e.summaryOf(id) + ".");
        auto results = forPolicy(e.tests, id);
        if (results.empty()) {
            w.paragraph("**No tests are written for this policy**, so nothing shows that its thresholds are right.");
        } else {
            w.heading(3, "Tests");
            rows.clear();
            for (const TestResult* t : results) {
                std::string result = t->passed() ? "passes" : "**fails**: ";
                for (size_t i = 0; i < t->failures.size(); ++i)
                    result += (i ? "; " : "") + t->failures[i].message + " (" + code(t->failures[i].at) + ")";
                rows.push_back({t->name, code(t->at), result});
            }
            w.table({"Test", "Where", "Result"}, rows);
        }
        for (const PolicyCoverage* c : forPolicy(e.coverage, id)) coverageSection(w, *c);
        for (const PolicyMutation* m : forPolicy(e.mutation, id)) mutationSection(w, *m);
    }
    w.footer(frame.footer);
}

}  // namespace

void writeTestEvidence(Writer& w, const TestEvidence& e, const std::vector<std::string>& policyIds, const std::string& dayText) {
    writePage(w, e, policyIds,
              {"Clear thresholds and access criteria · [all policies](index.page)",
               "Produced by the same code as `" + testCommand(e) + "`, on the policies in force on " + dayText + ".", true,
               "Generated by `cpe doc` from the policies and their tests; `" + testCommand(e) + "` reports the same figures."});
}

void writeTestReport(Writer& w, const TestEvidence& e, const std::vector<std::string>& policyIds, const std::string& sources) {
    writePage(w, e, policyIds,
              {"Report of cpe test", "Produced by `" + testCommand(e) + "` on `" + sources + "`.", false,
               "Generated by `" + testCommand(e) +
                   " --format html`; `cpe doc` publishes the same figures beside the criteria they test."});
}

}  // namespace cpe
