#include "cli/support/load_library.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace cpe::cli {

bool stderrIsTerminal() { return isatty(STDERR_FILENO) != 0; }
bool stdoutIsTerminal() { return isatty(STDOUT_FILENO) != 0; }

std::shared_ptr<const PolicyLibrary> loadLibraryOrReport(const std::vector<std::string>& paths) {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    auto lib = PolicyLibrary::load(paths, diags, sources);
    if (!diags.all().empty()) std::cerr << diags.render(*sources, stderrIsTerminal());
    if (diags.hasErrors())
        std::cerr << diags.errorCount() << (diags.errorCount() == 1 ? " error" : " errors") << " in the policy library\n";
    return lib;
}

std::shared_ptr<const PolicyLibrary> loadLibraryForPolicy(const std::vector<std::string>& paths, const std::string& policy,
                                                          bool& whole) {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    // Its warnings would be the part's, not the library's (a module's fact
    // that only other policies read looks unused): `cpe check` shows those.
    if (auto lib = PolicyLibrary::loadForPolicy(paths, policy, diags, sources)) {
        whole = false;
        return lib;
    }
    whole = true;
    return loadLibraryOrReport(paths);
}

std::string readInput(const std::string& path) {
    std::ostringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();
        return text.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read this file");
    text << in.rdbuf();
    return text.str();
}

}  // namespace cpe::cli
