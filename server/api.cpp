#include "server/api.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "engine/base/civil_date.h"
#include "engine/doc/criteria_doc.h"
#include "engine/library/fast_decider.h"
#include "engine/source/diagnostics.h"
#include "server/decide_body.h"
#include "server/decision_id.h"
#include "server/facts_hash.h"
#include "server/json_writer.h"
#include "server/policy_json.h"
#include "server/triage_page.h"

namespace cpe::server {

namespace {

constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
using Json = nlohmann::ordered_json;

std::string dump(const nlohmann::ordered_json& j) { return j.dump(-1, ' ', false, kReplace); }

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The day a policy request is about: ?as_of=, else today.
std::variant<int, InputError> dayFor(const std::optional<std::string>& asOf) {
    if (!asOf) return todayDay();
    if (auto day = parseDate(*asOf)) return *day;
    return InputError{"bad_request", "as_of must be a date YYYY-MM-DD, got \"" + *asOf + "\"", "as_of"};
}

// The reasons' criterion ids as a JSON array, for the log.
std::string reasonIds(const Decision& d) {
    std::string ids = "[";
    for (const Reason& r : d.reasons) {
        if (ids.size() > 1) ids += ',';
        appendJsonString(ids, r.criterion);
    }
    return ids += ']';
}

}  // namespace

std::string withheldName(std::string_view name) { return "<withheld " + std::to_string(name.size()) + " bytes>"; }

Reply Api::decide(std::string_view body, RequestNote& note, std::optional<PendingDecision>& pending) const {
    pending.reset();
    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    if (fastReader_) {
        // One fast decider per I/O thread, made for the library in service
        // (a reload brings a new one on the thread's next request).
        // Why: reading the body with nlohmann and building the facts' and
        // record's texts from its document were half of Api::decide
        // (callgrind, `cpe serve` under wrk).
        struct ThreadDecider {
            std::shared_ptr<const PolicyLibrary> library;
            std::unique_ptr<FastDecider> decider;
            FastShape shape;
            Decision decision;
        };
        thread_local ThreadDecider t;
        if (t.library != lib) {
            t.decider = std::make_unique<FastDecider>(*lib);
            t.library = lib;
        }
        t.shape = fastShapeOf(requestCaseShape(), todayDay());
        if (t.decider->decide(body, t.shape, true, t.decision)) {
            note.policy = t.decision.policy;
            return answer(t.decision, t.decider->lastCase().canonicalFacts(), note, pending);
        }
    }

    auto parsed = parseDecideBody(body);
    if (auto* error = std::get_if<InputError>(&parsed)) return errorReply(400, std::move(*error), &note);
    DecideBody& request = std::get<DecideBody>(parsed);
    note.policy = request.policy;

    DecideRequest decideRequest{request.policy, &request.facts(), request.asOf};
    decideRequest.day = request.day;
    decideRequest.inexact = &request.inexact;
    DecideResult result = lib->decide(decideRequest);
    if (auto* error = std::get_if<InputError>(&result)) {
        int status = statusFor(*error);
        return errorReply(status, std::move(*error), &note);
    }
    return answer(std::get<Decision>(result), canonicalFacts(request.facts()), note, pending);
}

Reply Api::answer(Decision& decision, std::string facts, RequestNote& note, std::optional<PendingDecision>& pending) const {
    note.outcome = outcomeName(decision.outcome);
    note.decisionId = newDecisionId(log_ ? log_->instance() : 0);
    decision.decisionId = note.decisionId;  // in the body too, beside X-Decision-Id
    PendingDecision& p = pending.emplace();
    p.outcome = decision.outcome;
    DecisionRecord& record = p.record;
    record.decisionId = note.decisionId;
    record.timeMs = nowMs();
    record.asOf = formatDate(decision.day);  // the request's as_of (a strict YYYY-MM-DD), else today
    record.policy = decision.policy;
    record.policyVersion = decision.policyVersion;
    record.outcome = note.outcome;
    record.route = routeName(decision.route);
    record.reasons = reasonIds(decision);
    record.facts = std::move(facts);
    record.client = note.client;
    Reply reply{200, {}};
    reply.body.reserve(512);
    appendDecisionJson(reply.body, decision);
    return reply;
}

void Api::answered(const PendingDecision& pending) const { metrics_.countDecision(pending.record.policy, pending.outcome); }

Reply Api::logRefused(RequestNote& note) const {
    metrics_.countLogRefusal();
    note.outcome = nullptr;
    note.decisionId.clear();
    std::string why = log_ ? log_->problem() : "";
    if (why.empty()) why = "the decision log could not record the decision";
    return errorReply(503,
                      InputError{"decision_log_unavailable",
                                 "the decision was not made: every decision is recorded before it is answered, and the "
                                 "decision log cannot record it now (" +
                                     why + "); retry after " + std::to_string(kLogRetryAfterSeconds) + " s",
                                 ""},
                      &note);
}

bool Api::isPolicyId(const std::string& id) const { return !library_.current()->versions(id).empty(); }

bool Api::isFactName(const std::string& name) const { return library_.current()->checked().fact(name) != nullptr; }

void Api::redactNote(RequestNote& note) const {
    // A decided request names a policy that decided it; only refusals and
    // policy look-ups can carry a name the library does not declare.
    if (note.outcome == nullptr && !note.policy.empty() && !isPolicyId(note.policy)) note.policy = withheldName(note.policy);
    const std::string& field = note.errorField;
    if (field.empty() || field == "policy" || field == "facts" || field == "as_of" || field == "body" || field == "id" ||
        field == "Authorization")
        return;
    constexpr std::string_view facts = "facts.";
    if (field.compare(0, facts.size(), facts) == 0) {
        std::string name = field.substr(facts.size());
        if (!isFactName(name)) note.errorField = std::string(facts) + withheldName(name);
        return;
    }
    note.errorField = withheldName(field);
}

Reply Api::listPolicies(const std::optional<std::string>& asOf, RequestNote& note) const {
    auto day = dayFor(asOf);
    if (auto* error = std::get_if<InputError>(&day)) return errorReply(400, std::move(*error), &note);
    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    Json list = Json::array();
    for (const std::string& id : lib->policyIds())
        if (const PolicyModel* p = describedVersion(*lib, id, std::get<int>(day)))
            list.push_back(policySummaryJson(*p, std::get<int>(day)));
    return Reply{200, dump(Json{{"policies", std::move(list)}})};
}

Reply Api::getPolicy(const std::string& id, const std::optional<std::string>& asOf, RequestNote& note) const {
    note.policy = id;
    auto day = dayFor(asOf);
    if (auto* error = std::get_if<InputError>(&day)) return errorReply(400, std::move(*error), &note);
    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    const PolicyModel* p = describedVersion(*lib, id, std::get<int>(day));
    if (!p)
        return errorReply(404, InputError{"unknown_policy", "no policy '" + id + "'" + didYouMean(id, lib->policyIds()), "id"},
                          &note);
    return Reply{200, dump(policyDetailJson(*lib, *p, std::get<int>(day)))};
}

Reply Api::policyForm(const std::string& id, const std::optional<std::string>& asOf, RequestNote& note) const {
    note.policy = id;
    auto day = dayFor(asOf);
    if (auto* error = std::get_if<InputError>(&day)) return errorReply(400, std::move(*error), &note);
    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    const PolicyModel* p = describedVersion(*lib, id, std::get<int>(day));
    if (!p)
        return errorReply(404, InputError{"unknown_policy", "no policy '" + id + "'" + didYouMean(id, lib->policyIds()), "id"},
                          &note);
    return Reply{200, dump(policyFormJson(*p, std::get<int>(day)))};
}

Reply Api::page() const { return Reply{200, triagePage(""), "text/html; charset=utf-8"}; }

Reply Api::doc(const std::string& file) const {
    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    DocOptions options;
    options.day = todayDay();
    for (DocFile& f : criteriaDocument(*lib, options))
        if (f.name == file && f.name.size() > 5 && f.name.substr(f.name.size() - 5) == ".html")
            return Reply{200, std::move(f.content), "text/html; charset=utf-8"};
    return errorReply(404, InputError{"not_found", "no published page '" + file + "'; see /doc/index.html", ""});
}

Reply Api::health() const {
    Json j{{"status", "ok"}, {"policies", library_.current()->policyIds().size()}, {"library_generation", library_.generation()}};
    if (log_)
        j["decision_log"] = {
            {"ready", log_->ready()}, {"pending", log_->pending()}, {"written", log_->written()}, {"errors", log_->errors()}};
    return Reply{200, dump(j)};
}

Reply Api::readiness() const {
    if (!log_ || log_->ready()) return Reply{200, dump(Json{{"status", "ready"}})};
    return Reply{503, dump(Json{{"status", "not_ready"},
                                {"reason", "decision_log_unavailable"},
                                {"message", "decisions are refused (503): " + log_->problem()}})};
}

Reply Api::metrics() const {
    GaugeSource g;
    g.libraryGeneration = [this] { return library_.generation(); };
    g.libraryPolicies = [this] { return static_cast<std::uint64_t>(library_.current()->policyIds().size()); };
    if (log_) {
        g.logPending = [this] { return log_->pending(); };
        g.logWritten = [this] { return log_->written(); };
        g.logErrors = [this] { return log_->errors(); };
        g.logReady = [this] { return log_->ready() ? std::uint64_t{1} : std::uint64_t{0}; };
        g.logCommits = [this] { return log_->commits(); };
    }
    return Reply{200, metrics_.render(g), "text/plain; version=0.0.4; charset=utf-8"};
}

Reply Api::reload(const char* trigger) {
    spdlog::info("reloading the policy library from {} ({})", library_.origin(), trigger);
    ReloadResult r = library_.reload();
    metrics_.countReload(r.ok);
    if (!r.ok) {
        spdlog::error("reload refused; generation {} stays in service:\n{}", r.generation, r.errors);
        // The diagnostics name files and lines of the policy library, which
        // whoever may reload is entitled to see.
        return errorReply(409, InputError{"library_invalid",
                                          "the new policy library has errors; the old one stays "
                                          "in service:\n" +
                                              r.errors,
                                          ""});
    }
    spdlog::info("policy library generation {} in service: {} policies", r.generation, r.policies);
    return Reply{200, dump(Json{{"reloaded", true}, {"library_generation", r.generation}, {"policies", r.policies}})};
}

}  // namespace cpe::server
