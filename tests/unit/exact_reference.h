#pragma once
// A brute-force reference for the decision contract's exact meaning of
// unknown facts, written apart from the compiler and the evaluator: it reads
// only the checked model (PolicyModel, the annotated AST) and decides by
// enumeration.
//
// The contract (shared/spec/decision.md, docs/language.md "Unknown facts"):
// let U be the unknown facts the policy reads. A completion gives each fact in
// U a value its declaration allows. If every completion gives the same outcome
// and route, that is the decision; otherwise the outcome is `undetermined`
// and `missing_facts` is exactly the facts f in U for which two completions
// that differ only in f give a different outcome or route, in the order the
// policy reads them. An output whose value differs between completions is null.
//
// Three parts:
//   1. a plain two-valued interpreter of the checked AST (every construct of
//      the language), for fully known facts;
//   2. boundary classes: for each fact a finite set of representative values
//      such that every allowed value behaves like one of them (see
//      exact_reference.cpp, "Boundary classes", for how and where the classes
//      over-approximate);
//   3. the exact decision, by enumerating the product of the unknown facts'
//      classes.
//
// Choices the contract leaves open, made here and documented:
//   - an output that reads `outcome` is worked out per completion with that
//     completion's own outcome (when the decision is undetermined, `outcome`
//     ranges over the outcomes the completions reach);
//   - route for `undetermined` is `none` (the engine's convention);
//   - text outputs are not modelled (the engine reports every text output as
//     null); `known` is false for them;
//   - division by zero is outside the language's defined meaning: evaluating
//     it throws ReferenceUnsupported.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"

namespace cpe::exact {

struct ReferenceUnsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One fact's value; which member is meaningful follows the fact's type.
struct Val {
    double num = 0;                 // numbers, booleans (0/1), enum ordinals, dates (days since 1970-01-01)
    std::string text;               // text facts
    std::vector<std::string> list;  // list facts, as they would be sent
    bool operator==(const Val& o) const { return num == o.num && text == o.text && list == o.list; }
};

struct OutputResult {
    std::string name;
    bool known = false;
    double number = 0;  // numbers, booleans (0/1), enum ordinals, dates (days)
    bool isText = false;
};

struct Result {
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    std::vector<std::string> missing;  // in reading order
    std::vector<OutputResult> outputs;
    uint64_t completions = 1;
    int rule = -1;  // decideKnown: the index of the rule that decided
};

class Reference {
public:
    // `asOfDay`: days since 1970-01-01. The classes of date facts depend on it.
    Reference(const CheckedLibrary& lib, const PolicyModel& policy, int asOfDay);

    const PolicyModel& policy() const { return policy_; }
    int asOf() const { return asOf_; }

    // The facts the policy's rules and outputs read, in the order it reads
    // them (rules in order, then outputs; depth first, left to right; a named
    // criterion or value where it is first used; a `count of` reads its
    // group's members, in group order, before its condition).
    const std::vector<const FactInfo*>& facts() const { return facts_; }
    bool readByRules(size_t i) const { return byRules_[i]; }
    // Index of a fact in facts(), or -1.
    int indexOf(const FactInfo* f) const;
    int indexOf(const std::string& name) const;

    // Representative values of facts()[i].
    const std::vector<Val>& classes(size_t i) const { return classes_[i]; }
    // Facts whose classes fell back to an over-approximation, and why.
    const std::vector<std::string>& notes() const { return notes_; }

    // Two-valued: every fact known.
    Result decideKnown(const std::vector<Val>& values) const;
    // Two-valued: whether one boolean expression of the policy (a rule's
    // condition, any part of one, a criterion's body) holds; it may read only
    // facts in facts().
    bool holds(const Expr& condition, const std::vector<Val>& values) const;
    // Exact: `values[i]` empty means unknown. Throws ReferenceUnsupported
    // when the product of the unknown facts' classes exceeds `maxCompletions`.
    Result decide(const std::vector<std::optional<Val>>& values, uint64_t maxCompletions = 2'000'000) const;
    // Same, from the facts as JSON (absent or null: unknown); names the
    // policy does not read are ignored.
    Result decide(const nlohmann::json& facts, uint64_t maxCompletions = 2'000'000) const;
    // Whether output o reads `outcome` (directly or through a named value).
    bool outputReadsOutcome(size_t o) const;
    // The number of completions when the facts marked are unknown.
    uint64_t completions(const std::vector<bool>& unknown) const;

    // The JSON the engine is sent for one fact's value.
    nlohmann::json toJson(size_t i, const Val& v) const;
    std::optional<Val> fromJson(size_t i, const nlohmann::json& v) const;

private:
    friend class Interp;
    friend class ClassBuilder;
    const CheckedLibrary& lib_;
    const PolicyModel& policy_;
    int asOf_;
    std::vector<const FactInfo*> facts_;
    std::vector<bool> byRules_;
    std::vector<int> localOf_;  // FactInfo::id -> index in facts_, or -1
    std::vector<std::vector<Val>> classes_;
    std::vector<std::string> notes_;

    struct Decided {
        Outcome outcome;
        Route route;
        int rule;
    };
    Decided rulesOn(const std::vector<Val>& values) const;
    void outputsOn(const std::vector<Val>& values, Outcome outcome, std::vector<OutputResult>& out) const;
};

// Calendar helpers written from their documented meaning (docs/language.md):
// whole months/years from `from` to `to` (a month is complete on the same day
// of a later month, or its last day when shorter; negative when `from` is
// after `to`), and `day` minus n calendar months with the day clamped.
int refWholeMonths(int from, int to);
int refWholeYears(int from, int to);
int refMinusMonths(int day, int months);

}  // namespace cpe::exact
