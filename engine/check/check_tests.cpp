// Test blocks: the policy they test, `like` chains, and the names and words each item refers to.
#include <algorithm>

#include "engine/check/check_env.h"

namespace cpe::check_internal {

// ---------------------------------------------------------------- tests
void Checker::checkTests() {
    // Indexes built once, so checking is linear in the number of tests: the policy each test is for (the last
    // version declared, as before) and each policy's tests by name (the last declared of a name).
    std::unordered_map<std::string_view, const PolicyModel*> modelOf;
    for (const PolicyModel& p : lib_->policies) modelOf[p.id] = &p;
    TestIndex byPolicy;
    for (const TestDecl* t : lib_->tests) byPolicy[t->policy][t->name] = t;
    for (const TestDecl* t : lib_->tests) {
        auto it = policiesById_.find(t->policy);
        if (it == policiesById_.end()) {
            std::vector<std::string> ids;
            for (auto& [id, _] : policiesById_) ids.push_back(id);
            diags_.error(t->policySpan,
                         "test \"" + t->name + "\" is for an unknown policy '" + t->policy + "'" + didYouMeanId(t->policy, ids));
            continue;
        }
        const PolicyModel* model = modelOf.at(t->policy);
        for (const TestItem& item : t->items) checkTestItem(*t, item, *model);
        if (!t->like.empty()) checkLike(*t, byPolicy[t->policy]);
    }
}

void Checker::checkLike(const TestDecl& t, const std::unordered_map<std::string_view, const TestDecl*>& tests) {
    std::set<const TestDecl*> seen{&t};
    const TestDecl* cur = &t;
    while (cur && !cur->like.empty()) {
        auto found = tests.find(cur->like);
        if (found == tests.end()) {
            std::vector<std::string> names;
            for (const TestDecl* other : lib_->tests)
                if (other->policy == t.policy) names.push_back(other->name);
            diags_.error(cur->likeSpan, "no test \"" + cur->like + "\" for " + t.policy + didYouMean(cur->like, names));
            return;
        }
        const TestDecl* base = found->second;
        if (!seen.insert(base).second) {
            diags_.error(t.likeSpan, "test \"" + t.name + "\" is like itself through \"" + cur->like + "\"");
            return;
        }
        cur = base;
    }
}

void Checker::checkTestItem(const TestDecl& t, const TestItem& item, const PolicyModel& p) {
    switch (item.kind) {
        case TestItem::Kind::AsOf:
            if (!parseDate(item.text)) diags_.error(item.span, "'" + item.text + "' is not a calendar date");
            break;
        case TestItem::Kind::Given: {
            // A misspelt fact is the author's slip, reported where it is written
            // (values are validated like any request when the test runs). A test
            // that expects its facts refused may name an unknown fact on purpose.
            bool expectsError = std::any_of(t.items.begin(), t.items.end(),
                                            [](const TestItem& i) { return i.kind == TestItem::Kind::ExpectError; });
            if (expectsError) break;
            for (const Binding& b : item.bindings)
                if (!lib_->fact(b.name))
                    diags_.error(b.span, "unknown fact '" + b.name + "'" + didYouMean(b.name, lib_->factNames()));
            break;
        }
        case TestItem::Kind::ExpectMissing:
            for (auto& [name, span] : item.names)
                if (!lib_->fact(name)) diags_.error(span, "unknown fact '" + name + "'" + didYouMean(name, lib_->factNames()));
            break;
        case TestItem::Kind::ExpectReasons:
            for (auto& [name, span] : item.names)
                if (!p.criterion(name)) {
                    std::vector<std::string> names;
                    for (auto& c : p.criteria) names.push_back(c->name);
                    diags_.error(span, "'" + name + "' is not a criterion of " + p.id + didYouMean(name, names));
                }
            break;
        case TestItem::Kind::ExpectOutput:
            if (!p.output(item.text)) {
                std::vector<std::string> names;
                for (auto& o : p.outputs) names.push_back(o->name);
                diags_.error(item.span, "'" + item.text + "' is not an output of " + p.id + didYouMean(item.text, names));
            }
            break;
        case TestItem::Kind::ExpectOutcome: {
            std::vector<std::string> outcomes = outcomeEnum().members;
            if (!parseOutcome(item.text))
                diags_.error(item.span, "unknown outcome '" + item.text + "'" + didYouMean(item.text, outcomes));
            if (!item.route.empty() && !parseRoute(item.route))
                diags_.error(item.span, "unknown route '" + item.route + "'" + didYouMean(item.route, kRouteWords));
            break;
        }
        case TestItem::Kind::ExpectError: break;
    }
}

}  // namespace cpe::check_internal
