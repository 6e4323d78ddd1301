#include "engine/diff/impact.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

#include "engine/base/line_reader.h"
#include "engine/base/line_records.h"
#include "engine/base/parallel_lines.h"
#include "engine/compile/program.h"
#include "engine/decision/case_record.h"
#include "engine/decision/fast_case_reader.h"
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

// What one case line gave, as records in the job's output
// (engine/base/line_records.h), so that lines decided on several threads are
// added up in input order (the examples and errors kept are the first ones):
// 'D', the four verdict bytes, the id and each --by value; or 'E', the line
// number, the id and the message.
class LineRecords {
public:
    static void decided(std::string& out, const Verdict& before, const Verdict& after, std::string_view id,
                        const std::vector<std::string_view>& groups) {
        out += 'D';
        for (auto b : {static_cast<uint8_t>(before.outcome), static_cast<uint8_t>(before.route),
                       static_cast<uint8_t>(after.outcome), static_cast<uint8_t>(after.route)})
            out += static_cast<char>(b);
        appendRecordText(out, id);
        for (std::string_view g : groups) appendRecordText(out, g);
    }
    static void error(std::string& out, std::size_t line, std::string_view id, std::string_view message) {
        out += 'E';
        appendRecordNumber(out, line);
        appendRecordText(out, id);
        appendRecordText(out, message);
    }

    // Reads the records of `bytes` (whole ones, as the sink is given them).
    template <class OnDecided, class OnError>
    static void read(std::string_view bytes, std::size_t groups, std::vector<std::string_view>& values, OnDecided onDecided,
                     OnError onError) {
        RecordReader in(bytes);
        while (!in.done()) {
            if (in.byte() == 'D') {
                auto outcome = [&] { return static_cast<Outcome>(static_cast<uint8_t>(in.byte())); };
                auto route = [&] { return static_cast<Route>(static_cast<uint8_t>(in.byte())); };
                Verdict before{outcome(), route()};
                Verdict after{outcome(), route()};
                std::string_view id = in.text();
                values.clear();
                for (std::size_t i = 0; i < groups; ++i) values.push_back(in.text());
                onDecided(before, after, id, values);
            } else {
                std::size_t line = in.number();
                std::string_view id = in.text();
                onError(line, id, in.text());
            }
        }
    }
};

// One side's verdicts on cases the fast reader took: an evaluator and slots
// per compiled policy, as SideRunner keeps, and nothing but the verdict.
class FastSide {
public:
    explicit FastSide(const ResolvedPolicy& side) : side_(side) {}

    // False when the reference must decide the case: ID.{FACT} without a
    // value that names a policy (the reference words why).
    bool verdict(const FastCaseReader& reader, const FastCase& c, Verdict& out) {
        const CompiledPolicy* policy = side_.policy;
        if (!side_.byFact.empty()) {
            policy = nullptr;
            if (const FastFact* f = c.find(side_.byFact); f && isString(f->info->type.kind))
                for (const auto& [value, p] : side_.byValue)
                    if (f->text == value) policy = p;
            if (!policy) return false;
        }
        Slot& slot = slots_[policy];
        if (!slot.evaluator) {
            slot.evaluator = std::make_unique<Evaluator>(policy->program);
            slot.values.prepare(policy->program);
        }
        reader.fill(policy->program, slot.values);
        Evaluator::Verdict v = slot.evaluator->verdict(FactView::of(slot.values), c.day);
        out = {v.outcome, v.route};
        return true;
    }

    // Whether nlohmann holds the fact's value as a string (valueText writes it unquoted).
    static bool isString(TypeKind kind) { return kind == TypeKind::Text || kind == TypeKind::Enum || kind == TypeKind::Date; }

private:
    struct Slot {
        std::unique_ptr<Evaluator> evaluator;
        FactValues values;
    };
    const ResolvedPolicy& side_;
    std::unordered_map<const CompiledPolicy*, Slot> slots_;
};

// Whether the fast reader may take this run's cases at all: no area
// variants (whose conditions read the facts' JSON), and every --by fact
// declared on both sides (one only in the case object, not its facts, is
// read by the reference).
bool fastReadable(const ResolvedPolicy& oldSide, const ResolvedPolicy& newSide, const ImpactOptions& options) {
    if (options.referenceReader || !oldSide.variants.empty() || !newSide.variants.empty()) return false;
    for (const std::string& f : options.byFacts)
        if (!oldSide.library->checked().fact(f) || !newSide.library->checked().fact(f)) return false;
    return true;
}

// Decides the lines one thread is given, into LineRecords: the fast reader
// where it takes a case (once when both sides share a library, once per
// side's library otherwise: a fact only one declares is declined there),
// the reference reader (readCase, bindFacts) for everything else.
class LineDecider {
public:
    LineDecider(const ResolvedPolicy& oldSide, const ResolvedPolicy& newSide, const ImpactOptions& options, bool fast)
        : oldSide_(oldSide), newSide_(newSide), options_(options), oldRunner_(oldSide, newSide, options.byFacts),
          newRunner_(newSide, oldSide, options.byFacts), oldFast_(oldSide), newFast_(newSide) {
        shape_ = impactCaseShape();
        shape_.maxDepth = options.maxDepth;
        fastShape_ = fastShapeOf(shape_, options.defaultDay);
        if (fast) {
            oldReader_ = std::make_unique<FastCaseReader>(oldSide.library->checked());
            if (newSide.library != oldSide.library) newReader_ = std::make_unique<FastCaseReader>(newSide.library->checked());
        }
    }

    std::size_t fastLines() const { return fastLines_; }

    void decide(const Line& line, std::string& out) {
        if (!line.tooLong && line.text.find_first_not_of(" \t\r") == std::string_view::npos) return;
        if (!line.tooLong && oldReader_ && decideFast(line, out)) {
            ++fastLines_;
            return;
        }
        decideByReference(line, out);
    }

private:
    bool decideFast(const Line& line, std::string& out) {
        if (!oldReader_->read(line.text, fastShape_, oldCase_)) return false;
        if (newReader_ && !newReader_->read(line.text, fastShape_, newCase_)) return false;
        const FastCaseReader& newReader = newReader_ ? *newReader_ : *oldReader_;
        const FastCase& newCase = newReader_ ? newCase_ : oldCase_;
        groups_.clear();
        for (const std::string& name : options_.byFacts) {
            const FastFact* fact = oldCase_.find(name);
            if (!fact) return false;  // absent or null in the facts: the reference looks in the case too
            groups_.push_back(FastSide::isString(fact->info->type.kind) ? fact->text : fact->json);
        }
        Verdict before{}, after{};
        if (!oldFast_.verdict(*oldReader_, oldCase_, before) || !newFast_.verdict(newReader, newCase, after)) return false;
        std::string_view id = oldCase_.id;
        if (id == "null") {
            lineId_ = "line " + std::to_string(line.number);
            id = lineId_;
        } else if (id.front() == '"') {
            id = id.substr(1, id.size() - 2);  // no escapes: the string itself
        }
        LineRecords::decided(out, before, after, id, groups_);
        return true;
    }

    void decideByReference(const Line& line, std::string& out) {
        const size_t lineNo = line.number;
        if (line.tooLong) return LineRecords::error(out, lineNo, "", lineTooLong(line.length, options_.maxLine).message);
        CaseRead read = readCase(line.text, shape_);
        const CaseRecord& record = read.record;
        const nlohmann::json& c = record.document;
        const nlohmann::json& facts = record.facts;
        std::string id = record.id.is_null() ? "line " + std::to_string(lineNo) : valueText(&record.id);
        if (read.error) return LineRecords::error(out, lineNo, c.is_object() ? id : "", read.error->message);
        int day = record.day ? *record.day : options_.defaultDay;
        Verdict before{}, after{};
        if (std::string e = oldRunner_.decide(facts, record.inexact, day, before); !e.empty())
            return LineRecords::error(out, lineNo, id, "refused by " + oldSide_.label + ": " + e);
        if (std::string e = newRunner_.decide(facts, record.inexact, day, after); !e.empty())
            return LineRecords::error(out, lineNo, id, "refused by " + newSide_.label + ": " + e);
        std::vector<std::string> values;
        for (const std::string& f : options_.byFacts) {
            const nlohmann::json* v = facts.contains(f) ? &facts[f] : c.contains(f) ? &c[f] : nullptr;
            values.push_back(valueText(v));
        }
        groups_.assign(values.begin(), values.end());
        LineRecords::decided(out, before, after, id, groups_);
    }

    const ResolvedPolicy& oldSide_;
    const ResolvedPolicy& newSide_;
    const ImpactOptions& options_;
    CaseShape shape_;
    FastShape fastShape_;
    SideRunner oldRunner_, newRunner_;
    FastSide oldFast_, newFast_;
    std::unique_ptr<FastCaseReader> oldReader_, newReader_;  // null: the reference reads every line
    FastCase oldCase_, newCase_;
    std::vector<std::string_view> groups_;
    std::string lineId_;
    std::size_t fastLines_ = 0;
};

}  // namespace

ImpactReport runImpact(const ResolvedPolicy& oldSide, const ResolvedPolicy& newSide, std::istream& cases,
                       const ImpactOptions& options) {
    auto start = std::chrono::steady_clock::now();
    ImpactReport report;
    report.oldLabel = oldSide.label;
    report.newLabel = newSide.label;
    std::vector<std::map<std::string, ImpactCounts, std::less<>>> groups(options.byFacts.size());
    std::map<std::tuple<Outcome, Route, Outcome, Route>, ImpactTransition> transitions;

    const bool fast = fastReadable(oldSide, newSide, options);
    std::vector<std::unique_ptr<LineDecider>> deciders;
    for (unsigned i = 0; i < std::max(1u, options.threads); ++i)
        deciders.push_back(std::make_unique<LineDecider>(oldSide, newSide, options, fast));
    LineJob job = [&](const Line& line, std::string& out, unsigned worker) { deciders[worker]->decide(line, out); };

    auto onDecided = [&](const Verdict& before, const Verdict& after, std::string_view idView,
                         const std::vector<std::string_view>& values) {
        ++report.lines;
        ChangeClass cls = classify(before.outcome, before.route, after.outcome, after.route);
        auto k = static_cast<size_t>(cls);
        ++report.total.cases;
        ++report.total.byClass[k];
        if (report.examples[k].size() < options.examplesPerChange) report.examples[k].emplace_back(idView);
        ImpactTransition& t = transitions[{before.outcome, before.route, after.outcome, after.route}];
        if (t.count == 0) t = {before.outcome, after.outcome, before.route, after.route, 0, {}};
        ++t.count;
        if (t.examples.size() < options.examplesPerChange) t.examples.emplace_back(idView);
        for (size_t i = 0; i < values.size(); ++i) {
            auto it = groups[i].find(values[i]);
            if (it == groups[i].end()) it = groups[i].emplace(std::string(values[i]), ImpactCounts{}).first;
            ++it->second.cases;
            ++it->second.byClass[k];
        }
    };
    auto onError = [&](std::size_t line, std::string_view id, std::string_view message) {
        ++report.lines;
        ++report.errorCount;
        if (report.errors.size() < 20) report.errors.push_back({line, std::string(id), std::string(message)});
    };
    std::vector<std::string_view> values;
    LinesSink sink = [&](std::string_view bytes) {
        LineRecords::read(bytes, options.byFacts.size(), values, onDecided, onError);
    };
    ParallelLinesOptions parallel;
    parallel.threads = options.threads;
    parallel.maxLine = options.maxLine;
    forEachLineInOrder(cases, sink, job, parallel);
    for (const auto& d : deciders) report.fastLines += d->fastLines();

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
