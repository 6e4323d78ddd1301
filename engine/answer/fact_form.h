#pragma once
// A fact declaration as a form field: {"name", "type", "description", "unit"?,
// "min"?, "max"?, "values"?, "codes"?}. GET /v1/policies lists a policy's facts
// in this shape, and a decision's questions (answer_guide.h) start from it.
#include <nlohmann/json.hpp>

#include "engine/check/model.h"

namespace cpe {

// "boolean", "integer", "decimal", "date", "text", "enum", "levels" (ordered), "list".
const char* factTypeName(const Type& t);
nlohmann::ordered_json factJson(const FactInfo& f);

}  // namespace cpe
