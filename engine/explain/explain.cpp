#include "engine/explain/explain.h"

#include <set>
#include <sstream>

#include "engine/answer/next_step.h"
#include "engine/explain/condition_tree.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

std::string factLabel(const FactInfo& f) { return f.description.empty() ? f.name : f.description + " (" + f.name + ")"; }

std::string operand(const Expr& e) {
    if (e.kind == ExprKind::Name) {
        if (e.fact) return factLabel(*e.fact);
        if (e.named) return e.named->text.empty() ? e.named->name : e.named->text;
        return e.text;
    }
    if (e.kind == ExprKind::Number) return printExpr(e).substr(0, printExpr(e).find(" [")) + (e.unit.empty() ? "" : " " + e.unit);
    if (e.kind == ExprKind::CountOf) return "the number of " + e.text + " where " + conditionInEnglish(*e.args[0]);
    if (e.kind == ExprKind::It) return "it";
    return printExpr(e);
}

std::string unitOf(const Expr& lhs, const Expr& rhs) {
    if (rhs.kind == ExprKind::Number && rhs.unit.empty() && !lhs.type.unit.empty()) return " " + lhs.type.unit;
    return "";
}

std::string setInEnglish(const SetExpr& s) {
    if (!s.ref.empty()) return s.codeset && !s.codeset->description.empty() ? s.codeset->description + " (" + s.ref + ")" : s.ref;
    std::string out;
    for (size_t i = 0; i < s.items.size(); ++i) {
        out += i == 0 ? "" : i + 1 == s.items.size() ? " or " : ", ";
        out += s.items[i].lo + (s.items[i].hi.empty() ? "" : "–" + s.items[i].hi);
    }
    return out;
}

std::string comparisonInEnglish(CompareOp op) {
    switch (op) {
        case CompareOp::Lt: return "is less than";
        case CompareOp::Le: return "is at most";
        case CompareOp::Gt: return "is more than";
        case CompareOp::Ge: return "is at least";
        case CompareOp::Eq: return "is";
        case CompareOp::Ne: return "is not";
    }
    return "";
}

}  // namespace

std::string conditionInEnglish(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Name:
            if (e.named) return e.named->text.empty() ? e.named->name : e.named->text;
            if (e.fact) return factLabel(*e.fact);
            return e.text;
        case ExprKind::Not: return "not: " + conditionInEnglish(*e.args[0]);
        case ExprKind::Compare:
            return operand(*e.args[0]) + " " + comparisonInEnglish(e.compareOp) + " " + operand(*e.args[1]) +
                   unitOf(*e.args[0], *e.args[1]);
        case ExprKind::Is: return operand(*e.args[0]) + (e.negated ? " is not " : " is ") + operand(*e.args[1]);
        case ExprKind::In: return operand(*e.args[0]) + (e.negated ? " is none of " : " is one of ") + setInEnglish(*e.set);
        case ExprKind::Between:
            return operand(*e.args[0]) + " is between " + operand(*e.args[1]) + " and " + operand(*e.args[2]) +
                   unitOf(*e.args[0], *e.args[2]) + " (inclusive)";
        case ExprKind::Within:
            return operand(*e.args[0]) + " is no more than " + operand(*e.args[1]) + " " + e.text + " before the decision date";
        case ExprKind::Has: return operand(*e.args[0]) + " includes " + setInEnglish(*e.set);
        case ExprKind::CodeAt: {
            std::string pos = e.position == CodePosition::Primary     ? "the primary "
                              : e.position == CodePosition::Secondary ? "a secondary "
                                                                      : "any ";
            return pos + (e.codeKind == CodeKind::Procedure ? "procedure" : "diagnosis") + " is " + setInEnglish(*e.set);
        }
        default: return printExpr(e);
    }
}

std::string accessRouteInEnglish(const PolicyModel& p) {
    std::string route = p.accessRoute == "prior_approval" ? "Prior approval: eligible patients need approval before treatment"
                        : p.accessRoute == "not_routinely_commissioned"
                            ? "Not routinely commissioned"
                            : "Criteria-based access: eligible patients proceed and the provider keeps the evidence";
    route += p.ifrAllowed ? ". When the criteria are not met, an Individual Funding Request (IFR) may be made."
                          : ". There is no IFR route.";
    return route;
}

std::string routeInEnglish(Route r) {
    switch (r) {
        case Route::None: return "no approval needed";
        case Route::PriorApproval: return "prior approval";
        case Route::Ifr: return "Individual Funding Request";
        case Route::Panel: return "review panel";
        case Route::FastTrack: return "fast track";
    }
    return "";
}

std::string decisionInEnglish(Outcome o, Route r) {
    std::string words = o == Outcome::Eligible      ? "eligible"
                        : o == Outcome::NotEligible ? "not eligible"
                        : o == Outcome::Review      ? "referred for professional review"
                                                    : "not decided (information missing)";
    if (o == Outcome::Undetermined && r == Route::None) return words;
    if (o == Outcome::NotEligible && r == Route::None) return words + ", no further route";
    return words + ", " + routeInEnglish(r);
}

namespace {

// `cpe explain`'s text: the presented structure (condition_tree.h) as an
// indented list, a criterion's body under it ("(...)" when it reads as one line).
void tree(std::ostringstream& out, const ConditionNode& n, int depth) {
    std::string pad(static_cast<size_t>(depth * 2), ' ');
    auto list = [&](const std::string& head) {
        out << pad << "- " << head << ":\n";
        for (const ConditionNode& c : n.children) tree(out, c, depth + 1);
    };
    switch (n.kind) {
        case ConditionKind::All: list("ALL of"); return;
        case ConditionKind::Any: list("ANY of"); return;
        case ConditionKind::AtLeast: list("AT LEAST " + std::to_string(n.count) + " of"); return;
        case ConditionKind::Criterion: {
            out << pad << "- " << n.text << "  [" << n.criterion << "]\n";
            if (bodyIsPlainFact(n)) return;
            const ConditionNode& body = n.children.front();
            // A group, and a name (a criterion, expanded; a value), on lines of their own.
            bool ownLines = !readsAsOneLine(body) || body.kind == ConditionKind::Criterion ||
                            (body.kind == ConditionKind::Test && body.expr->kind == ExprKind::Name);
            if (ownLines) tree(out, body, depth + 1);
            else out << pad << "    (" << body.text << ")\n";
            return;
        }
        case ConditionKind::Not:
            if (!readsAsOneLine(n)) {
                list("NOT");
                return;
            }
            [[fallthrough]];
        case ConditionKind::Test: out << pad << "- " << n.text << "\n"; return;
    }
}

std::string outcomeWords(const CheckedRule& r) {
    // `exempt` decides eligible with route none unless the rule names another route.
    if (r.outcomeWord == "exempt")
        return r.route == Route::None ? "Outside the restriction (eligible, no approval needed)"
                                      : "Outside the restriction (eligible, route: " + std::string(routeName(r.route)) + ")";
    std::string o = r.outcome == Outcome::Eligible      ? "Eligible"
                    : r.outcome == Outcome::NotEligible ? "Not eligible"
                                                        : "Referred for professional review";
    return o + " (route: " + routeName(r.route) + ")";
}

}  // namespace

nlohmann::ordered_json conditionJson(const ConditionNode& n, const SourceSet* sources) {
    nlohmann::ordered_json j;
    auto list = [&](const char* kind) {
        j["kind"] = kind;
        j["items"] = nlohmann::ordered_json::array();
        for (const ConditionNode& c : n.children) j["items"].push_back(conditionJson(c, sources));
    };
    switch (n.kind) {
        case ConditionKind::All: list("all"); break;
        case ConditionKind::Any: list("any"); break;
        case ConditionKind::AtLeast:
            list("at_least");
            j["count"] = n.count;
            break;
        case ConditionKind::Criterion:
            j["kind"] = "criterion";
            j["criterion"] = n.criterion;
            j["text"] = n.text;
            j["condition"] = conditionJson(n.children.front(), sources);
            break;
        case ConditionKind::Not:
        case ConditionKind::Test:
            j["kind"] = "condition";
            j["text"] = n.text;
            j["expression"] = printExpr(*n.expr);
            if (n.kind == ConditionKind::Not) j["negates"] = conditionJson(n.children.front(), sources);
            break;
    }
    if (sources) j["at"] = sources->libraryLocation(n.span);
    return j;
}

nlohmann::ordered_json rulesJson(const PolicyModel& p, const SourceSet* sources) {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (const CheckedRule& r : p.rules) {
        nlohmann::ordered_json rule;
        rule["outcome"] = outcomeName(r.outcome);
        rule["route"] = routeName(r.route);
        rule["exempt"] = r.outcomeWord == "exempt";
        rule["next_step"] = nextStepFor(p, r.outcome, r.route);
        rule["condition"] = r.when ? conditionJson(conditionTree(*r.when), sources) : nlohmann::ordered_json(nullptr);
        if (sources) rule["at"] = sources->libraryLocation(r.span);
        rules.push_back(std::move(rule));
    }
    return rules;
}

std::string explainPolicy(const PolicyModel& p) {
    std::ostringstream out;
    out << p.title << "  [" << p.id << ", version " << p.version << "]\n";
    out << "In force from " << p.effective << (p.until.empty() ? "" : " until " + p.until) << "\n";
    out << accessRouteInEnglish(p) << "\n";
    if (!p.owner.empty()) out << "Owner: " << p.owner << "\n";
    for (const std::string& s : p.sources) out << "Source: " << s << "\n";
    out << "\n";
    for (size_t i = 0; i < p.rules.size(); ++i) {
        const CheckedRule& r = p.rules[i];
        if (!r.when) {
            out << (i ? "Otherwise: " : "Always: ") << outcomeWords(r) << ".\n";
            continue;
        }
        out << (i ? "Else " : "") << outcomeWords(r) << " when:\n";
        tree(out, conditionTree(*r.when), 1);
    }
    // The words a decision's next_step gives (engine/answer/next_step.h).
    out << "\nNext steps:\n";
    std::set<std::pair<Outcome, Route>> worded;
    for (const CheckedRule& r : p.rules)
        if (worded.insert({r.outcome, r.route}).second)
            out << "  - " << outcomeName(r.outcome) << ", route " << routeName(r.route) << ": "
                << nextStepFor(p, r.outcome, r.route) << "\n";
    out << "  - undetermined: " << nextStepFor(p, Outcome::Undetermined, Route::None) << "\n";
    if (!p.outputs.empty()) {
        out << "\nOutputs:\n";
        for (const auto& o : p.outputs)
            out << "  - " << o->name << (o->text.empty() ? "" : ": " + o->text) << " = " << printExpr(*o->expr) << "\n";
    }
    return out.str();
}

nlohmann::ordered_json explainPolicyJson(const PolicyModel& p, const SourceSet* sources) {
    nlohmann::ordered_json j;
    j["id"] = p.id;
    j["title"] = p.title;
    j["version"] = p.version;
    j["effective"] = p.effective;
    j["until"] = p.until.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.until);
    j["access_route"] = p.accessRoute;
    j["ifr_allowed"] = p.ifrAllowed;
    j["owner"] = p.owner;
    j["sources"] = p.sources;
    j["rules"] = rulesJson(p, sources);
    j["criteria"] = nlohmann::ordered_json::array();
    for (const auto& c : p.criteria)
        j["criteria"].push_back({{"id", c->name}, {"text", c->text}, {"expression", printExpr(*c->expr)}});
    j["outputs"] = nlohmann::ordered_json::array();
    for (const auto& o : p.outputs)
        j["outputs"].push_back({{"name", o->name}, {"text", o->text}, {"expression", printExpr(*o->expr)}});
    return j;
}

}  // namespace cpe
