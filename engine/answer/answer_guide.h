#pragma once
// What a decision's answer adds to the contract's fields so that a person can
// act on it (docs/language.md, "Answers"): the facts each reason read with
// the values used, a question for each missing fact (its description, type,
// unit, allowed values and what would decide it), the next step, the as-of
// date. Worked out per policy once, when the library loads; the decision hot
// path only records a pointer to it, and the writers (decision_json.cpp,
// json_writer.cpp, decision_text.cpp) build the additions when they write.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"

namespace cpe {

struct Decision;

struct FactQuestion {
    const FactInfo* fact = nullptr;
    nlohmann::ordered_json form;        // factJson(): name, type, description, unit, min, max, values, codes
    std::string decides;                // "19 to 30 qualifies", from the criteria that read the fact; may be ""
    std::vector<std::string> criteria;  // the criteria that read it, in declaration order
    std::string json;                   // the question as the answer writes it: form + decides + criteria, dumped once
};

struct AnswerGuide {
    const PolicyModel* model = nullptr;
    std::unordered_map<std::string_view, std::vector<const FactInfo*>> criterionFacts;  // by criterion id
    std::unordered_map<std::string_view, FactQuestion> questions;                       // by fact name
};

std::unique_ptr<const AnswerGuide> buildAnswerGuide(const PolicyModel& p);

// A fact's value as a person reads it: "32.1 kg/m2", "yes", "no", "not known".
std::string valueInWords(const FactInfo& fact, const nlohmann::json* value);

// The answer's additions, in the order they are written.
struct AnswerExtras {
    std::string asOf;                                                    // "YYYY-MM-DD"
    std::string nextStep;                                                // nextStepFor()
    std::vector<nlohmann::ordered_json> reasonValues;                    // one array a reason: [{"fact", "value", "text"}]
    nlohmann::ordered_json questions = nlohmann::ordered_json::array();  // one a missing fact, in their order
};

// Null when the decision was not made by PolicyLibrary::decide (no guide).
// The reference for the writers; json_writer.cpp writes the same bytes
// without building these documents (appendAnswerValues, FactQuestion::json).
std::unique_ptr<AnswerExtras> answerExtras(const Decision& d);

// The same for a value as its canonical JSON text (fast_case_reader.h's
// FastFact::json, "" when not given), as valueInWords gives it for the
// parsed value.
std::string valueTextInWords(const FactInfo& fact, std::string_view json);

// The decision's request value of `fact`, or null (no facts, or not given).
const nlohmann::json* givenValue(const Decision& d, const FactInfo& fact);

// Appends reason `r`'s "values" array, [{"fact","value","text"}...], as
// answerExtras(d)->reasonValues[i].dump() writes it.
void appendReasonValues(std::string& out, const Decision& d, std::string_view criterion);

}  // namespace cpe
