#include <doctest/doctest.h>

#include "server/decide_body.h"

using namespace cpe::server;

namespace {
cpe::InputError errorOf(std::string_view body) {
    auto r = parseDecideBody(body);
    REQUIRE(std::holds_alternative<cpe::InputError>(r));
    return std::get<cpe::InputError>(r);
}
}  // namespace

TEST_CASE("a well-formed decision request is read") {
    auto r = parseDecideBody(R"({"policy": "p.q", "facts": {"a": 1, "b": null}, "as_of": "2026-05-01"})");
    REQUIRE(std::holds_alternative<DecideBody>(r));
    const DecideBody& b = std::get<DecideBody>(r);
    CHECK(b.policy == "p.q");
    CHECK(b.facts().size() == 2);
    CHECK(b.asOf == std::optional<std::string>("2026-05-01"));
    auto noDate = parseDecideBody(R"({"policy": "p.q", "facts": {}})");
    REQUIRE(std::holds_alternative<DecideBody>(noDate));
    CHECK_FALSE(std::get<DecideBody>(noDate).asOf);
}

TEST_CASE("every malformed request is refused, naming the member") {
    CHECK(errorOf("").code == "bad_json");
    CHECK(errorOf("{\"policy\": ").code == "bad_json");
    CHECK(errorOf("{\"policy\": \"x\", }").code == "bad_json");
    // A number beyond a double is bad JSON too (nlohmann throws out_of_range,
    // not parse_error, for it).
    cpe::InputError overflow = errorOf(R"({"policy": "x", "facts": {"score": 1e400}})");
    CHECK(overflow.code == "bad_json");
    CHECK(overflow.message.find("1e400") != std::string::npos);
    CHECK(errorOf("[1, 2]").code == "bad_request");
    CHECK(errorOf(R"({"facts": {}})").field == "policy");
    CHECK(errorOf(R"({"policy": 3, "facts": {}})").field == "policy");
    CHECK(errorOf(R"({"policy": "p"})").field == "facts");
    CHECK(errorOf(R"({"policy": "p", "facts": [1]})").field == "facts");
    CHECK(errorOf(R"({"policy": "p", "facts": {}, "as_of": 20260101})").field == "as_of");
    CHECK(errorOf(R"({"policy": "p", "facts": {}, "as_of": "2026-02-30"})").field == "as_of");
    auto typo = errorOf(R"({"policy": "p", "facts": {}, "as-of": "2026-01-01"})");
    CHECK(typo.code == "bad_request");
    CHECK(typo.field == "as-of");
    CHECK(typo.message.find("as_of") != std::string::npos);
}

TEST_CASE("deeply nested JSON is refused without exhausting the stack") {
    std::string deep(60000, '[');
    auto e = errorOf(deep);
    CHECK(e.code == "bad_json");
    std::string nestedFacts = R"({"policy": "p", "facts": {"a": )" + std::string(20000, '[') + std::string(20000, ']') + "}}";
    // Valid JSON, but nested beyond the limit: refused as the fact's error
    // before the document is built (the limit bounds every later walk of it).
    auto deepFact = errorOf(nestedFacts);
    CHECK(deepFact.code == "bad_fact");
    CHECK(deepFact.field == "facts.a");
    auto within = parseDecideBody(R"({"policy": "p", "facts": {"a": )" + std::string(60, '[') + std::string(60, ']') + "}}");
    CHECK(std::holds_alternative<DecideBody>(within));  // the engine refuses the fact's type later
}
