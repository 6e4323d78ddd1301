#pragma once
// Counters for GET /metrics, in the Prometheus text format. The request path
// only increments atomics (and takes one short lock per decision for the
// per-policy counts), so measuring costs next to nothing.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "engine/check/model.h"

namespace cpe::server {

// Endpoints as metric labels: a fixed set, so that clients probing random
// paths cannot grow the label space without bound.
enum class Endpoint : uint8_t {
    Decisions,
    Policies,
    Policy,
    Healthz,
    Readyz,
    Metrics,
    Reload,
    PolicyForm,  // GET /v1/policies/{id}/form
    Page,        // GET /: the triage page
    Doc,         // GET /doc/{file}: the published criteria pages
    Other,
    Count_
};
const char* endpointLabel(Endpoint e);
Endpoint classifyPath(std::string_view path);
// The id in /v1/policies/{id}/form, or nothing for any other path.
std::optional<std::string_view> policyFormId(std::string_view path);

// Extra figures that live elsewhere (the decision log, the library), read when
// /metrics is rendered.
struct GaugeSource {
    std::function<std::uint64_t()> logPending, logWritten, logErrors, logReady, logCommits, libraryGeneration, libraryPolicies;
};

class Metrics {
public:
    static constexpr std::array<int, 11> kStatuses{200, 400, 401, 403, 404, 405, 409, 413, 414, 500, 503};
    // Upper bounds in seconds; the last bucket is +Inf.
    static constexpr std::array<double, 14> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};

    void countRequest(Endpoint e, int status);
    void observeLatency(Endpoint e, double seconds);
    void countDecision(const std::string& policy, Outcome outcome);
    void countReload(bool ok);
    // A decision refused with 503 because the decision log could not record it.
    void countLogRefusal() { logRefusals_.fetch_add(1, std::memory_order_relaxed); }
    void connectionOpened() { connectionsOpen_.fetch_add(1, std::memory_order_relaxed); }
    void connectionClosed() { connectionsOpen_.fetch_sub(1, std::memory_order_relaxed); }
    // A connection beyond --max-connections, answered 503 and closed.
    void connectionRefused() { connectionsRefused_.fetch_add(1, std::memory_order_relaxed); }

    std::string render(const GaugeSource& gauges) const;

private:
    static constexpr std::size_t kEndpoints = static_cast<std::size_t>(Endpoint::Count_);
    static constexpr std::size_t kStatusSlots = kStatuses.size() + 1;  // + "other"
    struct Histogram {
        std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // not cumulative
        std::atomic<std::uint64_t> count{0};
        std::atomic<std::uint64_t> sumNanos{0};
    };

    std::array<std::array<std::atomic<std::uint64_t>, kStatusSlots>, kEndpoints> requests_{};
    std::array<Histogram, kEndpoints> latency_{};
    mutable std::mutex decisionsMutex_;
    std::map<std::string, std::array<std::uint64_t, 4>, std::less<>> decisions_;  // by policy, by Outcome
    std::atomic<std::uint64_t> reloadsOk_{0}, reloadsFailed_{0}, logRefusals_{0}, connectionsRefused_{0};
    std::atomic<std::int64_t> connectionsOpen_{0};
};

}  // namespace cpe::server
