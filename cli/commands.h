#pragma once
// One function per `cpe` subcommand, each in its own cmd_*.cpp. main.cpp calls
// them all; a command's callback sets `exitCode`.
#include <CLI/CLI.hpp>

namespace cpe::cli {

struct Globals {
    std::string format;  // text | json; empty: the command's default (text, or JSON where the contract says so)
    int verbose = 0;
    int exitCode = 0;
};

void addCheckCommand(CLI::App& app, Globals& g);
void addDecideCommand(CLI::App& app, Globals& g);
void addTestCommand(CLI::App& app, Globals& g);
void addListCommand(CLI::App& app, Globals& g);
void addFmtCommand(CLI::App& app, Globals& g);
void addExplainCommand(CLI::App& app, Globals& g);
void addAuditCommand(CLI::App& app, Globals& g);
void addServeCommand(CLI::App& app, Globals& g);
void addLogCommand(CLI::App& app, Globals& g);
void addPublishCommand(CLI::App& app, Globals& g);
void addHistoryCommand(CLI::App& app, Globals& g);
void addDiffCommand(CLI::App& app, Globals& g);
void addDocCommand(CLI::App& app, Globals& g);
void addLspCommand(CLI::App& app, Globals& g);
void addPageCommand(CLI::App& app, Globals& g);

}  // namespace cpe::cli
