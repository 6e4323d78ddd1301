#pragma once
// Reads the body of POST /v1/decisions, {"policy": ID, "facts": {...},
// "as_of": DATE?}, through the engine's one case reader
// (engine/decision/case_record.h, in its request shape), and refuses anything
// else with an error naming the member at fault. The facts themselves are the
// engine's to validate.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/decision/case_record.h"
#include "engine/decision/decision.h"

namespace cpe::server {

struct DecideBody {
    CaseRecord record;  // owns the facts object
    std::string policy;
    std::optional<std::string> asOf;
    std::optional<int> day;              // asOf, parsed
    std::vector<InexactNumber> inexact;  // numbers whose double hides their text (parseJsonInput)
    const nlohmann::json& facts() const { return record.facts; }
};

std::variant<DecideBody, InputError> parseDecideBody(std::string_view body, std::size_t maxDepth = kDefaultMaxDepth);

}  // namespace cpe::server
