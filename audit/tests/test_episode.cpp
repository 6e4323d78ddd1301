#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "audit/read/activity_schema.h"
#include "audit/read/episode.h"
#include "engine/base/civil_date.h"

using namespace cpe::audit;

namespace {

const std::vector<std::string_view> kHeader = {"episode_id", "provider",         "commissioner",  "age",
                                               "sex",        "admission_method", "setting",       "dominant_procedure",
                                               "procedures", "diagnoses",        "admission_date"};

// Parses one row given as its field values in the spec's column order, laid
// out in the file in `order` (order[i]: the spec column written i-th; empty:
// the spec's order).
bool parse(std::vector<std::string> values, Episode& e, std::string& reason, const std::vector<size_t>& order = {}) {
    // Laid out as the scanner leaves a row: fields one byte apart, padded.
    static std::string line;
    line.clear();
    Record r;
    static int32_t bounds[kMaxRecordFields + 1];
    bounds[0] = -1;
    r.bounds = bounds;
    std::vector<size_t> ends;
    std::vector<std::string_view> header = kHeader;
    if (!order.empty()) {
        std::vector<std::string> permuted;
        header.clear();
        for (size_t i = 0; i < order.size(); ++i) {
            header.push_back(kHeader[order[i]]);
            permuted.push_back(order[i] < values.size() ? values[order[i]] : "");
        }
        if (values.size() == kHeader.size()) values = permuted;
    }
    for (const std::string& v : values) {
        line += v;
        ends.push_back(line.size());
        line += ',';
    }
    line.append(kScanPadding, '\0');
    r.begin = line.data();
    r.fieldCount = values.size();
    for (size_t i = 0; i < ends.size() && i < kMaxRecordFields; ++i) bounds[i + 1] = static_cast<int32_t>(ends[i]);
    std::string error;
    auto schema = checkHeader(header, error);
    REQUIRE(schema);
    CHECK(schema->specOrder == (order.empty() || std::is_sorted(order.begin(), order.end())));
    return parseEpisode(r, *schema, e, reason);
}

std::vector<std::string> good() {
    return {"E1", "RAJ", "06K", "45", "2", "11", "APC", "F34.1", "F341|Y534", "J039|I10", "2024-05-06"};
}

// good() with one column's value replaced.
std::vector<std::string> with(size_t column, std::string value) {
    auto v = good();
    v[column] = std::move(value);
    return v;
}

std::string rejectReason(std::vector<std::string> values) {
    Episode e;
    std::string reason;
    CHECK_FALSE(parse(std::move(values), e, reason));
    return reason;
}

}  // namespace

TEST_CASE("a good row converts every field") {
    Episode e;
    std::string reason;
    REQUIRE(parse(good(), e, reason));
    CHECK(e.provider == "RAJ");
    CHECK(e.commissioner == "06K");
    CHECK(e.age == 45);
    CHECK(e.sex == Sex::Female);
    CHECK(e.admission == Admission::Elective);
    CHECK(e.setting == Setting::APC);
    CHECK(e.primaryProcedure == packCode("F341"));
    CHECK(e.date == 20240506);
    std::vector<PackedCode> codes;
    packCodeList(e.procedures, codes);
    CHECK(codes == std::vector<PackedCode>{packCode("F341"), packCode("Y534")});
}

TEST_CASE("admission methods: 11-13 elective, 2x emergency, others other") {
    Episode e;
    std::string reason;
    auto method = [&](const char* m) {
        REQUIRE(parse(with(5, m), e, reason));
        return e.admission;
    };
    CHECK(method("11") == Admission::Elective);
    CHECK(method("13") == Admission::Elective);
    CHECK(method("21") == Admission::Emergency);
    CHECK(method("2A") == Admission::Emergency);
    CHECK(method("14") == Admission::Other);
    CHECK(method("81") == Admission::Other);
}

TEST_CASE("sex, setting and empty code lists") {
    Episode e;
    std::string reason;
    auto v = good();
    v[4] = "9";
    v[6] = "op";
    v[7] = "";
    v[8] = "";
    v[9] = "";
    REQUIRE(parse(v, e, reason));
    CHECK(e.sex == Sex::Unknown);
    CHECK(e.setting == Setting::OP);
    CHECK(e.primaryProcedure == 0);
    std::vector<PackedCode> codes{1, 2, 3};
    packCodeList(e.diagnoses, codes);
    CHECK(codes.empty());
    packCodeList("|J03||I10|", codes);
    CHECK(codes == std::vector<PackedCode>{packCode("J03"), packCode("I10")});
}

TEST_CASE("every rejection reason names the column and the value") {
    CHECK(rejectReason({"E1", "RAJ"}) == "expected 11 fields, found 2");
    auto twelve = good();
    twelve.push_back("x");
    CHECK(rejectReason(twelve) == "expected 11 fields, found 12");
    CHECK(rejectReason(with(0, "")) == "empty episode_id");
    CHECK(rejectReason(with(1, "")) == "empty provider");
    CHECK(rejectReason(with(3, "")) == "age '' is not a whole number from 0 to 130");
    CHECK(rejectReason(with(3, "4x")) == "age '4x' is not a whole number from 0 to 130");
    CHECK(rejectReason(with(3, "-1")) == "age '-1' is not a whole number from 0 to 130");
    CHECK(rejectReason(with(3, "131")) == "age '131' is not a whole number from 0 to 130");
    CHECK(rejectReason(with(3, "45.5")) == "age '45.5' is not a whole number from 0 to 130");
    CHECK(rejectReason(with(4, "F")) == "sex 'F' is not 1 (male), 2 (female) or 9 (not known)");
    CHECK(rejectReason(with(5, "1")) == "admission_method '1' is not two characters");
    CHECK(rejectReason(with(6, "AE")) == "setting 'AE' is not APC or OP");
    CHECK(rejectReason(with(10, "2024-02-30")) == "admission_date '2024-02-30' is not a date YYYY-MM-DD");
    CHECK(rejectReason(with(10, "06/05/2024")) == "admission_date '06/05/2024' is not a date YYYY-MM-DD");
    CHECK(rejectReason(with(10, "")) == "admission_date '' is not a date YYYY-MM-DD");
}

TEST_CASE("a record the CSV scanner flagged is rejected with the scanner's reason") {
    Record r;
    r.fieldCount = 11;
    r.error = "unterminated quoted field";
    std::string error;
    auto schema = checkHeader(kHeader, error);
    Episode e;
    std::string reason;
    CHECK_FALSE(parseEpisode(r, *schema, e, reason));
    CHECK(reason == "unterminated quoted field");
}

TEST_CASE("dates: leap years and the calendar") {
    int32_t d = 0;
    CHECK(parseIsoDate("2024-02-29", d));
    CHECK_FALSE(parseIsoDate("2023-02-29", d));
    CHECK(parseIsoDate("2000-02-29", d));
    CHECK_FALSE(parseIsoDate("1900-02-29", d));
    CHECK(parseIsoDate("1970-01-01", d));
    CHECK(d == 0);
    CHECK_FALSE(parseIsoDate("2024-00-10", d));
    CHECK_FALSE(parseIsoDate("2024-1-10", d));
    CHECK_FALSE(parseIsoDate("2024-01-32", d));
    CHECK_FALSE(parseIsoDate("2024-01-3a", d));
    CHECK_FALSE(parseIsoDate("2024-01-3\xff", d));
    int32_t key = 0;
    CHECK(parseDateKey("2024-02-29", key));
    CHECK(key == 20240229);
    CHECK_FALSE(parseDateKey("2023-02-29", key));
    CHECK(parseDateKey("1999-12-31", key));
    CHECK(key == 19991231);
}

TEST_CASE("header check names missing, unknown and repeated columns") {
    std::string error;
    auto ok = checkHeader({"Provider", "episode_id", "commissioner", " age ", "sex", "admission_method", "setting",
                           "dominant_procedure", "procedures", "diagnoses", "admission_date"},
                          error);
    REQUIRE(ok);
    CHECK(ok->at(Column::Provider) == 0);
    CHECK(ok->at(Column::EpisodeId) == 1);

    CHECK_FALSE(checkHeader({"episode_id", "provider", "commissioner", "agee", "sex", "admission_method", "setting",
                             "dominant_procedure", "procedures", "diagnoses", "admission_date", "extra", "provider"},
                            error));
    CHECK(error.find("missing column age") != std::string::npos);
    CHECK(error.find("unknown columns 'agee' (column 4) (did you mean 'age'?), 'extra' (column 12)") != std::string::npos);
    CHECK(error.find("repeated column provider") != std::string::npos);

    CHECK_FALSE(checkHeader({"episode_id"}, error));
    CHECK(error.find("missing columns provider, commissioner, age") != std::string::npos);
}

TEST_CASE("parseDateKey and parseIsoDate accept exactly the dates the engine's parseDate does") {
    // The reference: the one date parser every stage shares
    // (engine/base/civil_date.h), which gives days; the key is the same date
    // as YYYYMMDD.
    auto reference = [](const std::string& t, int32_t& key) {
        std::optional<int> day = cpe::parseDate(t);
        if (!day) return false;
        int y;
        unsigned m, d;
        cpe::civilFromDays(*day, y, m, d);
        key = static_cast<int32_t>(y * 10000 + static_cast<int>(m * 100 + d));
        return true;
    };
    auto same = [&](const std::string& t) {
        int32_t a = -1, b = -1;
        bool ok = parseDateKey(t, a);
        CAPTURE(t);
        CHECK(ok == reference(t, b));
        if (ok) CHECK(a == b);
        int32_t days = -1;
        CHECK(parseIsoDate(t, days) == ok);
        if (ok) CHECK(days == *cpe::parseDate(t));
    };
    int valid = 0;
    for (int y : {0, 1799, 1800, 1899, 1900, 1999, 2000, 2023, 2024, 2100, 9999})
        for (int m = 0; m <= 13; ++m)
            for (int d = 0; d <= 32; ++d) {
                char t[16];
                std::snprintf(t, sizeof t, "%04d-%02d-%02d", y, m, d);
                int32_t k = 0;
                valid += parseDateKey(t, k);
                same(t);
            }
    // Years before 1800 are refused (0 and 1799 here); leap years among the
    // nine others: 2000 and 2024 (not 1800, 1900 or 2100).
    CHECK(valid == 9 * 365 + 2);
    std::mt19937 rng(5);
    const std::string alphabet = std::string("0123456789-/: a") + '\0' + "\x80\xff";
    for (int round = 0; round < 50000; ++round) {
        std::string t = "2024-05-06";
        for (int k = static_cast<int>(rng() % 3); k >= 0; --k) t[rng() % t.size()] = alphabet[rng() % alphabet.size()];
        same(t);
    }
}

TEST_CASE("setting is APC or OP in any case, and nothing else") {
    Episode e;
    std::string reason;
    auto setting = [&](const char* value) {
        return parse(with(6, value), e, reason) ? std::string(e.setting == Setting::APC ? "APC" : "OP") : std::string("rejected");
    };
    CHECK(setting("APC") == "APC");
    CHECK(setting("apc") == "APC");
    CHECK(setting("aPc") == "APC");
    CHECK(setting("OP") == "OP");
    CHECK(setting("oP") == "OP");
    for (const char* bad : {"AP", "APCX", "A", "", "@PC", "APc ", "OQ", "0P", "O", "OPC", "A\xC3"}) {
        CAPTURE(bad);
        CHECK(setting(bad) == "rejected");
    }
}

TEST_CASE("columns in any order parse exactly as in the spec's order") {
    const std::vector<std::vector<std::string>> rows = {
        good(),        with(3, "131"), with(4, "F"),          with(5, "2A"),
        with(6, "op"), with(7, ""),    with(8, "|J03||I10|"), with(10, "2024-02-30"),
        with(0, ""),   with(1, ""),    {"E1", "RAJ"},
    };
    std::mt19937 rng(11);
    std::vector<size_t> order(kHeader.size());
    std::iota(order.begin(), order.end(), size_t{0});
    for (int round = 0; round < 20; ++round) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const auto& row : rows) {
            // The views of a parsed episode point into parse()'s buffer, so
            // each result is written out before the next parse.
            auto parsed = [&](const std::vector<size_t>& columns) {
                Episode e;
                std::string reason;
                if (!parse(row, e, reason, columns)) return "rejected: " + reason;
                std::vector<PackedCode> procedures, diagnoses;
                packCodeList(e.procedures, procedures);
                packCodeList(e.diagnoses, diagnoses);
                std::string out = std::string(e.episodeId) + "/" + std::string(e.provider) + "/" + std::string(e.commissioner);
                for (long v : {long{e.age}, long{static_cast<int>(e.sex)}, long{static_cast<int>(e.setting)},
                               long{static_cast<int>(e.admission)}, long{e.date}})
                    out += "/" + std::to_string(v);
                for (PackedCode c : procedures) out += "/p" + unpackCode(c);
                for (PackedCode c : diagnoses) out += "/d" + unpackCode(c);
                return out + "/primary " + unpackCode(e.primaryProcedure);
            };
            CHECK(parsed(order) == parsed({}));
        }
    }
}

TEST_CASE("age, sex, admission method and setting convert exactly as a byte-by-byte reading would") {
    // Every string of up to 4 bytes over digits and the bytes around them
    // (and some others), against a plain reference for each column.
    const std::string alphabet = std::string("0139/:a -+") + '\xff' + "A2pPcCoO";
    std::vector<std::string> values = {""};
    for (size_t length = 1; length <= 4; ++length) {
        const size_t before = values.size();
        for (size_t i = 0; i < before; ++i)
            if (values[i].size() == length - 1)
                for (char c : alphabet.substr(0, length <= 3 ? alphabet.size() : 10)) values.push_back(values[i] + c);
    }
    auto referenceAge = [](const std::string& v, int& age) {
        if (v.empty() || v.size() > 3) return false;
        age = 0;
        for (char c : v) {
            if (c < '0' || c > '9') return false;
            age = age * 10 + (c - '0');
        }
        return age <= 130;
    };
    auto upper = [](std::string v) {
        for (char& c : v) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        return v;
    };
    Episode e;
    std::string reason;
    size_t checked = 0;
    for (const std::string& v : values) {
        CAPTURE(v);
        int age = -1;
        const bool ageOk = referenceAge(v, age);
        CHECK(parse(with(3, v), e, reason) == ageOk);
        if (ageOk) CHECK(e.age == age);

        const bool sexOk = v == "1" || v == "2" || v == "9";
        CHECK(parse(with(4, v), e, reason) == sexOk);
        if (sexOk) CHECK(e.sex == (v == "1" ? Sex::Male : v == "2" ? Sex::Female : Sex::Unknown));

        CHECK(parse(with(5, v), e, reason) == (v.size() == 2));
        if (v.size() == 2) {
            const Admission want = v[0] == '2'                                   ? Admission::Emergency
                                   : (v[0] == '1' && v[1] >= '1' && v[1] <= '3') ? Admission::Elective
                                                                                 : Admission::Other;
            CHECK(e.admission == want);
        }

        const bool settingOk = upper(v) == "APC" || upper(v) == "OP";
        CHECK(parse(with(6, v), e, reason) == settingOk);
        if (settingOk) CHECK(e.setting == (upper(v) == "OP" ? Setting::OP : Setting::APC));
        ++checked;
    }
    CHECK(checked > 5000);
}
