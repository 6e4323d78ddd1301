// `cpe diff OLD NEW`: the semantic difference between two versions or
// variants of a policy and, with --cases, the impact of the change on a batch
// of cases. The forms OLD and NEW may take are in engine/diff/policy_ref.h
// and in `cpe diff --help`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/diff/impact.h"
#include "engine/diff/policy_diff.h"
#include "engine/diff/policy_ref.h"
#include "engine/doc/consultation.h"
#include "engine/registry/registry.h"

namespace cpe::cli {
namespace {

struct DiffOptions {
    std::string oldRef, newRef;
    std::vector<std::string> policies;
    std::string registry;
    std::string asOf;
    std::string cases;
    std::vector<std::string> by;
    size_t examples = 3;
    std::string html;
    std::string format;
    std::size_t maxLine = kDefaultMaxLine, maxDepth = kDefaultMaxDepth;
    // The cases are decided on this many threads; the report is the same.
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    bool referenceReader = false;
};

const char* kHelp = R"(OLD and NEW each name one policy version:
  ID                 the version in force on --as-of (default today), else the newest
  ID@VERSION         by its version; a date that is no version's name picks the version in force that day
  FILE.cpl           the one policy in a file; the file replaces the library files that declare the same
                     policies or modules, so a draft is compared within the library it will join
  FILE.cpl#ID[@VERSION]   one policy of a file that declares several
  add +variants      the policy with its area variants ('variant of ID when ...'): with --cases each case is
                     decided by the variant its facts select; without, each variant is compared in turn
  ID.{FACT}          one policy per value of an enum fact, picked by each case: fertility.ivf.{legacy_area}
                     decides each case by its area's policy (fertility.ivf.hwe, .mse, .snee)
Examples:
  cpe diff fertility.ivf.snee fertility.ivf
  cpe diff fertility.ivf@2025-04-01 fertility.ivf@2026-04-01
  cpe diff policies/fertility/ivf.cpl drafts/ivf.cpl
  cpe diff 'fertility.ivf.{legacy_area}' fertility.ivf --cases cases.ndjson --by legacy_area --html impact.html
Cases are the batch NDJSON of `cpe decide --cases` ({"id", "facts", "as_of"}; "policy" is ignored): each is
decided under OLD and NEW on its as_of (default --as-of). A --by fact that no policy declares is read for the
breakdown only (from the facts or the case object).
Exit status: without --cases 0 when the versions do not differ, 1 when they do; with --cases 0, or 1 when some
lines could not be decided; 2 on an error.)";

// Every policy a side names: one per value of ID.{FACT}, or the policy and its variants.
std::vector<const CompiledPolicy*> members(const ResolvedPolicy& side) {
    std::vector<const CompiledPolicy*> m;
    for (const auto& [value, p] : side.byValue) m.push_back(p);
    if (m.empty()) m.push_back(side.policy);
    m.insert(m.end(), side.variants.begin(), side.variants.end());
    return m;
}

int run(const DiffOptions& o, const std::string& globalFormat) {
    bool json = (o.format.empty() ? globalFormat : o.format) == "json";
    int day = todayDay();
    if (!o.asOf.empty()) {
        auto parsed = parseDate(o.asOf);
        if (!parsed) throw DiffError("--as-of must be a date YYYY-MM-DD, got '" + o.asOf + "'");
        day = *parsed;
    }
    PolicyFiles base;
    if (!o.registry.empty()) {
        auto sources = registry::registrySources(o.registry);
        for (uint32_t i = 0; i < sources->size(); ++i) base.emplace_back(sources->file(i).path, sources->file(i).text);
    } else {
        // Without --policies the default library is used when there is one; two
        // files can still be compared on their own.
        std::error_code ec;
        if (!o.policies.empty()) base = readPolicyFiles(o.policies);
        else if (std::filesystem::is_directory("policies", ec)) base = readPolicyFiles({"policies"});
    }
    PolicyResolver resolver(std::move(base), day);
    PolicyRef oldRef = parsePolicyRef(o.oldRef), newRef = parsePolicyRef(o.newRef);
    ResolvedPolicy oldSide = resolver.resolve(oldRef);
    ResolvedPolicy newSide = resolver.resolve(newRef);

    if (!o.cases.empty()) {
        std::ifstream in(o.cases, std::ios::binary);
        if (!in) throw DiffError(o.cases + ": cannot read this file");
        ImpactOptions options;
        options.byFacts = o.by;
        options.examplesPerChange = o.examples;
        options.defaultDay = day;
        options.maxLine = o.maxLine;
        options.maxDepth = o.maxDepth;
        options.threads = o.threads;
        options.referenceReader = o.referenceReader;
        ImpactReport report = runImpact(oldSide, newSide, in, options);
        PolicyDiff diff =
            diffPolicies(*oldSide.policy->model, oldSide.library->sources(), *newSide.policy->model, newSide.library->sources());
        diff.oldSide.label = oldSide.label;
        diff.newSide.label = newSide.label;
        if (!o.html.empty()) {
            // The consultation page: each policy the old side names against the proposal, then the impact.
            std::vector<RuleComparison> rules;
            for (const CompiledPolicy* before : members(oldSide))
                rules.push_back({before->model, newSide.policy->model,
                                 diffPolicies(*before->model, oldSide.library->sources(), *newSide.policy->model,
                                              newSide.library->sources())});
            std::ofstream out(o.html, std::ios::binary);
            out << consultationPage(rules, report);
            if (!out) throw DiffError(o.html + ": cannot write this file");
        }
        if (json) {
            nlohmann::ordered_json j;
            j["diff"] = diffToJson(diff);
            j["impact"] = impactToJson(report);
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << "Rules: " << diffSummary(diff) << "\n" << impactToText(report);
            if (!o.html.empty()) std::cout << "\nHTML report: " << o.html << "\n";
        }
        return report.errorCount ? 1 : 0;
    }

    // Without cases, +variants compares each member of the family in turn.
    std::vector<PolicyDiff> diffs;
    for (const CompiledPolicy* a : members(oldSide))
        for (const CompiledPolicy* b : members(newSide))
            diffs.push_back(diffPolicies(*a->model, oldSide.library->sources(), *b->model, newSide.library->sources()));
    if (diffs.size() == 1) {
        diffs[0].oldSide.label = oldSide.label;
        diffs[0].newSide.label = newSide.label;
    }
    bool differ = std::any_of(diffs.begin(), diffs.end(), [](const PolicyDiff& d) { return !d.empty(); });
    if (json) {
        if (diffs.size() == 1) {
            std::cout << diffToJson(diffs[0]).dump(2) << "\n";
        } else {
            nlohmann::ordered_json all = nlohmann::ordered_json::array();
            for (const PolicyDiff& d : diffs) all.push_back(diffToJson(d));
            std::cout << all.dump(2) << "\n";
        }
    } else {
        for (size_t i = 0; i < diffs.size(); ++i) std::cout << (i ? "\n" : "") << diffToText(diffs[i]);
    }
    return differ ? 1 : 0;
}

}  // namespace

void addDiffCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("diff", "What changes between two versions or variants of a policy, and whom it affects");
    auto o = std::make_shared<DiffOptions>();
    cmd->footer(kHelp);
    cmd->add_option("old", o->oldRef, "The policy before the change (see below)")->required();
    cmd->add_option("new", o->newRef, "The policy after the change")->required();
    cmd->add_option("--policies", o->policies, "Policy files or folders to read ids from (default: policies/)");
    cmd->add_option("--registry", o->registry, "Read ids from a policy registry instead (cpe publish)");
    cmd->add_option("--as-of", o->asOf, "Date that picks versions given by id, and the date of cases without as_of");
    cmd->add_option("--cases", o->cases, "NDJSON cases to decide under both: report how many change outcome or route");
    cmd->add_option("--by", o->by, "Break the impact down by this fact (repeat for several)");
    cmd->add_option("--examples", o->examples, "Example case ids per kind of change (default 3)");
    cmd->add_option("--html", o->html,
                    "Also write the consultation page: the rule changes and their impact, one self-contained HTML file");
    cmd->add_option("--max-line", o->maxLine,
                    "With --cases: longest case line in bytes; a longer one is an error (default: 1 MiB)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-depth", o->maxDepth, "With --cases: deepest nesting of arrays and objects in a case (default: 64)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--threads", o->threads,
                    "With --cases: threads deciding the cases (default: one per core); the report is the same")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--reference-reader", o->referenceReader,
                  "With --cases: read every case with the reference reader, not the fast one (for benchmarks)")
        ->group("");
    cmd->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&g, o] {
        if (o->cases.empty() && (!o->by.empty() || !o->html.empty())) {
            std::cerr << "error: --by and --html describe an impact run; add --cases FILE.ndjson\n";
            g.exitCode = 2;
            return;
        }
        if (!o->registry.empty() && !o->policies.empty()) {
            std::cerr << "error: give --policies or --registry, not both\n";
            g.exitCode = 2;
            return;
        }
        try {
            g.exitCode = run(*o, g.format);
        } catch (const DiffError& e) {
            std::string message = e.what();
            std::cerr << (message.find("error:") == std::string::npos ? "error: " : "") << message << "\n";
            g.exitCode = 2;
        } catch (const registry::RegistryError& e) {
            std::cerr << "error: " << e.what() << "\n";
            g.exitCode = 2;
        }
    });
}

}  // namespace cpe::cli
