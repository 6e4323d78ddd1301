// libFuzzer target: any bytes as an HTTP request to `cpe serve`, through the
// same steps a connection takes (server/http_service.cpp): Boost.Beast's
// parser with the server's header and body limits, then the router, the
// token check of named clients, and the endpoints on the test fixture
// library (server/tests/policies/fixture) without a decision log. No input
// may crash or hang, and these must hold, or the target aborts saying which:
//  * every answer has a status the metrics know (server/metrics.h), and is
//    never a 5xx (no log here, so nothing may fail);
//  * a JSON answer is valid JSON, and an error answer is the contract's
//    {"error": {"code", "message", "field"}} with a non-empty code;
//  * a decision is given only to a request carrying a client's token, and it
//    names that client.
// `make fuzz` runs it; fuzz/corpus-request replays in `make test`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "server/api.h"
#include "server/auth.h"
#include "server/library_holder.h"
#include "server/metrics.h"
#include "server/options.h"
#include "server/router.h"

namespace {

namespace http = boost::beast::http;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_request: %s\n", what);
    std::abort();
}

struct Service {
    cpe::server::LibraryHolder library{{CPE_SOURCE_DIR "/server/tests/policies/fixture"}};
    cpe::server::Metrics metrics;
    cpe::server::Api api{library, metrics, nullptr};
    cpe::server::Router open{api, std::nullopt};
    cpe::server::Router guarded{
        api, cpe::server::ClientTokens(std::vector<cpe::server::ApiClient>{{"ers", "tok-ers"}, {"triage", "tok-triage"}})};
    Service() {
        if (!library.reload().ok) fail("the fixture library does not compile");
    }
};

Service& service() {
    static Service s;
    return s;
}

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

void checkReply(const cpe::server::Routed& routed, const cpe::server::RequestNote& note, bool guarded) {
    const int status = routed.reply.status;
    const auto& known = cpe::server::Metrics::kStatuses;
    if (std::find(known.begin(), known.end(), status) == known.end()) fail("a status the metrics do not count");
    if (status >= 500) fail("a 5xx answer with no decision log to fail");
    if (std::string_view(routed.reply.contentType) == "application/json" && !routed.reload) {
        auto j = nlohmann::json::parse(routed.reply.body, nullptr, false);
        if (j.is_discarded()) fail("a JSON answer that is not JSON");
        if (status >= 400) {
            if (!j.contains("error") || !j["error"].is_object()) fail("an error answer without the error object");
            const auto& e = j["error"];
            if (!e.contains("code") || !e["code"].is_string() || e["code"].get<std::string>().empty() || !e.contains("message") ||
                !e["message"].is_string() || !e.contains("field") || !e["field"].is_string())
                fail("an error answer without code, message and field");
        }
    }
    if (routed.decision && guarded && note.client != "ers" && note.client != "triage")
        fail("a decision for a request that carried no client's token");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Service& s = service();
    http::request_parser<http::string_body> parser;
    parser.header_limit(cpe::server::kRequestHeaderLimit);
    parser.body_limit(cpe::server::ServeOptions{}.maxBodyBytes);
    parser.eager(true);
    boost::beast::error_code ec;
    std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
    (void)used;
    if (!ec && !parser.is_done()) parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;  // the server answers 400/413/431 and closes: no routing
    const auto& req = parser.get();
    cpe::server::RequestView view{sv(req.method_string()), sv(req.target()), sv(req[http::field::authorization]), req.body()};
    for (bool guarded : {false, true}) {
        cpe::server::RequestNote note;
        cpe::server::Routed routed = (guarded ? s.guarded : s.open).route(view, note);
        checkReply(routed, note, guarded);
    }
    return 0;
}
