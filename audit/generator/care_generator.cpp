#include "audit/generator/care_generator.h"

#include <array>
#include <string>

#include "audit/generator/rng.h"
#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

constexpr std::array<const char*, 3> kLocalities = {"hwe", "mse", "snee"};
constexpr double kLocalityWeight[] = {0.3, 0.45, 0.25};
constexpr double kLateFactor[] = {0.8, 1.4, 0.6};

constexpr std::array<const char*, 11> kChecklist = {"breathing",
                                                    "nutrition",
                                                    "continence",
                                                    "skin_integrity",
                                                    "mobility",
                                                    "communication",
                                                    "psychological_emotional",
                                                    "cognition",
                                                    "behaviour",
                                                    "drug_therapies",
                                                    "altered_states_of_consciousness"};
constexpr std::array<const char*, 12> kDst = {"breathing",
                                              "nutrition",
                                              "continence",
                                              "skin_integrity",
                                              "mobility",
                                              "communication",
                                              "psychological_emotional",
                                              "cognition",
                                              "behaviour",
                                              "drug_therapies",
                                              "altered_states_of_consciousness",
                                              "other_significant_care_needs"};
// The highest level each DST domain allows (policies/chc/dst.cpl), as an
// index into no, low, moderate, high, severe, priority; altered states skip severe.
constexpr int kDstTop[] = {5, 4, 3, 4, 4, 3, 3, 4, 5, 5, 5, 4};
const char* const kLevels[] = {"no", "low", "moderate", "high", "severe", "priority"};

int pickLocality(Rng& rng) {
    double u = rng.unit();
    return u < kLocalityWeight[0] ? 0 : u < kLocalityWeight[0] + kLocalityWeight[1] ? 1 : 2;
}

// The DST band by the board's rule, worked out here apart from the engine:
// 2 eligible, 1 review, 0 not eligible.
int dstBand(const int* levels) {
    int count[6] = {};
    for (int i = 0; i < 12; ++i) ++count[levels[i]];
    if (count[5] >= 1 || count[4] >= 2) return 2;
    if ((count[4] >= 1 && count[3] + count[2] >= 1) || count[3] >= 2 || (count[3] >= 1 && count[2] >= 3)) return 1;
    return 0;
}

struct Writer {
    std::FILE* out;
    bool csv;
    bool ok = true;
    void put(const std::string& s) { ok = ok && std::fwrite(s.data(), 1, s.size(), out) == s.size(); }
};

}  // namespace

bool generateCareRecords(const CareGeneratorOptions& o, std::FILE* out) {
    Rng rng{o.seed};
    Writer w{out, o.csv};
    const int first = *parseDate(o.firstDate);
    if (o.csv)
        w.put(
            "id,record,locality,referral_received,checklist_date,dst_date,fast_track,decision_date,recorded_decision,"
            "discharge_date,plan_agreed,checklist,dst,sections,rapidly_deteriorating,may_be_entering_terminal_phase,"
            "completed_by_appropriate_clinician\n");
    std::string line;
    for (uint64_t i = 0; i < o.records; ++i) {
        const int loc = pickLocality(rng);
        line.clear();
        if (rng.below(6) == 0) {  // Section 117
            std::string id = "P" + std::to_string(100000 + i);
            const int discharge = first + rng.between(0, o.days - 1);
            double u = rng.unit();
            std::string sections = u < 0.6    ? "3"
                                   : u < 0.75 ? "37/41"
                                   : u < 0.82 ? "2|3"
                                   : u < 0.85 ? "45A"
                                   : u < 0.9  ? "47/49"
                                   : u < 0.96 ? "2"
                                              : "136";
            double p = rng.unit();
            std::string plan = p < 0.75  ? formatDate(discharge - rng.between(0, 14))
                               : p < 0.9 ? formatDate(discharge + rng.between(1, 30))
                                         : "";
            if (o.csv) {
                line = id + ",s117," + kLocalities[loc] + ",,,,,,," + formatDate(discharge) + "," + plan + ",,," + sections +
                       ",,,\n";
            } else {
                std::string list;
                for (size_t a = 0, b; a <= sections.size(); a = b + 1) {
                    b = sections.find('|', a);
                    if (b == std::string::npos) b = sections.size();
                    list += (list.empty() ? "\"" : ",\"") + sections.substr(a, b - a) + "\"";
                }
                line = "{\"id\":\"" + id + "\",\"record\":\"s117\",\"locality\":\"" + kLocalities[loc] +
                       "\",\"discharge_date\":\"" + formatDate(discharge) + "\"" +
                       (plan.empty() ? "" : ",\"plan_agreed\":\"" + plan + "\"") + ",\"facts\":{\"mha_sections\":[" + list +
                       "]}}\n";
            }
            w.put(line);
            continue;
        }
        std::string id = "C" + std::to_string(100000 + i);
        const int referral = first + rng.between(0, o.days - 1);
        const bool fastTrack = rng.chance(0.08);
        const bool open = rng.chance(0.03);
        const bool late = rng.chance(o.lateRate * kLateFactor[loc]);
        const int days = fastTrack ? rng.between(0, 2) : late ? rng.between(29, 90) : rng.between(5, 28);
        std::string decision = open ? "" : formatDate(referral + days), recorded;
        std::string checklist, dst, dstDate, json;
        if (fastTrack) {
            bool meets = rng.chance(0.95);
            recorded = open ? "" : meets ? "eligible" : "not_eligible";
            if (o.csv) {
                line = id + ",chc," + kLocalities[loc] + "," + formatDate(referral) + ",,,true," + decision + "," + recorded +
                       ",,,,,,true,true," + (meets ? "true" : "false") + "\n";
            } else {
                json =
                    "\"rapidly_deteriorating\":true,\"may_be_entering_terminal_phase\":true,\"completed_by_appropriate_"
                    "clinician\":" +
                    std::string(meets ? "true" : "false");
            }
        } else {
            // Checklist: each domain a, b or c; most referrals screen positive.
            const double aRate = rng.chance(0.75) ? 0.2 : 0.03;
            for (size_t d = 0; d < kChecklist.size(); ++d) {
                double u = rng.unit();
                const char* level = u < aRate ? "a" : u < aRate + 0.35 ? "b" : "c";
                checklist += (d ? "|" : "") + std::string(level);
                json += std::string(json.empty() ? "" : ",") + "\"checklist_" + kChecklist[d] + "\":\"" + level + "\"";
            }
            int band = -1;
            if (rng.chance(0.85)) {  // a full assessment
                int levels[12];
                const double need = rng.unit();
                for (int d = 0; d < 12; ++d) {
                    int top = kDstTop[d];
                    int l = static_cast<int>(rng.unit() * (1.5 + 3.5 * need));
                    if (l > top) l = top;
                    if (d == 10 && l == 4) l = 3;  // altered states has no severe
                    levels[d] = l;
                    dst += (d ? "|" : "") + std::string(kLevels[l]);
                    json += ",\"dst_" + std::string(kDst[d]) + "\":\"" + kLevels[l] + "\"";
                }
                band = dstBand(levels);
                dstDate = formatDate(referral + days * 3 / 5);
            }
            if (!open) {
                bool eligible = band == 2 || (band == 1 && rng.chance(0.5));
                if (band != 1 && band >= 0 && rng.chance(o.inconsistentRate)) eligible = !eligible;
                recorded = eligible ? "eligible" : "not_eligible";
            }
            if (o.csv)
                line = id + ",chc," + kLocalities[loc] + "," + formatDate(referral) + "," + formatDate(referral) + "," + dstDate +
                       ",," + decision + "," + recorded + ",,," + checklist + "," + dst + ",,,,\n";
        }
        if (!o.csv) {
            line = "{\"id\":\"" + id + "\",\"record\":\"chc\",\"locality\":\"" + kLocalities[loc] +
                   "\",\"referral_received\":\"" + formatDate(referral) + "\"";
            if (!fastTrack) line += ",\"checklist_date\":\"" + formatDate(referral) + "\"";
            if (!dstDate.empty()) line += ",\"dst_date\":\"" + dstDate + "\"";
            if (fastTrack) line += ",\"fast_track\":true";
            if (!open) line += ",\"decision_date\":\"" + decision + "\",\"recorded_decision\":\"" + recorded + "\"";
            line += ",\"facts\":{" + json + "}}\n";
        }
        w.put(line);
    }
    return w.ok && std::fflush(out) == 0;
}

}  // namespace cpe::audit
