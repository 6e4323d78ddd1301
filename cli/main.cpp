// `cpe`: the Commissioning Policy Engine command.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"

int main(int argc, char** argv) {
    CLI::App app{"cpe — the Commissioning Policy Engine: check, test and apply NHS commissioning policies"};
    app.require_subcommand(1);
    cpe::cli::Globals g;
    app.add_option("--format", g.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    app.add_flag("-v,--verbose", g.verbose, "Log more to stderr (repeat for debug)");

    cpe::cli::addCheckCommand(app, g);
    cpe::cli::addDecideCommand(app, g);
    cpe::cli::addTestCommand(app, g);
    cpe::cli::addFmtCommand(app, g);
    cpe::cli::addExplainCommand(app, g);
    cpe::cli::addAuditCommand(app, g);
    cpe::cli::addServeCommand(app, g);
    cpe::cli::addLogCommand(app, g);
    cpe::cli::addPublishCommand(app, g);
    cpe::cli::addHistoryCommand(app, g);
    cpe::cli::addDiffCommand(app, g);
    cpe::cli::addDocCommand(app, g);

    app.parse_complete_callback([&] {
        auto logger = spdlog::stderr_color_mt("cpe");
        spdlog::set_default_logger(logger);
        spdlog::set_level(g.verbose >= 2 ? spdlog::level::debug : g.verbose == 1 ? spdlog::level::info : spdlog::level::warn);
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return 70;
    }
    return g.exitCode;
}
