#pragma once
// The one reader of a case: the bytes of one case (a line of a batch file, a
// request body) → a CaseRecord, or one InputError naming the member at fault.
// `cpe decide --cases`, `cpe diff --cases`, `cpe audit --cases` and
// POST /v1/decisions all read through it, so the same bytes get the same
// verdict and message on every path; which members a path takes is its
// CaseShape. The envelope is shared/spec/decision.md's:
//   {"id": ..., "policy": ID, "facts": {...}, "as_of": "YYYY-MM-DD", "provider": ...}
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/decision/decision.h"
#include "engine/decision/json_input.h"

namespace cpe {

struct CaseShape {
    // What the whole is called in messages: "a case", "the request body".
    std::string_view noun = "a case";
    // Only policy, facts and as_of are members (HTTP); otherwise others
    // (id, provider, anything) are read or ignored.
    bool envelopeOnly = false;
    bool policyRequired = true;     // false: the policies are named elsewhere (impact runs), and `policy` is not read
    bool factsRequired = false;     // false: absent or null facts are an empty object
    bool providerRequired = false;  // the case audit counts by provider
    std::size_t maxDepth = kDefaultMaxDepth;
};

// The shapes of the four paths.
CaseShape batchCaseShape();    // cpe decide --cases
CaseShape requestCaseShape();  // POST /v1/decisions
CaseShape impactCaseShape();   // cpe diff --cases
CaseShape auditCaseShape();    // cpe audit --cases

struct CaseRecord {
    nlohmann::json document;                          // the case as read, less `facts` and `id` (moved below)
    nlohmann::json id;                                // null when absent
    std::string policy;                               // "" when the shape does not read it
    nlohmann::json facts = nlohmann::json::object();  // always an object
    std::optional<int> day;                           // as_of, as days since 1970-01-01
    std::optional<std::string> asOf;                  // as_of as written
    std::string provider;                             // "" unless the shape reads it
    std::vector<InexactNumber> inexact;               // numbers whose double hides their text (json_input.h)
};

// A case, or why it is not one; `id` is the case's id when it was read that
// far (null otherwise), for the batch's error line.
struct CaseRead {
    CaseRecord record;
    std::optional<InputError> error;
};

CaseRead readCase(std::string_view bytes, const CaseShape& shape);

// The error of a batch line over the length limit (engine/base/line_reader.h),
// which is skipped unread: "the line is N bytes long, over the limit of M (--max-line)".
InputError lineTooLong(std::size_t length, std::size_t maxLine);

}  // namespace cpe
