// textDocument/formatting: the `cpe fmt` layout (formatFile), as one edit
// replacing the document. Text with syntax errors is not formatted: the
// request fails naming the first error's line and column.
#include "engine/syntax/parse.h"
#include "engine/syntax/printer.h"
#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

nlohmann::json formatting(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params);
    SourceSet sources;
    uint32_t idx = sources.add(at.doc->path, at.doc->text);
    Diagnostics diags;
    auto ast = parseFile(sources, idx, diags);
    if (!ast) {
        std::string first = diags.all().empty() ? "syntax error"
                                                : sources.location(diags.all().front().span) + ": " + diags.all().front().message;
        throw RequestError(errc::RequestFailed, "cannot format a file with syntax errors: " + first);
    }
    std::string formatted = formatFile(*ast);
    nlohmann::json edits = nlohmann::json::array();
    if (formatted == at.doc->text) return edits;
    // The whole document: from its start to one past its last line.
    uint32_t lines = 0;
    for (char c : at.doc->text)
        if (c == '\n') ++lines;
    edits.push_back({{"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", {{"line", lines + 1}, {"character", 0}}}}},
                     {"newText", formatted}});
    return edits;
}

}  // namespace cpe::lsp
