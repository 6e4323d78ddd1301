#pragma once
// The requests the server answers, one file each (hover.cpp, navigation.cpp,
// completion.cpp, symbols.cpp, formatting.cpp, diagnostics.cpp, semantic_tokens.cpp, lenses.cpp). Each takes
// the request's params and returns its result, or throws RequestError.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/workspace.h"

namespace cpe::lsp {

// textDocument/publishDiagnostics for every file of the library: those with
// problems, and those that had some last time and have none now.
std::vector<nlohmann::json> publishDiagnostics(Library& lib);

nlohmann::json hover(Workspace& ws, const nlohmann::json& params);
nlohmann::json definition(Workspace& ws, const nlohmann::json& params);
nlohmann::json references(Workspace& ws, const nlohmann::json& params);
nlohmann::json completion(Workspace& ws, const nlohmann::json& params);
nlohmann::json documentSymbols(Workspace& ws, const nlohmann::json& params);
nlohmann::json formatting(Workspace& ws, const nlohmann::json& params);
nlohmann::json semanticTokens(Workspace& ws, const nlohmann::json& params);
const std::vector<std::string>& semanticTokenTypes();
// Code lenses ("run tests", "decide") and workspace/executeCommand for them (lenses.cpp).
nlohmann::json codeLenses(Workspace& ws, const nlohmann::json& params);
nlohmann::json executeCommand(Workspace& ws, const nlohmann::json& params);

}  // namespace cpe::lsp
