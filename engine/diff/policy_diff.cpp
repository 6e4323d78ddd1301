#include "engine/diff/policy_diff.h"

#include <algorithm>
#include <map>

#include "engine/syntax/printer.h"

namespace cpe {
namespace {

std::string routeWords(const std::string& accessRoute) {
    if (accessRoute == "prior_approval") return "prior approval";
    if (accessRoute == "not_routinely_commissioned") return "not routinely commissioned";
    return "criteria based";
}

std::string effectiveWords(const PolicyModel& p) {
    return p.until.empty() ? "from " + p.effective : p.effective + " until " + p.until;
}

std::string ruleWords(const CheckedRule& r) {
    std::string s = r.when ? r.outcomeWord : "otherwise " + r.outcomeWord;
    return s + ", route " + routeName(r.route);
}

std::string ruleKey(const CheckedRule& r) { return ruleWords(r) + (r.when ? " when " + printExpr(*r.when) : ""); }

class PolicyDiffer {
public:
    PolicyDiffer(const PolicyModel& a, const SourceSet& sa, const PolicyModel& b, const SourceSet& sb)
        : a_(a), sa_(sa), b_(b), sb_(sb) {}

    PolicyDiff run() {
        diff_.oldSide = side(a_, sa_);
        diff_.newSide = side(b_, sb_);
        header();
        named("criteria", a_.criteria, b_.criteria);
        named("values", a_.values, b_.values);
        named("outputs", a_.outputs, b_.outputs);
        rules();
        coding();
        facts();
        return std::move(diff_);
    }

private:
    const PolicyModel& a_;
    const SourceSet& sa_;
    const PolicyModel& b_;
    const SourceSet& sb_;
    PolicyDiff diff_;

    static PolicyDiff::Side side(const PolicyModel& p, const SourceSet& s) {
        return {p.id, p.version, p.title, p.effective, p.until, s.location(p.span), ""};
    }

    PolicyChange& add(std::string section, std::string kind, std::string name) {
        PolicyChange& c = diff_.changes.emplace_back();
        c.section = std::move(section);
        c.kind = std::move(kind);
        c.name = std::move(name);
        return c;
    }

    void field(const std::string& name, const std::string& before, const std::string& after) {
        if (before == after) return;
        PolicyChange& c = add("header", before.empty() ? "added" : after.empty() ? "removed" : "changed", name);
        c.before = before;
        c.after = after;
        c.oldAt = sa_.location(a_.span);
        c.newAt = sb_.location(b_.span);
    }

    void header() {
        field("title", a_.title, b_.title);
        field("in force", effectiveWords(a_), effectiveWords(b_));
        field("owner", a_.owner, b_.owner);
        field("access route", routeWords(a_.accessRoute), routeWords(b_.accessRoute));
        field("IFR", a_.ifrAllowed ? "allowed" : "none", b_.ifrAllowed ? "allowed" : "none");
        field("extends", a_.extends, b_.extends);
        auto variant = [](const PolicyModel& p) {
            return p.variantOf.empty() ? std::string() : p.variantOf + " when " + printExpr(*p.variantWhen);
        };
        field("variant of", variant(a_), variant(b_));
        for (const std::string& s : a_.sources)
            if (std::find(b_.sources.begin(), b_.sources.end(), s) == b_.sources.end()) field("source", s, "");
        for (const std::string& s : b_.sources)
            if (std::find(a_.sources.begin(), a_.sources.end(), s) == a_.sources.end()) field("source", "", s);
    }

    // Criteria, values or outputs, matched by name; a removed and an added one
    // with the same expression are a rename.
    void named(const std::string& section, const std::vector<std::shared_ptr<NamedExpr>>& as,
               const std::vector<std::shared_ptr<NamedExpr>>& bs) {
        auto find = [](const std::vector<std::shared_ptr<NamedExpr>>& list, const std::string& name) -> const NamedExpr* {
            for (const auto& n : list)
                if (n->name == name) return n.get();
            return nullptr;
        };
        std::vector<const NamedExpr*> removed, added;
        for (const auto& x : as)
            if (!find(bs, x->name)) removed.push_back(x.get());
        for (const auto& y : bs)
            if (!find(as, y->name)) added.push_back(y.get());
        // In the new policy's order, so the report reads like the policy.
        for (const auto& y : bs) {
            const NamedExpr* x = find(as, y->name);
            if (!x) continue;
            std::vector<ExprDetail> details = diffExpr(*x->expr, *y->expr);
            if (details.empty() && x->text == y->text) continue;
            PolicyChange& c = add(section, "changed", y->name);
            c.before = x->text;
            c.after = y->text;
            c.exprBefore = printExpr(*x->expr);
            c.exprAfter = printExpr(*y->expr);
            c.details = std::move(details);
            c.oldAt = sa_.location(x->span);
            c.newAt = sb_.location(y->span);
        }
        for (const NamedExpr* x : removed) {
            auto same = std::find_if(added.begin(), added.end(),
                                     [&](const NamedExpr* y) { return diffExpr(*x->expr, *y->expr).empty(); });
            if (same != added.end()) {
                const NamedExpr* y = *same;
                PolicyChange& c = add(section, "renamed", x->name + " → " + y->name);
                c.before = x->text;
                c.after = y->text;
                c.exprBefore = c.exprAfter = printExpr(*y->expr);
                c.oldAt = sa_.location(x->span);
                c.newAt = sb_.location(y->span);
                added.erase(same);
                continue;
            }
            PolicyChange& c = add(section, "removed", x->name);
            c.before = x->text;
            c.exprBefore = printExpr(*x->expr);
            c.oldAt = sa_.location(x->span);
        }
        for (const NamedExpr* y : added) {
            PolicyChange& c = add(section, "added", y->name);
            c.after = y->text;
            c.exprAfter = printExpr(*y->expr);
            c.newAt = sb_.location(y->span);
        }
    }

    // Rules are matched by a longest common subsequence of their full text;
    // what lies between matches pairs up by position as changed rules.
    void rules() {
        const auto& ra = a_.rules;
        const auto& rb = b_.rules;
        size_t n = ra.size(), m = rb.size();
        std::vector<std::vector<size_t>> lcs(n + 1, std::vector<size_t>(m + 1, 0));
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                lcs[i][j] = ruleKey(ra[i]) == ruleKey(rb[j]) ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        size_t i = 0, j = 0;
        std::vector<size_t> gapA, gapB;
        auto flush = [&] {
            size_t k = 0;
            for (; k < gapA.size() && k < gapB.size(); ++k) changedRule(gapA[k], gapB[k]);
            for (size_t x = k; x < gapA.size(); ++x) {
                PolicyChange& c = add("rules", "removed", "rule " + std::to_string(gapA[x] + 1));
                c.before = ruleWords(ra[gapA[x]]);
                c.exprBefore = ra[gapA[x]].when ? printExpr(*ra[gapA[x]].when) : "";
                c.oldAt = sa_.location(ra[gapA[x]].span);
            }
            for (size_t y = k; y < gapB.size(); ++y) {
                PolicyChange& c = add("rules", "added", "rule " + std::to_string(gapB[y] + 1));
                c.after = ruleWords(rb[gapB[y]]);
                c.exprAfter = rb[gapB[y]].when ? printExpr(*rb[gapB[y]].when) : "";
                c.newAt = sb_.location(rb[gapB[y]].span);
            }
            gapA.clear();
            gapB.clear();
        };
        while (i < n || j < m) {
            if (i < n && j < m && ruleKey(ra[i]) == ruleKey(rb[j])) {
                flush();
                ++i, ++j;
            } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
                gapA.push_back(i++);
            } else {
                gapB.push_back(j++);
            }
        }
        flush();
    }

    void changedRule(size_t i, size_t j) {
        const CheckedRule& x = a_.rules[i];
        const CheckedRule& y = b_.rules[j];
        PolicyChange& c = add("rules", "changed", "rule " + std::to_string(j + 1));
        c.before = ruleWords(x);
        c.after = ruleWords(y);
        c.exprBefore = x.when ? printExpr(*x.when) : "";
        c.exprAfter = y.when ? printExpr(*y.when) : "";
        if (x.when && y.when) c.details = diffExpr(*x.when, *y.when);
        c.oldAt = sa_.location(x.span);
        c.newAt = sb_.location(y.span);
    }

    void coding() {
        const NamedExpr* x = a_.coding.get();
        const NamedExpr* y = b_.coding.get();
        if (!x && !y) return;
        auto flags = [](const NamedExpr& n) {
            std::string s;
            if (n.includesEmergencies) s += "including emergencies";
            if (n.withoutCancerExclusion) s += std::string(s.empty() ? "" : ", ") + "without cancer exclusion";
            return s;
        };
        if (!x || !y) {
            PolicyChange& c = add("coding", x ? "removed" : "added", "coding rule");
            (x ? c.exprBefore : c.exprAfter) = printExpr(*(x ? x : y)->expr);
            return;
        }
        std::vector<ExprDetail> details = diffExpr(*x->expr, *y->expr);
        if (details.empty() && flags(*x) == flags(*y)) return;
        PolicyChange& c = add("coding", "changed", "coding rule");
        c.before = flags(*x);
        c.after = flags(*y);
        c.exprBefore = printExpr(*x->expr);
        c.exprAfter = printExpr(*y->expr);
        c.details = std::move(details);
        c.oldAt = sa_.location(x->span);
        c.newAt = sb_.location(y->span);
    }

    void facts() {
        auto names = [](const PolicyModel& p) {
            std::vector<std::string> out;
            for (const FactInfo* f : p.factsRead) out.push_back(f->name);
            return out;
        };
        std::vector<std::string> fa = names(a_), fb = names(b_);
        for (const auto& f : fa)
            if (std::find(fb.begin(), fb.end(), f) == fb.end()) add("facts", "removed", f);
        for (const auto& f : fb)
            if (std::find(fa.begin(), fa.end(), f) == fa.end()) add("facts", "added", f);
    }
};

}  // namespace

PolicyDiff diffPolicies(const PolicyModel& oldPolicy, const SourceSet& oldSources, const PolicyModel& newPolicy,
                        const SourceSet& newSources) {
    return PolicyDiffer(oldPolicy, oldSources, newPolicy, newSources).run();
}

}  // namespace cpe
