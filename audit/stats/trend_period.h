#pragma once
// The periods trends are counted in (`--trend month|quarter`), shared by the
// activity audit's trend.csv and the care audit's trends.
namespace cpe::audit {

enum class TrendPeriod { Month, Quarter };

}  // namespace cpe::audit
