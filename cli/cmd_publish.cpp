// `cpe publish PATH --db FILE [--by NAME]`: record every policy version (and
// the modules they use) in the SQLite policy registry. See
// engine/registry/registry.h for what is frozen and what may change.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "cli/support/text_table.h"
#include "engine/registry/registry.h"

namespace cpe::cli {
namespace {

std::string currentUser() {
    if (const char* u = std::getenv("USER"); u && *u) return u;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name) return pw->pw_name;
    return "unknown";
}

}  // namespace

void addPublishCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("publish", "Record policy versions in a policy registry (SQLite)");
    cmd->footer(
        "Each policy version is stored with its id, version, effective dates, the canonical text (the layout `cpe fmt`\n"
        "gives it) and its sha256, who published it and when. Publishing the same id and version again with the same\n"
        "text changes nothing; with different text it is refused (publish a new version instead). The one change allowed\n"
        "is an end date on an open-ended version, which publishing its successor needs. All or nothing: if anything is\n"
        "refused, or the registry would no longer check, nothing is written.\n"
        "Exit status: 0 published (or nothing to do), 1 refused, 2 bad policies or registry.");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto db = std::make_shared<std::string>();
    auto by = std::make_shared<std::string>();
    auto at = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>();
    cmd->add_option("paths", *paths, "Policy files or folders to publish (default: policies/)");
    cmd->add_option("--db", *db,
                    "The registry: a file (created when missing), or PostgreSQL (postgresql://... or a libpq key=value "
                    "string; its tables created when missing)")
        ->required();
    cmd->add_option("--by", *by, "Who publishes (default: $USER)");
    cmd->add_option("--at", *at, "Record this time instead of now (UTC, YYYY-MM-DDTHH:MM:SSZ), e.g. for imports");
    cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&g, paths, db, by, at, format] {
        if (paths->empty()) paths->push_back("policies");
        std::string fmt = format->empty() ? g.format : *format;
        auto lib = loadLibraryOrReport(*paths);
        if (!lib) {
            std::cerr << "nothing was published: fix the errors above first\n";
            g.exitCode = 2;
            return;
        }
        registry::PublishResult result;
        try {
            registry::PolicyRegistry reg(*db, true);
            result = reg.publish(*lib, by->empty() ? currentUser() : *by, at->empty() ? registry::utcNow() : *at);
        } catch (const registry::RegistryError& e) {
            std::cerr << "error: " << e.what() << "\n";
            g.exitCode = 2;
            return;
        }
        size_t counts[4] = {};
        for (const auto& item : result.items) ++counts[static_cast<int>(item.action)];
        if (fmt == "json") {
            nlohmann::ordered_json out;
            out["registry"] = *db;
            out["ok"] = !result.refused();
            out["items"] = nlohmann::ordered_json::array();
            for (const auto& i : result.items)
                out["items"].push_back({{"action", registry::actionName(i.action)},
                                        {"kind", i.kind},
                                        {"id", i.id},
                                        {"version", i.version},
                                        {"effective", i.effective},
                                        {"until", i.until},
                                        {"sha256", i.contentHash},
                                        {"at", i.location},
                                        {"message", i.message}});
            if (!result.libraryErrors.empty()) out["library_errors"] = result.libraryErrors;
            std::cout << out.dump(2) << "\n";
        } else {
            TextTable table;
            for (const auto& i : result.items) {
                if (i.action == registry::Action::Refused) continue;
                std::string what = i.kind == "module" ? "module " + i.id : i.id + " " + i.version;
                std::string when = i.kind == "module" ? ""
                                   : i.until.empty()  ? "from " + i.effective
                                                      : i.effective + " to " + i.until;
                table.add({registry::actionName(i.action), what, when, "sha256 " + i.contentHash.substr(0, 12)});
            }
            std::cout << table.render();
        }
        if (result.refused()) {
            for (const auto& i : result.items)
                if (i.action == registry::Action::Refused) std::cerr << i.location << ": error: " << i.message << "\n";
            if (!result.libraryErrors.empty())
                std::cerr << result.libraryErrors << "error: with these versions the registry's policies would not check\n";
            std::cerr << "nothing was published to " << *db << "\n";
            g.exitCode = 1;
            return;
        }
        if (fmt != "json")
            std::cout << counts[0] << " published, " << counts[2] << " end dates set, " << counts[1] << " unchanged → " << *db
                      << "\n";
    });
}

}  // namespace cpe::cli
