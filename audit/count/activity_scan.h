#pragma once
// One pass over a coded-activity file: read, split into chunks at record
// boundaries, scan and count on worker threads, and report malformed rows in
// file order. Memory is a fixed pool of chunk buffers plus the counts, so it
// does not grow with the file.
//
// Determinism: chunk boundaries depend only on the bytes (see csv_scan.h),
// every chunk scans exactly as it would in a sequential pass, counts are sums
// merged by name, and rejects are released in chunk order. A run on one
// thread and a run on two therefore give identical results.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/count/tally.h"
#include "audit/match/matcher.h"
#include "audit/match/rule_schedule.h"
#include "audit/read/byte_source.h"
#include "audit/read/column_mapping.h"

namespace cpe::audit {

struct ScanOptions {
    std::string path;  // the activity file, or "-" for standard input
    // Where the bytes come from when not a file (a database query); `path`
    // then only names it in messages.
    std::function<std::unique_ptr<ByteSource>()> openSource;
    std::optional<int32_t> fromDate;  // admission_date filter, inclusive, as YYYYMMDD
    std::optional<int32_t> toDate;
    bool byCommissioner = false;  // also count by commissioner
    unsigned threads = 2;         // worker threads (at least 1)
    size_t blockSize = size_t{4} << 20;
    // How the file's columns map onto the contract's; null (or a mapping with
    // nothing given) reads the contract's layout on its own path.
    const ColumnMapping* mapping = nullptr;
    // Which program judges each row, by its admission date; null: the
    // matcher given to scanActivity judges every row (it must then be the
    // schedule's reference() when a schedule is given).
    const RuleSchedule* schedule = nullptr;
};

struct ScanProgress {
    uint64_t bytes = 0;  // of the file (compressed bytes for gzip)
    std::optional<uint64_t> totalBytes;
    uint64_t rows = 0;
    double seconds = 0;
};

struct ScanHooks {
    // Each malformed row, in file order (line is 1-based, the header is line
    // 1). Return false to stop the run (--strict).
    std::function<bool(uint64_t line, std::string_view reason)> onReject;
    // The same rows with their episode id and provider where the row has
    // them (empty otherwise), after onReject accepted them.
    std::function<void(uint64_t line, std::string_view episodeId, std::string_view provider, std::string_view reason)>
        onRejectDetail;
    // Called now and then from the reading thread.
    std::function<void(const ScanProgress&)> onProgress;
};

struct ScanResult {
    uint64_t rowsRead = 0;  // data rows, malformed ones included
    uint64_t rowsRejected = 0;
    uint64_t rowsOutsidePeriod = 0;           // valid rows outside --from/--to
    uint64_t episodesCounted = 0;             // (intervention, episode) pairs counted
    uint64_t bytes = 0;                       // uncompressed bytes read
    bool stopped = false;                     // a reject hook asked to stop
    bool mapped = false;                      // read through a column mapping
    std::vector<std::string> ignoredColumns;  // header columns no field uses, in header order
    GroupCounts providers;
    GroupCounts commissioners;  // empty unless byCommissioner
    // Counted episodes by age band and sex (ageSexCell), by commissioner
    // (empty unless byCommissioner), and by month (monthCell) by provider and
    // by commissioner: what standardised rates and trends need.
    CellCounts commissionerAgeSex, providerMonths, commissionerMonths;
    // Valid rows in the period by the program that judged them, and the
    // episodes each program counted by rule (index program * rules + rule):
    // what versions.csv reports. The first and last admission date of those
    // rows as YYYYMMDD (0 when there were none): the data period.
    std::vector<uint64_t> programRows, programEpisodes;
    int32_t firstDate = 0, lastDate = 0;
};

// Throws AuditError for a file that cannot be read or has a bad header; the
// message names the file (and line 1 for the header).
ScanResult scanActivity(const Matcher& matcher, const ScanOptions& options, const ScanHooks& hooks);

}  // namespace cpe::audit
