// `cpe test PATH`: runs the policy tests; the last line is "N passed, M failed".
// With --coverage, also which rules, criterion values and threshold edges the
// tests reach (engine/library/coverage.h).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/library/coverage.h"
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

void printCoverage(const std::vector<PolicyCoverage>& all) {
    LibraryCoverage l = sum(all);
    std::cout << "coverage: " << l.covered << " of " << l.total << " (" << percentText(l.percent()) << ") over " << all.size()
              << (all.size() == 1 ? " policy version" : " policy versions")
              << ": rules that decided a test, criteria seen true and false, "
              << "and each threshold read at, below and above its edge\n";
    for (const PolicyCoverage& c : all) {
        std::cout << "  " << c.policy << " " << c.version << ": " << c.covered << " of " << c.total << " ("
                  << percentText(c.percent()) << "), " << c.tests << (c.tests == 1 ? " test" : " tests") << "\n";
        for (const std::string& gap : c.gaps()) std::cout << "    " << gap << "\n";
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

}  // namespace

void addTestCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("test", "Run the tests written beside the policies");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto coverage = std::make_shared<bool>(false);
    auto minCoverage = std::make_shared<double>(-1);
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->add_flag("--coverage", *coverage,
                  "Also report which rules, criterion values and threshold edges (at, below, above) the tests reach");
    cmd->add_option("--min-coverage", *minCoverage, "With --coverage: fail (exit 1) when the library's coverage is below N%")
        ->check(CLI::Range(0.0, 100.0));
    cmd->callback([&g, paths, coverage, minCoverage] {
        if (*minCoverage >= 0) *coverage = true;
        if (paths->empty()) paths->push_back("policies");
        auto lib = loadLibraryOrReport(*paths);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        std::vector<TestResult> results = runPolicyTests(*lib);
        size_t passed = 0, failed = 0;
        nlohmann::ordered_json json = nlohmann::ordered_json::array();
        for (const TestResult& r : results) {
            r.passed() ? ++passed : ++failed;
            if (g.format == "json") {
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
            if (r.passed()) continue;
            std::cout << "FAIL " << r.policy << ": " << r.name << "  (" << r.at << ")\n";
            for (const TestFailure& f : r.failures) std::cout << "  " << f.at << ": " << f.message << "\n";
        }
        std::vector<PolicyCoverage> measured;
        if (*coverage) measured = measureCoverage(*lib);
        if (g.format == "json") {
            if (*coverage)
                std::cout << nlohmann::ordered_json{{"tests", json}, {"coverage", coverageJson(measured)}}.dump(2) << "\n";
            else std::cout << json.dump(2) << "\n";
        } else if (*coverage) {
            printCoverage(measured);
        }
        std::cout << passed << " passed, " << failed << " failed\n";
        g.exitCode = failed ? 1 : 0;
        if (*coverage && *minCoverage >= 0 && sum(measured).percent() < *minCoverage) {
            std::cerr << "error: coverage " << percentText(sum(measured).percent()) << " is below --min-coverage " << *minCoverage
                      << "\n";
            g.exitCode = 1;
        }
    });
}

}  // namespace cpe::cli
