// libFuzzer target: any bytes as what an editor sends `cpe lsp`. The server is
// initialized with a small policy open (in memory, not on disk); then each
// input line is one message body, handled as the stdio loop handles it, with a
// re-check after each; and the whole input goes through the Content-Length
// frame reader too. No input may crash or hang, and these must hold, or the
// target aborts saying which:
//  * every request (a message with an id) gets exactly one response with that
//    id, a result or an error with a code and a message;
//  * every outgoing message frames as JSON (invalid UTF-8 replaced, never thrown).
// `make fuzz` runs it; fuzz/corpus-lsp replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "lsp/server.h"
#include "lsp/transport.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_lsp: %s: %s\n", what, detail.substr(0, 500).c_str());
    std::abort();
}

const char* const kPolicy = R"(module m {
    fact age_years: integer in 0..130 "Age"
    fact kind: enum (a, b, c) "Kind"
    criterion adult "Adult" = age_years >= 18
}
policy p.q {
    title "T"
    version "1"
    effective 2026-01-01
    route criteria based
    use m
    criterion k "K" = kind is a
    decide {
        eligible when all of (adult, k)
        otherwise not_eligible
    }
}
test "t" for p.q {
    given age_years = 20, kind = a
    expect eligible
}
)";

void check(const std::string& body, const std::vector<nlohmann::json>& out) {
    nlohmann::json in = nlohmann::json::parse(body, nullptr, false);
    bool request = !in.is_discarded() && in.is_object() && in.contains("method") && in.contains("id");
    size_t responses = 0;
    for (const auto& m : out) {
        std::string framed = cpe::lsp::frame(m);  // must not throw
        if (m.contains("id") && !m.contains("method")) {
            ++responses;
            if (!m.contains("result") && !(m.contains("error") && m["error"].contains("code") && m["error"].contains("message")))
                fail("a response with neither a result nor an error", framed);
            if (request && (in["id"].is_string() || in["id"].is_number_integer()) && m["id"] != in["id"])
                fail("a response with another id", framed);
        }
    }
    if (request && (in["id"].is_string() || in["id"].is_number_integer()) && responses != 1)
        fail("a request without exactly one response", body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    spdlog::set_level(spdlog::level::off);  // the server logs re-checks and bad params: noise here
    std::string_view input(reinterpret_cast<const char*>(data), size);
    cpe::lsp::Server server;
    server.handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"rootUri":"file:///nonexistent-fuzz"}})");
    nlohmann::json open{
        {"jsonrpc", "2.0"},
        {"method", "textDocument/didOpen"},
        {"params", {{"textDocument", {{"uri", "file:///nonexistent-fuzz/a.cpl"}, {"version", 1}, {"text", kPolicy}}}}}};
    server.handle(open.dump());
    server.idle();
    size_t start = 0;
    while (start <= input.size() && !server.exited()) {
        size_t end = input.find('\n', start);
        if (end == std::string_view::npos) end = input.size();
        std::string body(input.substr(start, end - start));
        check(body, server.handle(body));
        for (const auto& m : server.idle()) cpe::lsp::frame(m);
        start = end + 1;
    }
    cpe::lsp::FrameReader reader;
    reader.feed(input);
    cpe::lsp::Server framed;
    while (auto f = reader.next())
        if (f->error.empty()) check(f->body, framed.handle(f->body));
    return 0;
}
