// Text and JSON forms of an impact report.
#include <cstdio>
#include <sstream>

#include "engine/base/number_format.h"
#include "engine/diff/impact.h"
#include "engine/source/utf8.h"

namespace cpe {

namespace {

std::string percent(size_t part, size_t whole) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return buf;
}

std::string pad(const std::string& s, size_t width, bool right = false) {
    size_t chars = countCodePoints(s);  // "→" takes one column
    std::string fill(chars < width ? width - chars : 0, ' ');
    return right ? fill + s : s + fill;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

std::string state(Outcome o, Route r) { return std::string(outcomeName(o)) + "/" + routeName(r); }

}  // namespace

std::string impactToText(const ImpactReport& r) {
    std::ostringstream out;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s", r.seconds);
    out << "Impact of " << r.oldLabel << " → " << r.newLabel << "\n";
    out << thousands(r.total.cases) << " cases decided under both, " << thousands(r.total.changed()) << " ("
        << percent(r.total.changed(), r.total.cases) << ") change outcome or route; " << thousands(r.errorCount)
        << " lines with errors; " << seconds << "\n\n";

    out << pad("Change", 24) << pad("Cases", 10, true) << pad("Share", 9, true) << "   Examples\n";
    for (size_t k = 0; k < kChangeClasses; ++k) {
        auto cls = static_cast<ChangeClass>(k);
        out << pad(changeClassLabel(cls), 24) << pad(thousands(r.total.byClass[k]), 10, true)
            << pad(percent(r.total.byClass[k], r.total.cases), 9, true) << "   " << (k == 0 ? "" : join(r.examples[k])) << "\n";
    }

    bool anyChange = false;
    for (const ImpactTransition& t : r.transitions) anyChange |= t.oldOutcome != t.newOutcome || t.oldRoute != t.newRoute;
    if (anyChange) {
        out << "\nTransitions (old → new)\n";
        for (const ImpactTransition& t : r.transitions) {
            if (t.oldOutcome == t.newOutcome && t.oldRoute == t.newRoute) continue;
            out << "  " << pad(state(t.oldOutcome, t.oldRoute) + " → " + state(t.newOutcome, t.newRoute), 52)
                << pad(thousands(t.count), 10, true) << "   " << join(t.examples) << "\n";
        }
    }

    static const char* heads[] = {"", "+eligible", "-eligible", "→undet.", "undet.→", "route", "other"};
    for (const ImpactReport::Breakdown& b : r.breakdowns) {
        size_t width = b.fact.size();
        for (const auto& g : b.groups) width = std::max(width, g.value.size());
        width += 2;
        out << "\nBy " << b.fact << "\n  " << pad(b.fact, width) << pad("cases", 10, true) << pad("changed", 10, true)
            << pad("share", 8, true);
        for (size_t k = 1; k < kChangeClasses; ++k) out << pad(heads[k], 11, true);
        out << "\n";
        for (const auto& g : b.groups) {
            out << "  " << pad(g.value, width) << pad(thousands(g.counts.cases), 10, true)
                << pad(thousands(g.counts.changed()), 10, true) << pad(percent(g.counts.changed(), g.counts.cases), 8, true);
            for (size_t k = 1; k < kChangeClasses; ++k) out << pad(thousands(g.counts.byClass[k]), 11, true);
            out << "\n";
        }
    }
    if (!r.breakdowns.empty())
        out << "\n  +eligible: becomes eligible; -eligible: no longer eligible; →undet.: becomes undetermined;\n"
               "  undet.→: no longer undetermined; route: same outcome, other route\n";

    if (r.errorCount) {
        out << "\nErrors (" << thousands(r.errorCount) << " lines; the first " << r.errors.size() << ")\n";
        for (const ImpactCaseError& e : r.errors)
            out << "  line " << e.line << (e.id.empty() ? "" : " (" + e.id + ")") << ": " << e.message << "\n";
    }
    // Rows without examples end in padding; no line ends in blanks.
    std::string text = out.str(), trimmed;
    for (size_t at = 0; at < text.size();) {
        size_t nl = text.find('\n', at);
        std::string line = text.substr(at, nl - at);
        line.erase(line.find_last_not_of(' ') + 1);
        trimmed += line + (nl == std::string::npos ? "" : "\n");
        at = nl == std::string::npos ? text.size() : nl + 1;
    }
    return trimmed;
}

nlohmann::ordered_json impactToJson(const ImpactReport& r) {
    nlohmann::ordered_json j;
    j["old"] = r.oldLabel;
    j["new"] = r.newLabel;
    j["cases"] = r.total.cases;
    j["changed"] = r.total.changed();
    j["errors"] = r.errorCount;
    j["seconds"] = r.seconds;
    nlohmann::ordered_json summary, examples;
    for (size_t k = 0; k < kChangeClasses; ++k) {
        auto cls = static_cast<ChangeClass>(k);
        summary[changeClassName(cls)] = r.total.byClass[k];
        if (k) examples[changeClassName(cls)] = r.examples[k];
    }
    j["summary"] = summary;
    j["examples"] = examples;
    j["transitions"] = nlohmann::ordered_json::array();
    for (const ImpactTransition& t : r.transitions)
        j["transitions"].push_back({{"from", {{"outcome", outcomeName(t.oldOutcome)}, {"route", routeName(t.oldRoute)}}},
                                    {"to", {{"outcome", outcomeName(t.newOutcome)}, {"route", routeName(t.newRoute)}}},
                                    {"change", changeClassName(classify(t.oldOutcome, t.oldRoute, t.newOutcome, t.newRoute))},
                                    {"count", t.count},
                                    {"examples", t.examples}});
    j["breakdowns"] = nlohmann::ordered_json::array();
    for (const ImpactReport::Breakdown& b : r.breakdowns) {
        nlohmann::ordered_json groups = nlohmann::ordered_json::array();
        for (const auto& g : b.groups) {
            nlohmann::ordered_json x{{"value", g.value}, {"cases", g.counts.cases}, {"changed", g.counts.changed()}};
            for (size_t k = 0; k < kChangeClasses; ++k) x[changeClassName(static_cast<ChangeClass>(k))] = g.counts.byClass[k];
            groups.push_back(std::move(x));
        }
        j["breakdowns"].push_back({{"fact", b.fact}, {"groups", std::move(groups)}});
    }
    j["error_examples"] = nlohmann::ordered_json::array();
    for (const ImpactCaseError& e : r.errors)
        j["error_examples"].push_back({{"line", e.line}, {"id", e.id}, {"message", e.message}});
    return j;
}

}  // namespace cpe
