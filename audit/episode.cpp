#include "audit/episode.h"

namespace cpe::audit {

namespace {

// A value for a message: long or binary values are cut short.
std::string shown(std::string_view v) {
    std::string out;
    for (char c : v.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (v.size() > 40) out += "...";
    return "'" + out + "'";
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
        if (x != b[i]) return false;
    }
    return true;
}

}  // namespace

int32_t daysFromCivil(int y, unsigned m, unsigned d) {
    // Howard Hinnant's days_from_civil.
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

bool parseDateKey(std::string_view t, int32_t& key) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
    // Written out rather than looped: this runs once per row.
    auto digit = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(t[i])) - '0'; };
    const unsigned v[8] = {digit(0), digit(1), digit(2), digit(3), digit(5), digit(6), digit(8), digit(9)};
    if ((v[0] > 9) | (v[1] > 9) | (v[2] > 9) | (v[3] > 9) | (v[4] > 9) | (v[5] > 9) | (v[6] > 9) | (v[7] > 9)) return false;
    unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    unsigned m = v[4] * 10 + v[5];
    unsigned d = v[6] * 10 + v[7];
    if (m < 1 || m > 12 || d < 1) return false;
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > kDays[m - 1]) {
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        if (!(m == 2 && d == 29 && leap)) return false;
    }
    key = static_cast<int32_t>(y * 10000 + m * 100 + d);
    return true;
}

bool parseIsoDate(std::string_view t, int32_t& days) {
    int32_t key = 0;
    if (!parseDateKey(t, key)) return false;
    days = daysFromCivil(key / 10000, static_cast<unsigned>(key / 100 % 100), static_cast<unsigned>(key % 100));
    return true;
}

bool parseEpisode(const Record& record, const ActivitySchema& schema, Episode& out, std::string& reason) {
    if (record.error) {
        reason = record.error;
        return false;
    }
    if (record.fieldCount != schema.fieldCount) {
        reason = "expected " + std::to_string(schema.fieldCount) + " fields, found " + std::to_string(record.fieldCount);
        return false;
    }
    auto field = [&](Column c) { return record.fields[schema.at(c)]; };

    out.episodeId = field(Column::EpisodeId);
    if (out.episodeId.empty()) {
        reason = "empty episode_id";
        return false;
    }
    out.provider = field(Column::Provider);
    if (out.provider.empty()) {
        reason = "empty provider";
        return false;
    }
    out.commissioner = field(Column::Commissioner);

    std::string_view age = field(Column::Age);
    int a = 0;
    bool ageOk = !age.empty() && age.size() <= 3;
    for (char c : age) {
        if (c < '0' || c > '9') {
            ageOk = false;
            break;
        }
        a = a * 10 + (c - '0');
    }
    if (!ageOk || a > 130) {
        reason = "age " + shown(age) + " is not a whole number from 0 to 130";
        return false;
    }
    out.age = a;

    std::string_view sex = field(Column::Sex);
    if (sex == "1") out.sex = Sex::Male;
    else if (sex == "2") out.sex = Sex::Female;
    else if (sex == "9") out.sex = Sex::Unknown;
    else {
        reason = "sex " + shown(sex) + " is not 1 (male), 2 (female) or 9 (not known)";
        return false;
    }

    std::string_view method = field(Column::AdmissionMethod);
    if (method.size() != 2) {
        reason = "admission_method " + shown(method) + " is not two characters";
        return false;
    }
    if (method[0] == '2') out.admission = Admission::Emergency;
    else if (method[0] == '1' && method[1] >= '1' && method[1] <= '3') out.admission = Admission::Elective;
    else out.admission = Admission::Other;

    std::string_view setting = field(Column::Setting);
    if (equalsIgnoreCase(setting, "APC")) out.setting = Setting::APC;
    else if (equalsIgnoreCase(setting, "OP")) out.setting = Setting::OP;
    else {
        reason = "setting " + shown(setting) + " is not APC or OP";
        return false;
    }

    std::string_view date = field(Column::AdmissionDate);
    if (!parseDateKey(date, out.date)) {
        reason = "admission_date " + shown(date) + " is not a date YYYY-MM-DD";
        return false;
    }

    std::string_view dominant = field(Column::DominantProcedure);
    out.primaryProcedure = packCode(dominant.data(), dominant.data() + dominant.size());
    out.procedures = field(Column::Procedures);
    out.diagnoses = field(Column::Diagnoses);
    return true;
}

// packCode over each `|`-separated item, fused into one pass over the bytes
// (this runs twice per row).
void packCodeList(std::string_view list, std::vector<PackedCode>& out) {
    out.clear();
    PackedCode v = 0;
    int shift = 56;
    for (char ch : list) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (c == '|') {
            if (v) out.push_back(v);
            v = 0;
            shift = 56;
            continue;
        }
        if (c == '.' || c == ' ' || shift < 0) continue;
        if (c >= 'a' && c <= 'z') c = static_cast<unsigned char>(c - 'a' + 'A');
        v |= static_cast<PackedCode>(c) << shift;
        shift -= 8;
    }
    if (v) out.push_back(v);
}

}  // namespace cpe::audit
