// `cpe check PATH...`: parse and check policies, print every error and warning.
// `cpe check FILE` checks the library FILE belongs to (engine/library/library_root.h,
// or --library DIR) and reports FILE's diagnostics only.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/library/library_root.h"
#include "engine/library/warnings.h"

namespace cpe::cli {

namespace fs = std::filesystem;

namespace {

const char* severityWord(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "error";
}

// The contract of `cpe check --format json`'s "diagnostics": one object each,
// in file, line and column order; "end" is where the span ends (exclusive
// column), "code" the warning's name (null for errors).
nlohmann::ordered_json diagnosticsJson(const Diagnostics& diags, const SourceSet& sources) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Diagnostic& d : diags.all()) {
        nlohmann::ordered_json j;
        j["severity"] = severityWord(d.severity);
        j["file"] = d.span.file < sources.size() ? sources.file(d.span.file).path : "";
        j["line"] = d.span.line;
        j["column"] = d.span.col;
        j["end"] = {{"line", d.span.endLine ? d.span.endLine : d.span.line},
                    {"column", d.span.endCol ? d.span.endCol : d.span.col + 1}};
        j["message"] = d.message;
        j["code"] = d.code.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.code);
        list.push_back(std::move(j));
    }
    return list;
}

// The file of `sources` that is `path`, or -1.
int64_t fileIndex(const SourceSet& sources, const std::string& path) {
    std::error_code ec;
    for (uint32_t i = 0; i < sources.size(); ++i)
        if (fs::equivalent(sources.file(i).path, path, ec)) return i;
    return -1;
}

std::string plural(size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

}  // namespace

void addCheckCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("check",
                                   "Check policies and report every error and warning (non-zero exit on errors; "
                                   "with --strict on warnings too)");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto strict = std::make_shared<bool>(false);
    auto library = std::make_shared<std::string>();
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/). One .cpl file is checked within its library");
    cmd->add_flag("--strict", *strict, "Treat warnings as errors");
    auto noWarnings = std::make_shared<bool>(false);
    cmd->add_flag("--no-warnings", *noWarnings,
                  "Parse, check and compile only, without looking for warnings (for benchmarks: bench/bench_check.sh)")
        ->group("");
    cmd->add_option("--library", *library,
                    "The library a single FILE belongs to (default: the nearest folder holding a .cpe-library "
                    "marker, else the nearest folder named policies)");
    cmd->callback([&g, paths, strict, library, noWarnings] {
        if (paths->empty()) paths->push_back("policies");
        // One file: check the library it belongs to, report its diagnostics only.
        std::string single;
        std::vector<std::string> load = *paths;
        std::error_code ec;
        if (paths->size() == 1 && fs::is_regular_file(paths->front(), ec)) {
            std::optional<std::string> root = library->empty() ? libraryRootOf(paths->front()) : *library;
            if (root) {
                if (!isInside(paths->front(), *root)) {
                    std::cerr << "cpe check: " << paths->front() << " is not inside the library " << *root << "\n";
                    g.exitCode = 2;
                    return;
                }
                single = paths->front();
                load = {*root};
            }
        } else if (!library->empty()) {
            std::cerr << "cpe check: --library DIR goes with one .cpl file to check within it\n";
            g.exitCode = 2;
            return;
        }

        Diagnostics diags;
        std::shared_ptr<SourceSet> sources;
        auto lib = PolicyLibrary::load(load, diags, sources);
        if (lib && !*noWarnings) findWarnings(*lib, diags);
        if (*strict) diags.warningsAsErrors();
        size_t elsewhere = 0;  // errors in the library's other files
        if (!single.empty()) {
            int64_t file = fileIndex(*sources, single);
            size_t all = diags.errorCount();
            if (file >= 0) diags.keepFile(static_cast<uint32_t>(file));
            elsewhere = all - diags.errorCount();
        }
        const bool ok = !diags.hasErrors();
        g.exitCode = ok ? 0 : 1;

        if (g.format == "json") {
            nlohmann::ordered_json out;
            out["ok"] = ok;
            if (!single.empty()) {
                out["file"] = single;
                out["library"] = load.front();
                out["errors_elsewhere"] = elsewhere;
            }
            if (lib) {
                const auto& c = lib->checked();
                out["files"] = c.files.size();
                out["policies"] = c.policies.size();
                out["modules"] = c.modules.size();
                out["facts"] = c.facts.size();
                out["tests"] = c.tests.size();
            }
            out["errors"] = diags.errorCount();
            out["warnings"] = diags.warningCount();
            out["diagnostics"] = diagnosticsJson(diags, *sources);
            std::cout << out.dump() << "\n";
            return;
        }
        if (!diags.all().empty()) std::cerr << diags.render(*sources, stderrIsTerminal());
        std::string warnings = diags.warningCount() ? ", " + plural(diags.warningCount(), "warning") : "";
        if (!ok) {
            std::cerr << plural(diags.errorCount(), "error") << warnings
                      << (single.empty() ? " in the policy library" : " in " + single) << "\n";
            return;
        }
        if (elsewhere)
            std::cerr << "note: the library's other files have " << plural(elsewhere, "error")
                      << ", so it was not compiled and some warnings cannot be looked for: cpe check " << load.front() << "\n";
        if (!single.empty()) {
            std::cout << "ok: " << single << warnings << " (checked within " << load.front() << ")\n";
            return;
        }
        const auto& c = lib->checked();
        std::cout << "ok: " << c.files.size() << " files, " << c.policies.size() << " policies, " << c.modules.size()
                  << " modules, " << c.facts.size() << " facts, " << c.tests.size() << " tests" << warnings << "\n";
    });
}

}  // namespace cpe::cli
