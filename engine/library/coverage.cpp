#include "engine/library/coverage.h"

#include <algorithm>
#include <map>

#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"
#include "engine/library/test_runner.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

bool isConstantOperand(const Expr& e) {
    return e.kind == ExprKind::Number || e.kind == ExprKind::Date || e.enumOrdinal >= 0 ||
           (e.kind == ExprKind::Negate && !e.args.empty() && e.args[0]->kind == ExprKind::Number);
}

// The side of an edge a value a fact can take may reach.
void limitSides(EdgeCoverage& edge, const Expr* compared, double value) {
    if (!compared || !compared->fact) return;
    const FactInfo& f = *compared->fact;
    if (f.type.kind == TypeKind::Enum && f.type.enumInfo) {
        edge.belowPossible = value > 0;
        edge.abovePossible = value < static_cast<double>(f.type.enumInfo->members.size()) - 1;
        return;
    }
    if (f.min && value <= *f.min) edge.belowPossible = false;
    if (f.max && value >= *f.max) edge.abovePossible = false;
}

// One comparison's description and its edges, from the expression it was
// compiled from; null when the node is not a comparison with constants.
struct Site {
    ComparisonCoverage coverage;
    std::vector<double> edgeValues;  // the first reading's edges, for the sides
};

void addEdge(Site& s, const Expr& constant, bool equality) {
    EdgeCoverage e;
    e.value = printExpr(constant);
    e.equality = equality;
    s.coverage.edges.push_back(e);
}

struct PolicyRun {
    const CompiledPolicy* compiled = nullptr;
    PolicyCoverage result;
    std::map<uint32_t, size_t> siteOfNode;  // node -> index in comparisons
    bool prepared = false;
};

void prepare(PolicyRun& run, const SourceSet& sources) {
    const Program& p = run.compiled->program;
    PolicyCoverage& c = run.result;
    c.policy = run.compiled->model->id;
    c.version = run.compiled->model->version;
    for (const CompiledRule& r : p.rules) {
        RuleCoverage rc;
        rc.at = r.at;
        rc.text =
            std::string(r.exempt ? "exempt" : outcomeName(r.outcome)) + (r.when < 0 ? " otherwise" : " when " + r.conditionText);
        c.rules.push_back(rc);
    }
    for (const CompiledCriterion& cr : p.criteria) c.criteria.push_back({cr.id, cr.at});
    (void)sources;
    run.prepared = true;
}

// Adds the comparison a reading belongs to, the first time it is seen.
ComparisonCoverage* siteFor(PolicyRun& run, const Evaluator::Reading& r, const SourceSet& sources) {
    auto found = run.siteOfNode.find(r.node);
    if (found != run.siteOfNode.end()) return &run.result.comparisons[found->second];
    const Program& p = run.compiled->program;
    const Expr* e = r.node < p.nodeExprs.size() ? p.nodeExprs[r.node] : nullptr;
    if (!e) return nullptr;
    Site s;
    s.coverage.at = sources.location(e->span);
    s.coverage.text = printExpr(*e);
    switch (e->kind) {
        case ExprKind::Compare:
        case ExprKind::Is: {
            bool constRight = isConstantOperand(*e->args[1]);
            const Expr& constant = constRight ? *e->args[1] : *e->args[0];
            const Expr& compared = constRight ? *e->args[0] : *e->args[1];
            bool equality = e->kind == ExprKind::Is || isEquality(e->compareOp);
            addEdge(s, constant, equality);
            limitSides(s.coverage.edges.back(), &compared, r.edges[0]);
            break;
        }
        case ExprKind::Between:
            addEdge(s, *e->args[1], false);
            limitSides(s.coverage.edges.back(), e->args[0].get(), r.edges[0]);
            addEdge(s, *e->args[2], false);
            limitSides(s.coverage.edges.back(), e->args[0].get(), r.edges[1]);
            break;
        case ExprKind::Within: {
            EdgeCoverage edge;
            edge.value = printExpr(*e->args[1]) + " " + e->text;
            s.coverage.edges.push_back(edge);
            s.coverage.within = true;
            break;
        }
        default: return nullptr;
    }
    if (s.coverage.edges.size() != r.edgeCount) return nullptr;
    run.siteOfNode[r.node] = run.result.comparisons.size();
    run.result.comparisons.push_back(std::move(s.coverage));
    return &run.result.comparisons.back();
}

void record(ComparisonCoverage& site, const Evaluator::Reading& r) {
    if (!r.known) return;
    for (size_t i = 0; i < site.edges.size(); ++i) {
        EdgeCoverage& e = site.edges[i];
        double edge = r.edges[i];
        if (r.value < edge) e.below = true;
        else if (r.value > edge) e.above = true;
        else e.at = true;
    }
}

void total(PolicyCoverage& c) {
    c.covered = c.total = 0;
    auto count = [&](bool possible, bool seen) {
        if (!possible) return;
        ++c.total;
        c.covered += seen;
    };
    for (const RuleCoverage& r : c.rules) count(true, r.decided);
    for (const CriterionCoverage& cr : c.criteria) {
        count(true, cr.seenTrue);
        count(true, cr.seenFalse);
    }
    for (const ComparisonCoverage& s : c.comparisons)
        for (const EdgeCoverage& e : s.edges) {
            count(true, e.at);
            if (e.equality) {
                count(e.belowPossible || e.abovePossible, e.below || e.above);
            } else {
                count(e.belowPossible, e.below);
                count(e.abovePossible, e.above);
            }
        }
}

}  // namespace

std::vector<std::string> PolicyCoverage::gaps() const {
    std::vector<std::string> out;
    for (const RuleCoverage& r : rules)
        if (!r.decided) out.push_back(r.at + ": rule `" + r.text + "`: decided no test");
    for (const CriterionCoverage& c : criteria) {
        std::string missing;
        if (!c.seenTrue) missing = "never true";
        if (!c.seenFalse) missing += std::string(missing.empty() ? "" : ", ") + "never false";
        if (!missing.empty()) out.push_back(c.at + ": criterion " + c.id + ": " + missing + " in a test");
    }
    for (const ComparisonCoverage& s : comparisons) {
        std::vector<std::string> missing;
        for (const EdgeCoverage& e : s.edges) {
            const std::string& v = e.value;
            if (s.within) {
                if (!e.at) missing.push_back("no test exactly " + v + " before the decision date");
                if (!e.below) missing.push_back("none longer ago than " + v);
                if (!e.above) missing.push_back("none more recent than " + v);
                continue;
            }
            if (!e.at) missing.push_back("no test at " + v);
            if (e.equality) {
                if ((e.belowPossible || e.abovePossible) && !e.below && !e.above) missing.push_back("none other than " + v);
                continue;
            }
            if (e.belowPossible && !e.below) missing.push_back("none below " + v);
            if (e.abovePossible && !e.above) missing.push_back("none above " + v);
        }
        if (missing.empty()) continue;
        std::string line = s.at + ": `" + s.text + "`: ";
        for (size_t i = 0; i < missing.size(); ++i) line += (i ? ", " : "") + missing[i];
        out.push_back(line);
    }
    return out;
}

std::vector<PolicyCoverage> measureCoverage(const PolicyLibrary& lib) {
    std::map<const CompiledPolicy*, PolicyRun> runs;
    Evaluator::Probe probe;
    for (const TestDecl* t : lib.checked().tests) {
        TestRequest request = testRequest(lib, *t);
        std::optional<int> day = request.asOf ? parseDate(*request.asOf) : std::optional<int>(todayDay());
        if (!day) continue;
        DecideRequest d{t->policy, &request.facts, request.asOf};
        const CompiledPolicy* compiled = lib.select(d, *day);
        if (!compiled) continue;
        FactValues facts;
        if (bindFacts(lib.checked(), compiled->program, request.facts, facts)) continue;  // a test of refused facts
        PolicyRun& run = runs[compiled];
        if (!run.prepared) {
            run.compiled = compiled;
            prepare(run, lib.sources());
        }
        ++run.result.tests;
        Evaluator(compiled->program).probe(FactView::of(facts), *day, probe);
        if (probe.decidingRule >= 0) run.result.rules[static_cast<size_t>(probe.decidingRule)].decided = true;
        for (size_t i = 0; i < probe.criteria.size(); ++i) {
            CriterionCoverage& c = run.result.criteria[i];
            if (probe.criteria[i] == static_cast<uint8_t>(Tri::True)) c.seenTrue = true;
            if (probe.criteria[i] == static_cast<uint8_t>(Tri::False)) c.seenFalse = true;
            if (probe.criteria[i] == static_cast<uint8_t>(Tri::Unknown)) c.seenUnknown = true;
        }
        for (const Evaluator::Reading& r : probe.readings)
            if (ComparisonCoverage* site = siteFor(run, r, lib.sources())) record(*site, r);
    }
    std::vector<PolicyCoverage> out;
    std::map<std::string, bool> tested;
    for (auto& [compiled, run] : runs) {
        total(run.result);
        tested[run.result.policy] = true;
        out.push_back(std::move(run.result));
    }
    for (const std::string& id : lib.policyIds()) {
        if (tested.count(id)) continue;
        std::vector<const CompiledPolicy*> versions = lib.versions(id);
        if (versions.empty()) continue;
        PolicyRun run;
        run.compiled = versions.back();
        prepare(run, lib.sources());
        total(run.result);
        out.push_back(std::move(run.result));
    }
    std::sort(out.begin(), out.end(), [](const PolicyCoverage& a, const PolicyCoverage& b) {
        return a.policy != b.policy ? a.policy < b.policy : a.version < b.version;
    });
    return out;
}

}  // namespace cpe
