#pragma once
// Validates a JSON object of facts against the library's declarations and
// loads the ones a policy reads into its slots. Shared by `cpe decide`, the
// HTTP service and policy tests, so every entry point refuses bad input alike.
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"
#include "engine/compile/program.h"
#include "engine/decision/decision.h"
#include "engine/decision/json_input.h"
#include "engine/eval/evaluator.h"

namespace cpe {

// Checks every member (even ones this policy does not read: a value of the
// wrong type is an error wherever it is sent). On success `out` holds the
// policy's facts; on failure nothing should be decided. `inexact` lists the
// numbers (fields "facts.NAME") whose text is not the whole number their
// double is (parseJsonInput finds them): an integer fact refuses them.
std::optional<InputError> bindFacts(const CheckedLibrary& lib, const Program& program, const nlohmann::json& facts,
                                    FactValues& out, const std::vector<InexactNumber>* inexact = nullptr);

// Validates one value against one fact; "" when it is acceptable. A number
// whose text is not a whole number (`inexactText`, when not empty) is refused
// for an integer fact, however its double came out.
std::string factValueProblem(const FactInfo& fact, const nlohmann::json& value, std::string_view inexactText = {});

// Whether a normalised code (normaliseCode) has the shape of an OPCS-4 or
// ICD-10 code: a capital letter, then 2 to 6 letters or digits.
bool isValidCode(std::string_view normalised);

// The JSON a test's `given x = ...` stands for.
nlohmann::json factValueToJson(const FactValue& v);

// "decimal [kg/m2]", "one of female, male", "list of ICD-10 codes" ...
std::string describeFactType(const FactInfo& fact);

}  // namespace cpe
