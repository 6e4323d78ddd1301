// Text and JSON forms of a PolicyDiff.
#include <map>
#include <sstream>

#include "engine/diff/policy_diff.h"

namespace cpe {
namespace {

bool isThreshold(const ExprDetail& d) {
    return d.kind == "threshold" || d.kind == "operator" || d.kind == "count" || d.kind == "period_unit";
}

// "threshold changed, reworded" for a changed criterion, value or output.
std::string changeWords(const PolicyChange& c) {
    std::vector<std::string> words;
    bool thresholds = !c.details.empty();
    for (const auto& d : c.details) thresholds &= isThreshold(d);
    if (!c.details.empty()) words.push_back(thresholds ? "threshold changed" : "condition changed");
    if (c.section == "rules" && c.before != c.after) words.push_back("outcome or route changed");
    if (c.section != "rules" && c.before != c.after)
        words.push_back(c.section == "criteria" ? "reworded" : "description changed");
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) s += (i ? ", " : "") + words[i];
    return s;
}

const char* sectionTitle(const std::string& s) {
    static const std::map<std::string, const char*> titles = {
        {"header", "Header"},        {"criteria", "Criteria"},          {"values", "Values"},   {"outputs", "Outputs"},
        {"rules", "Decision rules"}, {"coding", "Coding rule (audit)"}, {"facts", "Facts read"}};
    auto it = titles.find(s);
    return it == titles.end() ? "Other" : it->second;
}

std::string quoted(const std::string& s) { return s.empty() ? "(none)" : "\"" + s + "\""; }

std::string sideLine(const PolicyDiff::Side& s) {
    return s.title + "  [in force " + (s.until.empty() ? "from " + s.effective : s.effective + " until " + s.until) + "]";
}

void renderChange(std::ostringstream& out, const PolicyChange& c) {
    if (c.section == "header") {
        bool quote = c.name == "title" || c.name == "source" || c.name == "owner";
        auto v = [&](const std::string& x) { return quote ? quoted(x) : x.empty() ? "(none)" : x; };
        if (c.kind == "added") out << "  + " << c.name << ": " << v(c.after) << "\n";
        else if (c.kind == "removed") out << "  - " << c.name << ": " << v(c.before) << "\n";
        else out << "  ~ " << c.name << ": " << v(c.before) << " → " << v(c.after) << "\n";
        return;
    }
    if (c.section == "facts") {
        out << "  " << (c.kind == "added" ? "+ " : "- ") << c.name
            << (c.kind == "added" ? "  (read by the new policy only)" : "  (read by the old policy only)") << "\n";
        return;
    }
    if (c.kind == "added") {
        out << "  + " << c.name << (c.after.empty() ? "" : "  " + (c.section == "rules" ? c.after : quoted(c.after))) << "\n";
        if (!c.exprAfter.empty()) out << "      " << (c.section == "rules" ? "when " : "= ") << c.exprAfter << "\n";
        return;
    }
    if (c.kind == "removed") {
        out << "  - " << c.name << (c.before.empty() ? "" : "  " + (c.section == "rules" ? c.before : quoted(c.before))) << "\n";
        if (!c.exprBefore.empty()) out << "      " << (c.section == "rules" ? "when " : "= ") << c.exprBefore << "\n";
        return;
    }
    if (c.kind == "renamed") {
        out << "  ~ " << c.name << ": renamed\n";
        if (c.before != c.after) out << "      wording: " << quoted(c.before) << " → " << quoted(c.after) << "\n";
        return;
    }
    out << "  ~ " << c.name << ": " << changeWords(c) << "\n";
    for (const ExprDetail& d : c.details)
        if (d.kind != "replaced" || d.before != c.exprBefore) out << "      " << d.text << "\n";
    if (c.section == "rules" && c.before != c.after) out << "      " << c.before << " → " << c.after << "\n";
    else if (c.before != c.after)
        out << "      " << (c.section == "criteria" ? "wording: " : "description: ") << quoted(c.before) << " → "
            << quoted(c.after) << "\n";
    if (c.exprBefore != c.exprAfter) {
        out << "      was: " << (c.exprBefore.empty() ? "(none)" : c.exprBefore) << "\n";
        out << "      now: " << (c.exprAfter.empty() ? "(none)" : c.exprAfter) << "\n";
    }
}

struct Counts {
    std::map<std::string, int> n;
    void add(const std::string& what, int k = 1) { n[what] += k; }
};

Counts count(const PolicyDiff& diff) {
    Counts c;
    for (const PolicyChange& ch : diff.changes) {
        for (const ExprDetail& d : ch.details)
            if (isThreshold(d)) c.add("threshold changed");
        if (ch.section == "header") {
            if (ch.name == "access route" || ch.name == "IFR") c.add("route setting changed");
            else if (ch.name == "in force") c.add("dates changed");
            else c.add("header item changed");
            continue;
        }
        std::string noun = ch.section == "criteria"  ? "criterion"
                           : ch.section == "values"  ? "value"
                           : ch.section == "outputs" ? "output"
                           : ch.section == "rules"   ? "rule"
                           : ch.section == "facts"   ? "fact read"
                                                     : "coding rule";
        if (ch.kind != "changed") {
            c.add(noun + " " + ch.kind);
            continue;
        }
        bool other = false;
        for (const ExprDetail& d : ch.details) other |= !isThreshold(d);
        if (other) c.add(noun + " with condition changed");
        if (ch.section == "criteria" && ch.before != ch.after) c.add("criterion reworded");
        if (ch.section == "rules" && ch.before != ch.after) c.add("rule with outcome or route changed");
        if ((ch.section == "values" || ch.section == "outputs") && ch.before != ch.after)
            c.add(noun + " with description changed");
    }
    return c;
}

std::string plural(const std::string& phrase, int n) {
    if (phrase == "dates changed") return "effective dates changed";
    if (n == 1) return "1 " + phrase;
    // "criterion added" -> "criteria added", "coding rule added" -> "coding rules added"
    bool coding = phrase.rfind("coding rule", 0) == 0;
    std::string head = coding ? "coding rule" : phrase.substr(0, phrase.find(' '));
    std::string rest = phrase.substr(head.size());
    if (head == "criterion") head = "criteria";
    else if (head == "header") head = "header items", rest = rest.substr(5);
    else if (head == "route") head = "route settings", rest = rest.substr(8);
    else head += "s";
    return std::to_string(n) + " " + head + rest;
}

}  // namespace

std::string diffSummary(const PolicyDiff& diff) {
    if (diff.empty()) return "no differences";
    Counts c = count(diff);
    static const char* order[] = {"threshold changed",
                                  "criterion added",
                                  "criterion removed",
                                  "criterion renamed",
                                  "criterion reworded",
                                  "criterion with condition changed",
                                  "route setting changed",
                                  "value added",
                                  "value removed",
                                  "value renamed",
                                  "value with condition changed",
                                  "value with description changed",
                                  "output added",
                                  "output removed",
                                  "output renamed",
                                  "output with condition changed",
                                  "output with description changed",
                                  "rule added",
                                  "rule removed",
                                  "rule with condition changed",
                                  "rule with outcome or route changed",
                                  "coding rule added",
                                  "coding rule removed",
                                  "coding rule with condition changed",
                                  "fact read added",
                                  "fact read removed",
                                  "dates changed",
                                  "header item changed"};
    std::string s;
    for (const char* key : order)
        if (auto it = c.n.find(key); it != c.n.end() && it->second > 0) s += (s.empty() ? "" : ", ") + plural(key, it->second);
    return s;
}

std::string diffToText(const PolicyDiff& diff) {
    std::ostringstream out;
    auto label = [](const PolicyDiff::Side& s) { return s.label.empty() ? s.id + "@" + s.version : s.label; };
    out << label(diff.oldSide) << " → " << label(diff.newSide) << "\n";
    out << "  old: " << sideLine(diff.oldSide) << "\n";
    out << "  new: " << sideLine(diff.newSide) << "\n";
    std::string section;
    for (const PolicyChange& c : diff.changes) {
        if (c.section != section) {
            section = c.section;
            out << "\n" << sectionTitle(section) << "\n";
        }
        renderChange(out, c);
    }
    out << "\n" << (diff.empty() ? "No differences." : "Summary: " + diffSummary(diff)) << "\n";
    return out.str();
}

nlohmann::ordered_json diffToJson(const PolicyDiff& diff) {
    auto side = [](const PolicyDiff::Side& s) {
        return nlohmann::ordered_json{
            {"label", s.label.empty() ? s.id + "@" + s.version : s.label},
            {"id", s.id},
            {"version", s.version},
            {"title", s.title},
            {"effective", s.effective},
            {"until", s.until.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.until)},
            {"at", s.location}};
    };
    nlohmann::ordered_json j;
    j["old"] = side(diff.oldSide);
    j["new"] = side(diff.newSide);
    j["summary"] = diffSummary(diff);
    j["changes"] = nlohmann::ordered_json::array();
    auto orNull = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
    for (const PolicyChange& c : diff.changes) {
        nlohmann::ordered_json x;
        x["section"] = c.section;
        x["kind"] = c.kind;
        x["name"] = c.name;
        x["before"] = orNull(c.before);
        x["after"] = orNull(c.after);
        x["expression_before"] = orNull(c.exprBefore);
        x["expression_after"] = orNull(c.exprAfter);
        x["details"] = nlohmann::ordered_json::array();
        for (const ExprDetail& d : c.details)
            x["details"].push_back({{"kind", d.kind},
                                    {"subject", d.subject},
                                    {"role", d.role},
                                    {"before", orNull(d.before)},
                                    {"after", orNull(d.after)},
                                    {"text", d.text}});
        x["old_at"] = orNull(c.oldAt);
        x["new_at"] = orNull(c.newAt);
        j["changes"].push_back(std::move(x));
    }
    return j;
}

}  // namespace cpe
