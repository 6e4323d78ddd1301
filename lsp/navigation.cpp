// textDocument/definition and textDocument/references, across every file of
// the library: facts, criteria, values, outputs, modules (`use`), code sets,
// policies (`extends`, a test's `for`) and tests (`like`).
#include "lsp/handlers.h"

namespace cpe::lsp {

nlohmann::json definition(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params, true);
    if (at.file == UINT32_MAX) return nullptr;
    const Occurrence* o = at.analysis->index.at(at.file, at.line, at.col);
    if (!o) return nullptr;
    nlohmann::json out = nlohmann::json::array();
    for (const Span& s : at.analysis->index.symbol(o->symbol).defs) out.push_back(ws.location(*at.analysis, s));
    return out;
}

nlohmann::json references(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params, true);
    if (at.file == UINT32_MAX) return nullptr;
    const Occurrence* o = at.analysis->index.at(at.file, at.line, at.col);
    if (!o) return nullptr;
    bool withDeclaration = true;
    if (params.contains("context") && params["context"].is_object() && params["context"].contains("includeDeclaration") &&
        params["context"]["includeDeclaration"].is_boolean())
        withDeclaration = params["context"]["includeDeclaration"].get<bool>();
    nlohmann::json out = nlohmann::json::array();
    for (const Occurrence* r : at.analysis->index.references(o->symbol))
        if (withDeclaration || !r->definition) out.push_back(ws.location(*at.analysis, r->span));
    return out;
}

}  // namespace cpe::lsp
