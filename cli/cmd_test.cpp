// `cpe test PATH`: runs the policy tests; the last line is "N passed, M failed".
// With --coverage, also which rules, criterion values and threshold edges the
// tests reach (engine/library/coverage.h); with --mutate, which small mistakes
// in the rules no test catches (engine/library/mutation.h). --format html
// writes both as the test evidence page of `cpe doc`, on its own.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/doc/test_evidence.h"
#include "engine/library/coverage.h"
#include "engine/library/mutation.h"
#include "engine/library/test_runner.h"

namespace cpe::cli {
namespace {

std::string percentText(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", p);
    return buf;
}

struct LibraryCoverage {
    size_t covered = 0, total = 0;
    double percent() const { return total ? 100.0 * static_cast<double>(covered) / static_cast<double>(total) : 100.0; }
};

LibraryCoverage sum(const std::vector<PolicyCoverage>& all) {
    LibraryCoverage l;
    for (const PolicyCoverage& c : all) {
        l.covered += c.covered;
        l.total += c.total;
    }
    return l;
}

void printCoverage(std::ostream& out, const std::vector<PolicyCoverage>& all) {
    LibraryCoverage l = sum(all);
    out << "coverage: " << l.covered << " of " << l.total << " (" << percentText(l.percent()) << ") over " << all.size()
        << (all.size() == 1 ? " policy version" : " policy versions")
        << ": rules that decided a test, criteria seen true and false, "
        << "and each threshold read at, below and above its edge\n";
    for (const PolicyCoverage& c : all) {
        out << "  " << c.policy << " " << c.version << ": " << c.covered << " of " << c.total << " (" << percentText(c.percent())
            << "), " << c.tests << (c.tests == 1 ? " test" : " tests") << "\n";
        for (const std::string& gap : c.gaps()) out << "    " << gap << "\n";
    }
}

nlohmann::ordered_json coverageJson(const std::vector<PolicyCoverage>& all) {
    LibraryCoverage l = sum(all);
    nlohmann::ordered_json j;
    j["covered"] = l.covered;
    j["total"] = l.total;
    j["percent"] = l.percent();
    j["policies"] = nlohmann::ordered_json::array();
    for (const PolicyCoverage& c : all) {
        nlohmann::ordered_json p;
        p["policy"] = c.policy;
        p["version"] = c.version;
        p["tests"] = c.tests;
        p["covered"] = c.covered;
        p["total"] = c.total;
        p["percent"] = c.percent();
        p["rules"] = nlohmann::ordered_json::array();
        for (const RuleCoverage& r : c.rules) p["rules"].push_back({{"at", r.at}, {"rule", r.text}, {"decided", r.decided}});
        p["criteria"] = nlohmann::ordered_json::array();
        for (const CriterionCoverage& cr : c.criteria)
            p["criteria"].push_back({{"criterion", cr.id},
                                     {"at", cr.at},
                                     {"seen_true", cr.seenTrue},
                                     {"seen_false", cr.seenFalse},
                                     {"seen_unknown", cr.seenUnknown}});
        p["thresholds"] = nlohmann::ordered_json::array();
        for (const ComparisonCoverage& s : c.comparisons) {
            nlohmann::ordered_json t;
            t["at"] = s.at;
            t["comparison"] = s.text;
            t["edges"] = nlohmann::ordered_json::array();
            for (const EdgeCoverage& e : s.edges) {
                nlohmann::ordered_json edge;
                edge["value"] = e.value;
                edge["at"] = e.at;
                if (e.equality) {
                    edge["other"] = e.below || e.above;
                } else {
                    if (e.belowPossible) edge[s.within ? "longer_ago" : "below"] = e.below;
                    if (e.abovePossible) edge[s.within ? "more_recent" : "above"] = e.above;
                }
                t["edges"].push_back(edge);
            }
            p["thresholds"].push_back(t);
        }
        p["gaps"] = c.gaps();
        j["policies"].push_back(p);
    }
    return j;
}

void printMutation(std::ostream& out, const std::vector<PolicyMutation>& all) {
    size_t killed = 0, total = 0;
    for (const PolicyMutation& m : all) {
        killed += m.killed();
        total += m.mutants.size();
    }
    out << "mutation: " << killed << " of " << total << " mutants killed ("
        << percentText(total ? 100.0 * static_cast<double>(killed) / static_cast<double>(total) : 100.0)
        << "): each a comparison flipped, a threshold moved by one unit, all of / any of swapped, an item "
           "dropped, or a rule's outcome or route changed, that the tests should fail\n";
    for (const PolicyMutation& m : all) {
        out << "  " << m.policy << " " << m.version << ": " << m.killed() << " of " << m.mutants.size() << " killed, " << m.tests
            << (m.tests == 1 ? " test" : " tests") << "\n";
        for (const Mutant& u : m.mutants)
            if (!u.killed) out << "    survived: " << u.at << ": `" << u.text << "`: " << u.change << "\n";
    }
}

nlohmann::ordered_json mutationJson(const std::vector<PolicyMutation>& all) {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const PolicyMutation& m : all) {
        nlohmann::ordered_json p;
        p["policy"] = m.policy;
        p["version"] = m.version;
        p["tests"] = m.tests;
        p["mutants"] = m.mutants.size();
        p["killed"] = m.killed();
        p["survivors"] = nlohmann::ordered_json::array();
        for (const Mutant& u : m.mutants)
            if (!u.killed) p["survivors"].push_back({{"at", u.at}, {"text", u.text}, {"change", u.change}});
        j.push_back(p);
    }
    return j;
}

}  // namespace

void addTestCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("test", "Run the tests written beside the policies");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto coverage = std::make_shared<bool>(false);
    auto minCoverage = std::make_shared<double>(-1);
    auto mutate = std::make_shared<bool>(false);
    auto onlyPolicies = std::make_shared<std::vector<std::string>>();
    auto namePattern = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->add_flag("--coverage", *coverage,
                  "Also report which rules, criterion values and threshold edges (at, below, above) the tests reach");
    cmd->add_option("--min-coverage", *minCoverage, "With --coverage: fail (exit 1) when the library's coverage is below N%")
        ->check(CLI::Range(0.0, 100.0));
    cmd->add_flag("--mutate", *mutate,
                  "Also make each small mistake an author could make (flip a comparison, move a threshold by one unit, "
                  "swap all of / any of, drop an item, change a rule's outcome or route) and report those no test catches");
    cmd->add_option("--policy", *onlyPolicies,
                    "Only the tests of this policy id (repeatable); also limits --coverage and --mutate");
    cmd->add_option("--name", *namePattern, "Only tests whose name contains this text (any case)");
    cmd->add_option("--format", *format,
                    "Output format; html (with --coverage or --mutate): the test evidence page of `cpe doc` on its own, "
                    "one self-contained file, on stdout unless --out")
        ->check(CLI::IsMember({"text", "json", "html"}));
    cmd->add_option("--out", *out, "With --format html: write the page to this file, and the text report to stdout");
    cmd->callback([&g, paths, coverage, minCoverage, mutate, onlyPolicies, namePattern, format, out] {
        if (*minCoverage >= 0) *coverage = true;
        const std::string fmt = format->empty() ? g.format : *format;
        const bool html = fmt == "html";
        if (html && !*coverage && !*mutate) {
            std::cerr << "error: --format html is the report of --coverage and --mutate: add one or both\n";
            g.exitCode = 2;
            return;
        }
        if (!out->empty() && !html) {
            std::cerr << "error: --out is where --format html writes its page; add --format html\n";
            g.exitCode = 2;
            return;
        }
        // The page on stdout leaves the words (failures, figures, the last line) to stderr.
        std::ostream& say = html && out->empty() ? std::cerr : std::cout;
        if (paths->empty()) paths->push_back("policies");
        auto lib = loadLibraryOrReport(*paths);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        for (const std::string& id : *onlyPolicies)
            if (!std::binary_search(lib->policyIds().begin(), lib->policyIds().end(), id)) {
                std::cerr << "error: --policy: no policy '" << id << "'" << didYouMeanId(id, lib->policyIds()) << "\n";
                g.exitCode = 2;
                return;
            }
        auto wanted = [&](const std::string& policy) {
            return onlyPolicies->empty() || std::find(onlyPolicies->begin(), onlyPolicies->end(), policy) != onlyPolicies->end();
        };
        auto lower = [](std::string s) {
            for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        };
        const std::string pattern = lower(*namePattern);
        std::vector<TestResult> results;
        for (TestResult& r : runPolicyTests(*lib))
            if (wanted(r.policy) && lower(r.name).find(pattern) != std::string::npos) results.push_back(std::move(r));
        size_t passed = 0, failed = 0;
        nlohmann::ordered_json json = nlohmann::ordered_json::array();
        for (const TestResult& r : results) {
            r.passed() ? ++passed : ++failed;
            if (fmt == "json") {
                nlohmann::ordered_json item;
                item["test"] = r.name;
                item["policy"] = r.policy;
                item["at"] = r.at;
                item["passed"] = r.passed();
                item["failures"] = nlohmann::ordered_json::array();
                for (const TestFailure& f : r.failures) item["failures"].push_back({{"at", f.at}, {"message", f.message}});
                json.push_back(item);
                continue;
            }
            if (r.passed()) {
                if (g.verbose > 0) say << "PASS " << r.policy << ": " << r.name << "  (" << r.at << ")\n";
                continue;
            }
            say << "FAIL " << r.policy << ": " << r.name << "  (" << r.at << ")\n";
            for (const TestFailure& f : r.failures) say << "  " << f.at << ": " << f.message << "\n";
        }
        std::vector<PolicyCoverage> measured;
        if (*coverage) measured = measureCoverage(*lib);
        std::vector<PolicyMutation> mutants;
        if (*mutate) mutants = runMutationTests(*lib);
        // A variant's id begins with its base's (fertility.ivf.hwe): --policy fertility.ivf keeps it.
        auto keep = [&](const std::string& policy) {
            if (onlyPolicies->empty()) return true;
            for (const std::string& id : *onlyPolicies)
                if (policy == id || policy.rfind(id + ".", 0) == 0) return true;
            return false;
        };
        std::erase_if(measured, [&](const PolicyCoverage& c) { return !keep(c.policy); });
        std::erase_if(mutants, [&](const PolicyMutation& m) { return !keep(m.policy); });
        if (fmt == "json") {
            if (*coverage || *mutate) {
                nlohmann::ordered_json all{{"tests", json}};
                if (*coverage) all["coverage"] = coverageJson(measured);
                if (*mutate) all["mutation"] = mutationJson(mutants);
                std::cout << all.dump(2) << "\n";
            } else {
                std::cout << json.dump(2) << "\n";
            }
        } else {
            if (*coverage) printCoverage(say, measured);
            if (*mutate) printMutation(say, mutants);
        }
        if (html) {
            std::vector<std::string> ids;
            for (const std::string& id : lib->policyIds())
                if (keep(id)) ids.push_back(id);
            std::string sources;
            for (const std::string& p : *paths) sources += (sources.empty() ? "" : " ") + p;
            // `measured` is copied: --min-coverage reads it below.
            TestEvidence evidence{std::move(results), measured, std::move(mutants), *coverage, *mutate};
            auto w = doc::htmlWriter("Test evidence — cpe test " + sources);
            writeTestReport(*w, evidence, ids, sources);
            if (out->empty()) {
                std::cout << w->finish();
            } else {
                std::ofstream file(*out, std::ios::binary);
                file << w->finish();
                if (!file) {
                    std::cerr << "error: " << *out << ": cannot write this file\n";
                    g.exitCode = 2;
                    return;
                }
                say << "HTML report: " << *out << "\n";
            }
        }
        say << passed << " passed, " << failed << " failed\n";
        g.exitCode = failed ? 1 : 0;
        if (*coverage && *minCoverage >= 0 && sum(measured).percent() < *minCoverage) {
            std::cerr << "error: coverage " << percentText(sum(measured).percent()) << " is below --min-coverage " << *minCoverage
                      << "\n";
            g.exitCode = 1;
        }
    });
}

}  // namespace cpe::cli
