#include "server/metrics.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/eval/evaluator.h"

namespace cpe::server {

const char* endpointLabel(Endpoint e) {
    switch (e) {
        case Endpoint::Decisions: return "/v1/decisions";
        case Endpoint::Policies: return "/v1/policies";
        case Endpoint::Policy: return "/v1/policies/{id}";
        case Endpoint::Healthz: return "/healthz";
        case Endpoint::Readyz: return "/readyz";
        case Endpoint::Metrics: return "/metrics";
        case Endpoint::Reload: return "/v1/admin/reload";
        case Endpoint::PolicyForm: return "/v1/policies/{id}/form";
        case Endpoint::Page: return "/";
        case Endpoint::Doc: return "/doc/{file}";
        default: return "other";
    }
}

std::optional<std::string_view> policyFormId(std::string_view path) {
    constexpr std::string_view prefix = "/v1/policies/", suffix = "/form";
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix)
        return std::nullopt;
    std::string_view id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.find('/') != std::string_view::npos) return std::nullopt;
    return id;
}

Endpoint classifyPath(std::string_view path) {
    if (path == "/v1/decisions") return Endpoint::Decisions;
    if (path == "/v1/policies") return Endpoint::Policies;
    constexpr std::string_view policyPrefix = "/v1/policies/";
    if (path.size() > policyPrefix.size() && path.substr(0, policyPrefix.size()) == policyPrefix &&
        path.find('/', policyPrefix.size()) == std::string_view::npos)
        return Endpoint::Policy;
    if (path == "/healthz") return Endpoint::Healthz;
    if (path == "/readyz") return Endpoint::Readyz;
    if (path == "/metrics") return Endpoint::Metrics;
    if (path == "/v1/admin/reload") return Endpoint::Reload;
    if (policyFormId(path)) return Endpoint::PolicyForm;
    if (path == "/" || path == "/index.html") return Endpoint::Page;
    constexpr std::string_view docPrefix = "/doc/";
    if (path.size() > docPrefix.size() && path.substr(0, docPrefix.size()) == docPrefix &&
        path.find('/', docPrefix.size()) == std::string_view::npos)
        return Endpoint::Doc;
    return Endpoint::Other;
}

void Metrics::countRequest(Endpoint e, int status) {
    auto it = std::find(kStatuses.begin(), kStatuses.end(), status);
    std::size_t slot = static_cast<std::size_t>(it - kStatuses.begin());  // == size(): "other"
    requests_[static_cast<std::size_t>(e)][slot].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::observeLatency(Endpoint e, double seconds) {
    Histogram& h = latency_[static_cast<std::size_t>(e)];
    auto it = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    h.buckets[static_cast<std::size_t>(it - kBuckets.begin())].fetch_add(1, std::memory_order_relaxed);
    h.count.fetch_add(1, std::memory_order_relaxed);
    h.sumNanos.fetch_add(static_cast<std::uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
}

void Metrics::countDecision(const std::string& policy, Outcome outcome) {
    std::lock_guard lock(decisionsMutex_);
    auto it = decisions_.find(policy);
    if (it == decisions_.end()) it = decisions_.emplace(policy, std::array<std::uint64_t, 4>{}).first;
    ++it->second[static_cast<std::size_t>(outcome)];
}

void Metrics::countReload(bool ok) { (ok ? reloadsOk_ : reloadsFailed_).fetch_add(1, std::memory_order_relaxed); }

namespace {

// Label values come from policy ids, which the grammar keeps tame; escape
// anyway so that the exposition stays parseable whatever an id holds.
std::string escapeLabel(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string formatBound(double b) { return fmt::format("{}", b); }

}  // namespace

std::string Metrics::render(const GaugeSource& g) const {
    std::string out;
    out.reserve(8192);
    auto add = [&out](std::string_view s) { out.append(s); };

    add("# HELP cpe_http_requests_total HTTP requests by endpoint and status.\n");
    add("# TYPE cpe_http_requests_total counter\n");
    for (std::size_t e = 0; e < kEndpoints; ++e)
        for (std::size_t s = 0; s < kStatusSlots; ++s) {
            std::uint64_t n = requests_[e][s].load(std::memory_order_relaxed);
            if (n == 0) continue;
            std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
            out += fmt::format("cpe_http_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n",
                               endpointLabel(static_cast<Endpoint>(e)), status, n);
        }

    add("# HELP cpe_http_request_duration_seconds Time from the request headers being read to the response being written.\n");
    add("# TYPE cpe_http_request_duration_seconds histogram\n");
    for (std::size_t e = 0; e < kEndpoints; ++e) {
        const Histogram& h = latency_[e];
        std::uint64_t count = h.count.load(std::memory_order_relaxed);
        if (count == 0) continue;
        const char* label = endpointLabel(static_cast<Endpoint>(e));
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < kBuckets.size(); ++b) {
            cumulative += h.buckets[b].load(std::memory_order_relaxed);
            out += fmt::format("cpe_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"{}\"}} {}\n", label,
                               formatBound(kBuckets[b]), cumulative);
        }
        cumulative += h.buckets[kBuckets.size()].load(std::memory_order_relaxed);
        // Concurrent increments can leave `count` a step behind the buckets;
        // Prometheus requires +Inf == _count, so both use the bucket total.
        out += fmt::format("cpe_http_request_duration_seconds_bucket{{endpoint=\"{}\",le=\"+Inf\"}} {}\n", label, cumulative);
        out += fmt::format("cpe_http_request_duration_seconds_sum{{endpoint=\"{}\"}} {:.9f}\n", label,
                           static_cast<double>(h.sumNanos.load(std::memory_order_relaxed)) / 1e9);
        out += fmt::format("cpe_http_request_duration_seconds_count{{endpoint=\"{}\"}} {}\n", label, cumulative);
    }

    add("# HELP cpe_decisions_total Decisions made, by policy and outcome.\n");
    add("# TYPE cpe_decisions_total counter\n");
    {
        std::lock_guard lock(decisionsMutex_);
        for (const auto& [policy, counts] : decisions_)
            for (std::size_t o = 0; o < counts.size(); ++o)
                out += fmt::format("cpe_decisions_total{{policy=\"{}\",outcome=\"{}\"}} {}\n", escapeLabel(policy),
                                   outcomeName(static_cast<Outcome>(o)), counts[o]);
    }

    add("# HELP cpe_library_reloads_total Policy library reloads, by result.\n");
    add("# TYPE cpe_library_reloads_total counter\n");
    out += fmt::format("cpe_library_reloads_total{{result=\"ok\"}} {}\n", reloadsOk_.load());
    out += fmt::format("cpe_library_reloads_total{{result=\"failed\"}} {}\n", reloadsFailed_.load());

    auto gauge = [&](const char* name, const char* type, const char* help, const std::function<std::uint64_t()>& f) {
        if (!f) return;
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, f());
    };
    gauge("cpe_library_generation", "gauge", "Library generation in service (1 at start, +1 per successful reload).",
          g.libraryGeneration);
    gauge("cpe_library_policies", "gauge", "Distinct policy ids in the library in service.", g.libraryPolicies);
    gauge("cpe_decision_log_pending", "gauge", "Decisions queued for the decision log, not yet committed.", g.logPending);
    gauge("cpe_decision_log_written_total", "counter", "Decisions committed to the decision log.", g.logWritten);
    gauge("cpe_decision_log_errors_total", "counter", "Failed decision log commits and probes.", g.logErrors);
    gauge("cpe_decision_log_commits_total", "counter", "Decision log transactions (group commits).", g.logCommits);
    gauge("cpe_decision_log_ready", "gauge", "1 while the decision log can record decisions, 0 while they are refused.",
          g.logReady);
    out +=
        "# HELP cpe_decision_log_refusals_total Decisions refused with 503 because the decision log could not record them.\n"
        "# TYPE cpe_decision_log_refusals_total counter\n";
    out += fmt::format("cpe_decision_log_refusals_total {}\n", logRefusals_.load());
    out += "# HELP cpe_http_connections_open Connections open now.\n# TYPE cpe_http_connections_open gauge\n";
    out += fmt::format("cpe_http_connections_open {}\n", connectionsOpen_.load());
    out +=
        "# HELP cpe_http_connections_refused_total Connections beyond --max-connections, answered 503 and closed.\n"
        "# TYPE cpe_http_connections_refused_total counter\n";
    out += fmt::format("cpe_http_connections_refused_total {}\n", connectionsRefused_.load());
    // The exact refinement of decisions with unknown facts (engine/eval/refine.cpp).
    const Evaluator::RefineCounters& exact = Evaluator::refineCounters();
    gauge("cpe_exact_refinements_total", "counter",
          "Decisions the three-valued pass left open that were refined by searching the unknown facts.",
          [&] { return exact.runs.load(); });
    gauge("cpe_exact_bound_reached_total", "counter",
          "Refinements that reached their bound and kept the three-valued (sound, cautious) answer.",
          [&] { return exact.boundHits.load(); });
    return out;
}

}  // namespace cpe::server
