// `cpe check PATH...`: parse and check policies, print every error.
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"

namespace cpe::cli {

void addCheckCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("check", "Check policies and report every error (non-zero exit on errors)");
    auto paths = std::make_shared<std::vector<std::string>>();
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->callback([&g, paths] {
        if (paths->empty()) paths->push_back("policies");
        auto lib = loadLibraryOrReport(*paths);
        if (!lib) {
            g.exitCode = 1;
            return;
        }
        const auto& c = lib->checked();
        if (g.format == "json") {
            nlohmann::ordered_json out;
            out["ok"] = true;
            out["files"] = c.files.size();
            out["policies"] = c.policies.size();
            out["modules"] = c.modules.size();
            out["facts"] = c.facts.size();
            out["tests"] = c.tests.size();
            std::cout << out.dump() << "\n";
        } else {
            std::cout << "ok: " << c.files.size() << " files, " << c.policies.size() << " policies, " << c.modules.size()
                      << " modules, " << c.facts.size() << " facts, " << c.tests.size() << " tests\n";
        }
    });
}

}  // namespace cpe::cli
