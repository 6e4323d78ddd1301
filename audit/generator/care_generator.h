#pragma once
// Deterministic synthetic care records (audit/care/care_record.h) for the
// tests and `make bench`: continuing-care referrals and Section 117
// discharges across the three legacy areas (hwe, mse, snee), a few thousand
// a year, as NDJSON or as CSV.
//
// Known shares, so a test can check the audit against an independent count:
// about 8% of referrals are Fast Track; a locality's late decisions (over 28
// days) are `lateRate` times 0.8 (hwe), 1.4 (mse) or 0.6 (snee); about 3% of
// cases are still open; a recorded decision disagrees with the DST band the
// generator works out itself with probability `inconsistentRate`, and review
// bands are recorded either way at random; 10% of s117 discharges are under
// section 2 or 136 alone (not eligible), and of the eligible about 75% have a
// plan by discharge, 15% after it and 10% none. The same seed always gives
// the same bytes.
#include <cstdint>
#include <cstdio>
#include <string>

namespace cpe::audit {

struct CareGeneratorOptions {
    uint64_t records = 10000;  // CHC and s117 together (about 5 to 1)
    uint64_t seed = 20260401;
    double lateRate = 0.2;
    double inconsistentRate = 0.05;
    bool csv = false;
    std::string firstDate = "2024-04-01";
    int days = 730;  // referrals and discharges fall in [firstDate, firstDate + days)
};

// Writes `records` records (and for CSV a header first). False on a write error.
bool generateCareRecords(const CareGeneratorOptions& options, std::FILE* out);

}  // namespace cpe::audit
