#include "server/decide_body.h"

#include <string>
#include <vector>

#include "engine/base/civil_date.h"
#include "engine/check/model.h"
#include "engine/decision/json_quote.h"
#include "engine/source/diagnostics.h"

namespace cpe::server {

namespace {

const char* jsonTypeName(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::null: return "null";
        case nlohmann::json::value_t::boolean: return "a boolean";
        case nlohmann::json::value_t::string: return "a string";
        case nlohmann::json::value_t::array: return "an array";
        case nlohmann::json::value_t::object: return "an object";
        case nlohmann::json::value_t::discarded: return "invalid JSON";
        default: return "a number";
    }
}

InputError badRequest(std::string message, std::string field) {
    return InputError{"bad_request", std::move(message), std::move(field)};
}

}  // namespace

std::variant<DecideBody, InputError> parseDecideBody(std::string_view body, std::size_t maxDepth) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return InputError{"bad_json", "the request body is empty; expected a JSON object", ""};
    DecideBody out;
    // Bad JSON, a number too large for a double (1e400) and nesting beyond
    // the limit are all bad_json from the client, not a server fault.
    auto parsed = parseJsonInput(body, maxDepth);
    if (auto* error = std::get_if<InputError>(&parsed)) return std::move(*error);
    out.document = std::move(std::get<JsonInput>(parsed).value);
    out.inexact = std::move(std::get<JsonInput>(parsed).inexact);
    const nlohmann::json& doc = out.document;
    if (!doc.is_object()) return badRequest(std::string("the request body must be a JSON object, got ") + jsonTypeName(doc), "");

    static const std::vector<std::string> members{"policy", "facts", "as_of"};
    for (const auto& [name, value] : doc.items())
        if (name != "policy" && name != "facts" && name != "as_of")
            return badRequest("unknown member '" + quoteText(name) + "' in the request" + didYouMean(name, members) +
                                  "; expected policy, facts and optionally as_of",
                              name);

    auto policy = doc.find("policy");
    if (policy == doc.end() || policy->is_null()) return badRequest("missing member 'policy' (a policy id)", "policy");
    if (!policy->is_string()) return badRequest(std::string("'policy' must be a string, got ") + jsonTypeName(*policy), "policy");
    out.policy = policy->get<std::string>();

    auto facts = doc.find("facts");
    if (facts == doc.end() || facts->is_null()) return badRequest("missing member 'facts' (a JSON object)", "facts");
    if (!facts->is_object())
        return badRequest(std::string("'facts' must be a JSON object, got ") + jsonTypeName(*facts), "facts");

    auto asOf = doc.find("as_of");
    if (asOf != doc.end() && !asOf->is_null()) {
        if (!asOf->is_string())
            return badRequest(std::string("'as_of' must be a date string \"YYYY-MM-DD\", got ") + jsonTypeName(*asOf), "as_of");
        std::string text = asOf->get<std::string>();
        if (!parseDate(text))
            return badRequest("'as_of' must be a date \"YYYY-MM-DD\", got \"" + quoteText(text) + "\"", "as_of");
        out.asOf = std::move(text);
    }
    return out;
}

}  // namespace cpe::server
