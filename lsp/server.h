#pragma once
// `cpe lsp`: the Language Server. Server turns each incoming JSON-RPC message
// into the messages to send back (its response, and the diagnostics of any
// library it changed); runStdio() is the loop over stdin and stdout.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/workspace.h"

namespace cpe::lsp {

class Server {
public:
    // One message body (JSON text) in, the messages to send out. Never throws:
    // a bad message gets a JSON-RPC error response.
    std::vector<nlohmann::json> handle(const std::string& body);
    // Re-checks what changed and returns the diagnostics to publish. The loop
    // calls it when no more input is waiting, so a burst of keystrokes costs
    // one re-check.
    std::vector<nlohmann::json> idle();
    bool exited() const { return exited_; }
    int exitCode() const { return shutdown_ ? 0 : 1; }
    // Milliseconds the last re-check of each library took (for the log).
    Workspace& workspace() { return ws_; }

private:
    Workspace ws_;
    bool initialized_ = false;
    bool shutdown_ = false;
    bool exited_ = false;
    nlohmann::json dispatch(const std::string& method, const nlohmann::json& params, bool& handled);
    void notification(const std::string& method, const nlohmann::json& params);
};

// Serves on file descriptors `in` and `out` until `exit` or end of input;
// returns the process exit code (0 after shutdown, else 1).
int runStdio(int in, int out);

}  // namespace cpe::lsp
