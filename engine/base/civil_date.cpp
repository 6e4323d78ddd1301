// Calendar arithmetic on whole days since 1970-01-01 (H. Hinnant's
// days_from_civil algorithms), so ages and "within 12 months" are exact and
// independent of the machine's time zone.
#include "engine/base/civil_date.h"

#include <algorithm>
#include <cstdio>

namespace cpe {

int daysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int>(doe) - 719468;
}

void civilFromDays(int z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<int>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool isLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(int y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeapYear(y) ? 29 : days[m - 1];
}

std::optional<int> parseDate(std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (t[i] < '0' || t[i] > '9') return std::nullopt;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    unsigned m = static_cast<unsigned>((t[5] - '0') * 10 + (t[6] - '0'));
    unsigned d = static_cast<unsigned>((t[8] - '0') * 10 + (t[9] - '0'));
    if (y < kFirstDateYear || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return std::nullopt;
    return daysFromCivil(y, m, d);
}

std::string formatDate(int days) {
    int y;
    unsigned m, d;
    civilFromDays(days, y, m, d);
    // By hand: snprintf was a twentieth of a server decision (callgrind),
    // which writes three dates. Years outside 0..9999 keep snprintf's form.
    if (y < 0 || y > 9999) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
        return buf;
    }
    const auto uy = static_cast<unsigned>(y);
    char out[10] = {static_cast<char>('0' + uy / 1000),
                    static_cast<char>('0' + uy / 100 % 10),
                    static_cast<char>('0' + uy / 10 % 10),
                    static_cast<char>('0' + uy % 10),
                    '-',
                    static_cast<char>('0' + m / 10),
                    static_cast<char>('0' + m % 10),
                    '-',
                    static_cast<char>('0' + d / 10),
                    static_cast<char>('0' + d % 10)};
    return std::string(out, sizeof out);
}

int wholeMonthsBetween(int from, int to) {
    if (from > to) return -wholeMonthsBetween(to, from);
    int y1, y2;
    unsigned m1, d1, m2, d2;
    civilFromDays(from, y1, m1, d1);
    civilFromDays(to, y2, m2, d2);
    int months = (y2 - y1) * 12 + static_cast<int>(m2) - static_cast<int>(m1);
    // Born on the 31st: the month is complete on the last day of a shorter month.
    unsigned anniversaryDay = std::min(d1, daysInMonth(y2, m2));
    if (d2 < anniversaryDay) --months;
    return months;
}

int wholeYearsBetween(int from, int to) {
    int months = wholeMonthsBetween(from, to);
    return months >= 0 ? months / 12 : -((-months) / 12);
}

int subtractMonths(int day, int months) {
    int y;
    unsigned m, d;
    civilFromDays(day, y, m, d);
    int total = y * 12 + static_cast<int>(m) - 1 - months;
    int ny = total >= 0 ? total / 12 : (total - 11) / 12;
    unsigned nm = static_cast<unsigned>(total - ny * 12) + 1;
    unsigned nd = std::min(d, daysInMonth(ny, nm));
    return daysFromCivil(ny, nm, nd);
}

}  // namespace cpe
