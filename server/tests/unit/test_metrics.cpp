#include <doctest/doctest.h>

#include "engine/eval/evaluator.h"
#include "server/metrics.h"

using namespace cpe::server;

TEST_CASE("paths map to a fixed set of endpoint labels") {
    CHECK(classifyPath("/v1/decisions") == Endpoint::Decisions);
    CHECK(classifyPath("/v1/policies") == Endpoint::Policies);
    CHECK(classifyPath("/v1/policies/fertility.ivf") == Endpoint::Policy);
    CHECK(classifyPath("/v1/policies/") == Endpoint::Other);
    CHECK(classifyPath("/v1/policies/a/b") == Endpoint::Other);
    CHECK(classifyPath("/healthz") == Endpoint::Healthz);
    CHECK(classifyPath("/metrics") == Endpoint::Metrics);
    CHECK(classifyPath("/v1/admin/reload") == Endpoint::Reload);
    CHECK(classifyPath("/wp-admin") == Endpoint::Other);
}

TEST_CASE("metrics render in the Prometheus text format") {
    Metrics m;
    m.countRequest(Endpoint::Decisions, 200);
    m.countRequest(Endpoint::Decisions, 200);
    m.countRequest(Endpoint::Decisions, 413);
    m.countRequest(Endpoint::Other, 418);
    m.observeLatency(Endpoint::Decisions, 0.0003);
    m.observeLatency(Endpoint::Decisions, 0.002);
    m.countDecision("fixture.threshold", cpe::Outcome::Eligible);
    m.countDecision("fixture.threshold", cpe::Outcome::Eligible);
    m.countReload(false);
    GaugeSource g;
    g.logPending = [] { return std::uint64_t{3}; };
    std::string text = m.render(g);
    CHECK(text.find("cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"200\"} 2\n") != std::string::npos);
    CHECK(text.find("cpe_http_requests_total{endpoint=\"/v1/decisions\",status=\"413\"} 1\n") != std::string::npos);
    CHECK(text.find("cpe_http_requests_total{endpoint=\"other\",status=\"other\"} 1\n") != std::string::npos);
    // Buckets are cumulative and end with +Inf == _count.
    CHECK(text.find("cpe_http_request_duration_seconds_bucket{endpoint=\"/v1/decisions\",le=\"0.0001\"} 0\n") !=
          std::string::npos);
    CHECK(text.find("cpe_http_request_duration_seconds_bucket{endpoint=\"/v1/decisions\",le=\"0.0005\"} 1\n") !=
          std::string::npos);
    CHECK(text.find("cpe_http_request_duration_seconds_bucket{endpoint=\"/v1/decisions\",le=\"0.0025\"} 2\n") !=
          std::string::npos);
    CHECK(text.find("cpe_http_request_duration_seconds_bucket{endpoint=\"/v1/decisions\",le=\"+Inf\"} 2\n") != std::string::npos);
    CHECK(text.find("cpe_http_request_duration_seconds_count{endpoint=\"/v1/decisions\"} 2\n") != std::string::npos);
    CHECK(text.find("cpe_decisions_total{policy=\"fixture.threshold\",outcome=\"eligible\"} 2\n") != std::string::npos);
    CHECK(text.find("cpe_decisions_total{policy=\"fixture.threshold\",outcome=\"review\"} 0\n") != std::string::npos);
    CHECK(text.find("cpe_library_reloads_total{result=\"failed\"} 1\n") != std::string::npos);
    CHECK(text.find("cpe_decision_log_pending 3\n") != std::string::npos);
    CHECK(text.find("# TYPE cpe_http_request_duration_seconds histogram\n") != std::string::npos);
    // The exact refinement's counters, read from the engine.
    CHECK(text.find("cpe_exact_refinements_total " + std::to_string(cpe::Evaluator::refineCounters().runs.load()) + "\n") !=
          std::string::npos);
    CHECK(text.find("cpe_exact_bound_reached_total " + std::to_string(cpe::Evaluator::refineCounters().boundHits.load()) +
                    "\n") != std::string::npos);
}
