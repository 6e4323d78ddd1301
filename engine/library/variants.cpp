#include "engine/library/variants.h"

#include <algorithm>

#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"

namespace cpe {

VariantSelector::VariantSelector(const CheckedLibrary& lib) : lib_(lib) {
    // Each condition compiles as a tiny policy of its own, so it is evaluated
    // by the same three-valued evaluator as the rules it selects.
    for (const PolicyModel& p : lib.policies) {
        if (p.variantOf.empty() || !p.variantWhen) continue;
        auto c = std::make_unique<Condition>();
        c->variant = &p;
        c->model = std::make_unique<PolicyModel>();
        PolicyModel& m = *c->model;
        m.id = p.id + " (variant condition)";
        m.span = p.span;
        m.file = p.file;
        m.rules.push_back(CheckedRule{p.span, "eligible", Outcome::Eligible, Route::None, p.variantWhen});
        m.rules.push_back(CheckedRule{p.span, "not_eligible", Outcome::NotEligible, Route::None, nullptr});
        c->compiled.model = &m;
        compilePolicy(lib, m, c->compiled);
        Evaluator::analyse(c->compiled.program);
        conditions_.push_back(std::move(c));
    }
    std::sort(conditions_.begin(), conditions_.end(), [](auto& a, auto& b) {
        return a->variant->id != b->variant->id ? a->variant->id < b->variant->id
                                                : a->variant->effectiveDay < b->variant->effectiveDay;
    });
}

VariantSelector::~VariantSelector() = default;

bool VariantSelector::hasVariants(const std::string& baseId) const {
    return std::any_of(conditions_.begin(), conditions_.end(), [&](auto& c) { return c->variant->variantOf == baseId; });
}

static bool inForce(const PolicyModel& p, int day) { return p.effectiveDay <= day && (!p.untilDay || day <= *p.untilDay); }

std::vector<const PolicyModel*> VariantSelector::variantsInForce(const std::string& baseId, int day) const {
    std::vector<const PolicyModel*> out;
    for (const auto& c : conditions_)
        if (c->variant->variantOf == baseId && inForce(*c->variant, day)) out.push_back(c->variant);
    return out;
}

Tri VariantSelector::holds(const PolicyModel& variant, const nlohmann::json& facts, int day) const {
    for (const auto& c : conditions_) {
        if (c->variant != &variant) continue;
        FactValues values;
        if (bindFacts(lib_, c->compiled.program, facts, values)) return Tri::Unknown;
        Evaluator::Verdict v = Evaluator(c->compiled.program).verdict(FactView::of(values), day);
        return v.outcome == Outcome::Eligible ? Tri::True : v.outcome == Outcome::NotEligible ? Tri::False : Tri::Unknown;
    }
    return Tri::False;
}

const PolicyModel* VariantSelector::select(const std::string& baseId, const nlohmann::json& facts, int day) const {
    for (const PolicyModel* v : variantsInForce(baseId, day))
        if (holds(*v, facts, day) == Tri::True) return v;
    return nullptr;
}

}  // namespace cpe
