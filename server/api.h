#pragma once
// The endpoints of the decision service, as functions from a request to a
// Reply. HTTP concerns (routing, auth, limits, timeouts) are http_service's.
#include <optional>
#include <string>
#include <string_view>

#include "server/decision_log.h"
#include "server/library_holder.h"
#include "server/metrics.h"
#include "server/reply.h"

namespace cpe::server {

// A decision made but not yet recorded: the HTTP side submits `record` to the
// decision log and sends the reply only once it is committed.
struct PendingDecision {
    DecisionRecord record;
    Outcome outcome = Outcome::Undetermined;
};

// Seconds a client is told to wait (Retry-After) when the decision log refuses.
inline constexpr int kLogRetryAfterSeconds = 1;

class Api {
public:
    // `log` may be null (no decision log), for tests of the endpoints alone.
    Api(LibraryHolder& library, Metrics& metrics, DecisionLog* log) : library_(library), metrics_(metrics), log_(log) {}

    // A 200 reply comes with `pending` set: send it only once pending->record
    // is in the decision log (answered()), else send logRefused().
    Reply decide(std::string_view body, RequestNote& note, std::optional<PendingDecision>& pending) const;
    // The decision was committed and is being sent: count it.
    void answered(const PendingDecision& pending) const;
    // 503 decision_log_unavailable for a decision the log could not record.
    Reply logRefused(RequestNote& note) const;
    Reply listPolicies(const std::optional<std::string>& asOf, RequestNote& note) const;
    Reply getPolicy(const std::string& id, const std::optional<std::string>& asOf, RequestNote& note) const;
    // GET /v1/policies/{id}/form: the policy's facts as form fields, each
    // with what would decide it (engine/answer/answer_guide.h).
    Reply policyForm(const std::string& id, const std::optional<std::string>& asOf, RequestNote& note) const;
    Reply page() const;                        // GET /: the triage page (server/page/)
    Reply doc(const std::string& file) const;  // GET /doc/{file}: a `cpe doc` page
    Reply health() const;                      // liveness: always 200 while the process serves
    Reply readiness() const;                   // 200 when decisions can be recorded, else 503
    Reply metrics() const;
    // Recompiles the library; on errors the old one stays and the reply is 409.
    Reply reload(const char* trigger);

    DecisionLog* log() const { return log_; }
    // Whether decide() reads bodies in the common shape with the fast case
    // reader (engine/library/fast_decider.h); off, every body takes the
    // reference reader. The answers are the same bytes (test_api_fast_path).
    void useFastReader(bool on) { fastReader_ = on; }
    // Whether a client-supplied name may be written to the access log: only
    // ids the library declares (a policy id; a fact name).
    bool isPolicyId(const std::string& id) const;
    bool isFactName(const std::string& name) const;
    // The note with every client-supplied name that the library does not
    // declare replaced by withheldName().
    void redactNote(RequestNote& note) const;

private:
    LibraryHolder& library_;
    Metrics& metrics_;
    DecisionLog* log_;
    bool fastReader_ = true;

    // The decision's reply and its pending log record, from either reader.
    Reply answer(Decision& decision, std::string facts, RequestNote& note, std::optional<PendingDecision>& pending) const;
};

// What the access log writes instead of an undeclared name a client sent
// (which may be anything, a patient's name included): "<withheld N bytes>".
std::string withheldName(std::string_view name);

}  // namespace cpe::server
