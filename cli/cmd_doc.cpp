// `cpe doc [PATH] --out DIR`: the published criteria document, Markdown and
// self-contained HTML, generated from the policies (engine/doc), with the
// tests' evidence (tests.{md,html}) unless --no-test-evidence.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/support/as_of.h"
#include "cli/support/load_library.h"
#include "engine/base/civil_date.h"
#include "engine/doc/criteria_doc.h"
#include "engine/registry/registry.h"

namespace cpe::cli {

void addDocCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("doc", "Generate the published criteria document (Markdown and HTML) from the policies");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto out = std::make_shared<std::string>();
    auto asOf = std::make_shared<std::string>();
    auto registryPath = std::make_shared<std::string>();
    auto noEvidence = std::make_shared<bool>(false);
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->add_option("--out", *out, "Folder to write index.{md,html} and one ID.{md,html} per policy into")->required();
    cmd->add_option("--as-of", *asOf, "Lead each page with the version in force on this date (default: today)");
    cmd->add_option("--registry", *registryPath, "Document the policies published in this registry instead");
    cmd->add_flag("--no-test-evidence", *noEvidence,
                  "Leave out tests.{md,html}, the tests' coverage and mutation results (which run the tests)");
    cmd->callback([&g, paths, out, asOf, registryPath, noEvidence] {
        DocOptions options;
        options.testEvidence = !*noEvidence;
        std::optional<int> asOfDay = asOfDayOrReport(*asOf);
        if (!asOfDay) {
            g.exitCode = 2;
            return;
        }
        options.day = *asOfDay;
        std::shared_ptr<const PolicyLibrary> lib;
        if (!registryPath->empty()) {
            try {
                Diagnostics diags;
                auto sources = registry::registrySources(*registryPath);
                lib = PolicyLibrary::fromSources(sources, diags);
                if (!lib) std::cerr << diags.render(*sources);
            } catch (const registry::RegistryError& e) {
                std::cerr << "error: " << e.what() << "\n";
            }
        } else {
            if (paths->empty()) paths->push_back("policies");
            lib = loadLibraryOrReport(*paths);
        }
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        std::error_code ec;
        std::filesystem::create_directories(*out, ec);
        if (ec) {
            std::cerr << "error: " << *out << ": cannot create this folder: " << ec.message() << "\n";
            g.exitCode = 2;
            return;
        }
        auto files = criteriaDocument(*lib, options);
        for (const DocFile& f : files) {
            std::string path = (std::filesystem::path(*out) / f.name).string();
            std::ofstream file(path, std::ios::binary);
            file << f.content;
            if (!file) {
                std::cerr << "error: " << path << ": cannot write this file\n";
                g.exitCode = 2;
                return;
            }
        }
        const size_t pages = files.size() - (options.testEvidence ? 4 : 2);  // less the index and the test evidence
        std::cout << "wrote " << files.size() << " files (" << pages / 2 << " policies) to " << *out << "; open "
                  << (std::filesystem::path(*out) / "index.html").string() << "\n";
    });
}

}  // namespace cpe::cli
