// Code lenses and the commands they run. "Run tests" sits on each policy
// (all its tests) and each test; its failures come back as diagnostics on the
// failing expectations, until the next edit. "Decide" sits on a policy with a
// facts file beside it — <file>.facts.json next to the .cpl, or
// <library>/examples/<policy id>--<what>.json — and decides those facts with
// the library as it is in the editor.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/decision/decision.h"
#include "engine/decision/decision_text.h"
#include "engine/library/policy_library.h"
#include "engine/library/test_runner.h"
#include "lsp/handlers.h"
#include "lsp/text_position.h"

namespace cpe::lsp {

namespace fs = std::filesystem;

static std::vector<std::string> factsFilesFor(const Library& lib, const std::string& cpl, const std::string& policy) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::path beside = fs::path(cpl).replace_extension(".facts.json");
    if (fs::is_regular_file(beside, ec)) out.push_back(beside.string());
    fs::path examples = fs::path(lib.root()) / "examples";
    if (fs::is_directory(examples, ec)) {
        std::vector<std::string> found;
        for (const auto& e : fs::directory_iterator(examples, ec)) {
            std::string name = e.path().filename().string();
            if (name.rfind(policy + "--", 0) == 0 && e.path().extension() == ".json") found.push_back(e.path().string());
        }
        std::sort(found.begin(), found.end());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

static nlohmann::json lens(const std::string& text, const Span& span, const std::string& title, const std::string& command,
                           nlohmann::json args) {
    return {{"range", rangeOf(text, span)},
            {"command", {{"title", title}, {"command", command}, {"arguments", std::move(args)}}}};
}

nlohmann::json codeLenses(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params);
    nlohmann::json out = nlohmann::json::array();
    if (at.file == UINT32_MAX) return out;
    const CheckedLibrary& lib = *at.analysis->checked;
    const std::string& text = lib.sources->file(at.file).text;
    std::map<std::string, size_t> testsOf;
    for (const TestDecl* t : lib.tests) ++testsOf[t->policy];
    for (const SourceFileAst& f : lib.files) {
        if (f.file != at.file) continue;
        for (const TopDecl& d : f.decls) {
            if (auto* u = std::get_if<std::shared_ptr<Unit>>(&d.body)) {
                if ((*u)->kind != Unit::Kind::Policy) continue;
                const std::string& id = (*u)->id;
                size_t n = testsOf[id];
                out.push_back(
                    lens(text, (*u)->span, "▶ run tests (" + std::to_string(n) + ")", "cpe.runTests", {at.doc->uri, id}));
                for (const std::string& facts : factsFilesFor(*at.library, at.doc->path, id)) {
                    std::string label = fs::path(facts).stem().string();
                    if (auto dash = label.find("--"); dash != std::string::npos) label = label.substr(dash + 2);
                    out.push_back(lens(text, (*u)->span, "decide: " + label, "cpe.decide", {at.doc->uri, id, facts}));
                }
            } else if (auto* t = std::get_if<std::shared_ptr<TestDecl>>(&d.body)) {
                out.push_back(lens(text, (*t)->span, "▶ run test", "cpe.runTests", {at.doc->uri, (*t)->policy, (*t)->name}));
            }
        }
    }
    return out;
}

// "path:line:col" (SourceSet::location) -> path and span.
static bool splitLocation(const std::string& at, std::string& path, Span& span) {
    size_t c2 = at.rfind(':');
    if (c2 == std::string::npos || c2 == 0) return false;
    size_t c1 = at.rfind(':', c2 - 1);
    if (c1 == std::string::npos) return false;
    try {
        span.line = static_cast<uint32_t>(std::stoul(at.substr(c1 + 1, c2 - c1 - 1)));
        span.col = static_cast<uint32_t>(std::stoul(at.substr(c2 + 1)));
    } catch (const std::exception&) {
        return false;
    }
    span.endLine = span.line;
    span.endCol = span.col + 1;
    path = at.substr(0, c1);
    return true;
}

// The library as the editor holds it, compiled; a RequestError while it has errors.
static std::shared_ptr<const PolicyLibrary> compiled(const Analysis& a) {
    if (a.diags.hasErrors())
        throw RequestError(errc::RequestFailed, "the library has " + std::to_string(a.diags.errorCount()) +
                                                    (a.diags.errorCount() == 1 ? " error" : " errors") +
                                                    ": fix them first (they are in the Problems list)");
    Diagnostics diags;
    auto lib = PolicyLibrary::fromSources(std::make_shared<SourceSet>(*a.sources), diags);
    if (!lib) throw RequestError(errc::RequestFailed, "the library does not load");
    return lib;
}

static std::string argString(const nlohmann::json& args, size_t i, const char* what) {
    if (!args.is_array() || args.size() <= i || !args[i].is_string())
        throw RequestError(errc::InvalidParams,
                           std::string("argument ") + std::to_string(i + 1) + " (" + what + ") must be a string");
    return args[i].get<std::string>();
}

static nlohmann::json runTests(Workspace& ws, const nlohmann::json& args) {
    nlohmann::json where{{"textDocument", {{"uri", argString(args, 0, "document URI")}}}};
    std::string policy = argString(args, 1, "policy id");
    std::string only = args.size() > 2 ? argString(args, 2, "test name") : "";
    Located at = ws.locate(where);
    auto lib = compiled(*at.analysis);
    const SourceSet& sources = lib->sources();
    size_t passed = 0, failed = 0;
    nlohmann::json results = nlohmann::json::array();
    at.library->testDiagnostics.clear();
    for (const TestResult& r : runPolicyTests(*lib)) {
        if (r.policy != policy || (!only.empty() && r.name != only)) continue;
        r.passed() ? ++passed : ++failed;
        nlohmann::json failures = nlohmann::json::array();
        for (const TestFailure& f : r.failures) {
            failures.push_back({{"at", f.at}, {"message", f.message}});
            std::string path;
            Span span;
            if (!splitLocation(f.at, path, span)) continue;
            for (uint32_t i = 0; i < sources.size(); ++i)
                if (sources.file(i).path == path) {
                    at.library->testDiagnostics[path].push_back({{"range", rangeOf(sources.file(i).text, span)},
                                                                 {"severity", 1},
                                                                 {"source", "cpe test"},
                                                                 {"message", "test \"" + r.name + "\": " + f.message}});
                }
        }
        results.push_back({{"name", r.name}, {"policy", r.policy}, {"at", r.at}, {"passed", r.passed()}, {"failures", failures}});
    }
    if (passed + failed == 0)
        throw RequestError(errc::RequestFailed, "no tests for " + policy + (only.empty() ? "" : " named \"" + only + "\""));
    for (auto& n : publishDiagnostics(*at.library)) ws.outbox.push_back(std::move(n));
    std::string summary = policy + ": " + std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
    ws.outbox.push_back(
        {{"jsonrpc", "2.0"}, {"method", "window/showMessage"}, {"params", {{"type", failed ? 1 : 3}, {"message", summary}}}});
    return {{"passed", passed}, {"failed", failed}, {"results", results}};
}

static nlohmann::json decide(Workspace& ws, const nlohmann::json& args) {
    nlohmann::json where{{"textDocument", {{"uri", argString(args, 0, "document URI")}}}};
    std::string policy = argString(args, 1, "policy id");
    std::string factsPath = argString(args, 2, "facts file");
    Located at = ws.locate(where);
    std::ifstream in(factsPath, std::ios::binary);
    if (!in) throw RequestError(errc::RequestFailed, factsPath + ": cannot read this file");
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json facts = nlohmann::json::parse(text.str(), nullptr, false);
    if (facts.is_discarded() || !facts.is_object())
        throw RequestError(errc::RequestFailed, factsPath + ": not a JSON object of facts");
    auto lib = compiled(*at.analysis);
    DecideRequest request;
    request.policy = policy;
    request.facts = &facts;
    DecideResult result = lib->decide(request);
    if (auto* e = std::get_if<InputError>(&result))
        throw RequestError(errc::RequestFailed, factsPath + ": " + e->message + (e->field.empty() ? "" : " (" + e->field + ")"));
    const Decision& d = std::get<Decision>(result);
    std::string summary = decisionToText(d);
    ws.outbox.push_back({{"jsonrpc", "2.0"},
                         {"method", "window/showMessage"},
                         {"params", {{"type", 3}, {"message", summary.substr(0, summary.find('\n'))}}}});
    nlohmann::json out = nlohmann::json::parse(decisionToJson(d).dump());
    out["text"] = summary;
    return out;
}

nlohmann::json executeCommand(Workspace& ws, const nlohmann::json& params) {
    if (!params.is_object() || !params.contains("command") || !params["command"].is_string())
        throw RequestError(errc::InvalidParams, "missing command");
    nlohmann::json args = params.contains("arguments") ? params["arguments"] : nlohmann::json::array();
    const std::string& command = params["command"].get_ref<const std::string&>();
    if (command == "cpe.runTests") return runTests(ws, args);
    if (command == "cpe.decide") return decide(ws, args);
    throw RequestError(errc::InvalidParams, "no such command: " + command);
}

}  // namespace cpe::lsp
