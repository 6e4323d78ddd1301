#pragma once
// One row of coded activity, validated and converted: the fields coding rules
// read, as small integers and packed codes. Text fields are views into the
// chunk being scanned, so a row costs no allocation.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/read/activity_schema.h"
#include "audit/read/code_pack.h"
#include "audit/read/csv_scan.h"

namespace cpe::audit {

// Ordinals follow the engine's episode enums (engine/check/model.h):
// episodeSexEnum, episodeSettingEnum and episodeAdmissionEnum.
enum class Sex : uint8_t { Male = 0, Female = 1, Unknown = 2 };
enum class Setting : uint8_t { APC = 0, OP = 1 };
enum class Admission : uint8_t { Elective = 0, Emergency = 1, Other = 2 };

struct Episode {
    std::string_view episodeId, provider, commissioner;
    int age = 0;
    Sex sex = Sex::Unknown;
    Setting setting = Setting::APC;
    Admission admission = Admission::Other;
    int32_t date = 0;                 // admission date as YYYYMMDD: compares like the date
    PackedCode primaryProcedure = 0;  // dominant_procedure; 0 when empty
    std::string_view procedures;      // '|'-separated, dominant first
    std::string_view diagnoses;       // '|'-separated, primary first
};

// Validates and converts one record. For a malformed row returns false and
// sets `reason` to a message naming the column and the bad value.
bool parseEpisode(const Record& record, const ActivitySchema& schema, Episode& out, std::string& reason);

// Packs a '|'-separated code list, skipping empty items. `out` is cleared
// first and reused, so after the first rows it no longer allocates.
void packCodeList(std::string_view list, std::vector<PackedCode>& out);
// The same result, 8 bytes at a time, for the per-row path: 8 bytes from
// any position inside `list` must be readable (fields of a scanned record
// are: chunks and the scanner's scratch are padded).
void packPaddedCodeList(std::string_view list, std::vector<PackedCode>& out);

// Days since 1970-01-01 of a strict YYYY-MM-DD date; false when it is not one.
// The dates accepted are exactly cpe::parseDate's (engine/base/civil_date.h).
bool parseIsoDate(std::string_view text, int32_t& days);
// The same check, giving the date as the integer YYYYMMDD (what each row
// needs: validation and ordering, without calendar arithmetic).
bool parseDateKey(std::string_view text, int32_t& key);

}  // namespace cpe::audit
