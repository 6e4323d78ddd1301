#pragma once
// Numbers as people read them in reports and published pages: digits grouped
// in thousands, decimals rounded to a fixed number of places.
#include <cstdint>
#include <string>

namespace cpe {

// 1234567 -> "1,234,567".
std::string thousands(uint64_t n);
// -1234.567 with 2 places -> "-1,234.57"; NaN -> "".
std::string decimalWithThousands(double v, int decimals);

}  // namespace cpe
