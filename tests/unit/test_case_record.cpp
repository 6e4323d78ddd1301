// The one case reader (engine/decision/case_record.h): one verdict and one
// message per case, whichever path's shape reads it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/base/civil_date.h"
#include "engine/decision/case_record.h"

using namespace cpe;

TEST_CASE("a case is read into its record: id, policy, facts, the as-of day and the provider") {
    CaseRead r = readCase(
        R"({"id": ["x", 1], "policy": "p.q", "facts": {"a": 27.0000000000000001}, "as_of": "2026-05-01", "provider": "RAJ"})",
        auditCaseShape());
    REQUIRE_FALSE(r.error);
    CHECK(r.record.id == nlohmann::json::parse(R"(["x", 1])"));
    CHECK(r.record.policy == "p.q");
    CHECK(r.record.facts == nlohmann::json::parse(R"({"a": 27.0})"));
    CHECK(r.record.day == parseDate("2026-05-01"));
    CHECK(r.record.asOf == std::optional<std::string>("2026-05-01"));
    CHECK(r.record.provider == "RAJ");
    REQUIRE(r.record.inexact.size() == 1);
    CHECK(r.record.inexact[0].field == "facts.a");
    CaseRead bare = readCase(R"({"policy": "p.q", "facts": null, "as_of": null})", batchCaseShape());
    REQUIRE_FALSE(bare.error);
    CHECK(bare.record.id.is_null());
    CHECK(bare.record.facts == nlohmann::json::object());
    CHECK_FALSE(bare.record.day);
}

TEST_CASE("the same bad case gets the same error through every shape that reads the member") {
    struct Bad {
        const char* text;
        const char* code;
        const char* field;
        const char* message;
    };
    const std::vector<Bad> bad = {
        {"{\"policy\": ", "bad_json", "", nullptr},
        {R"({"facts": {}})", "bad_request", "policy", "missing member 'policy' (a policy id)"},
        {R"({"policy": 3, "facts": {}})", "bad_request", "policy", "'policy' must be a string, got a number"},
        {R"({"policy": "p", "facts": [1]})", "bad_request", "facts", "'facts' must be a JSON object, got an array"},
        {R"({"policy": "p", "facts": {}, "as_of": 20260101})", "bad_request", "as_of",
         "'as_of' must be a date string \"YYYY-MM-DD\", got a number"},
        {R"({"policy": "p", "facts": {}, "as_of": "2026-02-30"})", "bad_request", "as_of",
         "'as_of' must be a date \"YYYY-MM-DD\", got \"2026-02-30\""},
        {R"({"policy": "p", "facts": {"a": [[[[[[[[[[]]]]]]]]]]}})", "bad_fact", "facts.a",
         "'a' is nested deeper than 8 levels of arrays and objects (--max-depth)"},
    };
    std::vector<CaseShape> shapes = {batchCaseShape(), requestCaseShape(), auditCaseShape()};
    for (CaseShape& s : shapes) {
        s.providerRequired = false;  // the audit's own member is checked below
        s.maxDepth = 8;
    }
    for (const Bad& b : bad) {
        CAPTURE(b.text);
        std::string message;
        for (const CaseShape& s : shapes) {
            CaseRead r = readCase(b.text, s);
            REQUIRE(r.error);
            CHECK(r.error->code == b.code);
            CHECK(r.error->field == b.field);
            if (b.message) CHECK(r.error->message == b.message);
            if (message.empty()) message = r.error->message;
            CHECK(r.error->message == message);
        }
    }
    // What differs between paths is which members they take, not what they say.
    CHECK(readCase(R"({"policy": "p", "facts": {}, "id": 1})", requestCaseShape()).error->field == "id");
    CHECK_FALSE(readCase(R"({"policy": "p", "facts": {}, "id": 1})", batchCaseShape()).error);
    CHECK(readCase(R"({"policy": "p"})", requestCaseShape()).error->message == "missing member 'facts' (a JSON object)");
    CHECK_FALSE(readCase(R"({"policy": "p"})", batchCaseShape()).error);
    CHECK_FALSE(readCase(R"({"facts": {}})", impactCaseShape()).error);
    CHECK(readCase(R"({"policy": "p", "provider": ""})", auditCaseShape()).error->field == "provider");
    CHECK(readCase("[1]", batchCaseShape()).error->message == "a case must be a JSON object, got an array");
    CHECK(readCase("[1]", requestCaseShape()).error->message == "the request body must be a JSON object, got an array");
    CHECK(readCase(" ", requestCaseShape()).error->message == "the request body is empty; expected a JSON object");
}
