// libFuzzer target: any bytes as coded activity (audit/read/csv_scan, csv_index,
// episode). No input may crash or hang, and three properties must hold, or
// the target aborts saying which:
//  * every version of stage one (portable, AVX2, AVX-512: whichever this
//    processor runs) splits the bytes into the same records;
//  * cutting the bytes at findLastBoundary, as the reader cuts a file into
//    chunks, gives the same records, on the same lines, as one pass;
//  * every record converts (parseEpisode) or is rejected with a reason.
// `make fuzz` runs it; fuzz/corpus-activity replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "audit/read/activity_schema.h"
#include "audit/read/csv_index.h"
#include "audit/read/csv_scan.h"
#include "audit/read/episode.h"

using namespace cpe::audit;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_activity: %s\n", what);
    std::abort();
}

struct Scanned {
    std::vector<std::string> fields;
    size_t fieldCount = 0;
    uint64_t line = 0;
    std::string error;
    bool operator==(const Scanned&) const = default;
};

// The records of [text, text + size), scanned as one chunk (padded), with
// `lineBase` added to their lines. Each goes through parseEpisode too.
std::vector<Scanned> scan(const char* text, size_t size, uint64_t lineBase, uint64_t* lines) {
    static const ActivitySchema schema = [] {
        std::string error;
        return *checkHeader({"episode_id", "provider", "commissioner", "age", "sex", "admission_method", "setting",
                             "dominant_procedure", "procedures", "diagnoses", "admission_date"},
                            error);
    }();
    std::string chunk(text, size);
    chunk.append(kScanPadding, '\0');
    std::string scratch, reason;
    RecordScanner scanner(chunk.data(), chunk.data() + size, scratch);
    std::vector<Scanned> out;
    Record r;
    Episode e;
    while (scanner.next(r)) {
        Scanned s;
        for (size_t i = 0; i < r.fieldCount && i < kMaxRecordFields; ++i) s.fields.emplace_back(r.field(i));
        s.fieldCount = r.fieldCount;
        s.line = lineBase + r.line;
        s.error = r.error ? r.error : "";
        if (!parseEpisode(r, schema, e, reason) && reason.empty()) fail("a row was rejected without a reason");
        reason.clear();
        out.push_back(std::move(s));
    }
    if (lines) *lines = scanner.newlines();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const char* text = reinterpret_cast<const char*>(data);
    const std::vector<IndexIsa> isas = supportedIndexIsas();
    useIndexIsa(IndexIsa::Portable);
    const std::vector<Scanned> whole = scan(text, size, 0, nullptr);
    for (IndexIsa isa : isas) {
        useIndexIsa(isa);
        if (scan(text, size, 0, nullptr) != whole) fail("this version of stage one splits records differently");
    }
    // A cut where the reader could make one: the last record boundary
    // before a point chosen by the input's first byte.
    const size_t point = size ? size * data[0] / 256 : 0;
    const char* cut = findLastBoundary(text, text + point);
    const auto first = static_cast<size_t>(cut - text);
    uint64_t firstLines = 0;
    std::vector<Scanned> pieces = scan(text, first, 0, &firstLines);
    std::vector<Scanned> rest = scan(cut, size - first, firstLines, nullptr);
    pieces.insert(pieces.end(), rest.begin(), rest.end());
    if (pieces != whole) fail("cut at findLastBoundary, the records differ from one pass");
    return 0;
}
