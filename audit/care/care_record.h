#pragma once
// One continuing-care (CHC) or Section 117 case record, as the care audit
// (`cpe audit --care`) reads it. A record is the batch case of
// shared/spec/decision.md read by the one case reader
// (engine/decision/case_record.h: id, facts, as_of), extended with a kind, a
// locality and the dates the measures count:
//   {"id": "C-1", "record": "chc", "locality": "mse",
//    "referral_received": "2026-04-01", "checklist_date": "2026-03-30",
//    "dst_date": "2026-04-20", "fast_track": false,
//    "decision_date": "2026-04-28", "recorded_decision": "eligible",
//    "facts": {"checklist_breathing": "a", ..., "dst_breathing": "high", ...}}
//   {"id": "P-1", "record": "s117", "locality": "snee",
//    "discharge_date": "2026-05-02", "plan_agreed": "2026-05-01",
//    "facts": {"mha_sections": ["3"]}}
// The facts go to every policy the audit asks (chc.checklist, chc.dst,
// chc.fast_track, s117.aftercare), each reading its own. A CSV row becomes
// the same document (care_csv.h), so both inputs meet the same rules here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/care/localities.h"
#include "engine/decision/json_input.h"

namespace cpe::audit {

enum class CareKind { Chc, S117 };

struct CareRecord {
    CareKind kind = CareKind::Chc;
    std::string id, locality;
    // Continuing care. The clock starts at referralReceived (the positive
    // Checklist, or a referral for full assessment, received).
    std::optional<int> referralReceived, checklistDate, dstDate, decisionDate;
    bool fastTrack = false;
    std::optional<bool> recordedEligible;                             // the team's decision; none while the case is open
    bool hasChecklist = false, hasDst = false, hasFastTrack = false;  // facts of each tool present
    // Section 117.
    std::optional<int> dischargeDate, planAgreed;
    nlohmann::json facts = nlohmann::json::object();
    std::optional<int> asOfDay;  // as_of; else the decision (CHC) or discharge (s117) date
};

// A record, or why not: `field` names the member at fault ("" for the line).
struct CareRead {
    CareRecord record;
    std::string error, field;
    bool ok() const { return error.empty(); }
};

// One NDJSON line.
CareRead readCareLine(std::string_view line, const Localities& localities, std::size_t maxDepth = kDefaultMaxDepth);
// A JSON document (what a CSV row becomes, or a parsed line).
CareRead readCareDocument(nlohmann::json document, const Localities& localities);

}  // namespace cpe::audit
