#include "audit/care/care_record.h"

#include <vector>

#include "engine/base/civil_date.h"
#include "engine/decision/case_record.h"
#include "engine/decision/json_quote.h"
#include "engine/source/diagnostics.h"

namespace cpe::audit {

namespace {

using json = nlohmann::json;

const std::vector<std::string>& knownMembers() {
    static const std::vector<std::string> names{
        "id",         "record",        "locality",          "referral_received", "checklist_date", "dst_date",
        "fast_track", "decision_date", "recorded_decision", "discharge_date",    "plan_agreed",    "facts",
        "as_of",      "policy"};
    return names;
}

const char* const kChcOnly[] = {"referral_received", "checklist_date", "dst_date",
                                "fast_track",        "decision_date",  "recorded_decision"};
const char* const kS117Only[] = {"discharge_date", "plan_agreed"};

const json* member(const json& doc, const char* name) {
    auto it = doc.find(name);
    return it == doc.end() || it->is_null() ? nullptr : &*it;
}

struct Reader {
    const json& doc;
    CareRead& out;

    bool fail(std::string message, std::string field) {
        out.error = std::move(message);
        out.field = std::move(field);
        return false;
    }

    // A date member: absent is nullopt; a value that is not a real date fails.
    bool date(const char* name, std::optional<int>& to) {
        const json* v = member(doc, name);
        if (!v) return true;
        if (!v->is_string()) return fail(std::string("'") + name + "' must be a date \"YYYY-MM-DD\", got " + v->dump(), name);
        const std::string& text = v->get_ref<const std::string&>();
        to = parseDate(text);
        if (!to) return fail(std::string("'") + name + "' must be a date \"YYYY-MM-DD\", got \"" + quoteText(text) + "\"", name);
        return true;
    }

    bool required(const char* name, const std::optional<int>& value, const char* what) {
        if (value) return true;
        return fail(std::string("missing date '") + name + "' (" + what + ")", name);
    }
};

bool anyFact(const json& facts, std::string_view prefix) {
    for (const auto& [name, value] : facts.items())
        if (!value.is_null() && std::string_view(name).substr(0, prefix.size()) == prefix) return true;
    return false;
}

}  // namespace

CareRead readCareLine(std::string_view line, const Localities& localities, std::size_t maxDepth) {
    CareRead out;
    CaseShape shape;
    shape.noun = "a care record";
    shape.policyRequired = false;  // the audit asks its own policies
    shape.maxDepth = maxDepth;
    CaseRead read = readCase(line, shape);
    if (read.error) {
        out.error = read.error->message;
        out.field = read.error->field;
        return out;
    }
    CaseRecord& c = read.record;
    const json& doc = c.document;
    CareRecord& r = out.record;
    Reader in{doc, out};

    for (const auto& [name, value] : doc.items())
        if (std::find(knownMembers().begin(), knownMembers().end(), name) == knownMembers().end()) {
            in.fail("unknown member '" + quoteText(name) + "'" + didYouMean(name, knownMembers()), name);
            return out;
        }

    if (c.id.is_string() && !c.id.get_ref<const std::string&>().empty()) r.id = c.id.get<std::string>();
    else if (c.id.is_number_integer()) r.id = c.id.dump();
    else {
        in.fail("'id' must be a non-empty string (the case or person id)", "id");
        return out;
    }

    const json* kind = member(doc, "record");
    if (!kind || !kind->is_string() || (*kind != "chc" && *kind != "s117")) {
        in.fail("'record' must be \"chc\" (continuing care) or \"s117\" (Section 117 aftercare)", "record");
        return out;
    }
    r.kind = *kind == "chc" ? CareKind::Chc : CareKind::S117;

    const json* locality = member(doc, "locality");
    if (!locality || !locality->is_string() || locality->get_ref<const std::string&>().empty()) {
        in.fail("'locality' must be a non-empty string (one of the declared localities)", "locality");
        return out;
    }
    r.locality = locality->get<std::string>();
    if (!localities.contains(r.locality)) {
        std::string list;
        for (const std::string& n : localities.names()) list += (list.empty() ? "" : ", ") + n;
        in.fail("unknown locality '" + quoteText(r.locality) + "'" + localities.suggest(r.locality) + "; declared: " + list,
                "locality");
        return out;
    }

    // Members of the other kind of record are a mistake, not noise.
    if (r.kind == CareKind::Chc) {
        for (const char* name : kS117Only)
            if (member(doc, name)) {
                in.fail(std::string("'") + name + "' belongs to a Section 117 record, but this record is \"chc\"", name);
                return out;
            }
    } else {
        for (const char* name : kChcOnly)
            if (member(doc, name)) {
                in.fail(std::string("'") + name + "' belongs to a continuing-care record, but this record is \"s117\"", name);
                return out;
            }
    }

    r.facts = std::move(c.facts);
    r.asOfDay = c.day;
    if (r.kind == CareKind::Chc) {
        if (!in.date("referral_received", r.referralReceived) || !in.date("checklist_date", r.checklistDate) ||
            !in.date("dst_date", r.dstDate) || !in.date("decision_date", r.decisionDate))
            return out;
        if (!in.required("referral_received", r.referralReceived,
                         "the day the positive Checklist or referral was received, when the 28 days start"))
            return out;
        if (const json* ft = member(doc, "fast_track")) {
            if (!ft->is_boolean()) {
                in.fail("'fast_track' must be true or false, got " + ft->dump(), "fast_track");
                return out;
            }
            r.fastTrack = ft->get<bool>();
        }
        if (const json* d = member(doc, "recorded_decision")) {
            if (!d->is_string() || (*d != "eligible" && *d != "not_eligible")) {
                in.fail("'recorded_decision' must be \"eligible\" or \"not_eligible\", got " + quoteText(d->dump()),
                        "recorded_decision");
                return out;
            }
            r.recordedEligible = *d == "eligible";
        }
        if (r.recordedEligible && !r.decisionDate) {
            in.required("decision_date", r.decisionDate, "a decision is recorded but not the day it was made");
            return out;
        }
        if (r.decisionDate && !r.recordedEligible) {
            in.fail("'decision_date' is given but not 'recorded_decision' (the team's decision)", "recorded_decision");
            return out;
        }
        if (r.decisionDate && *r.decisionDate < *r.referralReceived) {
            in.fail("'decision_date' " + formatDate(*r.decisionDate) + " is before 'referral_received' " +
                        formatDate(*r.referralReceived),
                    "decision_date");
            return out;
        }
        r.hasChecklist = anyFact(r.facts, "checklist_");
        r.hasDst = anyFact(r.facts, "dst_");
        r.hasFastTrack = r.facts.contains("rapidly_deteriorating") || r.facts.contains("may_be_entering_terminal_phase") ||
                         r.facts.contains("completed_by_appropriate_clinician");
        if (r.hasDst && !r.dstDate) {
            in.required("dst_date", r.dstDate, "the Decision Support Tool domains are recorded but not the day it was done");
            return out;
        }
        if (!r.asOfDay) r.asOfDay = r.decisionDate ? r.decisionDate : r.referralReceived;
    } else {
        if (!in.date("discharge_date", r.dischargeDate) || !in.date("plan_agreed", r.planAgreed)) return out;
        if (!in.required("discharge_date", r.dischargeDate, "the day detention ended and the person left hospital")) return out;
        // A discharge date says the person has left hospital.
        if (!r.facts.contains("left_hospital") || r.facts["left_hospital"].is_null()) r.facts["left_hospital"] = true;
        if (!r.asOfDay) r.asOfDay = r.dischargeDate;
    }
    return out;
}

CareRead readCareDocument(nlohmann::json document, const Localities& localities) {
    return readCareLine(document.dump(-1, ' ', false, json::error_handler_t::replace), localities);
}

}  // namespace cpe::audit
