#include "audit/generator/activity_generator.h"

#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "audit/generator/rng.h"
#include "audit/read/episode.h"
#include "audit/stats/esp2013.h"

namespace cpe::audit {

namespace {

constexpr std::array<const char*, 40> kProviders = {"RAJ", "RBT", "RC9", "RDE", "RGN", "RGP", "RGR", "RGT", "RJ1", "RKE",
                                                    "RM1", "RNH", "RQ3", "RQW", "RQX", "RT3", "RVR", "RWE", "RWG", "RWH",
                                                    "RWR", "RXF", "RYJ", "R0A", "R1H", "R1K", "RA7", "RAL", "RAS", "RBK",
                                                    "RCF", "RD1", "RDU", "REF", "RF4", "RH8", "RJE", "RK9", "RL4", "RN3"};
constexpr std::array<const char*, 10> kCommissioners = {"06K", "06L", "06N", "06T", "07H", "07K", "99E", "99F", "99G", "M1J4Y"};
constexpr std::array<double, 10> kPopulation = {612000, 401000, 598000, 535000, 322000, 288000, 402000, 368000, 421000, 745000};

// One EBI intervention: how to code a typical episode of it.
struct EbiRecipe {
    const char* name;
    double weight;  // relative frequency among EBI rows
    int ageLo, ageHi;
    int sex;         // 0 any, 2 female only
    double opShare;  // share done as outpatient procedures
};
constexpr std::array<EbiRecipe, 17> kEbi = {{
    {"snoring", 0.6, 25, 70, 0, 0.0},
    {"dc_hmb", 0.5, 30, 55, 2, 0.2},
    {"knee_arthroscopy", 1.2, 40, 80, 0, 0.0},
    {"back_injection", 3.0, 30, 80, 0, 0.4},
    {"tonsillectomy", 4.0, 3, 40, 0, 0.0},
    {"grommets", 2.0, 1, 10, 0, 0.1},
    {"carpal_tunnel", 5.0, 25, 85, 0, 0.5},
    {"dupuytren", 1.5, 45, 85, 0, 0.2},
    {"ganglion", 1.2, 18, 70, 0, 0.4},
    {"trigger_finger", 2.2, 35, 85, 0, 0.5},
    {"varicose_veins", 2.0, 30, 80, 0, 0.3},
    {"hysterectomy", 1.8, 35, 60, 2, 0.0},
    {"breast_reduction", 0.4, 20, 60, 2, 0.0},
    {"skin_lesions", 6.0, 5, 90, 0, 0.6},
    {"chalazia", 1.0, 4, 80, 0, 0.7},
    {"haemorrhoids", 2.0, 25, 85, 0, 0.1},
    {"shoulder", 1.6, 35, 80, 0, 0.0},
}};

struct CodedEpisode {
    std::vector<std::string> procedures;  // dominant first
    std::vector<std::string> diagnoses;   // primary first
    int age = 40;
    int sex = 1;
    bool outpatient = false;
    bool emergency = false;
};

// A code as providers write it: usually dot-less, sometimes with the dot
// after the third character, now and then in lower case.
std::string styled(Rng& rng, const std::string& code) {
    std::string out = code;
    if (out.size() > 3 && rng.chance(0.15)) out.insert(3, ".");
    if (rng.chance(0.01))
        for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <size_t N>
std::string pickCode(Rng& rng, const std::array<const char*, N>& codes) {
    return codes[rng.below(N)];
}

// Codes that satisfy each rule, then (for `nearMiss`) one change a correct
// audit must notice.
void codeEbi(Rng& rng, size_t which, bool nearMiss, CodedEpisode& e) {
    auto& p = e.procedures;
    auto& d = e.diagnoses;
    auto digitSuffix = [&](const std::string& stem, int lo, int hi) { return stem + std::to_string(rng.between(lo, hi)); };
    switch (which) {
        case 0:  // snoring: F324-6, primary R065, no secondary G473, adults
            p = {pickCode(rng, std::array{"F324", "F325", "F326"})};
            d = {"R065"};
            if (nearMiss) {
                if (rng.chance(0.5)) d.push_back("G473");
                else e.age = rng.between(12, 18);
            }
            break;
        case 1:  // D&C: Q103, any N92, women
            p = {"Q103"};
            d = {rng.chance(0.3) ? "D259" : "N920"};
            if (d[0] != "N920") d.push_back(digitSuffix("N92", 0, 6));
            if (nearMiss) e.sex = 9;
            break;
        case 2:  // knee arthroscopy
            if (rng.chance(0.7)) p = {rng.chance(0.5) ? "W851" : "W852"};
            else p = {"W802", "Y767", "Z846"};
            d = {rng.chance(0.7) ? digitSuffix("M17", 0, 9) : digitSuffix("M15", 0, 9)};
            if (nearMiss) {
                if (rng.chance(0.5)) d.push_back("M2380");
                else p = {"W802", "Y767"};
            }
            break;
        case 3:  // back pain injection
            p = {pickCode(rng, std::array{"A521", "A522", "A528", "A529", "A577", "A735", "V544"})};
            d = {"M545"};
            if (nearMiss) d[0] = "M541";  // sciatica: not the rule
            break;
        case 4:  // tonsillectomy: any F341-F349 or F361; any J03/J350; none of G473, J36, J390
            p = {rng.chance(0.85) ? digitSuffix("F34", 1, 9) : "F361"};
            if (rng.chance(0.2)) p.insert(p.begin(), "E201");  // with adenoids first
            d = {rng.chance(0.6) ? digitSuffix("J03", 0, 9) : "J350"};
            if (nearMiss) d.push_back(rng.chance(0.5) ? "G473" : "J36");
            break;
        case 5:  // grommets: D151; primary H652-4, H659, H66; under 12
            p = {"D151"};
            d = {pickCode(rng, std::array{"H652", "H653", "H654", "H659", "H660", "H669"})};
            if (nearMiss) e.age = rng.between(12, 16);
            break;
        case 6:  // carpal tunnel
            p = {pickCode(rng, std::array{"A651", "A658", "A659"})};
            d = {rng.chance(0.8) ? "G560" : "M199"};
            if (d[0] != "G560") d.push_back("G560");
            if (nearMiss) e.age = rng.between(14, 18);
            break;
        case 7:  // Dupuytren's
            p = {pickCode(rng, std::array{"T521", "T522", "T525", "T526", "T541", "T543"})};
            d = {"M720"};
            if (nearMiss) d[0] = "M722";
            break;
        case 8:  // ganglion
            p = {pickCode(rng, std::array{"T591", "T592", "T601", "T602"})};
            d = {rng.chance(0.7) ? "M674" : "M255"};
            if (nearMiss) d = {"M711", d[0]};  // right code, but not primary
            break;
        case 9:  // trigger finger
            p = {pickCode(
                rng, std::array{"T691", "T692", "T698", "T699", "T701", "T702", "T711", "T718", "T719", "T723", "T728", "T729"})};
            d = {pickCode(rng, std::array{"M653", "M6530", "M6584", "M6594"})};
            if (nearMiss) e.age = rng.between(5, 17);
            break;
        case 10:  // varicose veins: L84-L88 any code
            p = {digitSuffix(pickCode(rng, std::array{"L84", "L85", "L86", "L87", "L88"}), 1, 9)};
            d = {rng.chance(0.9) ? digitSuffix("I83", 0, 9) : (rng.chance(0.5) ? "O220" : "O878")};
            if (nearMiss) d[0] = "I802";
            break;
        case 11:  // hysterectomy: Q07/Q08, any N92, women, APC
            p = {digitSuffix(rng.chance(0.7) ? "Q07" : "Q08", 1, 5)};
            d = {rng.chance(0.5) ? "N920" : "D259"};
            if (d[0] != "N920") d.push_back(digitSuffix("N92", 0, 4));
            if (nearMiss) e.outpatient = true;
            break;
        case 12:  // breast reduction: B311, any N62, women, APC
            p = {"B311"};
            d = {"N62"};
            if (nearMiss) e.outpatient = true;
            break;
        case 13:  // benign skin lesions
            p = {digitSuffix(pickCode(rng, std::array{"S05", "S06", "S08", "S09", "S10", "S11"}), 1, 9)};
            d = {pickCode(rng, std::array{"D171", "D180", "D225", "D239", "L720", "L821", "B070", "L82"})};
            if (nearMiss) d = {"L905", d[0]};
            break;
        case 14:  // chalazia
            p = {pickCode(rng, std::array{"C121", "C122", "C128", "C129"})};
            d = {"H001"};
            if (nearMiss) d[0] = "H000";
            break;
        case 15:  // haemorrhoids
            p = {pickCode(rng, std::array{"H511", "H512", "H513", "H518", "H519"})};
            d = {rng.chance(0.85) ? digitSuffix("K64", 0, 9) : (rng.chance(0.5) ? "O224" : "O872")};
            if (nearMiss) d[0] = "K602";
            break;
        case 16:  // shoulder decompression
            if (rng.chance(0.6)) p = {"O291", "Y767"};
            else p = {rng.chance(0.5) ? "W572" : "W844", "Z812"};
            d = {"M754"};
            if (nearMiss) d.push_back("M751");
            break;
    }
}

struct NonEbi {
    const char* procedure;
    const char* diagnosis;
    double weight;
    bool outpatientOk;
};
constexpr std::array<NonEbi, 28> kNonEbi = {{
    {"C751", "H251", 6, true},  {"H221", "K573", 5, true},    {"G451", "K210", 5, true},    {"W371", "M161", 2, false},
    {"W401", "M171", 2, false}, {"M459", "R31", 3, true},     {"J183", "K802", 2, false},   {"T202", "K409", 2, false},
    {"Q181", "N939", 2, true},  {"X292", "C509", 3, true},    {"K634", "I251", 2, false},   {"W822", "S832", 1, false},
    {"F321", "K052", 1, true},  {"E031", "J342", 1, false},   {"A571", "M511", 1, false},   {"T622", "M7042", 1, true},
    {"S062", "C443", 1, true},  {"Q075", "C541", 0.5, false}, {"L851", "I702", 0.3, false}, {"W283", "M232", 1, false},
    {"H251", "K921", 2, true},  {"B281", "C504", 1, false},   {"Y532", "Z093", 1, true},    {"X403", "N185", 3, true},
    {"U051", "R51", 2, true},   {"M421", "N201", 1, false},   {"E853", "J449", 1, false},   {"Q103", "N840", 0.5, true},
}};
constexpr std::array<const char*, 24> kMedical = {"I10",  "E119", "J189", "I219", "N390", "R074", "K359", "S7200",
                                                  "J441", "I480", "A099", "R55",  "F329", "G409", "I639", "N179",
                                                  "R060", "K297", "L031", "T814", "C349", "D649", "E86",  "Z511"};
constexpr std::array<const char*, 12> kComorbid = {"I10",  "E119", "Z867", "J459", "E669", "F171",
                                                   "Z921", "I251", "E039", "M199", "K219", "N183"};
constexpr std::array<const char*, 6> kCancer = {"C509", "C189", "D051", "C61", "D381", "C443"};

std::string withQuotes(const std::string& field) { return "\"" + field + "\""; }

void appendCodes(std::string& out, Rng& rng, const std::vector<std::string>& codes) {
    for (size_t i = 0; i < codes.size(); ++i) {
        if (i) out += '|';
        out += styled(rng, codes[i]);
    }
}

constexpr size_t kHesProcedures = 24, kHesDiagnoses = 20;

std::string hesHeader() {
    std::string h = "EPIKEY,FYEAR,PROCODE3,CCG_RESPONSIBILITY,STARTAGE,SEX,ADMIMETH,CLASSPAT,ADMIDATE";
    char name[16];
    for (size_t i = 1; i <= kHesProcedures; ++i) {
        std::snprintf(name, sizeof name, ",OPERTN_%02zu", i);
        h += name;
    }
    for (size_t i = 1; i <= kHesDiagnoses; ++i) {
        std::snprintf(name, sizeof name, ",DIAG_%02zu", i);
        h += name;
    }
    return h + ",SPELL_ID\n";
}

// A '|' list spread over `positions` columns: HES writes '-' in the first
// position of an episode without any, and leaves the rest empty.
void appendPositions(std::string& buf, std::string_view list, size_t positions) {
    size_t written = 0;
    if (list.empty()) {
        buf += ",-";
        written = 1;
    }
    while (!list.empty() && written < positions) {
        size_t bar = list.find('|');
        buf += ',';
        buf += list.substr(0, bar);
        ++written;
        list = bar == std::string_view::npos ? std::string_view() : list.substr(bar + 1);
    }
    for (; written < positions; ++written) buf += ',';
}

}  // namespace

std::string generatorHesMapping() {
    return "# cpe-gen-activity --layout hes: a HES APC-style extract\n"
           "episode_id = EPIKEY\n"
           "provider = PROCODE3\n"
           "commissioner = CCG_RESPONSIBILITY\n"
           "age = STARTAGE\n"
           "sex = SEX\n"
           "admission_method = ADMIMETH\n"
           "setting = CLASSPAT   # 1 ordinary admission, 2 day case; outpatient procedures are written OP\n"
           "admission_date = ADMIDATE\n"
           "procedures = OPERTN_*   # OPERTN_01 is the dominant procedure\n"
           "diagnoses = DIAG_*\n";
}

const char* const* generatorCommissioners(size_t& count) {
    count = kCommissioners.size();
    return kCommissioners.data();
}

std::string generatorPopulationCsv() {
    std::string out = "commissioner,population\n";
    for (size_t i = 0; i < kCommissioners.size(); ++i)
        out += std::string(kCommissioners[i]) + "," + std::to_string(static_cast<long>(kPopulation[i])) + "\n";
    return out;
}

std::string generatorBandedPopulationCsv() {
    std::string out = "commissioner,age_band,sex,population\n";
    for (size_t i = 0; i < kCommissioners.size(); ++i)
        for (int band = 0; band < stats::kEspBands; ++band)
            for (int sex = 1; sex <= 2; ++sex) {
                const double share = stats::espWeight(band) / 100000.0 * (sex == 1 ? 0.49 : 0.51);
                out += std::string(kCommissioners[i]) + "," + std::string(stats::espBandLabel(band)) + "," + std::to_string(sex) +
                       "," + std::to_string(static_cast<long>(std::lround(kPopulation[i] * share))) + "\n";
            }
    return out;
}

bool generateActivity(const GeneratorOptions& o, std::FILE* out) {
    Rng rng{o.seed};
    int32_t firstDay = 0, lastDay = 0;
    if (!parseIsoDate(o.firstDate, firstDay) || !parseIsoDate(o.lastDate, lastDay) || lastDay < firstDay) return false;

    // Provider sizes span two orders of magnitude, like acute trusts and
    // small specialist units; each does its own mix of the interventions.
    std::array<double, kProviders.size()> size{};
    std::array<std::array<double, kEbi.size()>, kProviders.size()> propensity{};
    std::array<std::array<double, 3>, kProviders.size()> homeCommissioners{};
    double totalSize = 0;
    for (size_t p = 0; p < kProviders.size(); ++p) {
        size[p] = std::exp(rng.normal() * 0.8) * (p < 4 ? 3.0 : 1.0);
        totalSize += size[p];
        for (size_t i = 0; i < kEbi.size(); ++i) {
            double m = std::exp(rng.normal() * 0.35);
            if (rng.chance(0.06)) m *= 2.6;   // a provider far above the rest
            if (rng.chance(0.05)) m *= 0.25;  // ... or far below
            if (rng.chance(0.04)) m = 0;      // ... or not offering it at all
            propensity[p][i] = m;
        }
        for (size_t k = 0; k < 3; ++k) homeCommissioners[p][k] = static_cast<double>(rng.below(kCommissioners.size()));
    }
    std::array<double, kProviders.size()> cumulativeSize{};
    double acc = 0;
    for (size_t p = 0; p < kProviders.size(); ++p) cumulativeSize[p] = (acc += size[p] / totalSize);
    double ebiWeight = 0, nonEbiWeight = 0;
    for (const auto& r : kEbi) ebiWeight += r.weight;
    for (const auto& r : kNonEbi) nonEbiWeight += r.weight;

    const bool hes = o.layout == GeneratorLayout::Hes;
    std::string buf;
    buf.reserve(1 << 21);
    buf = hes ? hesHeader()
              : "episode_id,provider,commissioner,age,sex,admission_method,setting,dominant_procedure,procedures,diagnoses,"
                "admission_date\n";
    CodedEpisode e;
    for (uint64_t row = 0; row < o.rows; ++row) {
        double u = rng.unit();
        size_t prov = 0;
        while (prov + 1 < kProviders.size() && u > cumulativeSize[prov]) ++prov;
        const char* commissioner = rng.chance(0.85) ? kCommissioners[static_cast<size_t>(homeCommissioners[prov][rng.below(3)])]
                                                    : kCommissioners[rng.below(kCommissioners.size())];
        e = CodedEpisode{};
        e.sex = rng.chance(0.5) ? 1 : 2;
        if (rng.chance(0.005)) e.sex = 9;
        double kind = rng.unit();
        if (kind < 0.06) {
            // EBI procedure, by intervention weight and this provider's propensity.
            // Providers that do less of an intervention turn more draws down.
            size_t which = 0;
            for (int attempt = 0; attempt < 64; ++attempt) {
                double w = rng.unit() * ebiWeight;
                which = 0;
                while (which + 1 < kEbi.size() && w > kEbi[which].weight) w -= kEbi[which++].weight;
                if (rng.unit() * 2.6 <= propensity[prov][which]) break;
            }
            const EbiRecipe& r = kEbi[which];
            e.age = rng.between(r.ageLo, r.ageHi);
            if (r.sex == 2) e.sex = 2;
            e.outpatient = rng.chance(r.opShare);
            bool nearMiss = rng.chance(0.12);
            codeEbi(rng, which, nearMiss, e);
            if (rng.chance(0.04)) e.emergency = true;
            if (rng.chance(0.03)) e.diagnoses.push_back(pickCode(rng, kCancer));
            if (rng.chance(0.3)) e.diagnoses.push_back(pickCode(rng, kComorbid));
        } else if (kind < 0.62) {
            double w = rng.unit() * nonEbiWeight;
            size_t which = 0;
            while (which + 1 < kNonEbi.size() && w > kNonEbi[which].weight) w -= kNonEbi[which++].weight;
            const NonEbi& r = kNonEbi[which];
            e.age = std::min(100, std::max(0, static_cast<int>(55 + rng.normal() * 20)));
            e.procedures = {r.procedure};
            if (rng.chance(0.25)) e.procedures.push_back(pickCode(rng, std::array{"Y534", "Z942", "Y981", "Z943", "Y751"}));
            e.diagnoses = {r.diagnosis};
            e.outpatient = r.outpatientOk && rng.chance(0.5);
            e.emergency = rng.chance(0.12);
            for (int k = static_cast<int>(rng.below(4)); k > 0; --k) e.diagnoses.push_back(pickCode(rng, kComorbid));
        } else {
            e.age = std::min(105, std::max(0, static_cast<int>(62 + rng.normal() * 24)));
            e.diagnoses = {pickCode(rng, kMedical)};
            e.emergency = rng.chance(0.7);
            for (int k = static_cast<int>(rng.below(5)); k > 0; --k) e.diagnoses.push_back(pickCode(rng, kComorbid));
        }

        std::string method = e.emergency        ? "2" + std::to_string(rng.between(1, 8))
                             : rng.chance(0.94) ? "1" + std::to_string(rng.between(1, 3))
                                                : pickCode(rng, std::array{"31", "81", "82", "83", "99"});
        int32_t day = firstDay + static_cast<int32_t>(rng.below(static_cast<uint64_t>(lastDay - firstDay + 1)));
        int y = 0;
        unsigned m = 0, d = 0;
        {
            // civil_from_days (Howard Hinnant)
            int32_t z = day + 719468;
            int32_t era = (z >= 0 ? z : z - 146096) / 146097;
            unsigned doe = static_cast<unsigned>(z - era * 146097);
            unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            y = static_cast<int>(yoe) + era * 400;
            unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            unsigned mp = (5 * doy + 2) / 153;
            d = doy - (153 * mp + 2) / 5 + 1;
            m = mp < 10 ? mp + 3 : mp - 9;
            y += m <= 2;
        }
        char date[32];
        std::snprintf(date, sizeof date, "%04d-%02u-%02u", y, m, d);

        bool quoted = rng.chance(o.quotedRate);
        std::string procedures, diagnoses;
        appendCodes(procedures, rng, e.procedures);
        appendCodes(diagnoses, rng, e.diagnoses);
        std::string dominant = e.procedures.empty() ? "" : styled(rng, e.procedures[0]);
        std::string id = "EP" + std::to_string(1000000000ull + row);
        std::string age = std::to_string(e.age), sex = std::to_string(e.sex), setting = e.outpatient ? "OP" : "APC";
        std::string dateText = date;
        bool extraField = false;
        // The HES layout's own codes, from the row number (not the random
        // stream, so both layouts hold the same activity): ages under one as
        // 7001-7007, admitted care as ordinary admission (1) or day case (2).
        if (hes && e.age == 0) age = "700" + std::to_string(1 + row % 7);
        if (hes && !e.outpatient) setting = row % 3 == 0 ? "1" : "2";
        if (rng.chance(o.malformedRate)) {
            switch (rng.below(5)) {
                case 0: age = "unknown"; break;
                case 1: dateText = "2024-02-30"; break;
                case 2: sex = hes ? "X" : "M"; break;  // M is male under the HES mapping
                case 3: setting = "ED"; break;
                default: extraField = true; break;  // one field too many
            }
        }
        // In the contract layout a quoted row's ",EXTRA" lands inside the
        // quoted diagnoses (a well-formed row); the wide layout matches it.
        if (hes && quoted) extraField = false;
        if (quoted) id = withQuotes(id);
        buf += id;
        buf += ',';
        if (hes) {
            buf += "2425,";
            buf += kProviders[prov];
            buf += ',';
            buf += commissioner;
            buf += ',';
            buf += age;
            buf += ',';
            buf += sex;
            buf += ',';
            buf += method;
            buf += ',';
            buf += setting;
            buf += ',';
            buf += dateText;
            appendPositions(buf, procedures, kHesProcedures);
            appendPositions(buf, diagnoses, kHesDiagnoses);
            buf += ",S";
            buf += std::to_string(500000000ull + row);
            if (extraField) buf += ",EXTRA";
            buf += '\n';
        } else {
            if (extraField) diagnoses += ",EXTRA";
            if (quoted) {
                diagnoses = withQuotes(diagnoses);
                procedures = withQuotes(procedures);
            }
            buf += kProviders[prov];
            buf += ',';
            buf += commissioner;
            buf += ',';
            buf += age;
            buf += ',';
            buf += sex;
            buf += ',';
            buf += method;
            buf += ',';
            buf += setting;
            buf += ',';
            buf += dominant;
            buf += ',';
            buf += procedures;
            buf += ',';
            buf += diagnoses;
            buf += ',';
            buf += dateText;
            buf += '\n';
        }
        if (buf.size() > (1 << 20)) {
            if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) return false;
            buf.clear();
        }
    }
    return std::fwrite(buf.data(), 1, buf.size(), out) == buf.size() && std::fflush(out) == 0;
}

}  // namespace cpe::audit
