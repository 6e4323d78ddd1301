#pragma once
// The loaded, checked and compiled policy library: the one object the CLI, the
// HTTP server and the audit share. Immutable once loaded, so one instance can
// serve any number of threads; a reload builds a new one and swaps it in.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/decision/case_record.h"
#include "engine/decision/decision.h"
#include "engine/decision/json_input.h"
#include "engine/source/diagnostics.h"

namespace cpe {

struct CompiledPolicy;  // engine/compile/program.h
class VariantSelector;  // engine/library/variants.h

struct DecideRequest {
    std::string policy;
    const nlohmann::json* facts = nullptr;  // an object; null or absent members are unknown
    std::optional<std::string> asOf;        // "YYYY-MM-DD"; today when absent
    // A policy with area variants (engine/library/variants.h) hands the request
    // to the variant whose condition the facts meet; false decides by exactly
    // `policy` (impact runs and comparisons need that).
    bool selectVariant = true;
    std::optional<int> day = std::nullopt;  // the as-of date already parsed (days since 1970-01-01); wins over asOf
    // Numbers of the facts whose text is not the whole number their double is
    // (from parseJsonInput); null when the facts were not read from text.
    const std::vector<InexactNumber>* inexact = nullptr;
};

// The request for a case read by readCase(): its policy, facts and number
// texts, as of its own date or else `defaultDay` (else today).
DecideRequest caseRequest(const CaseRecord& c, std::optional<int> defaultDay = std::nullopt);

using DecideResult = std::variant<Decision, InputError>;

class PolicyLibrary {
public:
    // Loads every .cpl file under each path (a file or a folder, searched
    // recursively, in sorted order), then parses, checks and compiles them.
    // Returns null when there is any error; every error is in `diags`, whose
    // spans index `sources()` of the returned library... so on failure the
    // sources are handed back through `sourcesOut` for rendering.
    static std::shared_ptr<const PolicyLibrary> load(const std::vector<std::string>& paths, Diagnostics& diags,
                                                     std::shared_ptr<SourceSet>& sourcesOut);
    // Only what deciding `policy` needs (engine/library/policy_scope.h): the
    // one-referral path, which need not parse the whole library. Null when
    // that part has an error or `policy` is not declared, without saying
    // which: the caller then loads the whole library with load(), whose
    // errors and suggestions are the ones to show. Facts declared only by
    // other policies are unknown to the result, so an `unknown_fact` from it
    // must be asked of the whole library too.
    static std::shared_ptr<const PolicyLibrary> loadForPolicy(const std::vector<std::string>& paths, const std::string& policy,
                                                              Diagnostics& diags, std::shared_ptr<SourceSet>& sourcesOut);
    static std::shared_ptr<const PolicyLibrary> fromSourcesForPolicy(std::shared_ptr<SourceSet> sources,
                                                                     const std::string& policy, Diagnostics& diags);
    // Same, from in-memory text (tests, the fuzzer, the registry).
    static std::shared_ptr<const PolicyLibrary> fromSources(std::shared_ptr<SourceSet> sources, Diagnostics& diags);

    const CheckedLibrary& checked() const { return *checked_; }
    const SourceSet& sources() const { return *checked_->sources; }

    // Every distinct policy id, sorted (worked out once, when loaded).
    const std::vector<std::string>& policyIds() const { return ids_; }
    // The version of `id` in force on `day` (days since 1970-01-01), or null.
    const CompiledPolicy* find(const std::string& id, int day) const;
    const PolicyModel* model(const std::string& id, int day) const;
    // The test `name` of `policy` (the last so named, as `like` resolves), or null.
    const TestDecl* test(const std::string& policy, const std::string& name) const;
    // The compiled form of checked().policies[index].
    const CompiledPolicy& compiledAt(size_t index) const { return *compiled_[index]; }
    // All versions of one id, oldest first.
    std::vector<const CompiledPolicy*> versions(const std::string& id) const;

    // Validates the facts against the library's declarations and decides.
    DecideResult decide(const DecideRequest& request) const;
    // The compiled version decide() would use for the request on `day` (its
    // variant when the facts select one), or null when none is in force.
    const CompiledPolicy* select(const DecideRequest& request, int day) const;
    // The `variant of X when ...` conditions, compiled.
    const VariantSelector& variants() const { return *variants_; }

    ~PolicyLibrary();
    PolicyLibrary();

private:
    std::unique_ptr<CheckedLibrary> checked_;
    std::vector<std::unique_ptr<CompiledPolicy>> compiled_;
    std::unique_ptr<VariantSelector> variants_;
    std::vector<std::string> ids_;
    std::map<std::pair<std::string, std::string>, const TestDecl*> tests_;  // (policy, name)
    friend struct PolicyLibraryBuilder;
};

// Today's date in the local time zone, as days since 1970-01-01.
int todayDay();

}  // namespace cpe
