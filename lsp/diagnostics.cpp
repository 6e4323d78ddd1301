// Diagnostics: the checker's messages for every file of a library, with the
// spans `cpe check` prints as file:line:col, as LSP ranges.
#include <map>
#include <set>

#include "engine/library/warnings.h"
#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

static int severityOf(Severity s) {
    switch (s) {
        case Severity::Error: return 1;
        case Severity::Warning: return 2;
        case Severity::Note: return 3;
    }
    return 1;
}

std::vector<nlohmann::json> publishDiagnostics(Library& lib) {
    const Analysis& a = lib.analysis();
    std::map<std::string, nlohmann::json> byPath;
    for (uint32_t i = 0; i < a.sources->size(); ++i) byPath[a.sources->file(i).path] = nlohmann::json::array();
    // The warnings `cpe check` shows (engine/library/warnings.h), once the
    // library checks without errors: they need it compiled.
    Diagnostics warnings;
    if (!a.diags.hasErrors() && a.checked && a.checked->sources == a.sources) findWarnings(*a.checked, warnings);
    std::vector<const Diagnostic*> all;
    for (const Diagnostics* list : {&a.diags, static_cast<const Diagnostics*>(&warnings)})
        for (const Diagnostic& d : list->all()) all.push_back(&d);
    for (const Diagnostic* shown : all) {
        const Diagnostic& d = *shown;
        if (d.span.file >= a.sources->size()) continue;
        const SourceFile& f = a.sources->file(d.span.file);
        byPath[f.path].push_back({{"range", rangeOf(f.text, d.span)},
                                  {"severity", severityOf(d.severity)},
                                  {"source", "cpe"},
                                  {"message", d.message}});
        if (!d.code.empty()) byPath[f.path].back()["code"] = d.code;
    }
    for (const auto& [path, list] : lib.testDiagnostics)
        for (const auto& d : list) byPath[path].push_back(d);
    std::vector<nlohmann::json> out;
    std::set<std::string> now;
    for (auto& [path, list] : byPath) {
        if (list.empty()) continue;
        now.insert(path);
        out.push_back({{"jsonrpc", "2.0"},
                       {"method", "textDocument/publishDiagnostics"},
                       {"params", {{"uri", uriFromPath(path)}, {"diagnostics", list}}}});
    }
    for (const std::string& path : lib.published)
        if (!now.count(path))
            out.push_back({{"jsonrpc", "2.0"},
                           {"method", "textDocument/publishDiagnostics"},
                           {"params", {{"uri", uriFromPath(path)}, {"diagnostics", nlohmann::json::array()}}}});
    lib.published.assign(now.begin(), now.end());
    return out;
}

}  // namespace cpe::lsp
