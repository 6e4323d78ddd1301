// `cpe explain --policy ID`: the policy's criteria in plain English.
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/support/as_of.h"
#include "cli/support/load_library.h"
#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/explain/explain.h"
#include "engine/source/diagnostics.h"

namespace cpe::cli {

void addExplainCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("explain", "Print a policy's criteria in plain English");
    auto policies = std::make_shared<std::vector<std::string>>();
    auto id = std::make_shared<std::string>();
    auto asOf = std::make_shared<std::string>();
    cmd->add_option("--policies", *policies, "Policy file or folder (default: policies/)");
    cmd->add_option("--policy", *id, "Policy id")->required();
    cmd->add_option("--as-of", *asOf, "Explain the version in force on this date (default: today)");
    cmd->callback([&g, policies, id, asOf] {
        if (policies->empty()) policies->push_back("policies");
        auto lib = loadLibraryOrReport(*policies);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        std::optional<int> asOfDay = asOfDayOrReport(*asOf);
        if (!asOfDay) {
            g.exitCode = 2;
            return;
        }
        const int day = *asOfDay;
        const PolicyModel* model = lib->model(*id, day);
        if (!model) {
            // Not in force today: fall back to the newest version so authors can read drafts.
            auto versions = lib->versions(*id);
            if (!versions.empty() && asOf->empty()) model = versions.back()->model;
        }
        if (!model) {
            std::cerr << "error: no policy '" << *id << "'" << didYouMeanId(*id, lib->policyIds())
                      << (lib->versions(*id).empty() ? "" : " in force on that date") << "\n";
            g.exitCode = 2;
            return;
        }
        if (g.format == "json") std::cout << explainPolicyJson(*model, &lib->sources()).dump(2) << "\n";
        else std::cout << explainPolicy(*model);
    });
}

}  // namespace cpe::cli
