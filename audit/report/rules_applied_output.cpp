#include "audit/report/rules_applied_output.h"

#include "audit/report/html_format.h"
#include "audit/report/outputs.h"
#include "engine/base/civil_date.h"
#include "engine/base/html.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

void writeVersionsCsv(const std::string& path, const RulesApplied& applied) {
    OutputFile f(path);
    std::string out = "intervention,version,effective,applied_from,applied_to,episodes_judged,episodes_counted\n";
    for (const VersionApplied& v : applied.versions)
        out += csvField(v.intervention) + "," + csvField(v.version) + "," + v.effective + "," + formatDate(v.appliedFrom) + "," +
               formatDate(v.appliedTo) + "," + std::to_string(v.episodesJudged) + "," + std::to_string(v.episodesCounted) + "\n";
    f.write(out);
    f.commit();
}

std::string rulesAppliedSectionHtml(const RulesApplied& applied, bool forcedAsOf, bool suppress) {
    std::string h = "<section id=\"rules-applied\"><h2>Rules applied</h2><p class=\"stats\">Data period <b>" +
                    escapeHtml(dataPeriodText(applied)) + "</b> (the first and last admission date counted). ";
    h += forcedAsOf ? "Every episode was judged by the versions in force on the <code>--as-of</code> date."
                    : "Each episode was judged by the version of each policy in force on its admission date; before a "
                      "policy's first version, by that version (the rule as the board adopted it).";
    h += "</p>";
    if (applied.versions.empty()) return h + "<p class=\"none\">No episodes in the period, so no rule was applied.</p></section>";
    h += "<div class=\"scroll\"><table><thead><tr><th>Intervention</th><th>Version</th><th>Effective</th><th>Applied from</th>"
         "<th>Applied to</th><th class=\"n\">Episodes judged</th><th class=\"n\">Episodes counted</th></tr></thead><tbody>";
    for (const VersionApplied& v : applied.versions)
        h += "<tr><td><code>" + escapeHtml(v.intervention) + "</code></td><td>" + escapeHtml(v.version) + "</td><td>" +
             escapeHtml(v.effective) + "</td><td>" + formatDate(v.appliedFrom) + "</td><td>" + formatDate(v.appliedTo) +
             "</td><td class=\"n\">" + thousands(v.episodesJudged) + "</td><td class=\"n\">" +
             shownCount(v.episodesCounted, suppress) + "</td></tr>";
    h += "</tbody></table></div><p class=\"muted\">This table is <code>versions.csv</code>. Episodes judged are every valid "
         "row in the period dated while the version applied; a version whose effective date is after the rows it judged was "
         "the first one adopted.</p></section>";
    return h;
}

}  // namespace cpe::audit
