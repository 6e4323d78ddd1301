// What is published decides as the engine does.
//
// The board publishes each policy's rules as `cpe doc` pages (Markdown and
// HTML); `cpe explain` (text and JSON) and GET /v1/policies/{id} (rulesJson,
// the JSON `cpe explain` gives) show them too. Every one renders the same
// presented structure, conditionTree() (engine/explain/condition_tree.h).
// For every policy version in policies/, every policy of a fuzz corpus file
// that builds, and a fixture with every way to nest a condition:
//   1. a small interpreter over the ConditionNode tree: all / any / at least /
//      not combine their children, a criterion is what is shown under it (its
//      body), a test is evaluated through its Expr by the independent
//      two-valued interpreter of exact_reference.h; the rules are read in
//      order down to `otherwise`;
//   2. each rendering read back from its text alone: a rule's heading gives
//      its outcome and route, the group headings ("**any** of:", "ANY of:",
//      "kind": "any", ...) and the nesting give the structure, and each line
//      that states a condition is matched, in reading order, to the node of
//      the tree it states (its wording must be that node's) and evaluated
//      through the node's Expr the same way;
// on fully known fact sets, each fact drawn from the reference's boundary
// classes as test_exact_property.cpp draws them (every combination of classes
// when there are at most 5,000, else 5,000 seeded random ones), the outcome
// and route of each must be PolicyLibrary::decide's.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include "engine/doc/criteria_doc.h"
#include "engine/explain/condition_tree.h"
#include "engine/explain/explain.h"
#include "exact_reference.h"
#include "library_fixture.h"

using namespace cpe;
using exact::Reference;
using exact::Val;

namespace {

// ---------------------------------------------------------------- libraries

// Every way to nest a condition, and each presentation path of the renderers:
// groups in groups, `not` of a group, of a criterion and of `not`, a
// criterion naming a criterion, `and`/`or` among `of` groups, an exempt rule
// with a route of its own.
const char* kNesting = R"(module nx {
    fact a: boolean "A holds"
    fact b: boolean "B holds"
    fact c: boolean "C holds"
    fact d: boolean "D holds"
    fact n: integer in 0..10 "A number"
    fact lv: enum (low, mid, high) "A level"
}

policy nx.nesting {
    title "Every way to nest a condition"
    version "1"
    effective 2026-01-01
    route prior approval
    use nx
    criterion ca "A" = a
    criterion cb "B" = b
    criterion cc "C" = c
    criterion cd "D" = d
    criterion big "The number is at least 5" = n >= 5
    criterion either "A or B" = any of (ca, cb)
    criterion alias "Either, by another name" = either
    criterion two_of "Two of A, B and C, or D" = any of (at least 2 of (ca, cb, cc), cd)
    criterion not_both "Not both A and B" = not all of (ca, cb)
    criterion no_b "Not B" = not cb
    criterion at_mid "The level is mid" = lv is mid
    value score "Score" = if a then n else 0
    decide {
        exempt route fast_track when all of (cd, not any of (ca, cb), big)
        review when not not cc and no_b and not big
        not_eligible when at least 2 of (all of (ca, cb), any of (cc, big), not at_mid) and not (cc or cd)
        eligible when any of (all of (ca, any of (cb, at least 1 of (cc, cd))), two_of and not_both, alias and at_mid)
        eligible route fast_track when (a and b) or (c and not d) or score >= 7
        review route none when not (any of (ca, cb) or all of (cc, any of (cd, big)))
        otherwise not_eligible
    }
}
)";

struct Library {
    std::string name;
    std::shared_ptr<const PolicyLibrary> lib;
};

std::shared_ptr<const PolicyLibrary> load(const std::vector<std::string>& paths) {
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    return PolicyLibrary::load(paths, diags, sources);
}

// policies/; each fuzz corpus file that builds on its own, or with the shared
// modules the seeds were cut from (policies/shared, the fertility facts); the
// nesting fixture.
const std::vector<Library>& libraries() {
    static const std::vector<Library> libs = [] {
        std::vector<Library> out;
        const std::string root = CPE_SOURCE_DIR;
        auto bundled = load({root + "/policies"});
        if (!bundled) throw std::runtime_error("policies/ does not build");
        out.push_back({"policies/", bundled});
        std::vector<std::string> corpus;
        for (const auto& f : std::filesystem::directory_iterator(root + "/fuzz/corpus"))
            if (f.path().extension() == ".cpl") corpus.push_back(f.path().string());
        std::sort(corpus.begin(), corpus.end());
        for (const std::string& f : corpus) {
            std::string name = "fuzz/corpus/" + std::filesystem::path(f).filename().string();
            if (auto alone = load({f})) out.push_back({name, alone});
            else if (auto withModules = load({f, root + "/policies/shared", root + "/policies/fertility/fertility_facts.cpl"}))
                out.push_back({name + " (with the shared modules)", withModules});
        }
        auto nesting = testing::build({{"nesting.cpl", kNesting}});
        if (!nesting.library) throw std::runtime_error(nesting.errors());
        out.push_back({"the nesting fixture", nesting.library});
        return out;
    }();
    return libs;
}

// The same helpers as test_exact_property.cpp: a day the version is in force,
// a seed per policy id, the facts as the engine is sent them.
int asOfFor(const PolicyModel& m) {
    int want = *parseDate("2026-06-01");
    if (want >= m.effectiveDay && (!m.untilDay || want <= *m.untilDay)) return want;
    return m.untilDay ? std::min(m.effectiveDay + 60, *m.untilDay) : m.effectiveDay + 60;
}

uint32_t seedOf(const std::string& id) {
    uint32_t h = 2166136261u;
    for (char c : id) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
    return h;
}

nlohmann::json factsJson(const Reference& ref, const std::vector<Val>& values) {
    nlohmann::json j = nlohmann::json::object();
    for (size_t i = 0; i < values.size(); ++i) j[ref.facts()[i]->name] = ref.toJson(i, values[i]);
    return j;
}

// ---------------------------------------------------------------- 1. the tree

bool holds(const ConditionNode& n, const Reference& ref, const std::vector<Val>& v) {
    switch (n.kind) {
        case ConditionKind::All:
            return std::all_of(n.children.begin(), n.children.end(), [&](const ConditionNode& c) { return holds(c, ref, v); });
        case ConditionKind::Any:
            return std::any_of(n.children.begin(), n.children.end(), [&](const ConditionNode& c) { return holds(c, ref, v); });
        case ConditionKind::AtLeast: {
            int yes = 0;
            for (const ConditionNode& c : n.children) yes += holds(c, ref, v);
            return yes >= n.count;
        }
        case ConditionKind::Not: return !holds(n.children.front(), ref, v);
        case ConditionKind::Criterion: return holds(n.children.front(), ref, v);
        case ConditionKind::Test: return ref.holds(*n.expr, v);
    }
    return false;
}

// ---------------------------------------------------------------- 2. the renderings, read back

// A condition as a rendering shows it.
struct Shown {
    enum class Kind { All, Any, AtLeast, Not, Wrapper, Line } kind = Kind::Line;
    int count = 0;
    std::string text;
    std::vector<Shown> children;
    const ConditionNode* states = nullptr;  // Line: the node of the tree it states
};

struct ShownRule {
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    bool always = false;  // `otherwise` (or a first rule without a condition)
    Shown condition;
};

struct Reading {
    std::vector<ShownRule> rules;
    std::vector<std::string> problems;  // what could not be read
};

// How a rendering words its groups and its one-line conditions.
enum class Style { Doc, Text, Json };

bool startsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// One line of a doc page or of `cpe explain`, with the lines under it.
Shown shownLine(std::string text, std::vector<Shown> children, Style style, std::vector<std::string>& problems) {
    Shown s;
    s.text = text;
    std::string all = style == Style::Doc ? "**all** of:" : "ALL of:";
    std::string any = style == Style::Doc ? "**any** of:" : "ANY of:";
    std::string atLeast = style == Style::Doc ? "**at least " : "AT LEAST ";
    std::string atLeastEnd = style == Style::Doc ? "** of:" : " of:";
    std::string notHead = style == Style::Doc ? "**not**:" : "NOT:";
    auto group = [&](Shown::Kind k) {
        s.kind = k;
        s.children = std::move(children);
        if (s.children.empty()) problems.push_back("a group with nothing under it: " + text);
        return s;
    };
    if (text == all) return group(Shown::Kind::All);
    if (text == any) return group(Shown::Kind::Any);
    if (startsWith(text, atLeast) && text.ends_with(atLeastEnd)) {
        s.count = std::stoi(text.substr(atLeast.size()));
        return group(Shown::Kind::AtLeast);
    }
    if (text == notHead) {
        if (children.size() != 1) problems.push_back("'not' with " + std::to_string(children.size()) + " lines under it");
        return group(Shown::Kind::Not);
    }
    if (!children.empty()) {  // a criterion with its body under it
        if (children.size() != 1)
            problems.push_back("a criterion with " + std::to_string(children.size()) + " lines under it: " + text);
        s.kind = Shown::Kind::Wrapper;
        s.children = std::move(children);
        return s;
    }
    if (startsWith(text, "not: ")) {
        s.kind = Shown::Kind::Not;
        s.children.push_back(shownLine(text.substr(5), {}, style, problems));
        return s;
    }
    s.kind = Shown::Kind::Line;
    return s;
}

// Indented "- " lines (Markdown, and `cpe explain`'s text where a body that
// reads as one line is "(...)"), nested by indentation.
struct RawLine {
    size_t indent;
    std::string text;
    std::vector<RawLine> kids;
};

Shown fromRaw(const RawLine& r, Style style, std::vector<std::string>& problems) {
    std::vector<Shown> kids;
    for (const RawLine& k : r.kids) kids.push_back(fromRaw(k, style, problems));
    return shownLine(r.text, std::move(kids), style, problems);
}

// The lines of one rule's condition: exactly one top-level line.
Shown fromIndented(const std::vector<std::pair<size_t, std::string>>& lines, Style style, std::vector<std::string>& problems) {
    RawLine root{0, "", {}};
    std::vector<RawLine*> stack{&root};
    std::vector<size_t> indents{0};
    for (const auto& [indent, text] : lines) {
        while (stack.size() > 1 && indents.back() >= indent) {
            stack.pop_back();
            indents.pop_back();
        }
        // Whatever sat above the parent has been popped: no pointer into its kids is held.
        stack.back()->kids.push_back({indent, text, {}});
        stack.push_back(&stack.back()->kids.back());
        indents.push_back(indent);
    }
    if (root.kids.size() != 1) {
        problems.push_back("a rule with " + std::to_string(root.kids.size()) + " top-level lines");
        return {};
    }
    return fromRaw(root.kids.front(), style, problems);
}

// "Eligible (route: prior approval)" and the like; doc pages word routes
// ("no approval needed"), `cpe explain` names them ("none").
bool readOutcome(const std::string& words, Style style, ShownRule& rule) {
    static const std::map<std::string, Route> docRoutes = {{"no approval needed", Route::None},
                                                           {"prior approval", Route::PriorApproval},
                                                           {"Individual Funding Request", Route::Ifr},
                                                           {"review panel", Route::Panel},
                                                           {"fast track", Route::FastTrack}};
    auto route = [&](const std::string& w) -> bool {
        if (style == Style::Doc) {
            auto it = docRoutes.find(w);
            if (it == docRoutes.end()) return false;
            rule.route = it->second;
            return true;
        }
        auto r = parseRoute(w);
        if (r) rule.route = *r;
        return r.has_value();
    };
    if (style == Style::Doc && startsWith(words, "Outside the restriction: eligible, ")) {
        rule.outcome = Outcome::Eligible;
        return route(words.substr(std::string("Outside the restriction: eligible, ").size()));
    }
    if (style == Style::Text && words == "Outside the restriction (eligible, no approval needed)") {
        rule.outcome = Outcome::Eligible;
        rule.route = Route::None;
        return true;
    }
    if (style == Style::Text && startsWith(words, "Outside the restriction (eligible, route: ") && words.ends_with(")")) {
        rule.outcome = Outcome::Eligible;
        size_t from = std::string("Outside the restriction (eligible, route: ").size();
        return route(words.substr(from, words.size() - from - 1));
    }
    static const std::pair<const char*, Outcome> outcomes[] = {{"Eligible (route: ", Outcome::Eligible},
                                                               {"Not eligible (route: ", Outcome::NotEligible},
                                                               {"Referred for professional review (route: ", Outcome::Review}};
    for (const auto& [head, outcome] : outcomes)
        if (startsWith(words, head) && words.ends_with(")")) {
            rule.outcome = outcome;
            size_t from = std::string(head).size();
            return route(words.substr(from, words.size() - from - 1));
        }
    return false;
}

// A rule heading: "Always: X", "Otherwise: X", "X when:", "Else X when:".
bool readHeading(std::string h, Style style, ShownRule& rule) {
    if (style == Style::Text && h.ends_with(".")) h.pop_back();
    for (const char* head : {"Always: ", "Otherwise: "})
        if (startsWith(h, head)) {
            rule.always = true;
            return readOutcome(h.substr(std::string(head).size()), style, rule);
        }
    if (!h.ends_with(" when:")) return false;
    h = h.substr(0, h.size() - 6);
    if (startsWith(h, "Else ")) h = h.substr(5);
    return readOutcome(h, style, rule);
}

std::string between(const std::string& s, const std::string& from, const std::string& to) {
    size_t a = s.find(from);
    if (a == std::string::npos) return "";
    a += from.size();
    size_t b = s.find(to, a);
    return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

std::vector<std::string> linesOf(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

size_t indentOf(const std::string& line) { return line.find_first_not_of(' '); }

// The Markdown page's "Who is eligible": "**heading**", then its bullets.
Reading readMarkdown(const std::string& page) {
    Reading r;
    std::vector<std::pair<size_t, std::string>> bullets;
    auto flush = [&] {
        if (r.rules.empty()) return;
        if (!bullets.empty()) r.rules.back().condition = fromIndented(bullets, Style::Doc, r.problems);
        else if (!r.rules.back().always) r.problems.push_back("a rule with no condition under it");
        bullets.clear();
    };
    for (const std::string& line : linesOf(between(page, "## Who is eligible\n", "\n## Criteria"))) {
        if (line.empty()) continue;
        if (startsWith(line, "**") && line.ends_with("**")) {
            flush();
            r.rules.emplace_back();
            if (!readHeading(line.substr(2, line.size() - 4), Style::Doc, r.rules.back()))
                r.problems.push_back("a rule heading not understood: " + line);
            continue;
        }
        size_t indent = indentOf(line);
        if (indent == std::string::npos || line.compare(indent, 2, "- ") != 0 || r.rules.empty()) {
            r.problems.push_back("a line not understood: " + line);
            continue;
        }
        bullets.push_back({indent, line.substr(indent + 2)});
    }
    flush();
    return r;
}

// HTML back to the inline marks it was made from.
std::string unHtml(std::string s) {
    auto replaceAll = [&](const std::string& from, const std::string& to) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    };
    replaceAll("<strong>", "**");
    replaceAll("</strong>", "**");
    replaceAll("<code class=\"code\">", "`");
    replaceAll("</code>", "`");
    replaceAll("<span class=\"nowrap\">", "");
    replaceAll("</span>", "");
    replaceAll("&lt;", "<");
    replaceAll("&gt;", ">");
    replaceAll("&quot;", "\"");
    replaceAll("&#39;", "'");
    replaceAll("&amp;", "&");
    return s;
}

// <ul class="tree"><li>TEXT[<ul ...>...</ul>]</li>...</ul>
std::vector<Shown> readHtmlList(const std::string& s, size_t& at, std::vector<std::string>& problems) {
    const std::string open = "<ul class=\"tree\">\n";
    std::vector<Shown> out;
    if (s.compare(at, open.size(), open) != 0) {
        problems.push_back("no <ul class=\"tree\"> at " + s.substr(at, 40));
        at = s.size();
        return out;
    }
    at += open.size();
    while (s.compare(at, 4, "<li>") == 0) {
        at += 4;
        size_t end = std::min(s.find("</li>", at), s.find("\n" + open, at));
        std::string text = unHtml(s.substr(at, end - at));
        at = end;
        std::vector<Shown> kids;
        if (s.compare(at, 1, "\n") == 0) {
            ++at;
            kids = readHtmlList(s, at, problems);
        }
        if (s.compare(at, 6, "</li>\n") != 0) {
            problems.push_back("no </li> at " + s.substr(at, 40));
            at = s.size();
            return out;
        }
        at += 6;
        out.push_back(shownLine(text, std::move(kids), Style::Doc, problems));
    }
    if (s.compare(at, 6, "</ul>\n") != 0) problems.push_back("no </ul> at " + s.substr(at, 40));
    at += 6;
    return out;
}

// The HTML page's "Who is eligible": <div class="rule ..."><h4>heading</h4> list </div>.
Reading readHtml(const std::string& page) {
    Reading r;
    std::string section = between(page, "<h2>Who is eligible</h2>\n", "<h2>Criteria</h2>");
    size_t at = 0;
    while ((at = section.find("<div class=\"rule", at)) != std::string::npos) {
        size_t h = section.find("<h4>", at) + 4;
        size_t hEnd = section.find("</h4>\n", h);
        r.rules.emplace_back();
        ShownRule& rule = r.rules.back();
        if (!readHeading(unHtml(section.substr(h, hEnd - h)), Style::Doc, rule))
            r.problems.push_back("a rule heading not understood: " + section.substr(h, hEnd - h));
        at = hEnd + 6;
        if (section.compare(at, 6, "</div>") == 0) {
            if (!rule.always) r.problems.push_back("a rule with no condition under it");
            continue;
        }
        std::vector<Shown> top = readHtmlList(section, at, r.problems);
        if (top.size() != 1) r.problems.push_back("a rule with " + std::to_string(top.size()) + " top-level items");
        else rule.condition = std::move(top.front());
    }
    return r;
}

// `cpe explain`: a heading line per rule, its condition indented under it.
Reading readExplainText(const std::string& text) {
    Reading r;
    std::vector<std::pair<size_t, std::string>> lines;
    auto flush = [&] {
        if (r.rules.empty()) return;
        if (!lines.empty()) r.rules.back().condition = fromIndented(lines, Style::Text, r.problems);
        else if (!r.rules.back().always) r.problems.push_back("a rule with no condition under it");
        lines.clear();
    };
    std::vector<std::string> all = linesOf(text);
    size_t i = 0;
    while (i < all.size() && !all[i].empty()) ++i;  // the header
    for (++i; i < all.size() && !all[i].empty(); ++i) {
        const std::string& line = all[i];
        if (line[0] != ' ') {
            flush();
            r.rules.emplace_back();
            if (!readHeading(line, Style::Text, r.rules.back())) r.problems.push_back("a rule heading not understood: " + line);
            continue;
        }
        size_t indent = indentOf(line);
        if (line.compare(indent, 2, "- ") == 0) lines.push_back({indent, line.substr(indent + 2)});
        else if (line[indent] == '(' && line.back() == ')')
            lines.push_back({indent, line.substr(indent + 1, line.size() - indent - 2)});
        else r.problems.push_back("a line not understood: " + line);
    }
    flush();
    return r;
}

Shown fromJson(const nlohmann::ordered_json& j, std::vector<std::string>& problems) {
    Shown s;
    std::string kind = j.value("kind", "");
    auto items = [&](Shown::Kind k) {
        s.kind = k;
        for (const auto& i : j["items"]) s.children.push_back(fromJson(i, problems));
        return s;
    };
    if (kind == "all") return items(Shown::Kind::All);
    if (kind == "any") return items(Shown::Kind::Any);
    if (kind == "at_least") {
        s.count = j["count"].get<int>();
        return items(Shown::Kind::AtLeast);
    }
    s.text = j.value("text", "");
    if (kind == "criterion") {
        s.kind = Shown::Kind::Wrapper;
        s.children.push_back(fromJson(j["condition"], problems));
        return s;
    }
    if (kind != "condition") problems.push_back("a condition of kind '" + kind + "'");
    if (j.contains("negates")) {
        s.kind = Shown::Kind::Not;
        s.children.push_back(fromJson(j["negates"], problems));
        return s;
    }
    s.kind = Shown::Kind::Line;
    return s;
}

// [{"outcome", "route", "exempt", "condition"}...]
Reading readJson(const nlohmann::ordered_json& rules) {
    Reading r;
    for (const auto& j : rules) {
        ShownRule rule;
        auto outcome = parseOutcome(j["outcome"].get<std::string>());
        auto route = parseRoute(j["route"].get<std::string>());
        if (!outcome || !route) r.problems.push_back("a rule's outcome or route not understood: " + j.dump());
        rule.outcome = outcome.value_or(Outcome::Undetermined);
        rule.route = route.value_or(Route::None);
        rule.always = j["condition"].is_null();
        if (!rule.always) rule.condition = fromJson(j["condition"], r.problems);
        r.rules.push_back(std::move(rule));
    }
    return r;
}

// The lines a rendering in `style` shows of the tree, in reading order: the
// nodes it states as one line (after any "not: "), each evaluated through its
// Expr. JSON descends into everything; the text renderings show a criterion
// over a plain fact, or a condition that reads as one line, as one line.
const ConditionNode& innermost(const ConditionNode& n) {
    return n.kind == ConditionKind::Not ? innermost(n.children.front()) : n;
}

void statedLines(const ConditionNode& n, Style style, std::vector<const ConditionNode*>& out) {
    switch (n.kind) {
        case ConditionKind::All:
        case ConditionKind::Any:
        case ConditionKind::AtLeast:
            for (const ConditionNode& c : n.children) statedLines(c, style, out);
            return;
        case ConditionKind::Test: out.push_back(&n); return;
        case ConditionKind::Not:
            if (style != Style::Json && readsAsOneLine(n)) out.push_back(&innermost(n));
            else statedLines(n.children.front(), style, out);
            return;
        case ConditionKind::Criterion: {
            const ConditionNode& body = n.children.front();
            if (style == Style::Json) statedLines(body, style, out);
            else if (bodyIsPlainFact(n)) out.push_back(&n);
            else if (style == Style::Text && body.kind == ConditionKind::Criterion) statedLines(body, style, out);
            else if (readsAsOneLine(body)) out.push_back(&innermost(body));
            else statedLines(body, style, out);
            return;
        }
    }
}

void shownLines(Shown& s, std::vector<Shown*>& out) {
    if (s.kind == Shown::Kind::Line) out.push_back(&s);
    for (Shown& c : s.children) shownLines(c, out);
}

// Matches the rendering's lines to the tree's, in reading order; a line must
// carry the wording of the node it is matched to.
void bind(Reading& r, const std::vector<ConditionNode>& trees, Style style) {
    std::vector<const ConditionNode*> stated;
    for (const ConditionNode& t : trees) statedLines(t, style, stated);
    std::vector<Shown*> shown;
    for (ShownRule& rule : r.rules)
        if (!rule.always) shownLines(rule.condition, shown);
    if (shown.size() != stated.size()) {
        r.problems.push_back("shows " + std::to_string(shown.size()) + " conditions where the rules state " +
                             std::to_string(stated.size()));
        return;
    }
    for (size_t i = 0; i < shown.size(); ++i) {
        const ConditionNode& n = *stated[i];
        std::string wording = n.kind == ConditionKind::Criterion && n.text.empty() ? n.criterion : n.text;
        // A criterion's line also names it ("  `id`", "  [id]"); so does `not` of a named value on a doc page.
        bool exact = n.kind == ConditionKind::Test && n.expr->kind != ExprKind::Name;
        bool same = exact ? shown[i]->text == wording : startsWith(shown[i]->text, wording);
        if (!same)
            r.problems.push_back("line " + std::to_string(i + 1) + " reads \"" + shown[i]->text + "\", not \"" + wording + "\"");
        shown[i]->states = &n;
    }
}

bool holds(const Shown& s, const Reference& ref, const std::vector<Val>& v) {
    switch (s.kind) {
        case Shown::Kind::All:
            return std::all_of(s.children.begin(), s.children.end(), [&](const Shown& c) { return holds(c, ref, v); });
        case Shown::Kind::Any:
            return std::any_of(s.children.begin(), s.children.end(), [&](const Shown& c) { return holds(c, ref, v); });
        case Shown::Kind::AtLeast: {
            int yes = 0;
            for (const Shown& c : s.children) yes += holds(c, ref, v);
            return yes >= s.count;
        }
        case Shown::Kind::Not: return !holds(s.children.front(), ref, v);
        case Shown::Kind::Wrapper: return holds(s.children.front(), ref, v);
        case Shown::Kind::Line: return ref.holds(*s.states->expr, v);
    }
    return false;
}

// ---------------------------------------------------------------- the run

struct Decided {
    Outcome outcome = Outcome::Undetermined;
    Route route = Route::None;
    int rule = -1;
    bool operator==(const Decided& o) const { return outcome == o.outcome && route == o.route; }
};

std::string describe(const Decided& d) {
    return std::string(outcomeName(d.outcome)) + "/" + routeName(d.route) +
           (d.rule >= 0 ? " (rule " + std::to_string(d.rule + 1) + ")" : "");
}

Decided decideByTree(const PolicyModel& m, const std::vector<std::optional<ConditionNode>>& trees, const Reference& ref,
                     const std::vector<Val>& v) {
    for (size_t i = 0; i < m.rules.size(); ++i)
        if (!trees[i] || holds(*trees[i], ref, v)) return {m.rules[i].outcome, m.rules[i].route, static_cast<int>(i)};
    throw std::logic_error(m.id + ": no rule holds");
}

Decided decideByReading(const Reading& r, const Reference& ref, const std::vector<Val>& v) {
    for (size_t i = 0; i < r.rules.size(); ++i)
        if (r.rules[i].always || holds(r.rules[i].condition, ref, v))
            return {r.rules[i].outcome, r.rules[i].route, static_cast<int>(i)};
    return {};  // the rendering decides nothing: a mismatch
}

struct Rendering {
    std::string name;
    Reading reading;
};

struct Run {
    size_t libraries = 0, policies = 0, bundledPolicies = 0, corpusPolicies = 0, pages = 0, sets = 0;
    size_t enumerated = 0, sampled = 0;                // policies whose every combination of classes was tried; the others
    std::map<std::string, size_t> mismatches;          // by rendering
    std::map<std::string, size_t> mismatchesByPolicy;  // "library: policy version"
    std::vector<std::string> examples, problems;
    std::map<std::string, std::set<int>> rulesDecided;  // policy -> rules the tree decided by
};

// Every published rendering of `m`: its doc page (when `cpe doc` publishes
// this version), `cpe explain` as text and JSON, GET /v1/policies/{id}'s rules.
std::vector<Rendering> renderingsOf(const PolicyLibrary& lib, const PolicyModel& m, const std::vector<DocFile>& docs,
                                    const std::vector<ConditionNode>& trees, Run& run) {
    std::vector<Rendering> out;
    auto page = [&](const std::string& name) -> const std::string* {
        for (const DocFile& f : docs)
            if (f.name == name) return &f.content;
        return nullptr;
    };
    const std::string* md = page(m.id + ".md");
    const std::string* html = page(m.id + ".html");
    bool published = md && md->find("`" + m.id + "` · version " + m.version + " ·") != std::string::npos;
    if (published && html) {
        ++run.pages;
        out.push_back({"cpe doc (Markdown)", readMarkdown(*md)});
        out.push_back({"cpe doc (HTML)", readHtml(*html)});
    }
    out.push_back({"cpe explain (text)", readExplainText(explainPolicy(m))});
    out.push_back({"cpe explain --format json", readJson(explainPolicyJson(m, &lib.sources())["rules"])});
    out.push_back({"GET /v1/policies/{id} rules", readJson(rulesJson(m, &lib.sources()))});
    for (Rendering& r : out) {
        bind(r.reading, trees,
             r.name.starts_with("cpe doc")              ? Style::Doc
             : r.name.find("text") != std::string::npos ? Style::Text
                                                        : Style::Json);
        for (const std::string& p : r.reading.problems) run.problems.push_back(m.id + " " + m.version + ", " + r.name + ": " + p);
    }
    return out;
}

void checkPolicy(const Library& l, const PolicyModel& m, const std::vector<DocFile>& docs, size_t samples, Run& run) {
    const PolicyLibrary& lib = *l.lib;
    int day = asOfFor(m);
    Reference ref(lib.checked(), m, day);
    std::vector<std::optional<ConditionNode>> trees;
    std::vector<ConditionNode> conditions;
    for (const CheckedRule& r : m.rules) {
        trees.push_back(r.when ? std::optional<ConditionNode>(conditionTree(*r.when)) : std::nullopt);
        if (r.when) conditions.push_back(*trees.back());
    }
    std::vector<Rendering> renderings = renderingsOf(lib, m, docs, conditions, run);
    ++run.policies;

    const size_t n = ref.facts().size();
    uint64_t total = ref.completions(std::vector<bool>(n, true));
    bool every = total <= samples;
    size_t count = every ? static_cast<size_t>(total) : samples;
    ++(every ? run.enumerated : run.sampled);
    std::mt19937 rng(seedOf(m.id + "@" + m.version) + 7);
    std::vector<size_t> digit(n, 0);
    std::vector<Val> values(n);
    for (size_t c = 0; c < count; ++c) {
        for (size_t i = 0; i < n; ++i) {
            const auto& cls = ref.classes(i);
            values[i] = cls[every ? digit[i] : std::uniform_int_distribution<size_t>(0, cls.size() - 1)(rng)];
        }
        if (every)
            for (size_t i = 0; i < n; ++i) {
                if (++digit[i] < ref.classes(i).size()) break;
                digit[i] = 0;
            }
        nlohmann::json facts = factsJson(ref, values);
        DecideRequest request{m.id, &facts, formatDate(day), false};
        DecideResult result = lib.decide(request);
        if (auto* e = std::get_if<InputError>(&result))
            throw std::runtime_error(m.id + ": the engine refused " + facts.dump() + ": " + e->message);
        const Decision& d = std::get<Decision>(result);
        if (d.policyVersion != m.version) throw std::runtime_error(m.id + ": decided by version " + d.policyVersion);
        Decided engine{d.outcome, d.route, -1};
        ++run.sets;
        auto compare = [&](const std::string& name, const Decided& published) {
            if (published == engine) return;
            ++run.mismatches[name];
            ++run.mismatchesByPolicy[l.name + ": " + m.id + " " + m.version];
            if (run.examples.size() < 12)
                run.examples.push_back(l.name + ": " + m.id + " " + m.version + ", " + name + " decides " + describe(published) +
                                       ", the engine " + describe(engine) + ", on " + facts.dump());
        };
        Decided byTree = decideByTree(m, trees, ref, values);
        run.rulesDecided[l.name + " " + m.id + " " + m.version].insert(byTree.rule);
        compare("the ConditionNode tree", byTree);
        for (const Rendering& r : renderings)
            if (r.reading.problems.empty()) compare(r.name, decideByReading(r.reading, ref, values));
    }
}

Run runAll(size_t samples) {
    Run run;
    for (const Library& l : libraries()) {
        ++run.libraries;
        std::vector<DocFile> docs = criteriaDocument(*l.lib, {*parseDate("2026-06-01")});
        for (const PolicyModel& m : l.lib->checked().policies) {
            checkPolicy(l, m, docs, samples, run);
            if (l.name == "policies/") ++run.bundledPolicies;
            else if (l.name.starts_with("fuzz/")) ++run.corpusPolicies;
        }
    }
    return run;
}

}  // namespace

TEST_CASE("what is published decides as the engine does: every policy, every rendering, thousands of fact sets each") {
    Run run = runAll(5000);
    for (const std::string& p : run.problems) MESSAGE(p);
    for (const std::string& e : run.examples) MESSAGE(e);
    std::ostringstream summary;
    summary << run.sets << " fully known fact sets over " << run.policies << " policy versions (" << run.bundledPolicies
            << " in policies/, " << run.corpusPolicies << " in fuzz corpus files, 1 fixture) from " << run.libraries
            << " libraries (" << run.enumerated << " policies with every combination of classes, " << run.sampled
            << " with 5,000 random ones); " << run.pages << " doc pages read back";
    for (const auto& [name, n] : run.mismatches) summary << "; " << name << ": " << n << " mismatches";
    for (const auto& [policy, n] : run.mismatchesByPolicy) summary << "\n  " << policy << ": " << n << " mismatches";
    MESSAGE(summary.str());
    CHECK(run.problems.empty());
    CHECK(run.mismatches.empty());
    CHECK(run.bundledPolicies == 30);
    CHECK(run.corpusPolicies >= 25);
    CHECK(run.sets > 120000);
    // Not vacuous: the fixture's fact sets reach every one of its rules.
    CHECK(run.rulesDecided["the nesting fixture nx.nesting 1"].size() == 7);
}

TEST_CASE("the structure keeps every group where it is written") {
    const Library& fixture = libraries().back();
    const PolicyModel& m = fixture.lib->checked().policies.front();
    // eligible when any of (all of (ca, any of (cb, at least 1 of (cc, cd))), two_of and not_both, alias and at_mid)
    ConditionNode t = conditionTree(*m.rules[3].when);
    REQUIRE(t.kind == ConditionKind::Any);
    REQUIRE(t.children.size() == 3);
    const ConditionNode& first = t.children[0];
    REQUIRE(first.kind == ConditionKind::All);
    REQUIRE(first.children.size() == 2);
    CHECK(first.children[0].kind == ConditionKind::Criterion);
    CHECK(first.children[0].criterion == "ca");
    const ConditionNode& inner = first.children[1];
    REQUIRE(inner.kind == ConditionKind::Any);
    REQUIRE(inner.children.size() == 2);
    CHECK(inner.children[1].kind == ConditionKind::AtLeast);
    CHECK(inner.children[1].count == 1);
    CHECK(inner.children[1].children.size() == 2);
    // A criterion is expanded to its body, with its wording and where it is declared.
    const ConditionNode& twoOf = t.children[1].children[0];
    CHECK(twoOf.kind == ConditionKind::Criterion);
    CHECK(twoOf.text == "Two of A, B and C, or D");
    CHECK(fixture.lib->sources().location(twoOf.span) == "nesting.cpl:23:15");
    REQUIRE(twoOf.children.size() == 1);
    CHECK(twoOf.children[0].kind == ConditionKind::Any);
    CHECK(twoOf.children[0].children[0].kind == ConditionKind::AtLeast);
    // `not` keeps what it negates.
    const ConditionNode& notBoth = t.children[1].children[1].children[0];
    REQUIRE(notBoth.kind == ConditionKind::Not);
    CHECK(notBoth.children[0].kind == ConditionKind::All);
    CHECK_FALSE(readsAsOneLine(notBoth));
    // A test is the condition in plain English.
    ConditionNode exempt = conditionTree(*m.rules[0].when);
    const ConditionNode& big = exempt.children[2].children[0];
    CHECK(big.kind == ConditionKind::Test);
    CHECK(big.text == "A number (n) is at least 5");
}

TEST_CASE("ebi.breast_reduction's published page: the two alternatives under an \"any of\" nested in the \"all of\"") {
    const PolicyLibrary& lib = *libraries().front().lib;
    std::vector<DocFile> files = criteriaDocument(lib, {*parseDate("2026-06-01")});
    auto page = [&](const std::string& name) {
        auto it = std::find_if(files.begin(), files.end(), [&](const DocFile& f) { return f.name == name; });
        REQUIRE_MESSAGE(it != files.end(), name << " was not written");
        return it->content;
    };
    const std::string md = page("ebi.breast_reduction.md");
    CHECK(md.find("- **all** of:\n"
                  "  - Aged 18 or over  `adult`\n") != std::string::npos);
    CHECK(
        md.find("  - Supportive care from primary care for at least 6 months has not helped  `conservative_treatment`\n"
                "  - **any** of:\n"
                "    - At least 500 g to be removed from each breast  `resection`\n"
                "      - Tissue to be removed from each breast, in grams (breast_resection_grams_per_breast) is at least 500 g\n"
                "    - A reduction of at least 4 cup sizes  `cup_sizes`\n"
                "      - Planned reduction in cup sizes (cup_size_reduction) is at least 4\n"
                "\n"
                "**Otherwise: Not eligible (route: Individual Funding Request)**") != std::string::npos);
    // Neither alternative sits directly under the "all of".
    CHECK(md.find("\n  - At least 500 g") == std::string::npos);
    CHECK(md.find("\n  - A reduction of at least 4 cup sizes") == std::string::npos);

    const std::string html = page("ebi.breast_reduction.html");
    const std::string all = "<li><strong>all</strong> of:\n<ul class=\"tree\">\n<li>Aged 18 or over";
    const std::string any =
        "<li>Supportive care from primary care for at least 6 months has not helped  <code "
        "class=\"code\">conservative_treatment</code></li>\n"
        "<li><strong>any</strong> of:\n<ul class=\"tree\">\n"
        "<li>At least 500 g to be removed from each breast  <code class=\"code\">resection</code>\n"
        "<ul class=\"tree\">\n"
        "<li>Tissue to be removed from each breast, in grams (breast_resection_grams_per_breast) is at least 500 g</li>\n"
        "</ul>\n</li>\n"
        "<li>A reduction of at least 4 cup sizes  <code class=\"code\">cup_sizes</code>\n"
        "<ul class=\"tree\">\n"
        "<li>Planned reduction in cup sizes (cup_size_reduction) is at least 4</li>\n"
        "</ul>\n</li>\n"
        "</ul>\n</li>\n"   // the any of
        "</ul>\n</li>\n";  // the all of
    size_t allAt = html.find(all);
    CHECK(allAt != std::string::npos);
    CHECK(html.find(any, allAt) != std::string::npos);

    // Read back, the page decides as the engine: 499 g with 4 cup sizes is eligible.
    Reading r = readMarkdown(md);
    REQUIRE(r.problems.empty());
    REQUIRE(r.rules.size() == 3);
    const Shown& eligible = r.rules[1].condition;
    REQUIRE(eligible.kind == Shown::Kind::All);
    REQUIRE(eligible.children.size() == 6);
    CHECK(eligible.children[5].kind == Shown::Kind::Any);
    CHECK(eligible.children[5].children.size() == 2);
}
