#include "audit/read/episode.h"

#include <cstring>

#include "engine/base/civil_date.h"

namespace cpe::audit {

namespace {

// A value for a message: long or binary values are cut short.
std::string shown(std::string_view v) {
    std::string out;
    for (char c : v.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
    if (v.size() > 40) out += "...";
    return "'" + out + "'";
}

// Whether `field` is the word `lower` (2 or 3 lower-case letters) in any
// case. The field's first 4 bytes are read as one integer (fields are
// padded). Setting bit 5 of a byte turns an upper-case letter into its
// lower-case one, and no other byte becomes a lower-case letter that way, so
// the test is exact.
template <size_t N>
bool isWordIgnoringCase(std::string_view field, const char (&lower)[N]) {
    static_assert(N == 3 || N == 4);
    if (field.size() != N - 1) return false;
    uint32_t word = 0, want = 0;
    std::memcpy(&word, field.data(), 4);
    std::memcpy(&want, lower, N - 1);
    constexpr uint32_t mask = N == 4 ? 0xFFFFFFu : 0xFFFFu;
    return ((word | 0x20202020u) & mask) == want;
}

}  // namespace

bool parseDateKey(std::string_view t, int32_t& key) {
    if (t.size() != 10) return false;
    // Runs once per row, so all ten bytes are checked at once: the first
    // eight ("YYYY-MM-") and the last two ("DD") as integers, little-endian
    // (byte i is bits 8i..8i+7). 8 bytes of "YYYY-MM-" and 2 of "DD" are
    // always readable here, since t.size() == 10.
    uint64_t head;
    uint16_t tail;
    std::memcpy(&head, t.data(), 8);
    std::memcpy(&tail, t.data() + 8, 2);
    constexpr uint64_t kDashes = 0xFF0000FF00000000ull;  // bytes 4 and 7
    if ((head & kDashes) != 0x2D00002D00000000ull) return false;
    // Digits less '0' (the dashes become 0 first); a byte that is not a digit
    // leaves some byte outside 0..9 (a borrow only ever follows a bad byte).
    const uint64_t h = (head & ~kDashes) - (0x3030303030303030ull & ~kDashes);
    const uint32_t d2 = static_cast<uint32_t>(tail) - 0x3030u;
    if (((h + 0x7676767676767676ull) | h) & 0x8080808080808080ull) return false;
    if (((d2 + 0x7676u) | d2) & 0x8080u) return false;
    auto digit = [&](int i) { return static_cast<unsigned>((h >> (8 * i)) & 0xFF); };
    const unsigned y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    const unsigned m = digit(5) * 10 + digit(6);
    const unsigned d = (d2 & 0xFF) * 10 + (d2 >> 8);
    // The years, months and days engine/base/civil_date.cpp's parseDate accepts
    // (the tests hold the two to the same answers).
    if (static_cast<int>(y) < kFirstDateYear || m < 1 || m > 12 || d < 1) return false;
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > kDays[m - 1] && !(m == 2 && d == 29 && isLeapYear(static_cast<int>(y)))) return false;
    key = static_cast<int32_t>(y * 10000 + m * 100 + d);
    return true;
}

bool parseIsoDate(std::string_view t, int32_t& days) {
    std::optional<int> day = parseDate(t);
    if (!day) return false;
    days = *day;
    return true;
}

namespace {

// parseEpisode for a given column layout (ActivitySchema, or the spec's own
// order, whose field positions are constants).
template <typename Layout>
bool parseFields(const Record& record, const Layout& schema, Episode& out, std::string& reason) {
    if (record.error) {
        reason = record.error;
        return false;
    }
    if (record.fieldCount != schema.fieldCount) {
        reason = "expected " + std::to_string(schema.fieldCount) + " fields, found " + std::to_string(record.fieldCount);
        return false;
    }
    auto field = [&](Column c) { return record.field(schema.at(c)); };

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
    // 1 to 3 digits, at most 130 (written out: this runs once per row).
    const auto ageDigit = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(age[i])) - '0'; };
    bool ageOk = !age.empty() && age.size() <= 3 && ageDigit(0) <= 9;
    unsigned a = ageOk ? ageDigit(0) : 0;
    for (size_t i = 1; ageOk && i < age.size(); ++i) {
        ageOk = ageDigit(i) <= 9;
        a = a * 10 + ageDigit(i);
    }
    if (!ageOk || a > 130) {
        reason = "age " + shown(age) + " is not a whole number from 0 to 130";
        return false;
    }
    out.age = static_cast<int>(a);

    std::string_view sex = field(Column::Sex);
    switch (sex.size() == 1 ? sex[0] : '\0') {
        case '1': out.sex = Sex::Male; break;
        case '2': out.sex = Sex::Female; break;
        case '9': out.sex = Sex::Unknown; break;
        default: reason = "sex " + shown(sex) + " is not 1 (male), 2 (female) or 9 (not known)"; return false;
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
    if (isWordIgnoringCase(setting, "apc")) out.setting = Setting::APC;
    else if (isWordIgnoringCase(setting, "op")) out.setting = Setting::OP;
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
    out.primaryProcedure = packPaddedCode(dominant.data(), dominant.size());
    out.procedures = field(Column::Procedures);
    out.diagnoses = field(Column::Diagnoses);
    return true;
}

}  // namespace

bool parseEpisode(const Record& record, const ActivitySchema& schema, Episode& out, std::string& reason) {
    if (schema.specOrder) return parseFields(record, SpecOrderLayout{}, out, reason);
    return parseFields(record, schema, out, reason);
}

void packCodeList(std::string_view list, std::vector<PackedCode>& out) {
    out.clear();
    const char* p = list.data();
    const char* end = p + list.size();
    for (;;) {
        const char* q = p;
        while (q < end && *q != '|') ++q;
        if (PackedCode c = packCode(p, q)) out.push_back(c);
        if (q == end) break;
        p = q + 1;
    }
}

// Items of up to 8 bytes (all real codes) go through packPaddedCode; a list
// with a longer item is left to packCodeList.
void packPaddedCodeList(std::string_view list, std::vector<PackedCode>& out) {
    out.clear();
    const char* p = list.data();
    const char* const end = p + list.size();
    while (p < end) {
        uint64_t v;
        std::memcpy(&v, p, 8);
        // The first '|' among these 8 bytes: the lowest zero byte of v ^ '|'s
        // (the classic test is exact for the lowest one).
        const uint64_t x = v ^ 0x7C7C7C7C7C7C7C7Cull;
        const uint64_t bars = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
        const size_t rest = static_cast<size_t>(end - p);
        size_t length = bars ? static_cast<size_t>(__builtin_ctzll(bars)) / 8 : 8;
        if (length >= rest) length = rest;
        else if (!bars) return packCodeList(list, out);  // an item longer than 8 bytes
        if (PackedCode c = packPaddedCode(p, length)) out.push_back(c);
        p += length + 1;
    }
}

}  // namespace cpe::audit
