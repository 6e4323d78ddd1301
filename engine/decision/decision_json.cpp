#include <cmath>

#include "engine/answer/answer_guide.h"
#include "engine/base/civil_date.h"
#include "engine/decision/decision.h"

namespace cpe {

nlohmann::ordered_json outputToJson(const OutputValue& v) {
    if (!v.known) return nullptr;
    switch (v.type.kind) {
        case TypeKind::Bool: return v.number != 0;
        case TypeKind::Int: return static_cast<int64_t>(std::llround(v.number));
        case TypeKind::Date: return formatDate(static_cast<int>(v.number));
        case TypeKind::Enum: {
            auto i = static_cast<size_t>(v.number);
            if (v.type.enumInfo && i < v.type.enumInfo->members.size()) return v.type.enumInfo->members[i];
            return nullptr;
        }
        default: return v.number;
    }
}

nlohmann::ordered_json decisionToJson(const Decision& d) {
    // The contract's fields, in its order, with the answer's additions
    // (answer_guide.h) between them: missing_facts and outputs stay last.
    std::unique_ptr<AnswerExtras> extras = answerExtras(d);
    nlohmann::ordered_json reasons = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < d.reasons.size(); ++i) {
        const Reason& r = d.reasons[i];
        nlohmann::ordered_json reason;
        reason["criterion"] = r.criterion;
        reason["text"] = r.text;
        reason["result"] =
            r.result == Tri::Unknown ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.result == Tri::True);
        reason["at"] = r.at;
        if (extras) reason["values"] = extras->reasonValues[i];
        reasons.push_back(std::move(reason));
    }
    nlohmann::ordered_json outputs = nlohmann::ordered_json::object();
    for (const OutputValue& o : d.outputs) outputs[o.name] = outputToJson(o);
    nlohmann::ordered_json ordered;
    ordered["policy"] = d.policy;
    ordered["policy_version"] = d.policyVersion;
    ordered["outcome"] = outcomeName(d.outcome);
    ordered["route"] = routeName(d.route);
    if (extras) {
        if (!d.decisionId.empty()) ordered["decision_id"] = d.decisionId;
        ordered["as_of"] = extras->asOf;
        ordered["next_step"] = extras->nextStep;
    }
    ordered["reasons"] = reasons;
    if (extras) ordered["questions"] = extras->questions;
    ordered["missing_facts"] = d.missingFacts;
    ordered["outputs"] = outputs;
    return ordered;
}

nlohmann::ordered_json errorToJson(const InputError& e) {
    nlohmann::ordered_json inner;
    inner["code"] = e.code;
    inner["message"] = e.message;
    inner["field"] = e.field;
    nlohmann::ordered_json out;
    out["error"] = std::move(inner);
    return out;
}

}  // namespace cpe
