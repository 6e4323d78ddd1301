// `cpe test PATH`: runs the policy tests; the last line is "N passed, M failed".
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/library/test_runner.h"

namespace cpe::cli {

void addTestCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("test", "Run the tests written beside the policies");
    auto paths = std::make_shared<std::vector<std::string>>();
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->callback([&g, paths] {
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
        if (g.format == "json") std::cout << json.dump(2) << "\n";
        std::cout << passed << " passed, " << failed << " failed\n";
        g.exitCode = failed ? 1 : 0;
    });
}

}  // namespace cpe::cli
