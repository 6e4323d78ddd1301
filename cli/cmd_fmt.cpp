// `cpe fmt PATH`: rewrites policy files in the canonical layout; `--check`
// only reports the files that would change (for CI).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/syntax/parse.h"
#include "engine/syntax/printer.h"

namespace cpe::cli {

static void collect(const std::string& path, std::vector<std::string>& out) {
    namespace fs = std::filesystem;
    if (fs::is_regular_file(path)) {
        out.push_back(path);
        return;
    }
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".cpl") out.push_back(it->path().string());
    std::sort(out.begin(), out.end());
}

void addFmtCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("fmt", "Lay out policy files canonically (idempotent)");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto check = std::make_shared<bool>(false);
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->add_flag("--check", *check, "Change nothing; list files that are not formatted and exit 1");
    cmd->callback([&g, paths, check] {
        if (paths->empty()) paths->push_back("policies");
        std::vector<std::string> files;
        for (const auto& p : *paths) {
            if (!std::filesystem::exists(p)) {
                std::cerr << p << ": no such file or folder\n";
                g.exitCode = 2;
                return;
            }
            collect(p, files);
        }
        SourceSet sources;
        Diagnostics diags;
        size_t changed = 0;
        for (const std::string& f : files) {
            uint32_t idx = sources.add(f, readInput(f));
            auto ast = parseFile(sources, idx, diags);
            if (!ast) continue;
            std::string formatted = formatFile(*ast);
            if (formatted == sources.file(idx).text) continue;
            ++changed;
            if (*check) {
                std::cout << f << ": not formatted (run: cpe fmt " << f << ")\n";
            } else {
                std::ofstream out(f, std::ios::binary | std::ios::trunc);
                out << formatted;
                std::cout << "formatted " << f << "\n";
            }
        }
        if (diags.hasErrors()) {
            std::cerr << diags.render(sources, stderrIsTerminal());
            g.exitCode = 2;
            return;
        }
        if (*check && changed) g.exitCode = 1;
    });
}

}  // namespace cpe::cli
