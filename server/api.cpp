#include "server/api.h"

#include <chrono>
#include <random>

#include <spdlog/spdlog.h>

#include "engine/base/civil_date.h"
#include "engine/source/diagnostics.h"
#include "server/decide_body.h"
#include "server/facts_hash.h"
#include "server/json_writer.h"
#include "server/policy_json.h"

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

std::string reasonIds(const Decision& d) {
    Json ids = Json::array();
    for (const Reason& r : d.reasons) ids.push_back(r.criterion);
    return dump(ids);
}

}  // namespace

std::string newDecisionId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static const char digits[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        std::uint64_t bits = rng();
        for (int i = 0; i < 16; ++i) id[static_cast<std::size_t>(half * 16 + i)] = digits[(bits >> (4 * i)) & 0xf];
    }
    return id;
}

Reply Api::decide(std::string_view body, RequestNote& note) const {
    auto parsed = parseDecideBody(body);
    if (auto* error = std::get_if<InputError>(&parsed)) return errorReply(400, std::move(*error), &note);
    DecideBody& request = std::get<DecideBody>(parsed);
    note.policy = request.policy;

    std::shared_ptr<const PolicyLibrary> lib = library_.current();
    DecideRequest decideRequest{request.policy, &request.facts(), request.asOf};
    decideRequest.day = request.day;
    decideRequest.inexact = &request.inexact;
    DecideResult result = lib->decide(decideRequest);
    if (auto* error = std::get_if<InputError>(&result)) {
        int status = statusFor(*error);
        return errorReply(status, std::move(*error), &note);
    }
    const Decision& decision = std::get<Decision>(result);
    note.outcome = outcomeName(decision.outcome);
    note.decisionId = newDecisionId();
    metrics_.countDecision(decision.policy, decision.outcome);
    if (log_) {
        DecisionRecord record;
        record.decisionId = note.decisionId;
        record.timeMs = nowMs();
        record.asOf = request.asOf ? *request.asOf : formatDate(todayDay());
        record.policy = decision.policy;
        record.policyVersion = decision.policyVersion;
        record.outcome = note.outcome;
        record.route = routeName(decision.route);
        record.reasons = reasonIds(decision);
        record.facts = canonicalFacts(request.facts());
        log_->append(std::move(record));
    }
    Reply reply{200, {}};
    reply.body.reserve(512);
    appendDecisionJson(reply.body, decision);
    return reply;
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

Reply Api::health() const {
    Json j{{"status", "ok"}, {"policies", library_.current()->policyIds().size()}, {"library_generation", library_.generation()}};
    if (log_) j["decision_log"] = {{"pending", log_->pending()}, {"written", log_->written()}, {"errors", log_->errors()}};
    return Reply{200, dump(j)};
}

Reply Api::metrics() const {
    GaugeSource g;
    g.libraryGeneration = [this] { return library_.generation(); };
    g.libraryPolicies = [this] { return static_cast<std::uint64_t>(library_.current()->policyIds().size()); };
    if (log_) {
        g.logPending = [this] { return log_->pending(); };
        g.logWritten = [this] { return log_->written(); };
        g.logErrors = [this] { return log_->errors(); };
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
