#include "engine/library/policy_library.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/answer/answer_guide.h"
#include "engine/check/checker.h"
#include "engine/compile/program.h"
#include "engine/decision/json_quote.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"
#include "engine/library/policy_scope.h"
#include "engine/library/variants.h"
#include "engine/syntax/parse.h"

namespace cpe {

namespace fs = std::filesystem;

PolicyLibrary::PolicyLibrary() = default;
PolicyLibrary::~PolicyLibrary() = default;

int todayDay() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return daysFromCivil(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1), static_cast<unsigned>(local.tm_mday));
}

struct PolicyLibraryBuilder {
    // `keep`: the declarations to parse, per file (declarationsFor); all when null.
    static std::shared_ptr<const PolicyLibrary> build(std::shared_ptr<SourceSet> sources, Diagnostics& diags,
                                                      const std::vector<std::optional<std::vector<bool>>>* keep = nullptr) {
        std::vector<SourceFileAst> files;
        for (uint32_t i = 0; i < sources->size(); ++i) {
            const std::vector<bool>* chosen = keep && (*keep)[i] ? &*(*keep)[i] : nullptr;
            if (chosen && std::find(chosen->begin(), chosen->end(), true) == chosen->end()) continue;
            if (auto ast = parseFile(*sources, i, diags, chosen)) files.push_back(std::move(*ast));
        }
        auto lib = std::make_shared<PolicyLibrary>();
        lib->checked_ = checkLibrary(sources, std::move(files), diags);
        diags.sort();
        if (diags.hasErrors()) return nullptr;
        for (const PolicyModel& model : lib->checked_->policies) {
            auto compiled = std::make_unique<CompiledPolicy>();
            compilePolicy(*lib->checked_, model, *compiled);
            Evaluator::analyse(compiled->program);
            compiled->guide = buildAnswerGuide(model);
            lib->compiled_.push_back(std::move(compiled));
        }
        lib->variants_ = std::make_unique<VariantSelector>(*lib->checked_);
        // Every decision looks its policy up here: sorted once, not per request.
        for (const PolicyModel& p : lib->checked_->policies) lib->ids_.push_back(p.id);
        std::sort(lib->ids_.begin(), lib->ids_.end());
        lib->ids_.erase(std::unique(lib->ids_.begin(), lib->ids_.end()), lib->ids_.end());
        // `like` chains look their bases up here, once a link (test_runner.cpp).
        for (const TestDecl* t : lib->checked_->tests) lib->tests_[{t->policy, t->name}] = t;
        return lib;
    }
};

std::shared_ptr<const PolicyLibrary> PolicyLibrary::fromSources(std::shared_ptr<SourceSet> sources, Diagnostics& diags) {
    return PolicyLibraryBuilder::build(std::move(sources), diags);
}

// Every .cpl file under `path` (or `path` itself), sorted so loading order,
// and so messages, are the same on every machine.
//
// Each file is also named relative to the library's root, for decisions and
// policy descriptions: a relative path without '..' as given; otherwise the
// folder's own name and the path under it ("/srv/cpe/policies" ->
// "policies/fertility/ivf.cpl"), or a lone file's name.
static std::string libraryPathOf(const fs::path& root, const fs::path& file, bool rootIsFile) {
    auto plain = [](const fs::path& p) {
        if (p.is_absolute()) return false;
        for (const auto& part : p.lexically_normal())
            if (part == "..") return false;
        return true;
    };
    if (plain(root)) return file.lexically_normal().generic_string();
    if (rootIsFile) return file.filename().generic_string();
    fs::path name = root.lexically_normal();
    if (name.filename().empty()) name = name.parent_path();  // "/srv/policies/" -> "/srv/policies"
    return (name.filename() / file.lexically_relative(root)).lexically_normal().generic_string();
}

static void collectFiles(const std::string& path, std::vector<std::pair<std::string, std::string>>& out,
                         std::vector<std::string>& problems) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        problems.push_back(path + ": no such file or folder");
        return;
    }
    if (fs::is_regular_file(st)) {
        out.emplace_back(path, libraryPathOf(path, path, true));
        return;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".cpl") found.push_back(it->path().string());
    if (ec) problems.push_back(path + ": " + ec.message());
    if (found.empty() && !ec) problems.push_back(path + ": no .cpl policy files in this folder");
    std::sort(found.begin(), found.end());
    for (const std::string& f : found) out.emplace_back(f, libraryPathOf(path, f, false));
}

// The text of every .cpl file under `paths`; false (with diags) when a path
// or file cannot be read.
static bool readSources(const std::vector<std::string>& paths, SourceSet& sources, Diagnostics& diags) {
    std::vector<std::pair<std::string, std::string>> files;  // path, path in the library
    std::vector<std::string> problems;
    for (const std::string& p : paths) collectFiles(p, files, problems);
    for (const std::string& problem : problems) {
        uint32_t idx = sources.add(problem.substr(0, problem.find(':')), "");
        diags.error(Span{idx, 1, 1, 1, 1}, problem.substr(problem.find(':') + 2));
    }
    for (const auto& [f, inLibrary] : files) {
        std::ifstream in(f, std::ios::binary);
        if (!in) {
            uint32_t idx = sources.add(f, "");
            diags.error(Span{idx, 1, 1, 1, 1}, "cannot read this file");
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        sources.add(f, text.str(), inLibrary);
    }
    return !diags.hasErrors();
}

std::shared_ptr<const PolicyLibrary> PolicyLibrary::load(const std::vector<std::string>& paths, Diagnostics& diags,
                                                         std::shared_ptr<SourceSet>& sourcesOut) {
    auto sources = std::make_shared<SourceSet>();
    sourcesOut = sources;
    if (!readSources(paths, *sources, diags)) return nullptr;
    return fromSources(sources, diags);
}

std::shared_ptr<const PolicyLibrary> PolicyLibrary::loadForPolicy(const std::vector<std::string>& paths,
                                                                  const std::string& policy, Diagnostics& diags,
                                                                  std::shared_ptr<SourceSet>& sourcesOut) {
    auto sources = std::make_shared<SourceSet>();
    sourcesOut = sources;
    if (!readSources(paths, *sources, diags)) return nullptr;
    return fromSourcesForPolicy(sources, policy, diags);
}

std::shared_ptr<const PolicyLibrary> PolicyLibrary::fromSourcesForPolicy(std::shared_ptr<SourceSet> sources,
                                                                         const std::string& policy, Diagnostics& diags) {
    auto keep = declarationsFor(*sources, policy);
    if (!keep) return nullptr;
    auto lib = PolicyLibraryBuilder::build(std::move(sources), diags, &*keep);
    if (lib && !std::binary_search(lib->ids_.begin(), lib->ids_.end(), policy)) return nullptr;
    return lib;
}

const TestDecl* PolicyLibrary::test(const std::string& policy, const std::string& name) const {
    auto it = tests_.find({policy, name});
    return it == tests_.end() ? nullptr : it->second;
}

const CompiledPolicy* PolicyLibrary::find(const std::string& id, int day) const {
    for (const auto& c : compiled_) {
        const PolicyModel& m = *c->model;
        if (m.id == id && m.effectiveDay <= day && (!m.untilDay || day <= *m.untilDay)) return c.get();
    }
    return nullptr;
}

const PolicyModel* PolicyLibrary::model(const std::string& id, int day) const {
    const CompiledPolicy* c = find(id, day);
    return c ? c->model : nullptr;
}

std::vector<const CompiledPolicy*> PolicyLibrary::versions(const std::string& id) const {
    std::vector<const CompiledPolicy*> out;
    for (const auto& c : compiled_)
        if (c->model->id == id) out.push_back(c.get());
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->model->effectiveDay < b->model->effectiveDay; });
    return out;
}

DecideRequest caseRequest(const CaseRecord& c, std::optional<int> defaultDay) {
    DecideRequest r{c.policy, &c.facts, c.asOf};
    r.day = c.day ? c.day : defaultDay;
    r.inexact = &c.inexact;
    return r;
}

const CompiledPolicy* PolicyLibrary::select(const DecideRequest& request, int day) const {
    if (request.selectVariant && request.facts && !variants_->empty())
        if (const PolicyModel* variant = variants_->select(request.policy, *request.facts, day))
            if (const CompiledPolicy* chosen = find(variant->id, day)) return chosen;
    return find(request.policy, day);
}

DecideResult PolicyLibrary::decide(const DecideRequest& request) const {
    int day = todayDay();
    if (request.day) {
        day = *request.day;
    } else if (request.asOf) {
        auto parsed = parseDate(*request.asOf);
        if (!parsed)
            return InputError{"bad_request", "'as_of' must be a date \"YYYY-MM-DD\", got \"" + quoteText(*request.asOf) + "\"",
                              "as_of"};
        day = *parsed;
    }
    const std::vector<std::string>& ids = ids_;
    if (!std::binary_search(ids.begin(), ids.end(), request.policy))
        return InputError{"unknown_policy", "no policy '" + quoteText(request.policy) + "'" + didYouMeanId(request.policy, ids),
                          "policy"};
    const CompiledPolicy* policy = select(request, day);
    if (!policy)
        return InputError{"no_version_in_force", "no version of '" + request.policy + "' is in force on " + formatDate(day),
                          "as_of"};
    static const nlohmann::json kNoFacts = nlohmann::json::object();
    FactValues facts;
    if (auto error = bindFacts(*checked_, policy->program, request.facts ? *request.facts : kNoFacts, facts, request.inexact))
        return *error;
    Decision decision;
    decision.policy = policy->model->id;
    decision.policyVersion = policy->model->version;
    Evaluator(policy->program).decide(FactView::of(facts), day, decision);
    decision.day = day;
    decision.guide = policy->guide.get();
    decision.facts = request.facts;
    return decision;
}

}  // namespace cpe
