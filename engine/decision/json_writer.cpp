#include "engine/decision/json_writer.h"

#include <cmath>

#include "engine/answer/answer_guide.h"
#include "engine/answer/next_step.h"
#include "engine/base/byte_scan.h"
#include "engine/base/civil_date.h"

namespace cpe {

namespace {

// The index of the first eight-byte word holding a byte that may need an
// escape, or the end of the last whole word. A decision's strings (criteria,
// wording, locations) almost never need one: checking a byte at a time was a
// fifth of `cpe decide --cases` on tonsillectomy cases (perf, 2-core VM).
std::size_t plainWords(std::string_view text, bool asciiOnly) {
    std::size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        uint64_t w = loadWord(text.data() + i);
        if (anyByteBelow(w, 0x20) | anyByteEqual(w, '"') | anyByteEqual(w, '\\') |
            (asciiOnly ? anyByteHigh(w) | anyByteEqual(w, 0x7f) : 0))
            break;
    }
    return i;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text, bool asciiOnly) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = plainWords(text, asciiOnly);  // start of the run of bytes that need no escape
    out.append(text.data(), plain);
    for (std::size_t i = plain; i < text.size(); ++i) {
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

std::string reasonJsonHead(std::string_view criterion, std::string_view text) {
    std::string out = "{\"criterion\":";
    appendJsonString(out, criterion);
    out += ",\"text\":";
    appendJsonString(out, text);
    out += ",\"result\":";
    return out;
}

std::string reasonJsonTail(std::string_view at) {
    std::string out = ",\"at\":";
    appendJsonString(out, at);
    return out;
}

void appendDecisionJson(std::string& out, const Decision& d, bool open) {
    // The answer's additions (answer_guide.h) are written straight out, as
    // answerExtras(d) would have them dumped (held to it by test_answer_writer).
    const bool extras = d.guide != nullptr;
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
        appendJsonString(out, formatDate(d.day));
        out += ",\"next_step\":";
        appendJsonString(out, nextStepFor(*d.guide->model, d.outcome, d.route));
    }
    out += ",\"reasons\":[";
    for (std::size_t i = 0; i < d.reasons.size(); ++i) {
        const Reason& r = d.reasons[i];
        if (i) out += ',';
        if (r.jsonHead.empty()) {
            out += reasonJsonHead(r.criterion, r.text);
        } else {
            out += r.jsonHead;
        }
        out += r.result == Tri::Unknown ? "null" : r.result == Tri::True ? "true" : "false";
        if (r.jsonTail.empty()) {
            out += reasonJsonTail(r.at);
        } else {
            out += r.jsonTail;
        }
        if (extras) {
            out += ",\"values\":";
            appendReasonValues(out, d, r.criterion);
        }
        out += '}';
    }
    out += ']';
    if (extras) {
        out += ",\"questions\":[";
        bool first = true;
        for (std::string_view name : d.missingFacts) {
            auto it = d.guide->questions.find(name);
            if (it == d.guide->questions.end()) continue;
            if (!first) out += ',';
            first = false;
            out += it->second.json;
        }
        out += ']';
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
        const OutputValue& v = d.outputs[i];
        if (!v.known) {
            out += "null";
        } else if (v.type.kind == TypeKind::Int) {  // as outputToJson gives it, without a document per output
            out += std::to_string(static_cast<int64_t>(std::llround(v.number)));
        } else if (v.type.kind == TypeKind::Bool) {
            out += v.number != 0 ? "true" : "false";
        } else {
            // Decimals keep nlohmann's shortest round-trip formatting, the reference.
            out += outputToJson(v).dump();
        }
    }
    out += "}}";
}

}  // namespace cpe
