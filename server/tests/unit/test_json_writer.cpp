#include <doctest/doctest.h>

#include "server/json_writer.h"

using namespace cpe;
using namespace cpe::server;

namespace {

std::string written(const Decision& d) {
    std::string out;
    appendDecisionJson(out, d);
    return out;
}

const EnumInfo kLevels{"band", {"low", "high"}, true};

}  // namespace

TEST_CASE("strings are escaped as nlohmann::json escapes them") {
    for (std::string s :
         {std::string("plain"), std::string("quote \" and \\ backslash"), std::string("tab\tnew\nline\r\b\f"),
          std::string("\x01\x1f\x7f"), std::string("BMI \xe2\x89\xa5 30 \xe2\x80\x94 caf\xc3\xa9"), std::string()}) {
        CAPTURE(s);
        std::string out;
        appendJsonString(out, s);
        CHECK(out == nlohmann::json(s).dump());
    }
}

TEST_CASE("a decision is written exactly as decisionToJson(d).dump() writes it") {
    Decision d;
    d.policy = "fertility.ivf";
    d.policyVersion = "2026-04-01";
    CHECK(written(d) == decisionToJson(d).dump());

    d.outcome = Outcome::NotEligible;
    d.route = Route::Ifr;
    d.reasons.push_back({"female_bmi",
                         "BMI of the woman between 19 and 30 \"inclusive\"",
                         Tri::False,
                         "policies/fertility/ivf.cpl:14:5",
                         {},
                         {}});
    d.reasons.push_back({"smoker", "Neither partner smokes\n", Tri::True, "policies/fertility/ivf.cpl:15:5", {}, {}});
    d.reasons.push_back({"age", "Age \xe2\x89\xa4 42", Tri::Unknown, "x.cpl:1:1", {}, {}});
    CHECK(written(d) == decisionToJson(d).dump());
    // A reason rendered when its policy was compiled writes the same bytes.
    const std::string head = reasonJsonHead("smoker", "Neither partner smokes\n"),
                      tail = reasonJsonTail("policies/fertility/ivf.cpl:15:5");
    d.reasons[1].jsonHead = head;
    d.reasons[1].jsonTail = tail;
    CHECK(written(d) == decisionToJson(d).dump());

    d.outcome = Outcome::Undetermined;
    d.route = Route::None;
    d.missingFacts = {"bmi", "smoker"};
    OutputValue cycles{"cycles_offered", Type::of(TypeKind::Int), true, 3};
    OutputValue units{"units", Type::of(TypeKind::Dec), true, 12.5};
    OutputValue unknown{"maybe", Type::of(TypeKind::Dec), false, 0};
    OutputValue flag{"flag", Type::of(TypeKind::Bool), true, 1};
    OutputValue day{"review_by", Type::of(TypeKind::Date), true, 20500};
    OutputValue band{"band", Type{TypeKind::Enum, &kLevels, {}}, true, 1};
    d.outputs = {cycles, units, unknown, flag, day, band};
    CHECK(written(d) == decisionToJson(d).dump());
}
