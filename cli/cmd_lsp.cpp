// `cpe lsp`: the Language Server over stdin and stdout (lsp/, docs/editors.md).
#include <unistd.h>

#include "cli/commands.h"
#include "lsp/server.h"

namespace cpe::cli {

void addLspCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("lsp", "Serve the Language Server Protocol on stdin/stdout (for editors)");
    auto stdio = std::make_shared<bool>(false);
    cmd->add_flag("--stdio", *stdio, "Talk over stdin and stdout (the default and only transport; editors pass it)");
    cmd->callback([&g, stdio] { g.exitCode = lsp::runStdio(STDIN_FILENO, STDOUT_FILENO); });
}

}  // namespace cpe::cli
