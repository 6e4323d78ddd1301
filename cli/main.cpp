// `cpe`: the Commissioning Policy Engine command.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/commands.h"

namespace {

// Every option that takes values takes one value each time it is given
// (`--policies A --policies B`), so an option never swallows the positional
// arguments after it: `cpe diff --policies P OLD NEW --cases F` reads OLD and NEW.
void oneValuePerOption(CLI::App& app) {
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        for (CLI::Option* opt : sub->get_options([](CLI::Option*) { return true; }))
            if (!opt->get_positional() && opt->get_expected_max() > 1) opt->allow_extra_args(false);
        oneValuePerOption(*sub);
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"cpe — the Commissioning Policy Engine: check, test and apply NHS commissioning policies"};
    app.name("cpe");
    app.require_subcommand(1);
    // Options of the command itself (--format, -v) are accepted after any subcommand too.
    app.fallthrough();
    app.set_version_flag("--version", "cpe " CPE_VERSION);
    app.footer(
        "Exit codes: 0 done; 1 the command ran and the answer is \"no\" (errors in the policies, failing tests, files "
        "fmt --check would change, versions that differ or cases that could not be decided in diff, a decision log "
        "that cannot be read); 2 bad usage or input (an unknown option or policy, a bad date, bad facts, a library "
        "that does not load); 70 an internal error. README.md, \"Exit codes\", says which command returns which.");
    cpe::cli::Globals g;
    app.add_option("--format", g.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    app.add_flag("-v,--verbose", g.verbose, "Log more to stderr (repeat for debug)");

    cpe::cli::addCheckCommand(app, g);
    cpe::cli::addDecideCommand(app, g);
    cpe::cli::addTestCommand(app, g);
    cpe::cli::addListCommand(app, g);
    cpe::cli::addFmtCommand(app, g);
    cpe::cli::addExplainCommand(app, g);
    cpe::cli::addAuditCommand(app, g);
    cpe::cli::addServeCommand(app, g);
    cpe::cli::addLogCommand(app, g);
    cpe::cli::addPublishCommand(app, g);
    cpe::cli::addHistoryCommand(app, g);
    cpe::cli::addDiffCommand(app, g);
    cpe::cli::addDocCommand(app, g);
    cpe::cli::addLspCommand(app, g);
    cpe::cli::addPageCommand(app, g);
    oneValuePerOption(app);

    if (argc <= 1) {
        std::cout << app.help();
        return 0;
    }
    app.parse_complete_callback([&] {
        auto logger = spdlog::stderr_color_mt("cpe");
        spdlog::set_default_logger(logger);
        spdlog::set_level(g.verbose >= 2 ? spdlog::level::debug : g.verbose == 1 ? spdlog::level::info : spdlog::level::warn);
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);  // prints help, the version or the usage error
        return code == 0 ? 0 : 2;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 70;
    }
    return g.exitCode;
}
