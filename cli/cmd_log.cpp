// `cpe log`: reads the decision log `cpe serve` writes, for an audit.
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "engine/storage/postgres.h"
#include "server/facts_hash.h"
#include "server/log_query.h"

namespace cpe::cli {

namespace {

struct LogOptions {
    std::string db = "cpe-decisions.db";
    std::string saltFile;
    std::string policy, outcome, from, to, factsFile, client;
    std::int64_t limit = 100;
    bool perDay = false;
};

// The facts to look for: a facts object, or a whole decision request whose
// "facts" member is one.
nlohmann::json readFacts(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    nlohmann::json j = nlohmann::json::parse(in);
    if (j.is_object() && j.contains("policy") && j.contains("facts") && j["facts"].is_object()) return j["facts"];
    if (!j.is_object()) throw std::runtime_error(path + " holds no JSON object of facts");
    return j;
}

void printRows(const std::vector<server::LogRow>& rows, bool json) {
    for (const server::LogRow& r : rows) {
        if (json) {
            nlohmann::ordered_json j{{"id", r.id},
                                     {"decision_id", r.decisionId},
                                     {"time", r.time},
                                     {"as_of", r.asOf},
                                     {"policy", r.policy},
                                     {"policy_version", r.policyVersion},
                                     {"outcome", r.outcome},
                                     {"route", r.route},
                                     {"reasons", nlohmann::ordered_json::parse(r.reasons, nullptr, false)},
                                     {"facts_hash", r.factsHash}};
            if (r.client) j["client"] = *r.client;
            if (r.facts) j["facts"] = nlohmann::ordered_json::parse(*r.facts, nullptr, false);
            std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            std::string reasons;
            for (const auto& id : nlohmann::json::parse(r.reasons, nullptr, false))
                if (id.is_string()) reasons += (reasons.empty() ? "" : ",") + id.get<std::string>();
            fmt::print("{}  {} {}  {:<12} {:<14} {}  as_of {}  id {}  facts {}{}\n", r.time, r.policy, r.policyVersion, r.outcome,
                       r.route, reasons.empty() ? "-" : reasons, r.asOf, r.decisionId, r.factsHash.substr(0, 16),
                       r.client ? "  client " + *r.client : "");
        }
    }
}

void printDays(const std::vector<server::DayCount>& days, bool json) {
    if (!json)
        fmt::print("{:<10}  {:>8}  {:>8}  {:>12}  {:>8}  {:>12}\n", "day", "total", "eligible", "not_eligible", "review",
                   "undetermined");
    for (const server::DayCount& d : days) {
        if (json)
            std::puts(nlohmann::ordered_json{{"day", d.day},
                                             {"total", d.total},
                                             {"eligible", d.eligible},
                                             {"not_eligible", d.notEligible},
                                             {"review", d.review},
                                             {"undetermined", d.undetermined}}
                          .dump()
                          .c_str());
        else
            fmt::print("{:<10}  {:>8}  {:>8}  {:>12}  {:>8}  {:>12}\n", d.day, d.total, d.eligible, d.notEligible, d.review,
                       d.undetermined);
    }
}

int runLog(const LogOptions& o, bool json) {
    auto db = server::openLogSource(o.db);
    server::LogFilter f;
    if (!o.policy.empty()) f.policy = o.policy;
    if (!o.outcome.empty()) f.outcome = o.outcome;
    if (!o.from.empty()) f.from = o.from;
    if (!o.to.empty()) f.to = o.to;
    if (!o.client.empty()) f.client = o.client;
    f.limit = o.limit;
    if (!o.factsFile.empty()) {
        if (o.saltFile.empty() && pg::isConnectionString(o.db))
            throw std::runtime_error("--facts with a PostgreSQL --db needs --salt-file (the salt cpe serve was given)");
        std::string saltPath = o.saltFile.empty() ? o.db + ".salt" : o.saltFile;
        std::string salt = server::loadSalt(saltPath);
        std::string expected = server::logSaltId(*db);
        if (!expected.empty() && expected != server::saltId(salt)) {
            std::fprintf(stderr, "cpe log: %s is not the salt %s was written with\n", saltPath.c_str(),
                         pg::redacted(o.db).c_str());
            return 1;
        }
        f.factsHash = server::factsHash(salt, server::canonicalFacts(readFacts(o.factsFile)));
    }
    if (o.perDay) printDays(server::countPerDay(*db, f), json);
    else printRows(server::queryDecisions(*db, f), json);
    return 0;
}

}  // namespace

void addLogCommand(CLI::App& app, Globals& g) {
    auto o = std::make_shared<LogOptions>();
    CLI::App* cmd = app.add_subcommand("log", "Query the decision log written by `cpe serve`, for an audit");
    cmd->footer(
        "Dates are UTC days of the decision time, both ends included. Newest decisions first.\n"
        "--format json prints one JSON object a line.");
    cmd->add_option("--db", o->db,
                    "The decision log: a SQLite file, or PostgreSQL (postgresql://... or a libpq key=value string)")
        ->capture_default_str();
    cmd->add_option("--policy", o->policy, "Only this policy id");
    cmd->add_option("--outcome", o->outcome, "Only this outcome")
        ->check(CLI::IsMember({"eligible", "not_eligible", "review", "undetermined"}));
    const auto date = CLI::Validator(
        [](std::string& s) {
            bool ok = s.size() == 10 && s[4] == '-' && s[7] == '-';
            for (std::size_t i = 0; ok && i < s.size(); ++i)
                if (i != 4 && i != 7 && !std::isdigit(static_cast<unsigned char>(s[i]))) ok = false;
            return ok ? std::string() : "expected a date YYYY-MM-DD, got " + s;
        },
        "DATE");
    cmd->add_option("--from", o->from, "From this day (YYYY-MM-DD)")->check(date);
    cmd->add_option("--to", o->to, "To this day (YYYY-MM-DD), included")->check(date);
    cmd->add_option("--limit", o->limit, "Most decisions to list; 0 for all")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--client", o->client, "Only decisions asked for by this named client (cpe serve --token-file)");
    cmd->add_flag("--per-day", o->perDay, "Count decisions per day and outcome instead of listing them");
    cmd->add_option("--facts", o->factsFile, "Only decisions made on these facts (a JSON file: the facts, or a decision request)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--salt-file", o->saltFile, "The log's salt, for --facts (default: <db>.salt; required with PostgreSQL)");
    cmd->callback([o, &g] {
        try {
            g.exitCode = runLog(*o, g.format == "json");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cpe log: %s\n", e.what());
            g.exitCode = 1;
        }
    });
}

}  // namespace cpe::cli
