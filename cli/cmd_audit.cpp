// `cpe audit`: runs the library's coding rules over coded activity
// (--activity) or decides recorded cases (--cases), as shared/spec/audit.md
// describes. The work is in audit/; this file maps options onto it.
#include <iostream>
#include <optional>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "audit/activity_audit.h"
#include "audit/care/care_csv.h"
#include "audit/care_audit.h"
#include "audit/case_audit.h"
#include "audit/match/policy_rules.h"
#include "audit/match/rule_schedule.h"
#include "audit/read/episode.h"
#include "audit/read/postgres_source.h"
#include "cli/commands.h"
#include "cli/support/as_of.h"
#include "cli/support/load_library.h"
#include "engine/base/civil_date.h"

namespace cpe::cli {
namespace {

struct AuditOptions {
    std::vector<std::string> policies;
    std::vector<std::string> only;
    std::vector<std::string> columns;  // --columns, each FIELD=COLUMN[,...]
    std::string mapping, names, trend = "month";
    std::string activity, cases, population, from, to, by = "provider", out, asOf;
    std::string database, query, queryFile;
    bool strict = false, noSuppress = false, noProgress = false;
    bool referenceReader = false;  // --cases: every case through the reference reader (hidden; tests, benchmarks)
    unsigned threads = 0;
    std::size_t maxLine = kDefaultMaxLine, maxDepth = kDefaultMaxDepth;
    // --care (audit/care_audit.h); --columns and --trend serve it too
    std::string care, localities;
    std::vector<std::string> benchmarks;
};

// The policy paths as the reports name them: "policies, local".
std::string policiesLabel(const AuditOptions& o) {
    std::string label;
    for (const auto& p : o.policies) label += (label.empty() ? "" : ", ") + p;
    return label;
}

// --trend, checked by CLI11 to be month or quarter; one reading for both audits.
audit::TrendPeriod trendPeriod(const AuditOptions& o) {
    return o.trend == "quarter" ? audit::TrendPeriod::Quarter : audit::TrendPeriod::Month;
}

// The rules judging each episode: with --as-of, the versions in force on that
// date for every episode; by default, each episode's own date's versions.
std::unique_ptr<audit::RuleSchedule> activityRules(const PolicyLibrary& lib, const AuditOptions& o, std::optional<int> day,
                                                   std::vector<std::string>& errors) {
    if (!day) return audit::RuleSchedule::byEpisodeDate(lib, o.only, errors);
    audit::RuleSelection selection = audit::selectCodingRules(lib, *day, o.only, errors);
    auto matcher = errors.empty() && !selection.rules.empty()
                       ? audit::Matcher::compile(selection.rules, audit::libraryCodesets(lib), &lib.sources(), errors)
                       : nullptr;
    if (!matcher) return nullptr;
    for (const std::string& n : selection.notes) std::cerr << "note: " << n << "\n";
    return std::make_unique<audit::RuleSchedule>(std::move(matcher));
}

int runActivity(const PolicyLibrary& lib, const AuditOptions& o, const Globals& g) {
    std::optional<int> day;
    if (!o.asOf.empty() && !(day = asOfDayOrReport(o.asOf))) return 2;
    std::vector<std::string> errors;
    std::unique_ptr<audit::RuleSchedule> schedule = activityRules(lib, o, day, errors);
    if (schedule && schedule->reference().size() == 0) schedule.reset();
    if (!schedule && errors.empty())
        errors.push_back("no policy under " + o.policies.front() +
                         " has a coding rule (coding = ...), so there is nothing to count");
    if (!schedule) {
        for (const std::string& e : errors) std::cerr << "error: " << e << "\n";
        return 2;
    }
    const audit::Matcher* matcher = &schedule->reference();
    spdlog::info("auditing {} coding rules in {} program(s) by date", matcher->size(), schedule->programCount());
    for (size_t r = 0; r < matcher->size(); ++r) spdlog::debug("{}: {}", matcher->intervention(r), matcher->describe(r));

    audit::ActivityAuditOptions a;
    a.activityPath = o.activity;
    if (!o.database.empty() || !o.query.empty()) {
        a.activityPath = "database query";
        a.openSource = [&o] { return audit::openPostgresCopy(o.database, o.query); };
    }
    a.outDir = o.out;
    a.policiesLabel = policiesLabel(o);
    if (!o.population.empty()) a.populationPath = o.population;
    if (!o.from.empty()) a.from = o.from;
    if (!o.to.empty()) a.to = o.to;
    a.grouping = o.by == "commissioner" ? audit::Grouping::Commissioner : audit::Grouping::Provider;
    a.strict = o.strict;
    a.suppress = !o.noSuppress;
    a.threads = o.threads;
    a.progress = !o.noProgress && g.format != "json";
    if (!o.mapping.empty()) a.mapping.addFile(o.mapping);
    if (!o.names.empty()) a.namesPath = o.names;
    a.trend = trendPeriod(o);
    for (const std::string& c : o.columns) a.mapping.addColumnsOption(c);
    a.schedule = schedule.get();
    a.forcedAsOf = !o.asOf.empty();
    audit::ActivityAuditSummary s = audit::runActivityAudit(*matcher, a);
    for (const std::string& w : s.warnings) std::cerr << "warning: " << w << "\n";
    if (!s.ignoredColumns.empty()) {
        std::string list;
        for (const std::string& c : s.ignoredColumns) list += (list.empty() ? "" : ", ") + c;
        std::cerr << "note: " << s.ignoredColumns.size() << " column" << (s.ignoredColumns.size() > 1 ? "s" : "")
                  << " not used: " << list << "\n";
    }
    if (g.format == "json") {
        nlohmann::ordered_json j;
        j["rows_read"] = s.rowsRead;
        j["rows_rejected"] = s.rowsRejected;
        j["rows_outside_period"] = s.rowsOutsidePeriod;
        j["episodes_counted"] = s.episodesCounted;
        j["interventions"] = matcher->size();
        j["columns_ignored"] = s.ignoredColumns;
        j["data_period"] = s.rules.firstDay ? nlohmann::ordered_json{{"first", formatDate(*s.rules.firstDay)},
                                                                     {"last", formatDate(*s.rules.lastDay)}}
                                            : nlohmann::ordered_json();
        j["versions_applied"] = nlohmann::ordered_json::array();
        for (const audit::VersionApplied& v : s.rules.versions)
            j["versions_applied"].push_back({{"intervention", v.intervention},
                                             {"version", v.version},
                                             {"effective", v.effective},
                                             {"applied_from", formatDate(v.appliedFrom)},
                                             {"applied_to", formatDate(v.appliedTo)},
                                             {"episodes_judged", v.episodesJudged},
                                             {"episodes_counted", v.episodesCounted}});
        j["seconds"] = s.seconds;
        j["out"] = o.out;
        std::cout << j.dump() << "\n";
    } else {
        std::cout << s.line() << "\n";
        for (const std::string& l : s.rulesLines()) std::cout << l << "\n";
    }
    return 0;
}

int runCases(const PolicyLibrary& lib, const AuditOptions& o, const Globals& g) {
    audit::CaseAuditOptions c;
    c.casesPath = o.cases;
    c.outDir = o.out;
    c.strict = o.strict;
    c.threads = o.threads;
    c.maxLine = o.maxLine;
    c.maxDepth = o.maxDepth;
    c.suppress = !o.noSuppress;
    c.policiesLabel = policiesLabel(o);
    c.referenceReader = o.referenceReader;
    if (!o.asOf.empty()) {  // else each case's own as_of, or today
        c.day = asOfDayOrReport(o.asOf);
        if (!c.day) return 2;
    }
    audit::CaseAuditSummary s = audit::runCaseAudit(lib, c);
    if (g.format == "json") {
        nlohmann::ordered_json j;
        j["cases_read"] = s.linesRead;
        j["cases_rejected"] = s.linesRejected;
        j["cases_decided"] = s.casesDecided;
        j["seconds"] = s.seconds;
        j["out"] = o.out;
        std::cout << j.dump() << "\n";
    } else {
        std::cout << s.line() << "\n";
    }
    return 0;
}

int runCare(const PolicyLibrary& lib, const AuditOptions& o, const Globals& g) {
    audit::CareAuditOptions c;
    c.carePath = o.care;
    c.outDir = o.out;
    c.policiesLabel = policiesLabel(o);
    if (!o.localities.empty()) c.localitiesPath = o.localities;
    for (const std::string& spec : o.columns)
        for (auto& [field, column] : audit::parseCareColumns(spec))
            if (!c.columns.emplace(field, column).second)
                throw audit::AuditError("--columns: field '" + field + "' is mapped twice");
    for (const std::string& b : o.benchmarks) {
        auto eq = b.find('=');
        std::string name = b.substr(0, eq);
        if (eq == std::string::npos || (name != "conversion" && name != "assessment"))
            throw audit::AuditError("--benchmark: '" + b + "' is not conversion=RATE or assessment=RATE");
        char* end = nullptr;
        double rate = std::strtod(b.c_str() + eq + 1, &end);
        if (end == b.c_str() + eq + 1 || *end || !(rate > 0 && rate < 1))
            throw audit::AuditError("--benchmark: " + name + " must be a proportion between 0 and 1, got '" + b.substr(eq + 1) +
                                    "'");
        c.benchmarks[name] = rate;
    }
    c.period = trendPeriod(o);
    c.strict = o.strict;
    c.suppress = !o.noSuppress;
    c.threads = o.threads;
    c.maxLine = o.maxLine;
    c.maxDepth = o.maxDepth;
    audit::CareAuditSummary s = audit::runCareAudit(lib, c);
    if (s.earlierThanPolicies)
        std::cerr << "note: " << s.earlierThanPolicies
                  << " records are dated before the first version of a care policy and were decided by that version\n";
    if (g.format == "json") {
        nlohmann::ordered_json j;
        j["records_read"] = s.recordsRead;
        j["records_rejected"] = s.recordsRejected;
        j["chc_records"] = s.chcRecords;
        j["s117_records"] = s.s117Records;
        j["decided_by_a_later_first_version"] = s.earlierThanPolicies;
        j["seconds"] = s.seconds;
        j["out"] = o.out;
        std::cout << j.dump() << "\n";
    } else {
        std::cout << s.line() << "\n";
    }
    return 0;
}

}  // namespace

void addAuditCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand(
        "audit",
        "Audit coded activity against the policies' coding rules (--activity), recorded cases (--cases), or continuing-care and "
        "Section 117 case records (--care)");
    auto o = std::make_shared<AuditOptions>();
    cmd->add_option("--policies", o->policies, "Policy file or folder (default: policies/)");
    cmd->add_option("--activity", o->activity, "Coded activity CSV, or .csv.gz ('-' for stdin)");
    cmd->add_option("--query", o->query,
                    "Read the activity from this PostgreSQL query instead of a file (its columns named as --activity's)");
    cmd->add_option("--query-file", o->queryFile, "Read the --query from this file")->check(CLI::ExistingFile);
    cmd->add_option("--database", o->database,
                    "With --query: libpq connection string or URI (default: the PG* environment variables, as psql)");
    cmd->add_option("--cases", o->cases, "NDJSON of recorded cases {id, policy, facts, as_of, provider}");
    cmd->add_option("--care", o->care,
                    "Continuing-care (CHC) and Section 117 case records: NDJSON, or CSV (.csv, .csv.gz, or with --columns); "
                    "the 28-day standard, conversion, consistency and aftercare plans by locality");
    cmd->add_option("--localities", o->localities,
                    "With --care: file of the localities records may name, one a line (default: hwe, mse, snee)");
    cmd->add_option("--benchmark", o->benchmarks,
                    "With --care: conversion=RATE (full assessments found eligible) or assessment=RATE (positive Checklists "
                    "assessed), the funnel plots' target (default: the overall rate); repeatable");
    cmd->add_option("--out", o->out, "Folder for activity.csv, variation.csv, rejects.csv and report.html")->required();
    cmd->add_option("--columns", o->columns,
                    "Where the extract's fields are: FIELD=COLUMN,... (e.g. provider=PROCODE3,procedures=OPERTN_*); "
                    "repeatable. With --care and CSV, the fields are id, record, locality, referral_received, "
                    "checklist_date, dst_date, fast_track, decision_date, recorded_decision, discharge_date, "
                    "plan_agreed, as_of, checklist, dst, sections");
    cmd->add_option("--mapping", o->mapping,
                    "Mapping file: 'field = COLUMN' and 'sex.values = M:1, F:2' lines (--columns overrides it)");
    cmd->add_option("--names", o->names, "ODS lookup CSV code,name: organisation names in groups.csv, trend.csv and the report");
    cmd->add_option("--trend", o->trend, "Periods of trend.csv and of the --care trends: month (default) or quarter")
        ->check(CLI::IsMember({"month", "quarter"}));
    cmd->add_option("--population", o->population,
                    "CSV commissioner,population, or commissioner,age_band,sex,population for standardised rates");
    cmd->add_option("--from", o->from, "First admission date counted, YYYY-MM-DD");
    cmd->add_option("--to", o->to, "Last admission date counted, YYYY-MM-DD");
    cmd->add_option("--by", o->by,
                    "Group variation by provider or commissioner (default: provider; commissioner with --population)")
        ->check(CLI::IsMember({"provider", "commissioner"}));
    cmd->add_option("--policy", o->only, "Audit only this policy id (repeatable)");
    cmd->add_option("--as-of", o->asOf,
                    "Decide as of this date: the coding rules in force for every episode (--activity; default: each episode's "
                    "admission date), and cases without their own as_of (--cases; default today)");
    cmd->add_flag("--strict", o->strict, "Stop at the first malformed row");
    cmd->add_flag("--no-suppress", o->noSuppress, "Show counts 1 to 5 in report.html (default: shown as *)");
    cmd->add_flag("--no-progress", o->noProgress, "No progress line on the terminal");
    cmd->add_option("--max-line", o->maxLine,
                    "With --cases: longest case line in bytes; a longer one is a reject (default: 1 MiB)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-depth", o->maxDepth, "With --cases: deepest nesting of arrays and objects in a case (default: 64)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--threads", o->threads, "Worker threads (default: the number of cores, at most 2)");
    cmd->add_flag("--reference-reader", o->referenceReader,
                  "With --cases: read every case with the reference reader, not the fast one (for tests and benchmarks)")
        ->group("");
    cmd->callback([&g, o, cmd] {
        if (o->policies.empty()) o->policies.push_back("policies");
        if (!o->queryFile.empty()) {
            if (!o->query.empty()) {
                std::cerr << "error: give --query or --query-file, not both\n";
                g.exitCode = 2;
                return;
            }
            try {
                o->query = readInput(o->queryFile);
            } catch (const std::runtime_error& e) {
                std::cerr << "error: " << e.what() << "\n";
                g.exitCode = 2;
                return;
            }
        }
        if (!o->database.empty() && o->query.empty()) {
            std::cerr << "error: --database needs --query SQL (or --query-file FILE): the query whose rows are the activity\n";
            g.exitCode = 2;
            return;
        }
        const bool fromQuery = !o->query.empty();
        if (int(!o->activity.empty()) + int(fromQuery) + int(!o->cases.empty()) + int(!o->care.empty()) != 1) {
            std::cerr << "error: give one of --activity FILE or --query SQL (coded activity), --cases FILE (recorded cases) "
                         "or --care FILE (continuing-care and Section 117 case records)\n";
            g.exitCode = 2;
            return;
        }
        if (!o->population.empty()) {
            if (cmd->count("--by") && o->by == "provider") {
                std::cerr << "error: --population gives rates by commissioner; it cannot be used with --by provider\n";
                g.exitCode = 2;
                return;
            }
            o->by = "commissioner";
        }
        if (o->threads == 0) o->threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
        auto lib = loadLibraryOrReport(o->policies);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        try {
            g.exitCode = !o->care.empty()   ? runCare(*lib, *o, g)
                         : o->cases.empty() ? runActivity(*lib, *o, g)
                                            : runCases(*lib, *o, g);
        } catch (const audit::AuditError& e) {
            std::cerr << "error: " << e.what() << "\n";
            g.exitCode = 2;
        }
    });
}

}  // namespace cpe::cli
