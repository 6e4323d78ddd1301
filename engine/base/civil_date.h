#pragma once
// Calendar dates as whole days since 1970-01-01 (proleptic Gregorian), the one
// implementation every stage uses: the checker's date literals, the
// evaluator's ages and "within 12 months", fact binding, decisions' as-of
// dates, and the audit's per-row dates (whose fast parser is tested against
// parseDate here).
#include <optional>
#include <string>
#include <string_view>

namespace cpe {

// The years a date may have. Before 1800 a date in a referral or an extract is
// a mistake (HES's own "not known" placeholders are 1800-01-01 and
// 1801-01-01, which stay readable); four digits end at 9999.
inline constexpr int kFirstDateYear = 1800;
inline constexpr int kLastDateYear = 9999;

// Days since 1970-01-01 of a strict YYYY-MM-DD date in the years above;
// nullopt when it is not one.
std::optional<int> parseDate(std::string_view text);
// YYYY-MM-DD of a day number.
std::string formatDate(int days);

bool isLeapYear(int y);
unsigned daysInMonth(int y, unsigned m);
int daysFromCivil(int y, unsigned m, unsigned d);
void civilFromDays(int z, int& y, unsigned& m, unsigned& d);

// Whole years/months from `from` to `to` (0 or more when from <= to; negative if after).
int wholeYearsBetween(int from, int to);
int wholeMonthsBetween(int from, int to);
// `to` minus n calendar months, clamping the day to the month's length.
int subtractMonths(int day, int months);

}  // namespace cpe
