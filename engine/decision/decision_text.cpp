#include "engine/decision/decision_text.h"

#include <cctype>

#include "engine/answer/answer_guide.h"

namespace cpe {
namespace {

const char* routeInWords(Route r) {
    switch (r) {
        case Route::None: return "no further approval needed";
        case Route::PriorApproval: return "the provider must obtain prior approval before treating";
        case Route::Ifr: return "an Individual Funding Request may be made for exceptional circumstances";
        case Route::Panel: return "goes to a review panel";
        case Route::FastTrack: return "fast track";
    }
    return "";
}

const char* mark(Tri t) { return t == Tri::True ? "yes" : t == Tri::False ? "NO " : " ? "; }

}  // namespace

std::string decisionToText(const Decision& d) {
    std::unique_ptr<AnswerExtras> extras = answerExtras(d);
    std::string out = d.policy + " (version " + d.policyVersion + "): ";
    std::string outcome = outcomeName(d.outcome);
    for (char& c : outcome) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += outcome + "\n";
    if (extras) out += "  as of: " + extras->asOf + "\n";
    if (!d.decisionId.empty()) out += "  decision id: " + d.decisionId + "\n";
    if (d.outcome != Outcome::Undetermined)
        out += "  route: " + std::string(routeName(d.route)) + " — " + routeInWords(d.route) + "\n";
    if (extras) out += "  next step: " + extras->nextStep + "\n";
    if (!d.reasons.empty()) out += "  because:\n";
    for (std::size_t i = 0; i < d.reasons.size(); ++i) {
        const Reason& r = d.reasons[i];
        out += "    [";
        out += mark(r.result);
        out += "] ";
        out += r.text;
        out += "  (";
        out += r.criterion;
        out += ", ";
        out += r.at;
        out += ")\n";
        if (!extras) continue;
        std::string used;
        for (const auto& v : extras->reasonValues[i])
            if (!v["value"].is_null())  // the JSON lists the unknown ones too
                used += (used.empty() ? "" : ", ") + v["fact"].get<std::string>() + " = " + v["text"].get<std::string>();
        if (!used.empty()) out += "          values used: " + used + "\n";
    }
    if (!d.missingFacts.empty()) {
        out += "  still needed to decide:";
        for (size_t i = 0; i < d.missingFacts.size(); ++i) {
            out += i ? ", " : " ";
            out += d.missingFacts[i];
        }
        out += "\n";
    }
    if (extras && !extras->questions.empty()) {
        out += "  questions to ask:\n";
        for (const auto& q : extras->questions) {
            out += "    - " + q["description"].get<std::string>();
            if (q.contains("unit")) out += " — " + q["unit"].get<std::string>();
            if (q.contains("values")) {
                std::string values;
                for (const auto& v : q["values"]) values += (values.empty() ? "" : ", ") + v.get<std::string>();
                out += " — one of " + values;
            }
            const std::string decides = q["decides"].get<std::string>();
            if (!decides.empty()) out += " — " + decides;
            out += "  (" + q["name"].get<std::string>() + ")\n";
        }
    }
    for (const OutputValue& v : d.outputs)
        out += "  " + std::string(v.name) + " = " + (v.known ? outputToJson(v).dump() : "not known yet") + "\n";
    return out;
}

}  // namespace cpe
