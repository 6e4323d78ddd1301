#include "lsp/library.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/check/checker.h"
#include "engine/library/library_root.h"
#include "engine/syntax/ast_clone.h"
#include "engine/syntax/parse.h"

namespace cpe::lsp {

namespace fs = std::filesystem;

static bool inside(const std::string& path, const std::string& folder) {
    if (path == folder) return true;
    std::string prefix = folder.empty() || folder.back() == '/' ? folder : folder + "/";
    return path.compare(0, prefix.size(), prefix) == 0;
}

static std::string normal(const std::string& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    std::string s = (ec ? fs::path(p) : abs).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

std::string libraryRootFor(const std::string& file, const std::string& workspaceRoot,
                           const std::vector<std::string>& configuredRoots) {
    std::string f = normal(file);
    for (const std::string& r : configuredRoots)
        if (inside(f, normal(r))) return normal(r);
    if (!workspaceRoot.empty()) {
        std::string policies = normal(workspaceRoot + "/policies");
        if (inside(f, policies)) return policies;
    }
    return libraryRootOf(f).value_or(f);  // the rule `cpe check FILE` uses (engine/library/library_root.h)
}

bool Library::contains(const std::string& path) const { return inside(normal(path), root_); }

std::vector<std::string> Library::files(const Documents& docs) const {
    std::vector<std::string> out;
    std::error_code ec;
    if (fs::is_directory(root_, ec)) {
        for (auto it = fs::recursive_directory_iterator(root_, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            if (it->is_regular_file(ec) && it->path().extension() == ".cpl") out.push_back(it->path().string());
    } else if (fs::is_regular_file(root_, ec)) {
        out.push_back(root_);
    }
    // Open documents not saved yet belong to the library too.
    for (const auto& [uri, d] : docs.all())
        if (!d.path.empty() && inside(d.path, root_) && fs::path(d.path).extension() == ".cpl") out.push_back(d.path);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const std::string* Library::diskText(const std::string& path) {
    std::error_code ec;
    auto mtime = fs::last_write_time(path, ec);
    if (ec) return nullptr;
    auto it = disk_.find(path);
    if (it != disk_.end() && it->second.mtime == mtime) return &it->second.text;
    std::ifstream in(path, std::ios::binary);
    if (!in) return nullptr;
    std::ostringstream text;
    text << in.rdbuf();
    DiskFile& d = disk_[path];
    d.mtime = mtime;
    d.text = text.str();
    return &d.text;
}

const Library::ParsedFile& Library::parse(const SourceSet& sources, uint32_t index, size_t& filesParsed) {
    const SourceFile& f = sources.file(index);
    auto same = [&](const std::shared_ptr<const ParsedFile>& p) { return p && p->index == index && p->text == f.text; };
    std::shared_ptr<const ParsedFile>& latest = parsed_[f.path];
    if (same(latest)) return *latest;
    if (auto good = lastGood_.find(f.path); good != lastGood_.end() && same(good->second)) return *good->second;
    ++filesParsed;
    auto p = std::make_shared<ParsedFile>();
    p->index = index;
    p->text = f.text;
    p->ast = parseFile(sources, index, p->diags);
    latest = p;
    if (p->ast) lastGood_[f.path] = p;
    return *p;
}

void Library::analyse(const Documents& docs) {
    auto started = std::chrono::steady_clock::now();
    testDiagnostics.clear();
    auto a = std::make_unique<Analysis>();
    a->sources = std::make_shared<SourceSet>();
    std::vector<std::string> paths = files(docs);
    for (const std::string& p : paths) {
        if (const Document* d = docs.byPath(p)) {
            a->sources->add(p, d->text);
        } else if (const std::string* text = diskText(p)) {
            a->sources->add(p, *text);
        } else {
            uint32_t idx = a->sources->add(p, "");
            a->diags.error(Span{idx, 1, 1, 1, 1}, "cannot read this file");
        }
    }
    // Files gone from the library are forgotten.
    for (auto* cache : {&parsed_, &lastGood_})
        std::erase_if(*cache, [&](const auto& entry) { return !std::binary_search(paths.begin(), paths.end(), entry.first); });
    // As PolicyLibrary::load: parse every file, check what parsed, sort.
    std::vector<SourceFileAst> asts;
    bool allParsed = true;
    for (uint32_t i = 0; i < a->sources->size(); ++i) {
        const ParsedFile& p = parse(*a->sources, i, a->filesParsed);
        for (const Diagnostic& d : p.diags.all()) a->diags.add(d.severity, d.span, d.message);
        if (p.ast) asts.push_back(cloneAst(*p.ast));
        else allParsed = false;
    }
    a->checked = checkLibrary(a->sources, std::move(asts), a->diags);
    a->diags.sort();
    if (!allParsed) {
        // Names are resolved in the last texts that parsed.
        auto sources = std::make_shared<SourceSet>();
        for (uint32_t i = 0; i < a->sources->size(); ++i) {
            const SourceFile& f = a->sources->file(i);
            auto good = lastGood_.find(f.path);
            sources->add(f.path, good == lastGood_.end() || parsed_[f.path]->ast ? f.text : good->second->text);
        }
        Diagnostics ignored;
        std::vector<SourceFileAst> again;
        for (uint32_t i = 0; i < sources->size(); ++i)
            if (const ParsedFile& p = parse(*sources, i, a->filesParsed); p.ast) again.push_back(cloneAst(*p.ast));
        a->checked = checkLibrary(sources, std::move(again), ignored);
    }
    for (uint32_t i = 0; i < a->checked->sources->size(); ++i) a->indexFile[a->checked->sources->file(i).path] = i;
    a->index.build(*a->checked);
    a->milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    analysis_ = std::move(a);
}

}  // namespace cpe::lsp
