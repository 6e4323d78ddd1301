#include "lsp/workspace.h"

#include "lsp/text_position.h"

namespace cpe::lsp {

Library& Workspace::libraryFor(const std::string& path) {
    for (auto& [r, lib] : libraries_)
        if (lib->contains(path)) return *lib;
    std::string r = libraryRootFor(path, root, libraryRoots);
    auto& lib = libraries_[r];
    if (!lib) {
        lib = std::make_unique<Library>(r);
        dirty_.insert(lib.get());
    }
    return *lib;
}

void Workspace::markChanged(const std::string& path, bool open) {
    if (path.empty()) return;
    if (open) {
        dirty_.insert(&libraryFor(path));
        return;
    }
    for (auto& [r, lib] : libraries_)
        if (lib->contains(path)) dirty_.insert(lib.get());
}

std::vector<Library*> Workspace::refresh() {
    for (Library* l : dirty_) l->analyse(docs);
    unpublished_.insert(dirty_.begin(), dirty_.end());
    dirty_.clear();
    std::vector<Library*> out(unpublished_.begin(), unpublished_.end());
    unpublished_.clear();
    return out;
}

static const nlohmann::json& member(const nlohmann::json& j, const char* name) {
    if (!j.is_object() || !j.contains(name)) throw RequestError(errc::InvalidParams, std::string("missing ") + name);
    return j[name];
}

static uint32_t natural(const nlohmann::json& j, const char* name) {
    const auto& v = member(j, name);
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > INT32_MAX)
        throw RequestError(errc::InvalidParams, std::string(name) + " must be a non-negative integer");
    return static_cast<uint32_t>(v.get<int64_t>());
}

Located Workspace::locate(const nlohmann::json& params, bool needPosition) {
    const auto& td = member(params, "textDocument");
    const auto& uri = member(td, "uri");
    if (!uri.is_string()) throw RequestError(errc::InvalidParams, "textDocument.uri must be a string");
    Located at;
    at.doc = docs.find(uri.get<std::string>());
    if (!at.doc) throw RequestError(errc::InvalidParams, "the document is not open: " + uri.get<std::string>());
    if (at.doc->path.empty()) throw RequestError(errc::InvalidParams, "not a local file: " + at.doc->uri);
    at.library = &libraryFor(at.doc->path);
    if (dirty_.count(at.library)) {
        dirty_.erase(at.library);
        at.library->analyse(docs);
        unpublished_.insert(at.library);
    }
    at.analysis = &at.library->analysis();
    auto f = at.analysis->indexFile.find(at.doc->path);
    at.file = f == at.analysis->indexFile.end() ? UINT32_MAX : f->second;
    if (needPosition && !params.contains("position")) throw RequestError(errc::InvalidParams, "missing position");
    if (params.contains("position")) {
        const auto& pos = params["position"];
        uint32_t line = natural(pos, "line"), character = natural(pos, "character");
        at.offset = offsetOf(at.doc->text, line, character);
        at.line = line + 1;
        at.col = codePointColumn(lineOf(at.doc->text, line), character) + 1;
    }
    return at;
}

nlohmann::json Workspace::location(const Analysis& a, const Span& s) const {
    const SourceFile& f = a.checked->sources->file(s.file);
    return {{"uri", uriFromPath(f.path)}, {"range", rangeOf(f.text, s)}};
}

}  // namespace cpe::lsp
