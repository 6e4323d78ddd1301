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

class Api {
public:
    // `log` may be null (no decision log), for tests of the endpoints alone.
    Api(LibraryHolder& library, Metrics& metrics, DecisionLog* log) : library_(library), metrics_(metrics), log_(log) {}

    Reply decide(std::string_view body, RequestNote& note) const;
    Reply listPolicies(const std::optional<std::string>& asOf, RequestNote& note) const;
    Reply getPolicy(const std::string& id, const std::optional<std::string>& asOf, RequestNote& note) const;
    Reply health() const;
    Reply metrics() const;
    // Recompiles the library; on errors the old one stays and the reply is 409.
    Reply reload(const char* trigger);

private:
    LibraryHolder& library_;
    Metrics& metrics_;
    DecisionLog* log_;
};

// 32 hex digits, random: names one decision in the log and in X-Decision-Id.
std::string newDecisionId();

}  // namespace cpe::server
