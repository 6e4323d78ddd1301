#pragma once
// The semantic difference between two versions or variants of a policy
// (`cpe diff OLD NEW`): what a policy team needs to see before publishing a
// change — thresholds moved, criteria added, removed, renamed or reworded, the
// access route or IFR position changed, outputs and decision rules changed.
// Computed on the checked models, so layout and comments never show up as
// changes, and printed for a person or as JSON.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/diff/expr_diff.h"

namespace cpe {

struct PolicyChange {
    std::string section;                // header | criteria | values | outputs | rules | coding | facts
    std::string kind;                   // changed | added | removed | renamed
    std::string name;                   // header field, criterion/value/output id, "rule 2", fact name
    std::string before, after;          // header value, wording, or a rule's outcome and route
    std::string exprBefore, exprAfter;  // the expressions as written ("" when not one)
    std::vector<ExprDetail> details;    // the finer changes inside the expression
    std::string oldAt, newAt;           // source locations
};

struct PolicyDiff {
    struct Side {
        std::string id, version, title, effective, until, location;
        std::string label;  // how the user named it ("old.cpl#t.ivf@1"); "" reads id@version
    };
    Side oldSide, newSide;
    std::vector<PolicyChange> changes;
    bool empty() const { return changes.empty(); }
};

// `oldSources`/`newSources` render locations; the two models may come from
// different libraries.
PolicyDiff diffPolicies(const PolicyModel& oldPolicy, const SourceSet& oldSources, const PolicyModel& newPolicy,
                        const SourceSet& newSources);

// For a person: grouped by section, one change a line, the details beneath.
std::string diffToText(const PolicyDiff& diff);
nlohmann::ordered_json diffToJson(const PolicyDiff& diff);
// "2 thresholds changed, 1 criterion added" (or "no differences").
std::string diffSummary(const PolicyDiff& diff);

}  // namespace cpe
