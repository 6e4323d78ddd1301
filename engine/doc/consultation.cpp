#include "engine/doc/consultation.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "engine/base/html.h"
#include "engine/base/number_format.h"
#include "engine/doc/thresholds.h"
#include "engine/doc/writer.h"
#include "engine/explain/condition_tree.h"
#include "engine/explain/explain.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

std::string code(const std::string& s) { return "`" + s + "`"; }
std::string quote(const std::string& s) { return "“" + s + "”"; }
std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

struct Item {
    std::string text;  // inline marks, as doc::inlineHtml reads them
    std::vector<std::string> children;
};

// The groups a reader looks for, in the order the page shows them.
const std::vector<std::pair<std::string, std::string>> kGroups = {
    {"criteria", "Criteria"},
    {"rules", "Who is eligible"},
    {"route", "How to apply"},
    {"offered", "What is offered"},
    {"facts", "Information the policy asks for"},
    {"header", "Dates and other details"},
    {"coding", "Audit of activity"},
};

const NamedExpr* namedIn(const PolicyModel& p, const std::string& name) {
    for (const auto* list : {&p.criteria, &p.values, &p.outputs})
        for (const auto& n : *list)
            if (n->name == name) return n.get();
    return nullptr;
}

// A criterion, value or output by its published wording, else its name.
std::string wording(const PolicyModel& p, const std::string& name) {
    const NamedExpr* n = namedIn(p, name);
    return n && !n->text.empty() ? quote(n->text) : code(name);
}

std::string factWords(const PolicyModel& p, const std::string& name) {
    for (const FactInfo* f : p.factsRead)
        if (f->name == name) return (f->description.empty() ? name : f->description) + " (" + code(name) + ")";
    return code(name);
}

bool isThreshold(const ExprDetail& d) {
    return d.kind == "threshold" || d.kind == "operator" || d.kind == "count" || d.kind == "period_unit";
}

// "eligible, route prior_approval" or "otherwise not_eligible, route ifr", as
// the diff writes a rule's decision, in words.
std::string ruleDecisionWords(const std::string& text) {
    std::string s = text.rfind("otherwise ", 0) == 0 ? text.substr(10) : text;
    std::string outcome = s.substr(0, s.find(','));
    std::string route = s.find(", route ") == std::string::npos ? "none" : s.substr(s.find(", route ") + 8);
    for (Outcome o : {Outcome::Eligible, Outcome::NotEligible, Outcome::Review, Outcome::Undetermined})
        for (Route r : {Route::None, Route::PriorApproval, Route::Ifr, Route::Panel, Route::FastTrack})
            if (outcome == outcomeName(o) && route == routeName(r))
                return (text.rfind("otherwise ", 0) == 0 ? "otherwise " : "") + decisionInEnglish(o, r);
    return text;
}

// An item added to or removed from a group of a rule, by its wording.
std::string groupItem(const ExprDetail& d, const PolicyModel& p, bool added) {
    const std::string item = wording(p, added ? d.after : d.before);
    if (d.subject.rfind("all of", 0) == 0) return (added ? "Now also required: " : "No longer required: ") + item;
    if (d.subject.rfind("any of", 0) == 0)
        return (added ? "Now also enough on its own (one of the alternatives): " : "No longer one of the alternatives: ") + item;
    return d.text;
}

const CheckedRule* ruleNumbered(const PolicyModel& p, const std::string& name) {
    size_t n = name.rfind("rule ", 0) == 0 ? std::strtoul(name.c_str() + 5, nullptr, 10) : 0;
    return n >= 1 && n <= p.rules.size() ? &p.rules[n - 1] : nullptr;
}

// A rule's condition by the criteria's wording, one line: its presented
// structure (engine/explain/condition_tree.h) with groups spelt out.
std::string conditionWords(const ConditionNode& n) {
    switch (n.kind) {
        case ConditionKind::Criterion: return quote(n.text.empty() ? n.criterion : n.text);
        case ConditionKind::Test: return n.text;
        case ConditionKind::Not: return "not " + conditionWords(n.children.front());
        default: break;
    }
    std::string s = n.kind == ConditionKind::All   ? "all of ("
                    : n.kind == ConditionKind::Any ? "any of ("
                                                   : "at least " + std::to_string(n.count) + " of (";
    for (size_t i = 0; i < n.children.size(); ++i) s += (i ? ", " : "") + conditionWords(n.children[i]);
    return s + ")";
}

std::string ruleWords(const CheckedRule& r) {
    return decisionInEnglish(r.outcome, r.route) + (r.when ? " when " + conditionWords(conditionTree(*r.when)) : " otherwise");
}

// What a criterion tests (the criteria it names by their wording), or a value's expression in English.
std::string testWords(const NamedExpr& n, bool criterion) {
    return criterion ? conditionWords(conditionTree(*n.expr)) : conditionInEnglish(*n.expr);
}

// The old rule a changed rule was paired with: the one with its condition as written.
const CheckedRule* oldRule(const PolicyModel& p, const PolicyChange& c) {
    for (const CheckedRule& r : p.rules)
        if ((r.when ? printExpr(*r.when) : "") == c.exprBefore) return &r;
    return nullptr;
}

// Every change but the thresholds (the table shows those), in plain words, by group.
std::map<std::string, std::vector<Item>> plainChanges(const RuleComparison& rc) {
    const PolicyModel& a = *rc.before;
    const PolicyModel& b = *rc.after;
    std::map<std::string, std::vector<Item>> out;
    for (const PolicyChange& c : rc.diff.changes) {
        bool onlyThresholds = !c.details.empty();
        for (const ExprDetail& d : c.details) onlyThresholds &= isThreshold(d);
        if (c.section == "header") {
            if (c.name == "title" || c.name == "extends" || c.name == "variant of") continue;
            std::string group = c.name == "access route" || c.name == "IFR" ? "route" : "header";
            auto v = [](const std::string& x) { return x.empty() ? std::string("(none)") : x; };
            std::string what = c.name == "IFR" ? "Individual Funding Request" : capitalised(c.name);
            out[group].push_back({what + ": " + v(c.before) + " → **" + v(c.after) + "**", {}});
            continue;
        }
        if (c.section == "facts") {
            out["facts"].push_back(
                {c.kind == "added" ? "Newly asks for: " + factWords(b, c.name) : "No longer asks for: " + factWords(a, c.name),
                 {}});
            continue;
        }
        if (c.section == "coding") {
            out["coding"].push_back(
                {"The coding rule that counts activity in an audit changes (who is eligible does not "
                 "depend on it).",
                 {}});
            continue;
        }
        if (c.section == "rules") {
            const CheckedRule* rb = ruleNumbered(b, c.name);
            const CheckedRule* ra = c.kind == "removed" ? ruleNumbered(a, c.name) : nullptr;
            if (c.kind == "added" && rb) {
                out["rules"].push_back({"New decision rule: " + ruleWords(*rb), {}});
            } else if (c.kind == "removed" && ra) {
                out["rules"].push_back({"Decision rule removed: " + ruleWords(*ra), {}});
            } else {
                Item item{"Decision rule " + c.name.substr(5) + " changes:", {}};
                for (const ExprDetail& d : c.details)
                    if (d.kind == "item_added" || d.kind == "item_removed")
                        item.children.push_back(groupItem(d, d.kind == "item_added" ? b : a, d.kind == "item_added"));
                if (c.before != c.after)
                    item.children.push_back("Decision: " + ruleDecisionWords(c.before) + " → **" + ruleDecisionWords(c.after) +
                                            "**");
                if (const CheckedRule* old = oldRule(a, c)) item.children.push_back("Now: " + ruleWords(*old));
                if (rb) item.children.push_back("Proposed: **" + ruleWords(*rb) + "**");
                out["rules"].push_back(std::move(item));
            }
            continue;
        }
        // Criteria, values and outputs.
        const bool criterion = c.section == "criteria";
        const std::string group = criterion ? "criteria" : "offered";
        const NamedExpr* nb = namedIn(b, c.name);
        const NamedExpr* na = namedIn(a, c.name);
        if (c.kind == "added") {
            Item item{(criterion ? "New criterion: " : "New: ") + quote(c.after.empty() ? c.name : c.after), {}};
            if (nb) item.children.push_back(testWords(*nb, criterion));
            out[group].push_back(std::move(item));
        } else if (c.kind == "removed") {
            Item item{(criterion ? "Criterion removed: " : "Removed: ") + quote(c.before.empty() ? c.name : c.before), {}};
            if (na) item.children.push_back("It was: " + testWords(*na, criterion));
            out[group].push_back(std::move(item));
        } else if (c.kind == "renamed") {
            if (c.before != c.after) out[group].push_back({"Reworded: " + quote(c.before) + " → " + quote(c.after), {}});
        } else {
            if (c.before != c.after) out[group].push_back({"Reworded: " + quote(c.before) + " → " + quote(c.after), {}});
            if (!onlyThresholds && c.exprBefore != c.exprAfter && na && nb)
                out[group].push_back({wording(b, c.name) + " changes:",
                                      {"Now: " + testWords(*na, criterion), "Proposed: " + testWords(*nb, criterion)}});
        }
    }
    return out;
}

struct ThresholdRow {
    std::string in, quantity, now, proposed;
};

// The limits that move, read from both policies as the published pages read
// them (engine/doc/thresholds.h), paired by where they are and their order there.
std::vector<ThresholdRow> thresholdChanges(const RuleComparison& rc) {
    std::map<std::string, std::vector<Threshold>> before;
    for (Threshold& t : thresholdsOf(*rc.before)) before[t.where].push_back(std::move(t));
    std::map<std::string, size_t> seen;
    std::vector<ThresholdRow> rows;
    for (const Threshold& t : thresholdsOf(*rc.after)) {
        size_t i = seen[t.where]++;
        auto it = before.find(t.where);
        if (it == before.end() || i >= it->second.size()) continue;
        const Threshold& old = it->second[i];
        std::string now = old.comparison + " " + old.limit, proposed = t.comparison + " " + t.limit;
        if (now != proposed) rows.push_back({wording(*rc.after, t.where), t.quantity, now, proposed});
    }
    return rows;
}

std::string inlineText(const std::string& marked) { return doc::inlineHtml(marked); }

std::string itemsHtml(const std::vector<Item>& items) {
    std::string h = "<ul class=\"tree\">\n";
    for (const Item& i : items) {
        h += "<li>" + inlineText(i.text);
        if (!i.children.empty()) {
            h += "\n<ul class=\"tree\">\n";
            for (const std::string& c : i.children) h += "<li>" + inlineText(c) + "</li>\n";
            h += "</ul>\n";
        }
        h += "</li>\n";
    }
    return h + "</ul>\n";
}

std::string comparisonHtml(const RuleComparison& rc, bool several) {
    std::ostringstream h;
    if (several)
        h << "<h3>"
          << inlineText("Now: " + rc.before->title + " (" + code(rc.before->id) + ", version " + rc.before->version + ")")
          << "</h3>\n";
    if (rc.diff.empty()) {
        h << "<p>The proposed rules are the same as these.</p>\n";
        return h.str();
    }
    h << "<p class=\"muted\">In short: " << escapeHtml(diffSummary(rc.diff)) << ".</p>\n";
    std::vector<ThresholdRow> thresholds = thresholdChanges(rc);
    if (!thresholds.empty()) {
        h << "<h4>Thresholds</h4>\n<table><tr><th>In</th><th>What is measured</th><th>Now</th><th>Proposed</th></tr>\n";
        for (const ThresholdRow& t : thresholds)
            h << "<tr><td>" << inlineText(t.in) << "</td><td>" << inlineText(t.quantity) << "</td><td>" << inlineText(t.now)
              << "</td><td><strong>" << inlineText(t.proposed) << "</strong></td></tr>\n";
        h << "</table>\n";
    }
    auto groups = plainChanges(rc);
    for (const auto& [key, title] : kGroups) {
        auto it = groups.find(key);
        if (it == groups.end() || it->second.empty()) continue;
        h << "<h4>" << title << "</h4>\n" << itemsHtml(it->second);
    }
    return h.str();
}

}  // namespace

std::string consultationPage(const std::vector<RuleComparison>& rules, const ImpactReport& impact) {
    const PolicyModel* proposal = rules.empty() ? nullptr : rules.front().after;
    const std::string title = proposal ? proposal->title : impact.newLabel;
    std::ostringstream h;
    h << pageHead("Consultation: " + title, std::string(impactStyles()) + R"css(
h4 { font-size: 15px; margin: 16px 0 6px; }
nav.contents { margin: 14px 0 4px; font-size: 14px; }
)css");
    h << "<header class=\"band\"><div class=\"kicker\">Public consultation · proposed policy change</div><h1>"
      << escapeHtml(title) << "</h1><div class=\"sub\">" << escapeHtml(impact.oldLabel) << " → " << escapeHtml(impact.newLabel)
      << " · " << thousands(impact.total.cases) << " cases decided under both</div></header>\n<main>\n";
    h << "<p>This page sets out what the proposed policy would change: first the rules themselves, in the wording the "
         "published criteria use, then what the change would mean for "
      << thousands(impact.total.cases)
      << " example cases, each decided under the rules now in force and under the proposal. It is produced from the "
         "policy files that decide referrals, so it says exactly what the proposal does.</p>\n"
         "<nav class=\"contents\" aria-label=\"On this page\"><a href=\"#rules\">What changes in the rules</a> · "
         "<a href=\"#impact\">Whom it affects</a></nav>\n";
    h << "<h2 id=\"rules\">What changes in the rules</h2>\n";
    for (const RuleComparison& rc : rules) h << comparisonHtml(rc, rules.size() > 1);
    h << "<h2 id=\"impact\">Whom it affects</h2>\n" << impactSectionsHtml(impact);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", impact.seconds);
    h << "<footer>Generated by <code>cpe diff " << escapeHtml(impact.oldLabel) << " " << escapeHtml(impact.newLabel)
      << " --cases …</code> from " << thousands(impact.lines) << " input lines in " << seconds
      << " s. Each case was decided under both versions on its own <code>as_of</code> date.</footer>\n</main>\n"
      << pageFoot();
    return h.str();
}

}  // namespace cpe
