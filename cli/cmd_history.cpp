// `cpe history [ID] --db FILE`: the versions of a policy in the registry and
// the log of who published what when; without ID, every policy in it.
#include <iostream>

#include "cli/commands.h"
#include "cli/support/text_table.h"
#include "engine/registry/registry.h"
#include "engine/source/diagnostics.h"

namespace cpe::cli {
namespace {

std::string inForce(const registry::PublishedVersion& v) {
    return v.until.empty() ? "from " + v.effective : v.effective + " to " + v.until;
}

int listAll(registry::PolicyRegistry& reg, bool json) {
    auto all = reg.allVersions();
    if (json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& v : all)
            out.push_back({{"id", v.id},
                           {"version", v.version},
                           {"effective", v.effective},
                           {"until", v.until},
                           {"sha256", v.contentHash},
                           {"published_by", v.publishedBy},
                           {"published_at", v.publishedAt}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    if (all.empty()) {
        std::cout << reg.path() << ": no policies published yet\n";
        return 0;
    }
    TextTable table({"POLICY", "VERSION", "IN FORCE", "SHA256", "PUBLISHED BY", "AT"});
    for (const auto& v : all) table.add({v.id, v.version, inForce(v), v.contentHash.substr(0, 12), v.publishedBy, v.publishedAt});
    std::cout << table.render();
    return 0;
}

}  // namespace

void addHistoryCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("history", "List a policy's published versions and who published them");
    auto id = std::make_shared<std::string>();
    auto db = std::make_shared<std::string>();
    auto text = std::make_shared<std::string>();
    auto format = std::make_shared<std::string>();
    cmd->add_option("id", *id, "Policy id (or module name); without it, every policy in the registry");
    cmd->add_option("--db", *db, "The registry: a file, or PostgreSQL (postgresql://... or a libpq key=value string)")
        ->required();
    cmd->add_option("--text", *text,
                    "Print the stored text of this version (what `registry:ID@VERSION:line` locations point at)");
    cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&g, id, db, text, format] {
        bool json = (format->empty() ? g.format : *format) == "json";
        try {
            registry::PolicyRegistry reg(*db, false);
            if (id->empty()) {
                g.exitCode = listAll(reg, json);
                return;
            }
            auto versions = reg.versions(*id);
            auto events = reg.events(*id);
            if (versions.empty() && events.empty()) {
                std::cerr << "error: " << *db << ": no policy or module '" << *id << "' has been published"
                          << didYouMeanId(*id, reg.policyIds()) << "\n";
                g.exitCode = 2;
                return;
            }
            if (!text->empty()) {
                for (const auto& v : versions)
                    if (v.version == *text) {
                        std::cout << v.sourceText;
                        return;
                    }
                std::cerr << "error: " << *id << " has no published version '" << *text << "'\n";
                g.exitCode = 2;
                return;
            }
            if (json) {
                nlohmann::ordered_json out;
                out["id"] = *id;
                out["versions"] = nlohmann::ordered_json::array();
                for (const auto& v : versions)
                    out["versions"].push_back(
                        {{"version", v.version},
                         {"effective", v.effective},
                         {"until", v.until.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v.until)},
                         {"title", v.title},
                         {"variant_of", v.variantOf},
                         {"sha256", v.contentHash},
                         {"source_path", v.sourcePath},
                         {"published_by", v.publishedBy},
                         {"published_at", v.publishedAt}});
                out["log"] = nlohmann::ordered_json::array();
                for (const auto& e : events)
                    out["log"].push_back({{"seq", e.seq},
                                          {"kind", e.kind},
                                          {"version", e.version},
                                          {"action", e.action},
                                          {"sha256", e.contentHash},
                                          {"by", e.by},
                                          {"at", e.at}});
                std::cout << out.dump(2) << "\n";
                return;
            }
            if (!versions.empty()) {
                std::cout << *id << ": " << versions.back().title << "\n"
                          << versions.size() << (versions.size() == 1 ? " version" : " versions") << " in " << *db << "\n\n";
                TextTable table({"VERSION", "IN FORCE", "SHA256", "PUBLISHED BY", "AT"});
                for (const auto& v : versions)
                    table.add({v.version, inForce(v), v.contentHash.substr(0, 12), v.publishedBy, v.publishedAt});
                std::cout << table.render();
            } else {
                std::cout << "module " << *id << " in " << *db << "\n";
            }
            TextTable log({"AT", "BY", "ACTION", "VERSION", "SHA256"}, "  ");
            for (const auto& e : events)
                log.add({e.at, e.by, e.action, e.version.empty() ? "-" : e.version, e.contentHash.substr(0, 12)});
            std::cout << "\nLog\n" << log.render();
        } catch (const registry::RegistryError& e) {
            std::cerr << "error: " << e.what() << "\n";
            g.exitCode = 2;
        }
    });
}

}  // namespace cpe::cli
