#pragma once
// One row of an extract read through a column mapping (column_mapping.h): the
// mapped fields are gathered, their values translated (sex, setting, HES ages
// under one) and a wide layout's positions joined into '|' lists, into a
// record in the contract's own order, which parseEpisode then checks exactly
// as it checks a contract-layout row. Messages name the field and the
// extract's column.
#include <string>

#include "audit/read/column_mapping.h"
#include "audit/read/episode.h"

namespace cpe::audit {

// Per-thread buffers, reused row after row (no allocation once warm).
struct MappedScratch {
    std::string fields, procedures, diagnoses;
    int32_t bounds[kColumnCount + 1] = {};
};

// The Episode's text fields point into `scratch` until the next call.
bool parseMappedEpisode(const Record& record, const MappedSchema& schema, MappedScratch& scratch, Episode& out,
                        std::string& reason);

}  // namespace cpe::audit
