#pragma once
// JSON from outside (a case line, a request body, a facts file) → a document,
// or one bad_json InputError: within a nesting limit (parsing and quoting
// stay bounded however deep the input), with a message that is valid UTF-8
// whatever bytes came in, and keeping the text of the few numbers whose
// double would hide what was written (27.0000000000000001 and 1e-400 read as
// the integers 27 and 0), so an integer fact can be checked on its text.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/decision/decision.h"

namespace cpe {

// The deepest nesting of arrays and objects accepted by default (--max-depth):
// a case needs three levels (the case, its facts, a code list).
inline constexpr std::size_t kDefaultMaxDepth = 64;

// A number at `field` ("facts.age_years", or "age_years" at the top level)
// whose double is a whole number though its text is not.
struct InexactNumber {
    std::string field;
    std::string text;
};

struct JsonInput {
    nlohmann::json value;
    std::vector<InexactNumber> inexact;  // usually empty
};

// Nesting beyond `maxDepth` inside a case's fact (facts.NAME) is a bad_fact
// naming it; elsewhere bad_json, with the top-level member as the field.
std::variant<JsonInput, InputError> parseJsonInput(std::string_view text, std::size_t maxDepth = kDefaultMaxDepth);

// True when the JSON number text `text` stands for a whole number exactly
// ("27", "27.0", "2.7e1", "0e-999"; not "27.0000000000000001" or "1e-400").
bool isExactIntegerText(std::string_view text);

}  // namespace cpe
