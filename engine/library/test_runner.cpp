#include "engine/library/test_runner.h"

#include <algorithm>
#include <cmath>

#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/eval/fact_binding.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

template <typename Strings>
std::string list(const Strings& v) {
    if (v.empty()) return "none";
    std::string s = "(";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::string(v[i]);
    return s + ")";
}

// The decision's reasons, so a failure shows why the engine decided as it
// did: "reasons: bmi_in_range not met, non_smoker met".
std::string reasonsText(const Decision& d) {
    if (d.reasons.empty()) return "";
    std::string s = "; reasons: ";
    for (size_t i = 0; i < d.reasons.size(); ++i) {
        const Reason& r = d.reasons[i];
        s += (i ? ", " : "") + std::string(r.criterion) +
             (r.result == Tri::True    ? " met"
              : r.result == Tri::False ? " not met"
                                       : " unknown");
    }
    return s;
}

}  // namespace

TestResult checkTest(const PolicyLibrary& lib, const TestDecl& t, const DecideResult& result) {
    TestResult r;
    r.name = t.name;
    r.policy = t.policy;
    r.at = lib.sources().location(t.span);
    auto fail = [&](const Span& at, std::string msg) { r.failures.push_back({lib.sources().location(at), std::move(msg)}); };

    const InputError* error = std::get_if<InputError>(&result);
    bool expectsError =
        std::any_of(t.items.begin(), t.items.end(), [](const TestItem& i) { return i.kind == TestItem::Kind::ExpectError; });
    if (error && !expectsError) {
        fail(t.span, "the facts were refused: " + error->message);
        return r;
    }
    for (const TestItem& item : t.items) {
        switch (item.kind) {
            case TestItem::Kind::ExpectError:
                if (!error) fail(item.span, "expected the facts to be refused, but a decision was made");
                else if (!item.text.empty() && error->message.find(item.text) == std::string::npos)
                    fail(item.span, "expected an error mentioning \"" + item.text + "\", got: " + error->message);
                break;
            case TestItem::Kind::ExpectOutcome: {
                if (error) break;
                const Decision& d = std::get<Decision>(result);
                if (item.text != outcomeName(d.outcome))
                    fail(item.span, "expected outcome " + item.text + ", got " + outcomeName(d.outcome) +
                                        (d.missingFacts.empty() ? "" : " (missing " + list(d.missingFacts) + ")") +
                                        reasonsText(d));
                else if (!item.route.empty() && item.route != routeName(d.route))
                    fail(item.span, "expected route " + item.route + ", got " + routeName(d.route) + reasonsText(d));
                break;
            }
            case TestItem::Kind::ExpectMissing: {
                if (error) break;
                const Decision& d = std::get<Decision>(result);
                std::vector<std::string_view> expected;
                for (auto& [n, _] : item.names) expected.push_back(n);
                if (expected != d.missingFacts)
                    fail(item.span, "expected missing facts " + list(expected) + ", got " + list(d.missingFacts));
                break;
            }
            case TestItem::Kind::ExpectReasons: {
                if (error) break;
                const Decision& d = std::get<Decision>(result);
                std::vector<std::string_view> got;
                for (const Reason& reason : d.reasons) got.push_back(reason.criterion);
                for (auto& [n, _] : item.names)
                    if (std::find(got.begin(), got.end(), n) == got.end())
                        fail(item.span, "expected '" + n + "' among the reasons, got " + list(got));
                break;
            }
            case TestItem::Kind::ExpectOutput: {
                if (error) break;
                const Decision& d = std::get<Decision>(result);
                auto it = std::find_if(d.outputs.begin(), d.outputs.end(), [&](auto& o) { return o.name == item.text; });
                if (it == d.outputs.end()) {
                    fail(item.span, "no output '" + item.text + "'");
                    break;
                }
                nlohmann::json got = outputToJson(*it);
                nlohmann::json want = factValueToJson(item.value);
                bool same = got == want ||
                            (got.is_number() && want.is_number() && std::fabs(got.get<double>() - want.get<double>()) < 1e-9);
                if (!same) fail(item.span, "expected output " + item.text + " = " + want.dump() + ", got " + got.dump());
                break;
            }
            default: break;
        }
    }
    return r;
}

TestRequest testRequest(const PolicyLibrary& lib, const TestDecl& t) {
    std::vector<const TestDecl*> chain{&t};
    while (!chain.back()->like.empty()) {
        const TestDecl* base = lib.test(t.policy, chain.back()->like);
        if (!base || std::find(chain.begin(), chain.end(), base) != chain.end()) break;  // the checker reported it
        chain.push_back(base);
    }
    TestRequest request;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        for (const TestItem& item : (*it)->items) {
            if (item.kind == TestItem::Kind::AsOf) request.asOf = item.text;
            if (item.kind == TestItem::Kind::Given)
                for (const Binding& b : item.bindings) request.facts[b.name] = factValueToJson(b.value);
        }
    if (!request.asOf) {
        for (const PolicyModel& p : lib.checked().policies)
            if (p.id == t.policy) {
                request.asOf = p.effective;
                break;
            }
    }
    return request;
}

std::vector<BoundTest> bindTests(const PolicyLibrary& lib) {
    std::vector<BoundTest> out;
    for (const TestDecl* t : lib.checked().tests) {
        TestRequest request = testRequest(lib, *t);
        std::optional<int> day = request.asOf ? parseDate(*request.asOf) : std::optional<int>(todayDay());
        if (!day) continue;
        DecideRequest d{t->policy, &request.facts, request.asOf};
        const CompiledPolicy* compiled = lib.select(d, *day);
        if (!compiled) continue;
        BoundTest b{t, compiled, {}, *day};
        if (bindFacts(lib.checked(), compiled->program, request.facts, b.facts)) continue;  // a test of refused facts
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<TestResult> runPolicyTests(const PolicyLibrary& lib) {
    std::vector<TestResult> results;
    for (const TestDecl* t : lib.checked().tests) {
        TestRequest request = testRequest(lib, *t);
        results.push_back(checkTest(lib, *t, lib.decide({t->policy, &request.facts, request.asOf})));
    }
    return results;
}

}  // namespace cpe
