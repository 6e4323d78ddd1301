// libFuzzer target: any bytes as an extract read through a column mapping
// (audit/read/column_mapping, mapped_episode): the wide HES layout and value
// maps of `cpe audit --mapping`. The input is a mapping and a CSV file: the
// lines before a line `%%` are the mapping (`field = COLUMN`,
// `sex.values = ...`), the rest the file; without `%%` the whole input is a
// file read with the HES mapping cpe-gen-activity writes. No input may crash
// or hang, and these must hold, or the target aborts saying which:
//  * a mapping is accepted or refused with a message;
//  * a header resolves, or is refused with a message;
//  * every row converts (parseMappedEpisode) or is rejected with a reason,
//    and a converted row has an id, a provider, an age from 0 to 130 and a
//    real date.
// `make fuzz` runs it; fuzz/corpus-mapped replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "audit/read/byte_source.h"
#include "audit/read/column_mapping.h"
#include "audit/read/csv_scan.h"
#include "audit/read/episode.h"
#include "audit/read/mapped_episode.h"

using namespace cpe::audit;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_mapped: %s\n", what);
    std::abort();
}

// The mapping `cpe-gen-activity --layout hes --mapping-out` writes.
constexpr const char* kHesMapping[][2] = {
    {"episode_id", "EPIKEY"},
    {"provider", "PROCODE3"},
    {"commissioner", "CCG_RESPONSIBILITY"},
    {"age", "STARTAGE"},
    {"sex", "SEX"},
    {"admission_method", "ADMIMETH"},
    {"setting", "CLASSPAT"},
    {"admission_date", "ADMIDATE"},
    {"procedures", "OPERTN_*"},
    {"diagnoses", "DIAG_*"},
};

// Reads the mapping text as a mapping file is read: one `key = value` a line.
// False when the mapping is refused (which must say why).
bool readMapping(std::string_view text, ColumnMapping& mapping) {
    try {
        size_t number = 0;
        while (!text.empty()) {
            const size_t nl = text.find('\n');
            std::string_view line = text.substr(0, nl);
            text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
            ++number;
            if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
            const size_t eq = line.find('=');
            if (eq == std::string_view::npos) continue;
            mapping.declare(line.substr(0, eq), line.substr(eq + 1), "fuzz:" + std::to_string(number));
        }
    } catch (const AuditError& e) {
        if (std::string_view(e.what()).empty()) fail("a mapping refused without a message");
        return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    ColumnMapping mapping;
    std::string_view file = input;
    if (const size_t split = input.find("%%\n"); split != std::string_view::npos && (split == 0 || input[split - 1] == '\n')) {
        if (!readMapping(input.substr(0, split), mapping)) return 0;
        file = input.substr(split + 3);
    } else {
        for (const auto& [field, column] : kHesMapping) mapping.declare(field, column, "hes.map");
    }

    std::string chunk(file);
    chunk.append(kScanPadding, '\0');
    std::string scratch, reason;
    RecordScanner scanner(chunk.data(), chunk.data() + file.size(), scratch);
    Record header;
    if (!scanner.next(header) || header.error || header.fieldCount > kMaxRecordFields) return 0;
    std::vector<std::string> names;
    for (size_t i = 0; i < header.fieldCount; ++i) names.emplace_back(header.field(i));
    const std::vector<std::string_view> views(names.begin(), names.end());
    std::string error;
    const auto resolved = resolveHeader(mapping, views, error);
    if (!resolved) {
        if (error.empty()) fail("a header refused without a message");
        return 0;
    }
    MappedScratch buffers;
    Record row;
    Episode episode;
    while (scanner.next(row)) {
        reason.clear();
        if (!parseMappedEpisode(row, resolved->mapped, buffers, episode, reason)) {
            if (reason.empty()) fail("a row was rejected without a reason");
            continue;
        }
        if (episode.episodeId.empty() || episode.provider.empty()) fail("a row converted without its id or provider");
        if (episode.age < 0 || episode.age > 130) fail("a row converted with an age outside 0-130");
        const int month = episode.date / 100 % 100, day = episode.date % 100;
        if (month < 1 || month > 12 || day < 1 || day > 31) fail("a row converted with a date that is not one");
    }
    return 0;
}
