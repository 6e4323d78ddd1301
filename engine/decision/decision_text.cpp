#include "engine/decision/decision_text.h"

#include <cctype>

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
    std::string out = d.policy + " (version " + d.policyVersion + "): ";
    std::string outcome = outcomeName(d.outcome);
    for (char& c : outcome) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += outcome + "\n";
    if (d.outcome != Outcome::Undetermined)
        out += "  route: " + std::string(routeName(d.route)) + " — " + routeInWords(d.route) + "\n";
    if (!d.reasons.empty()) out += "  because:\n";
    for (const Reason& r : d.reasons) {
        out += "    [";
        out += mark(r.result);
        out += "] ";
        out += r.text;
        out += "  (";
        out += r.criterion;
        out += ", ";
        out += r.at;
        out += ")\n";
    }
    if (!d.missingFacts.empty()) {
        out += "  still needed to decide:";
        for (size_t i = 0; i < d.missingFacts.size(); ++i) {
            out += i ? ", " : " ";
            out += d.missingFacts[i];
        }
        out += "\n";
    }
    for (const OutputValue& v : d.outputs)
        out += "  " + std::string(v.name) + " = " + (v.known ? outputToJson(v).dump() : "not known yet") + "\n";
    return out;
}

}  // namespace cpe
