#include "engine/diff/impact.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <tuple>

#include "engine/base/line_reader.h"
#include "engine/compile/program.h"
#include "engine/decision/case_record.h"
#include "engine/decision/json_quote.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"
#include "engine/library/variants.h"

namespace cpe {

const char* changeClassName(ChangeClass c) {
    static const char* names[] = {"unchanged",         "gains_eligibility", "loses_eligibility", "to_undetermined",
                                  "from_undetermined", "route_changed",     "other_change"};
    return names[static_cast<size_t>(c)];
}

const char* changeClassLabel(ChangeClass c) {
    static const char* labels[] = {
        "unchanged",     "becomes eligible", "no longer eligible", "becomes undetermined", "no longer undetermined",
        "route changes", "other change"};
    return labels[static_cast<size_t>(c)];
}

ChangeClass classify(Outcome o1, Route r1, Outcome o2, Route r2) {
    if (o1 == o2) return r1 == r2 ? ChangeClass::Unchanged : ChangeClass::RouteChanged;
    if (o2 == Outcome::Undetermined) return ChangeClass::ToUndetermined;
    if (o1 == Outcome::Undetermined) return ChangeClass::FromUndetermined;
    if (o1 == Outcome::NotEligible && o2 == Outcome::Eligible) return ChangeClass::GainsEligibility;
    if (o1 == Outcome::Eligible && o2 == Outcome::NotEligible) return ChangeClass::LosesEligibility;
    return ChangeClass::OtherChange;
}

namespace {

struct Verdict {
    Outcome outcome;
    Route route;
};

// Decides cases under one side, keeping an evaluator and fact slots per
// compiled policy so nothing is rebuilt between cases.
class SideRunner {
public:
    // `other`: the other side of the comparison. When the two come from
    // different libraries (a draft file, the registry), a fact only the other
    // declares is one this side's version does not ask about: it is ignored
    // here, as a version ignores what it does not read, and the other side
    // still checks its value.
    SideRunner(const ResolvedPolicy& side, const ResolvedPolicy& other, const std::vector<std::string>& byFacts)
        : side_(side), other_(side.library != other.library ? &other.library->checked() : nullptr) {
        for (const std::string& f : byFacts)
            if (!side.library->checked().fact(f)) analysisOnly_.push_back(f);
    }

    // Empty error on success.
    std::string decide(const nlohmann::json& facts, const std::vector<InexactNumber>& inexact, int day, Verdict& out) {
        const nlohmann::json* use = &facts;
        nlohmann::json stripped;
        if (facts.is_object() && (!analysisOnly_.empty() || other_)) {
            std::vector<std::string> drop;
            for (const std::string& f : analysisOnly_)
                if (facts.contains(f)) drop.push_back(f);
            if (other_)
                for (const auto& [name, value] : facts.items())
                    if (!side_.library->checked().fact(name) && other_->fact(name)) drop.push_back(name);
            if (!drop.empty()) {
                stripped = facts;
                for (const std::string& f : drop) stripped.erase(f);
                use = &stripped;
            }
        }
        const CompiledPolicy* policy = side_.policy;
        if (!side_.byFact.empty()) {
            // ID.{FACT}: the case's value of the fact names the policy.
            auto it = use->find(side_.byFact);
            if (it == use->end() || it->is_null())
                return "'" + side_.byFact + "' is unknown, so " + side_.label + " names no policy";
            policy = nullptr;
            for (const auto& [value, p] : side_.byValue)
                if (it->is_string() && *it == value) policy = p;
            if (!policy) return "no policy " + side_.label + " for " + side_.byFact + " = " + quoteJson(*it);
        }
        for (const CompiledPolicy* v : side_.variants)
            if (side_.library->variants().holds(*v->model, *use, day) == Tri::True) {
                policy = v;
                break;
            }
        Slot& slot = slots_[policy];
        if (!slot.evaluator) slot.evaluator = std::make_unique<Evaluator>(policy->program);
        if (auto error = bindFacts(side_.library->checked(), policy->program, *use, slot.values, &inexact)) return error->message;
        Evaluator::Verdict v = slot.evaluator->verdict(FactView::of(slot.values), day);
        out = {v.outcome, v.route};
        return "";
    }

private:
    struct Slot {
        std::unique_ptr<Evaluator> evaluator;
        FactValues values;
    };
    const ResolvedPolicy& side_;
    const CheckedLibrary* other_;  // null when both sides share one library
    std::vector<std::string> analysisOnly_;
    std::map<const CompiledPolicy*, Slot> slots_;
};

std::string valueText(const nlohmann::json* v) {
    if (!v || v->is_null()) return "unknown";
    if (v->is_string()) return v->get<std::string>();
    return v->dump();
}

// Numbers in numeric order, then text, "unknown" last.
bool groupLess(const std::string& a, const std::string& b) {
    auto rank = [](const std::string& s, double& n) {
        if (s == "unknown") return 2;
        char* end = nullptr;
        n = std::strtod(s.c_str(), &end);
        return !s.empty() && end == s.c_str() + s.size() ? 0 : 1;
    };
    double na = 0, nb = 0;
    int ra = rank(a, na), rb = rank(b, nb);
    if (ra != rb) return ra < rb;
    if (ra == 0 && na != nb) return na < nb;
    return a < b;
}

}  // namespace

ImpactReport runImpact(const ResolvedPolicy& oldSide, const ResolvedPolicy& newSide, std::istream& cases,
                       const ImpactOptions& options) {
    auto start = std::chrono::steady_clock::now();
    ImpactReport report;
    report.oldLabel = oldSide.label;
    report.newLabel = newSide.label;
    SideRunner oldRunner(oldSide, newSide, options.byFacts), newRunner(newSide, oldSide, options.byFacts);
    std::vector<std::map<std::string, ImpactCounts>> groups(options.byFacts.size());
    std::map<std::tuple<Outcome, Route, Outcome, Route>, ImpactTransition> transitions;

    auto fail = [&](size_t line, const std::string& id, const std::string& message) {
        ++report.errorCount;
        if (report.errors.size() < 20) report.errors.push_back({line, id, message});
    };

    LineReader reader(cases, options.maxLine);
    CaseShape shape = impactCaseShape();
    shape.maxDepth = options.maxDepth;
    Line line;
    while (reader.next(line)) {
        const size_t lineNo = line.number;
        if (!line.tooLong && line.text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        ++report.lines;
        if (line.tooLong) {
            fail(lineNo, "", lineTooLong(line.length, options.maxLine).message);
            continue;
        }
        CaseRead read = readCase(line.text, shape);
        const CaseRecord& record = read.record;
        const nlohmann::json& c = record.document;
        const nlohmann::json& facts = record.facts;
        std::string id = record.id.is_null() ? "line " + std::to_string(lineNo) : valueText(&record.id);
        if (read.error) {
            fail(lineNo, c.is_object() ? id : "", read.error->message);
            continue;
        }
        int day = record.day ? *record.day : options.defaultDay;
        Verdict before{}, after{};
        if (std::string e = oldRunner.decide(facts, record.inexact, day, before); !e.empty()) {
            fail(lineNo, id, "refused by " + oldSide.label + ": " + e);
            continue;
        }
        if (std::string e = newRunner.decide(facts, record.inexact, day, after); !e.empty()) {
            fail(lineNo, id, "refused by " + newSide.label + ": " + e);
            continue;
        }
        ChangeClass cls = classify(before.outcome, before.route, after.outcome, after.route);
        auto k = static_cast<size_t>(cls);
        ++report.total.cases;
        ++report.total.byClass[k];
        if (report.examples[k].size() < options.examplesPerChange) report.examples[k].push_back(id);
        ImpactTransition& t = transitions[{before.outcome, before.route, after.outcome, after.route}];
        if (t.count == 0) t = {before.outcome, after.outcome, before.route, after.route, 0, {}};
        ++t.count;
        if (t.examples.size() < options.examplesPerChange) t.examples.push_back(id);
        for (size_t i = 0; i < options.byFacts.size(); ++i) {
            const std::string& f = options.byFacts[i];
            const nlohmann::json* v = facts.contains(f) ? &facts[f] : c.contains(f) ? &c[f] : nullptr;
            ImpactCounts& g = groups[i][valueText(v)];
            ++g.cases;
            ++g.byClass[k];
        }
    }

    for (auto& [key, t] : transitions) report.transitions.push_back(std::move(t));
    std::stable_sort(report.transitions.begin(), report.transitions.end(), [](const auto& a, const auto& b) {
        bool ca = a.oldOutcome != a.newOutcome || a.oldRoute != a.newRoute;
        bool cb = b.oldOutcome != b.newOutcome || b.oldRoute != b.newRoute;
        if (ca != cb) return ca;
        return a.count > b.count;
    });
    for (size_t i = 0; i < options.byFacts.size(); ++i) {
        ImpactReport::Breakdown b;
        b.fact = options.byFacts[i];
        for (auto& [value, counts] : groups[i]) b.groups.push_back({value, counts});
        std::sort(b.groups.begin(), b.groups.end(), [](auto& x, auto& y) { return groupLess(x.value, y.value); });
        report.breakdowns.push_back(std::move(b));
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

}  // namespace cpe
