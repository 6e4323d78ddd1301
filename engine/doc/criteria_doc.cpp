#include "engine/doc/criteria_doc.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "engine/answer/next_step.h"
#include "engine/base/sha256.h"
#include "engine/compile/program.h"
#include "engine/diff/policy_diff.h"
#include "engine/doc/test_evidence.h"
#include "engine/doc/thresholds.h"
#include "engine/doc/writer.h"
#include "engine/eval/fact_binding.h"
#include "engine/explain/condition_tree.h"
#include "engine/explain/explain.h"
#include "engine/registry/canonical.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

using doc::Bullet;
using doc::Tone;
using doc::Writer;

std::string code(const std::string& s) { return "`" + s + "`"; }

std::string ruleHeading(const CheckedRule& r, bool first) {
    std::string o;
    if (r.outcomeWord == "exempt") o = "Outside the restriction: eligible, " + routeInEnglish(r.route);
    else if (r.outcome == Outcome::Eligible) o = "Eligible (route: " + routeInEnglish(r.route) + ")";
    else if (r.outcome == Outcome::NotEligible) o = "Not eligible (route: " + routeInEnglish(r.route) + ")";
    else o = "Referred for professional review (route: " + routeInEnglish(r.route) + ")";
    if (!r.when) return (first ? "Always: " : "Otherwise: ") + o;
    return (first ? "" : "Else ") + o + " when:";
}

Tone toneOf(const CheckedRule& r) {
    if (r.outcome == Outcome::Eligible) return Tone::Good;
    if (r.outcome == Outcome::NotEligible) return Tone::Bad;
    return Tone::Warn;
}

std::string listWords(const ConditionNode& n) {
    if (n.kind == ConditionKind::All) return "**all** of:";
    if (n.kind == ConditionKind::Any) return "**any** of:";
    return "**at least " + std::to_string(n.count) + "** of:";
}

// A condition as nested bullets, a rendering of its presented structure
// (engine/explain/condition_tree.h): each group one bullet with its items
// nested under it, criteria by their wording with the test behind each one in
// plain English.
Bullet conditionBullet(const ConditionNode& n);

// `not X` on one line: a criterion (or a named value) by its wording and id.
std::string notLine(const ConditionNode& n) {
    const ConditionNode& x = n.children.front();
    if (x.kind == ConditionKind::Criterion) return "not: " + x.text + "  " + code(x.criterion);
    if (x.kind == ConditionKind::Test && x.expr->kind == ExprKind::Name && x.expr->named)
        return "not: " + x.expr->named->text + "  " + code(x.expr->named->name);
    return n.text;
}

// What a criterion's bullet shows under it: its body as a group, or as one
// line (a criterion it names by its wording alone); nothing for a plain fact.
std::vector<Bullet> criterionBody(const ConditionNode& criterion) {
    if (bodyIsPlainFact(criterion)) return {};
    const ConditionNode& body = criterion.children.front();
    if (!readsAsOneLine(body)) return {conditionBullet(body)};
    if (body.kind == ConditionKind::Criterion) return {{body.text.empty() ? body.criterion : body.text, {}}};
    return {{body.text, {}}};
}

Bullet conditionBullet(const ConditionNode& n) {
    Bullet b;
    switch (n.kind) {
        case ConditionKind::All:
        case ConditionKind::Any:
        case ConditionKind::AtLeast:
            b.text = listWords(n);
            for (const ConditionNode& c : n.children) b.children.push_back(conditionBullet(c));
            break;
        case ConditionKind::Criterion:
            b.text = n.text + "  " + code(n.criterion);
            b.children = criterionBody(n);
            break;
        case ConditionKind::Not:
            if (readsAsOneLine(n)) {
                b.text = notLine(n);
            } else {
                b.text = "**not**:";
                b.children.push_back(conditionBullet(n.children.front()));
            }
            break;
        case ConditionKind::Test: b.text = n.text; break;
    }
    return b;
}

std::string inForceWords(const PolicyModel& p) {
    return p.until.empty() ? "from " + p.effective : p.effective + " to " + p.until;
}

std::string status(const PolicyModel& p, int day) {
    if (day < p.effectiveDay) return "scheduled";
    if (p.untilDay && day > *p.untilDay) return "ended";
    return "in force";
}

std::string link(const std::string& id) { return "[" + id + "](" + id + ".page)"; }

// The changes between two versions as bullets, for "what changed" sections.
std::vector<Bullet> changeBullets(const PolicyDiff& d) {
    std::vector<Bullet> out;
    for (const PolicyChange& c : d.changes) {
        if (c.section == "header" && c.name == "title") continue;  // shown in the pages' headings
        Bullet b;
        std::string what = c.section == "header"     ? c.name
                           : c.section == "criteria" ? "criterion " + code(c.name)
                           : c.section == "values"   ? "value " + code(c.name)
                           : c.section == "outputs"  ? "output " + code(c.name)
                           : c.section == "facts"    ? "fact " + code(c.name)
                           : c.section == "coding"   ? "coding rule"
                                                     : c.name;
        if (c.section == "facts") b.text = (c.kind == "added" ? "Now reads " : "No longer reads ") + code(c.name);
        else if (c.section == "header")
            b.text = what + ": " + (c.before.empty() ? "(none)" : c.before) + " → " + (c.after.empty() ? "(none)" : c.after);
        else if (c.kind == "added")
            b.text =
                "Adds " + what + (c.after.empty() ? "" : ": " + c.after) + (c.exprAfter.empty() ? "" : "  " + code(c.exprAfter));
        else if (c.kind == "removed") b.text = "Removes " + what + (c.before.empty() ? "" : ": " + c.before);
        else if (c.kind == "renamed") b.text = "Renames criterion " + code(c.name);
        else {
            b.text = "Changes " + what;
            for (const ExprDetail& x : c.details)
                b.children.push_back({x.kind == "replaced" ? code(x.before) + " → " + code(x.after) : x.text, {}});
            if (c.before != c.after && c.section != "rules")
                b.children.push_back({"wording: “" + c.before + "” → “" + c.after + "”", {}});
            if (c.section == "rules" && c.before != c.after) b.children.push_back({c.before + " → " + c.after, {}});
        }
        out.push_back(std::move(b));
    }
    if (out.empty()) out.push_back({"No differences in the rules.", {}});
    return out;
}

class DocBuilder {
public:
    DocBuilder(const PolicyLibrary& lib, const DocOptions& o) : lib_(lib), day_(o.day) {
        if (o.testEvidence) evidence_ = TestEvidence::measure(lib);
        for (const UnitText& u : unitTexts(lib.checked()))
            if (u.policy) hashes_[u.policy] = sha256Hex(u.text);
        for (const std::string& id : lib.policyIds()) {
            auto versions = lib.versions(id);
            const CompiledPolicy* lead = lib.find(id, day_);
            lead_[id] = lead ? lead->model : versions.back()->model;
        }
    }

    std::vector<DocFile> build() {
        std::vector<DocFile> files;
        for (auto& [id, model] : lead_) {
            for (bool html : {false, true}) {
                auto w = html ? doc::htmlWriter(model->title + " — " + id) : doc::markdownWriter();
                page(*w, *model);
                files.push_back({id + (html ? ".html" : ".md"), w->finish()});
            }
        }
        for (bool html : {false, true}) {
            auto w = html ? doc::htmlWriter("Clear thresholds and access criteria") : doc::markdownWriter();
            index(*w);
            files.push_back({html ? "index.html" : "index.md", w->finish()});
        }
        if (evidence_) {
            std::vector<std::string> ids;
            for (auto& [id, model] : lead_) ids.push_back(id);
            for (bool html : {false, true}) {
                auto w = html ? doc::htmlWriter("Test evidence — clear thresholds and access criteria") : doc::markdownWriter();
                writeTestEvidence(*w, *evidence_, ids, dayText());
                files.push_back({html ? "tests.html" : "tests.md", w->finish()});
            }
        }
        return files;
    }

private:
    const PolicyLibrary& lib_;
    int day_;
    std::map<const PolicyModel*, std::string> hashes_;
    std::map<std::string, const PolicyModel*> lead_;
    std::optional<TestEvidence> evidence_;

    std::string dayText() const { return formatDate(day_); }

    void page(Writer& w, const PolicyModel& p) {
        w.title("Clear thresholds and access criteria · [all policies](index.page)", p.title,
                code(p.id) + " · version " + p.version + " · in force " + inForceWords(p) + " · " + status(p, day_) + " on " +
                    dayText());

        std::vector<std::pair<std::string, std::string>> facts = {
            {"Policy", code(p.id)},
            {"Version", p.version},
            {"In force", inForceWords(p) + " (" + status(p, day_) + " on " + dayText() + ")"},
            {"Access route", accessRouteInEnglish(p)},
        };
        if (!p.owner.empty()) facts.push_back({"Owner", p.owner});
        if (!p.variantOf.empty())
            facts.push_back({"Variant of", link(p.variantOf) + ", applied when " + conditionInEnglish(*p.variantWhen)});
        else if (!p.extends.empty()) facts.push_back({"Based on", link(p.extends)});
        if (evidence_)
            facts.push_back(
                {"Test evidence", "[" + evidence_->summaryOf(p.id) + "](tests.page#" + testEvidenceAnchor(p.id) + ")"});
        w.definitions(facts);
        if (!p.sources.empty()) {
            w.heading(2, "Sources");
            std::vector<Bullet> s;
            for (const std::string& src : p.sources) s.push_back({src, {}});
            w.bullets(s);
        }

        w.heading(2, "Who is eligible");
        for (size_t i = 0; i < p.rules.size(); ++i) {
            const CheckedRule& r = p.rules[i];
            w.ruleBox(toneOf(r), ruleHeading(r, i == 0),
                      r.when ? std::vector<Bullet>{conditionBullet(conditionTree(*r.when))} : std::vector<Bullet>{});
        }

        w.heading(2, "Criteria");
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : p.criteria)
            rows.push_back({code(c->name), c->text, conditionInEnglish(*c->expr), code(printExpr(*c->expr))});
        w.table({"Criterion", "Wording", "Test", "As written"}, rows);

        // The same wording as a decision's next_step (engine/answer/next_step.h).
        w.heading(2, "What happens next");
        rows.clear();
        std::set<std::pair<Outcome, Route>> worded;
        for (const CheckedRule& r : p.rules)
            if (worded.insert({r.outcome, r.route}).second)
                rows.push_back(
                    {std::string(outcomeName(r.outcome)) + ", route " + routeName(r.route), nextStepFor(p, r.outcome, r.route)});
        rows.push_back({"undetermined", nextStepFor(p, Outcome::Undetermined, Route::None)});
        w.table({"Decision", "Next step"}, rows);

        auto thresholds = thresholdsOf(p);
        if (!thresholds.empty()) {
            w.heading(2, "Thresholds");
            rows.clear();
            for (const Threshold& t : thresholds)
                rows.push_back({code(t.where), t.quantity, t.comparison, "**" + t.limit + "**"});
            w.table({"In", "Quantity", "Limit", "Value"}, rows);
        }

        if (!p.values.empty() || !p.outputs.empty()) {
            w.heading(2, "Values and outputs");
            rows.clear();
            for (const auto& v : p.values) rows.push_back({"value", code(v->name), v->text, code(printExpr(*v->expr))});
            for (const auto& o : p.outputs) rows.push_back({"output", code(o->name), o->text, code(printExpr(*o->expr))});
            w.table({"Kind", "Name", "Meaning", "As written"}, rows);
        }

        w.heading(2, "Facts the policy reads");
        rows.clear();
        for (const FactInfo* f : p.factsRead) rows.push_back({code(f->name), describeFactType(*f), f->description});
        w.table({"Fact", "Type", "Meaning"}, rows);

        variantsSection(w, p);
        versionsSection(w, p);

        auto it = hashes_.find(&p);
        w.footer("Generated by `cpe doc` from " + code(lib_.sources().location(p.span)) +
                 (it == hashes_.end() ? "" : ", policy text sha256 " + code(it->second.substr(0, 16))) +
                 ". These pages and the decisions cpe makes are produced from the same policy source.");
    }

    void variantsSection(Writer& w, const PolicyModel& p) {
        std::vector<std::vector<std::string>> rows;
        for (auto& [id, m] : lead_)
            if (m->variantOf == p.id || (m->variantOf.empty() && m->extends == p.id))
                rows.push_back({link(id), m->title,
                                m->variantWhen ? conditionInEnglish(*m->variantWhen) : "asked for by its own id", m->version});
        if (!rows.empty()) {
            w.heading(2, "Variants");
            w.paragraph("Older area policies and other variants built on this one. A request for " + code(p.id) +
                        " is decided by the variant whose condition the facts meet; each variant can also be asked for by "
                        "its own id.");
            w.table({"Policy", "Title", "Applies when", "Version"}, rows);
        }
        const std::string& parent = !p.variantOf.empty() ? p.variantOf : p.extends;
        if (parent.empty() || !lead_.count(parent)) return;
        const PolicyModel& base = *lead_.at(parent);
        w.heading(2, "Differences from " + parent);
        PolicyDiff d = diffPolicies(base, lib_.sources(), p, lib_.sources());
        // That it extends or is a variant of the base is what the heading says.
        std::erase_if(d.changes, [](const PolicyChange& c) {
            return c.section == "header" && (c.name == "extends" || c.name == "variant of");
        });
        w.bullets(changeBullets(d));
    }

    void versionsSection(Writer& w, const PolicyModel& p) {
        auto versions = lib_.versions(p.id);
        w.heading(2, "Versions");
        std::vector<std::vector<std::string>> rows;
        for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
            const PolicyModel& v = *(*it)->model;
            auto h = hashes_.find(&v);
            rows.push_back({v.version + (&v == &p ? " (this page)" : ""), inForceWords(v), status(v, day_),
                            h == hashes_.end() ? "" : code(h->second.substr(0, 12))});
        }
        w.table({"Version", "In force", "Status on " + dayText(), "Text sha256"}, rows);
        for (size_t i = versions.size(); i-- > 1;) {
            const PolicyModel& older = *versions[i - 1]->model;
            const PolicyModel& newer = *versions[i]->model;
            w.heading(3, "What changed in version " + newer.version + " (from " + older.version + ")");
            w.bullets(changeBullets(diffPolicies(older, lib_.sources(), newer, lib_.sources())));
        }
    }

    void index(Writer& w) {
        w.title("Essex commissioning policies", "Clear thresholds and access criteria",
                std::to_string(lead_.size()) + " policies · versions in force on " + dayText());
        w.paragraph(
            "Each page sets out a policy's access route, its criteria in the policy's own words, the thresholds it "
            "applies, its sources and the dates it is in force. The pages are generated from the same policy "
            "files that decide referrals, so they always match the rules applied.");
        if (evidence_)
            w.paragraph(
                "How closely each policy's tests pin its criteria and thresholds — coverage and mutation testing — is "
                "set out in the [test evidence](tests.page).");
        std::map<std::string, std::vector<const PolicyModel*>> groups;
        for (auto& [id, m] : lead_) groups[id.substr(0, id.find('.'))].push_back(m);
        static const std::map<std::string, std::string> names = {{"ebi", "Evidence-Based Interventions"},
                                                                 {"fertility", "Specialist fertility services"},
                                                                 {"chc", "Continuing Healthcare"},
                                                                 {"s117", "Section 117 aftercare"},
                                                                 {"srp", "Service restriction policies"}};
        for (auto& [group, models] : groups) {
            auto name = names.find(group);
            w.heading(2, name == names.end() ? group : name->second);
            std::vector<std::vector<std::string>> rows;
            for (const PolicyModel* m : models) {
                std::string route = m->accessRoute == "prior_approval"               ? "prior approval"
                                    : m->accessRoute == "not_routinely_commissioned" ? "not routinely commissioned"
                                                                                     : "criteria based";
                // The index lists the versions in force on the day; only the
                // exceptions (a policy not yet or no longer in force) say so.
                std::string state = status(*m, day_);
                rows.push_back({link(m->id), m->title, m->version,
                                inForceWords(*m) + (state == "in force" ? "" : " (" + state + ")"), route});
            }
            w.table({"Policy", "Title", "Version", "In force", "Access route"}, rows);
        }
        w.footer("Generated by `cpe doc` on the policies in force on " + dayText() + ".");
    }
};

}  // namespace

std::vector<DocFile> criteriaDocument(const PolicyLibrary& lib, const DocOptions& options) {
    return DocBuilder(lib, options).build();
}

}  // namespace cpe
