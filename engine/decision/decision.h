#pragma once
// A decision as the contract (shared/spec/decision.md) describes it, and the
// errors that refuse one.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/check/model.h"

namespace cpe {

enum class Tri : uint8_t { False = 0, True = 1, Unknown = 2 };

// Reasons, missing facts and output names point into the compiled library
// (no copying on the hot path): a Decision is valid while the PolicyLibrary
// that made it is alive. Copy what you keep beyond that.
struct Reason {
    std::string_view criterion;  // criterion id, e.g. "female_bmi"
    std::string_view text;       // the policy's wording
    Tri result = Tri::Unknown;
    std::string_view at;  // "policies/fertility/ivf.cpl:14:5"
    // The same as JSON, rendered when the policy was compiled, around the
    // result: `{"criterion":...,"text":...,"result":` and `,"at":...`
    // (engine/decision/json_writer.h). Empty: the writer renders them.
    std::string_view jsonHead, jsonTail;
};

struct OutputValue {
    std::string_view name;
    Type type;
    bool known = false;
    double number = 0;  // numbers, booleans (0/1), enum ordinals, dates (days)
};

struct AnswerGuide;  // engine/answer/answer_guide.h

struct FastCase;  // engine/decision/fast_case_reader.h

struct Decision {
    std::string policy;
    std::string policyVersion;
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    std::vector<Reason> reasons;
    std::vector<std::string_view> missingFacts;
    std::vector<OutputValue> outputs;

    // For the answer's additions to the contract (engine/answer/answer_guide.h),
    // which the writers build: PolicyLibrary::decide records these and no more.
    int day = 0;                            // the as-of date, days since 1970-01-01
    const AnswerGuide* guide = nullptr;     // the policy's; null: write the contract's fields only
    const nlohmann::json* facts = nullptr;  // the request's facts: valid while the request is
    // Or, for a case the fast reader read (fast_case_reader.h), its facts with
    // their canonical texts, when `facts` is null.
    const FastCase* given = nullptr;
    std::string decisionId;  // the server's X-Decision-Id; "" from the command line
};

// Why no decision was made. `code` is one of: bad_json, bad_request,
// unknown_fact, bad_fact, unknown_policy, no_version_in_force.
struct InputError {
    std::string code;
    std::string message;
    std::string field;  // the fact or member at fault ("facts.bmi", "as_of", "policy")
};

// Ordered JSON, so members come out in the contract's order for people reading them.
nlohmann::ordered_json decisionToJson(const Decision& d);
nlohmann::ordered_json outputToJson(const OutputValue& v);
nlohmann::ordered_json errorToJson(const InputError& e);

}  // namespace cpe
