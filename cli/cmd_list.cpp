// `cpe list [PATH...]`: every policy version in the library, with its title,
// version, access route and whether it is in force (today, or --as-of).
#include <algorithm>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/support/as_of.h"
#include "cli/support/load_library.h"
#include "cli/support/text_table.h"
#include "engine/base/civil_date.h"
#include "engine/library/policy_library.h"

namespace cpe::cli {
namespace {

std::string routeWords(const std::string& accessRoute) {
    std::string out = accessRoute;
    std::replace(out.begin(), out.end(), '_', ' ');
    return out;
}

}  // namespace

void addListCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("list", "List the policies: id, version, title, access route, in force");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto asOf = std::make_shared<std::string>();
    cmd->add_option("paths", *paths, "Policy files or folders (default: policies/)");
    cmd->add_option("--policies", *paths, "Policy files or folders, as the paths");
    cmd->add_option("--as-of", *asOf, "Say which versions are in force on this date (default: today)");
    cmd->callback([&g, paths, asOf] {
        std::optional<int> asOfDay = asOfDayOrReport(*asOf);
        if (!asOfDay) {
            g.exitCode = 2;
            return;
        }
        const int day = *asOfDay;
        if (paths->empty()) paths->push_back("policies");
        auto lib = loadLibraryOrReport(*paths);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        std::vector<const PolicyModel*> models;
        for (const PolicyModel& p : lib->checked().policies) models.push_back(&p);
        std::sort(models.begin(), models.end(), [](const PolicyModel* a, const PolicyModel* b) {
            return a->id != b->id ? a->id < b->id : a->effectiveDay < b->effectiveDay;
        });
        auto inForce = [day](const PolicyModel& p) { return p.effectiveDay <= day && (!p.untilDay || day <= *p.untilDay); };
        if (g.format == "json") {
            nlohmann::ordered_json out = nlohmann::ordered_json::array();
            for (const PolicyModel* p : models) {
                nlohmann::ordered_json row;
                row["id"] = p->id;
                row["version"] = p->version;
                row["title"] = p->title;
                row["route"] = p->accessRoute;
                row["effective"] = p->effective;
                row["until"] = p->until.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(p->until);
                row["variant_of"] = p->variantOf.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(p->variantOf);
                row["in_force"] = inForce(*p);
                out.push_back(row);
            }
            std::cout << out.dump(2) << "\n";
            return;
        }
        TextTable table({"ID", "VERSION", "TITLE", "ROUTE", "IN FORCE"});
        for (const PolicyModel* p : models) {
            std::string when = inForce(*p)             ? "yes"
                               : day < p->effectiveDay ? "no (from " + p->effective + ")"
                                                       : "no (ended " + p->until + ")";
            table.add({p->id, p->version, p->title, routeWords(p->accessRoute), when});
        }
        std::cout << table.render();
        std::cout << models.size() << (models.size() == 1 ? " policy version, " : " policy versions, ")
                  << std::count_if(models.begin(), models.end(), [&](const PolicyModel* p) { return inForce(*p); })
                  << " in force on " << formatDate(day) << "\n";
    });
}

}  // namespace cpe::cli
