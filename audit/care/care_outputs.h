#pragma once
// The care audit's tidy CSV files, one per measure (audit/README.md documents
// every column). Counts are exact; suppression is for report.html only.
#include <map>
#include <string>

#include "audit/care/care_measures.h"

namespace cpe::audit {

// Writes into `dir`: care_28day.csv, care_late.csv, care_fast_track.csv,
// care_conversion.csv, care_consistency.csv, care_consistency_cases.csv,
// s117_aftercare.csv, s117_gaps.csv, care_funnels.csv (benchmarks: --benchmark's targets), care_trends.csv.
void writeCareCsvs(const std::string& dir, const CareResults& results, const std::map<std::string, double>& benchmarks);

}  // namespace cpe::audit
