// `cpe decide`: one decision from a facts file, or a batch of cases (NDJSON),
// exactly as shared/spec/decision.md describes.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/support/load_library.h"
#include "engine/base/civil_date.h"
#include "engine/base/parallel_lines.h"
#include "engine/decision/decision_text.h"
#include "engine/decision/json_input.h"
#include "engine/library/batch_line.h"
#include "engine/library/fast_case_decider.h"

namespace cpe::cli {
namespace {

struct DecideOptions {
    std::vector<std::string> policies;
    std::string policy;
    std::string factsPath;
    std::string casesPath;
    std::string asOf;
    std::string format;
    std::size_t maxLine = kDefaultMaxLine;
    std::size_t maxDepth = kDefaultMaxDepth;
    // A batch is decided on this many threads, its output in input order
    // and the same bytes whatever the number (tests/e2e/batch_threads.sh).
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    // JSON with the answer's additions (as_of, next_step, values in reasons,
    // questions: engine/answer/answer_guide.h); text always has them.
    bool answer = false;
    // Every line through the reference reader (engine/library/batch_line.h),
    // none through the fast path: the benchmark's same-run reference.
    bool referenceReader = false;
    // One decision is JSON (the contract) unless text is asked for, or it is
    // printed on a terminal with no --format given: then it is for a person.
    bool text() const { return format == "text" || (format.empty() && isatty(STDOUT_FILENO)); }
};

int single(const DecideOptions& o) {
    // One referral parses only what its policy needs (a third of the time on
    // policies/: bench/bench_single.sh), the whole library when that fails.
    bool whole = false;
    std::shared_ptr<const PolicyLibrary> lib = loadLibraryForPolicy(o.policies, o.policy, whole);
    if (!lib) return 2;
    std::string text;
    try {
        text = readInput(o.factsPath);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    std::string name = o.factsPath == "-" ? "<stdin>" : o.factsPath;
    auto parsed = parseJsonInput(text, o.maxDepth);
    if (auto* error = std::get_if<InputError>(&parsed)) {
        std::cerr << name << ": error: " << error->message << "\n";
        return 2;
    }
    JsonInput& input = std::get<JsonInput>(parsed);
    nlohmann::json& facts = input.value;
    // A facts file may be the facts object itself or a request {"facts": {...}, "as_of": ...}.
    std::optional<std::string> asOf;
    if (!o.asOf.empty()) asOf = o.asOf;
    const nlohmann::json* factObject = &facts;
    if (facts.is_object() && facts.contains("facts") && facts["facts"].is_object()) {
        factObject = &facts["facts"];
        if (!asOf && facts.contains("as_of") && facts["as_of"].is_string()) asOf = facts["as_of"].get<std::string>();
    } else {
        for (InexactNumber& n : input.inexact) n.field = "facts." + n.field;  // the file is the facts object itself
    }
    DecideRequest request{o.policy, factObject, asOf};
    request.inexact = &input.inexact;
    DecideResult result = lib->decide(request);
    // The part knows only its own facts and policies: the whole library
    // says whether a name is really unknown, with its suggestions.
    if (auto* error = std::get_if<InputError>(&result);
        error && !whole && (error->code == "unknown_fact" || error->code == "unknown_policy")) {
        if (!(lib = loadLibraryOrReport(o.policies))) return 2;
        result = lib->decide(request);
    }
    if (auto* error = std::get_if<InputError>(&result)) {
        std::cerr << name << ": error: " << error->message << " [" << error->field << "]\n";
        return 2;
    }
    Decision& decision = std::get<Decision>(result);
    if (!o.answer && !o.text()) decision.guide = nullptr;  // the contract's fields only
    if (o.text()) std::cout << decisionToText(decision);
    else std::cout << decisionToJson(decision).dump(2) << "\n";
    return 0;
}

int batch(const PolicyLibrary& lib, const DecideOptions& o) {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (o.casesPath != "-") {
        file.open(o.casesPath, std::ios::binary);
        if (!file) {
            std::cerr << "error: " << o.casesPath << ": cannot read this file\n";
            return 2;
        }
        in = &file;
    }
    BatchLineOptions options;
    options.defaultDay = todayDay();  // one batch, one today: a run across midnight decides alike
    if (!o.asOf.empty()) {            // --as-of, for the lines without their own
        std::optional<int> day = parseDate(o.asOf);
        if (!day) {
            std::cerr << "error: --as-of must be a date YYYY-MM-DD, got '" << o.asOf << "'\n";
            return 2;
        }
        options.defaultDay = *day;
    }
    options.answer = o.answer;
    options.maxLine = o.maxLine;
    options.maxDepth = o.maxDepth;
    // One fast reader per thread (engine/library/fast_case_decider.h); the
    // lines it declines, errors among them, get the reference reading.
    std::vector<std::unique_ptr<FastCaseDecider>> fast;
    for (unsigned i = 0; i < std::max(1u, o.threads); ++i) fast.push_back(std::make_unique<FastCaseDecider>(lib, options));
    // Counted from every thread.
    std::atomic<std::size_t> lines = 0, badLines = 0;
    LineJob decideLine = [&](const Line& line, std::string& out, unsigned worker) {
        if (!line.tooLong && !o.referenceReader && fast[worker]->tryAppend(line.text, out)) {
            ++lines;
        } else {
            BatchLineResult result = appendBatchLine(lib, line, options, out);
            if (result == BatchLineResult::Blank) return;
            ++lines;
            if (result == BatchLineResult::Error) ++badLines;
        }
        out += '\n';
    };
    ParallelLinesOptions parallel;
    parallel.threads = o.threads;
    parallel.maxLine = o.maxLine;
    ParallelLinesResult read = forEachLineInOrder(*in, std::cout, decideLine, parallel);
    std::cout.flush();
    if (read.readError) {
        std::cerr << "error: " << o.casesPath << ": read error after line " << read.lastLine << "\n";
        return 2;
    }
    if (badLines) std::cerr << badLines << " of " << lines << " lines had errors\n";
    return badLines ? 1 : 0;
}

}  // namespace

void addDecideCommand(CLI::App& app, Globals& g) {
    auto* cmd = app.add_subcommand("decide", "Decide one referral (--policy, --facts) or a batch (--cases)");
    auto o = std::make_shared<DecideOptions>();
    cmd->add_option("--policies", o->policies, "Policy file or folder (default: policies/)");
    cmd->add_option("--policy", o->policy, "Policy id, e.g. ebi.tonsillectomy");
    cmd->add_option("--facts", o->factsPath, "JSON file of facts ('-' for stdin)");
    cmd->add_option("--cases", o->casesPath, "NDJSON file of cases {id, policy, facts, as_of} ('-' for stdin)");
    cmd->add_option("--as-of", o->asOf, "Decision date YYYY-MM-DD (default: today); in a batch, for the cases without as_of");
    cmd->add_option("--max-line", o->maxLine, "Longest case line in bytes; a longer line gets its own error (default: 1 MiB)")
        ->check(CLI::PositiveNumber);
    cmd->add_option(
           "--max-depth", o->maxDepth,
           "Deepest nesting of arrays and objects in a case or facts file (default: " + std::to_string(kDefaultMaxDepth) + ")")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--threads", o->threads, "Threads deciding a batch (default: one per core); the output is the same")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--reference-reader", o->referenceReader,
                  "Read every case line with the reference reader, not the fast path (for benchmarks)")
        ->group("");
    cmd->add_flag("--answer", o->answer,
                  "JSON with what a person acts on added to the contract's fields: as_of, next_step, the values each "
                  "reason used, and a question for each missing fact (the text format always has them)");
    cmd->add_option("--format", o->format,
                    "One decision as json (the default when piped) or text (the default on a terminal); a batch is always NDJSON")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->callback([&g, o] {
        if (o->policies.empty()) o->policies.push_back("policies");
        if (o->format.empty()) o->format = g.format;
        if (o->casesPath.empty() && (o->policy.empty() || o->factsPath.empty())) {
            std::cerr << "error: give --policy ID --facts FILE for one decision, or --cases FILE for a batch\n";
            g.exitCode = 2;
            return;
        }
        if (o->casesPath.empty()) {
            g.exitCode = single(*o);
            return;
        }
        auto lib = loadLibraryOrReport(o->policies);
        if (!lib) {
            g.exitCode = 2;
            return;
        }
        g.exitCode = batch(*lib, *o);
    });
}

}  // namespace cpe::cli
