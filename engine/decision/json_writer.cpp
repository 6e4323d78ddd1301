#include "engine/decision/json_writer.h"

#include "engine/answer/answer_guide.h"

namespace cpe {

void appendJsonString(std::string& out, std::string_view text, bool asciiOnly) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes that need no escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x7f || !asciiOnly)) continue;
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

void appendDecisionJson(std::string& out, const Decision& d, bool open) {
    // The answer's additions (answer_guide.h) are few and small: nlohmann's
    // dump of them is the reference, as for outputs.
    std::unique_ptr<AnswerExtras> extras = answerExtras(d);
    out += open ? "{\"policy\":" : "\"policy\":";
    appendJsonString(out, d.policy);
    out += ",\"policy_version\":";
    appendJsonString(out, d.policyVersion);
    out += ",\"outcome\":\"";
    out += outcomeName(d.outcome);
    out += "\",\"route\":\"";
    out += routeName(d.route);
    out += '"';
    if (extras) {
        if (!d.decisionId.empty()) {
            out += ",\"decision_id\":";
            appendJsonString(out, d.decisionId);
        }
        out += ",\"as_of\":";
        appendJsonString(out, extras->asOf);
        out += ",\"next_step\":";
        appendJsonString(out, extras->nextStep);
    }
    out += ",\"reasons\":[";
    for (std::size_t i = 0; i < d.reasons.size(); ++i) {
        const Reason& r = d.reasons[i];
        out += i ? ",{\"criterion\":" : "{\"criterion\":";
        appendJsonString(out, r.criterion);
        out += ",\"text\":";
        appendJsonString(out, r.text);
        out += ",\"result\":";
        out += r.result == Tri::Unknown ? "null" : r.result == Tri::True ? "true" : "false";
        out += ",\"at\":";
        appendJsonString(out, r.at);
        if (extras) {
            out += ",\"values\":";
            out += extras->reasonValues[i].dump();
        }
        out += '}';
    }
    out += ']';
    if (extras) {
        out += ",\"questions\":";
        out += extras->questions.dump();
    }
    out += ",\"missing_facts\":[";
    for (std::size_t i = 0; i < d.missingFacts.size(); ++i) {
        if (i) out += ',';
        appendJsonString(out, d.missingFacts[i]);
    }
    out += "],\"outputs\":{";
    for (std::size_t i = 0; i < d.outputs.size(); ++i) {
        if (i) out += ',';
        appendJsonString(out, d.outputs[i].name);
        out += ':';
        // Outputs are few; nlohmann's number formatting is the reference.
        out += outputToJson(d.outputs[i]).dump();
    }
    out += "}}";
}

}  // namespace cpe
