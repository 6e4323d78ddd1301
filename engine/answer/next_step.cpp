#include "engine/answer/next_step.h"

namespace cpe {

std::string defaultNextStep(Outcome outcome, Route route) {
    switch (route) {
        case Route::PriorApproval:
            return "Criteria met, with prior approval: before treating, the provider submits a prior approval request with "
                   "the evidence for each criterion listed in the reasons and the decision id.";
        case Route::Ifr:
            return "Criteria not met: not routinely funded. If the clinician believes the patient's circumstances are "
                   "exceptional, they may make an Individual Funding Request (IFR) with the evidence.";
        case Route::Panel:
            return "Needs professional judgement: refer the case to the review panel with the completed assessment.";
        case Route::FastTrack: return "Fast Track: arrange the care package now.";
        case Route::None: break;
    }
    switch (outcome) {
        case Outcome::Eligible:
            return "Criteria met: no further approval is needed; the provider may go ahead and keeps the evidence with the "
                   "referral.";
        case Outcome::NotEligible:
            return "Criteria not met: not funded, and this policy has no Individual Funding Request route.";
        case Outcome::Review: return "Needs professional judgement before a decision is made.";
        case Outcome::Undetermined: break;
    }
    return "Not decided yet: answer the questions still needed, then decide again.";
}

std::string nextStepFor(const PolicyModel& p, Outcome outcome, Route route) {
    if (auto it = p.nextSteps.find(outcomeName(outcome)); it != p.nextSteps.end()) return it->second;
    // A route's wording is about taking that route: not for an undetermined case.
    if (outcome != Outcome::Undetermined)
        if (auto it = p.nextSteps.find(routeName(route)); it != p.nextSteps.end()) return it->second;
    return defaultNextStep(outcome, route);
}

}  // namespace cpe
