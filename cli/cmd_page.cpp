// `cpe page`: the triage page `cpe serve` serves at /, written as one file
// that talks to the cpe server at --server (server/page/README.md).
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "server/triage_page.h"

namespace cpe::cli {

void addPageCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("page", "Write the triage page as one self-contained HTML file for a cpe server");
    auto out = std::make_shared<std::string>();
    auto serverUrl = std::make_shared<std::string>();
    cmd->add_option("--out", *out, "The HTML file to write ('-' for stdout)")->required();
    cmd->add_option("--server", *serverUrl,
                    "The cpe server the page asks, e.g. http://cpe.example.nhs.uk:8080 (it must be started with "
                    "--allow-origin naming where the page is opened from, or '*')")
        ->required();
    cmd->footer("cpe serve serves the same page at / on its own address, where no --allow-origin is needed.");
    cmd->callback([&g, out, serverUrl] {
        std::string url = *serverUrl;
        while (!url.empty() && url.back() == '/') url.pop_back();
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
            std::cerr << "error: --server must be an http:// or https:// address, got '" << *serverUrl << "'\n";
            g.exitCode = 2;
            return;
        }
        std::string page = server::triagePage(url);
        if (*out == "-") {
            std::cout << page;
            return;
        }
        std::ofstream file(*out, std::ios::binary);
        file << page;
        if (!file.flush()) {
            std::cerr << "error: " << *out << ": cannot write this file\n";
            g.exitCode = 2;
            return;
        }
        std::cout << "wrote " << *out << " for " << url << "\n";
    });
}

}  // namespace cpe::cli
