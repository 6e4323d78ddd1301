#pragma once
// One policy library as the editor sees it: the .cpl files under its root,
// with the text of any open document in place of the file on disk, parsed and
// checked by the engine exactly as `cpe check ROOT` does.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/source/diagnostics.h"
#include "engine/syntax/ast.h"
#include "lsp/documents.h"
#include "lsp/index.h"

namespace cpe::lsp {

// The folder `cpe check` is given for `file`: the configured roots first (the
// one containing the file), then `<workspace>/policies` when the file is in
// it, then the library root of engine/library/library_root.h (a `.cpe-library`
// marker, else the nearest folder named `policies`), else the file alone.
std::string libraryRootFor(const std::string& file, const std::string& workspaceRoot,
                           const std::vector<std::string>& configuredRoots);

struct Analysis {
    // What `cpe check` reports on the current texts.
    std::shared_ptr<SourceSet> sources;
    Diagnostics diags;
    // The library names are resolved in: the current texts, except that a file
    // with syntax errors keeps its last text that parsed (so hover, definition
    // and completion go on working while a line is half typed).
    std::unique_ptr<CheckedLibrary> checked;
    Index index;
    std::map<std::string, uint32_t> indexFile;  // path -> file in checked->sources
    double milliseconds = 0;                    // the last analysis, parse to index
    size_t filesParsed = 0;                     // files this analysis parsed rather than re-used
};

class Library {
public:
    explicit Library(std::string root) : root_(std::move(root)) {}
    const std::string& root() const { return root_; }
    bool contains(const std::string& path) const;
    // Re-reads the files (open documents win over the disk) and re-checks.
    void analyse(const Documents& docs);
    const Analysis& analysis() const { return *analysis_; }
    bool analysed() const { return analysis_ != nullptr; }
    // The paths diagnostics were last published for (to clear those that clear).
    std::vector<std::string> published;
    // The failures of the last test run (code lens), as LSP diagnostics by path;
    // cleared by the next re-check, as the text they were about has changed.
    std::map<std::string, nlohmann::json> testDiagnostics;

private:
    std::string root_;
    std::unique_ptr<Analysis> analysis_;
    // One file's parse. Its spans carry the file's number in the SourceSet, so
    // it is re-used only for the same text at the same number. `ast` is never
    // given to the checker (which fills in the tree it checks): a copy is.
    struct ParsedFile {
        uint32_t index = 0;
        std::string text;
        Diagnostics diags;                 // what parsing reported
        std::optional<SourceFileAst> ast;  // none on a syntax error
    };
    // path -> the parse of its latest text; a keystroke re-parses only the
    // edited file (bench_lsp_recheck: the parse is most of a re-check).
    std::map<std::string, std::shared_ptr<const ParsedFile>> parsed_;
    std::map<std::string, std::shared_ptr<const ParsedFile>> lastGood_;  // path -> its last parse that succeeded
    const ParsedFile& parse(const SourceSet& sources, uint32_t index, size_t& filesParsed);
    struct DiskFile {
        std::filesystem::file_time_type mtime;
        std::string text;
    };
    std::map<std::string, DiskFile> disk_;
    std::vector<std::string> files(const Documents& docs) const;
    const std::string* diskText(const std::string& path);
};

}  // namespace cpe::lsp
