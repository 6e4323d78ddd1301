#include "engine/decision/case_record.h"

#include "engine/base/civil_date.h"
#include "engine/decision/json_quote.h"
#include "engine/source/diagnostics.h"

namespace cpe {

namespace {

using json = nlohmann::json;

const char* typeName(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "a boolean";
        case json::value_t::string: return "a string";
        case json::value_t::array: return "an array";
        case json::value_t::object: return "an object";
        case json::value_t::discarded: return "invalid JSON";
        default: return "a number";
    }
}

InputError badRequest(std::string message, std::string field) {
    return InputError{"bad_request", std::move(message), std::move(field)};
}

// The member, or null when it is absent or null (null is as if absent).
const json* member(const json& object, const char* name) {
    auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::optional<InputError> readEnvelope(CaseRecord& r, const CaseShape& shape) {
    json& doc = r.document;
    if (!doc.is_object()) return badRequest(std::string(shape.noun) + " must be a JSON object, got " + typeName(doc), "");
    if (const json* id = member(doc, "id"); id && !shape.envelopeOnly) r.id = *id;

    if (shape.envelopeOnly) {
        static const std::vector<std::string> members{"policy", "facts", "as_of"};
        for (const auto& [name, value] : doc.items())
            if (name != "policy" && name != "facts" && name != "as_of")
                return badRequest("unknown member '" + quoteText(name) + "' in the request" + didYouMean(name, members) +
                                      "; expected policy, facts and optionally as_of",
                                  name);
    }

    if (shape.policyRequired) {
        const json* policy = member(doc, "policy");
        if (!policy) return badRequest("missing member 'policy' (a policy id)", "policy");
        if (!policy->is_string()) return badRequest(std::string("'policy' must be a string, got ") + typeName(*policy), "policy");
        r.policy = policy->get<std::string>();
    }

    if (shape.providerRequired) {
        const json* provider = member(doc, "provider");
        if (!provider || !provider->is_string() || provider->get_ref<const std::string&>().empty())
            return badRequest("'provider' must be a non-empty string (the organisation that treated the case)", "provider");
        r.provider = provider->get<std::string>();
    }

    auto facts = doc.find("facts");
    if (facts == doc.end() || facts->is_null()) {
        if (shape.factsRequired) return badRequest("missing member 'facts' (a JSON object)", "facts");
    } else if (!facts->is_object()) {
        return badRequest(std::string("'facts' must be a JSON object, got ") + typeName(*facts), "facts");
    } else {
        r.facts = std::move(*facts);
    }

    if (const json* asOf = member(doc, "as_of")) {
        if (!asOf->is_string())
            return badRequest(std::string("'as_of' must be a date string \"YYYY-MM-DD\", got ") + typeName(*asOf), "as_of");
        const std::string& text = asOf->get_ref<const std::string&>();
        r.day = parseDate(text);
        if (!r.day) return badRequest("'as_of' must be a date \"YYYY-MM-DD\", got \"" + quoteText(text) + "\"", "as_of");
        r.asOf = text;
    }
    return std::nullopt;
}

}  // namespace

CaseShape batchCaseShape() { return CaseShape{}; }

CaseShape requestCaseShape() {
    CaseShape s;
    s.noun = "the request body";
    s.envelopeOnly = true;
    s.factsRequired = true;
    return s;
}

CaseShape impactCaseShape() {
    CaseShape s;
    s.policyRequired = false;
    return s;
}

CaseShape auditCaseShape() {
    CaseShape s;
    s.providerRequired = true;
    return s;
}

CaseRead readCase(std::string_view bytes, const CaseShape& shape) {
    CaseRead out;
    if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        out.error = InputError{"bad_json", std::string(shape.noun) + " is empty; expected a JSON object", ""};
        return out;
    }
    auto parsed = parseJsonInput(bytes, shape.maxDepth);
    if (auto* error = std::get_if<InputError>(&parsed)) {
        out.error = std::move(*error);
        return out;
    }
    out.record.document = std::move(std::get<JsonInput>(parsed).value);
    out.record.inexact = std::move(std::get<JsonInput>(parsed).inexact);
    out.error = readEnvelope(out.record, shape);
    return out;
}

InputError lineTooLong(std::size_t length, std::size_t maxLine) {
    return InputError{
        "line_too_long",
        "the line is " + std::to_string(length) + " bytes long, over the limit of " + std::to_string(maxLine) + " (--max-line)",
        "line"};
}

}  // namespace cpe
