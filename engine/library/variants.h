#pragma once
// Area variants: `policy X.snee extends X { variant of X when legacy_area is
// snee ... }` declares that a request for X whose facts make the condition
// true is decided by X.snee, so the older areas' rules and the harmonised ones
// can be applied side by side. Each variant keeps its own id (ask for it
// directly to bypass the selection) and its own versions.
//
// Selection, for a request for X on day D:
//   - the variants of X with a version in force on D, in id order, whose
//     condition is *true* for the facts: the first decides;
//   - otherwise (no variant's condition holds, or it is unknown because the
//     fact is missing) X's own version in force on D decides.
// The checker refuses two variants of one policy with the same condition, a
// variant of an unknown policy, and variants of variants.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/compile/program.h"
#include "engine/decision/decision.h"

namespace cpe {

class VariantSelector {
public:
    explicit VariantSelector(const CheckedLibrary& lib);
    ~VariantSelector();

    bool empty() const { return conditions_.empty(); }
    // True when some policy declares `variant of baseId`.
    bool hasVariants(const std::string& baseId) const;
    // Versions of the variants of `baseId` in force on `day`, ordered by id.
    std::vector<const PolicyModel*> variantsInForce(const std::string& baseId, int day) const;
    // Whether a variant's condition holds for these facts (validated already:
    // an invalid value counts as unknown). Unknown is not true.
    Tri holds(const PolicyModel& variant, const nlohmann::json& facts, int day) const;
    // The variant that decides a request for `baseId`, or null when the base does.
    const PolicyModel* select(const std::string& baseId, const nlohmann::json& facts, int day) const;

private:
    struct Condition {
        const PolicyModel* variant;
        std::unique_ptr<PolicyModel> model;  // `eligible when <condition>, otherwise not_eligible`
        CompiledPolicy compiled;
    };
    const CheckedLibrary& lib_;
    std::vector<std::unique_ptr<Condition>> conditions_;
};

}  // namespace cpe
