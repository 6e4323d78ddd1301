#pragma once
// Care records as CSV (`cpe audit --care FILE.csv --columns field=COLUMN,...`):
// each row becomes the JSON document of care_record.h and is read by the
// same rules, so a CSV and an NDJSON file of the same cases give the same
// records and the same rejects. Rows are split by the activity audit's
// RFC 4180 scanner (audit/read/csv_scan.h).
//
// Fields (the column of the same name unless --columns maps it):
//   id, record, locality, referral_received, checklist_date, dst_date,
//   fast_track (true/false), decision_date, recorded_decision,
//   discharge_date, plan_agreed, as_of,
//   checklist  the 11 Checklist levels, |-separated, in chc.checklist's order
//   dst        the 12 DST levels, |-separated, in chc.dst's order
//   sections   the Mental Health Act sections, |-separated (mha_sections)
// Any other column must be named as a fact some loaded policy declares
// (e.g. rapidly_deteriorating); true/false become booleans. An empty field
// is absent. A header naming an unknown column, or a field mapped to a
// column the header lacks, stops the run with a message naming them.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/care/care_record.h"

namespace cpe::audit {

// --columns "field=COLUMN,field=COLUMN": throws AuditError for an unknown
// field (with a did-you-mean), a repeated field or a malformed pair.
std::map<std::string, std::string> parseCareColumns(std::string_view spec);

// The fields above, in order; and the domain facts `checklist` and `dst` spread to.
const std::vector<std::string>& careCsvFields();
const std::vector<std::string>& checklistDomainFacts();
const std::vector<std::string>& dstDomainFacts();

// Reads every row of `path` (plain, gzip or "-"), in file order. Line numbers
// count the header as line 1. Throws AuditError for an unreadable file or a
// bad header.
void readCareCsv(const std::string& path, const std::map<std::string, std::string>& columns,
                 const std::set<std::string>& factNames, const Localities& localities,
                 const std::function<void(uint64_t line, CareRead&& read)>& onRow);
// The same over bytes in memory (`name` is for messages; the fuzz target uses it).
void readCareCsvText(std::string bytes, const std::string& name, const std::map<std::string, std::string>& columns,
                     const std::set<std::string>& factNames, const Localities& localities,
                     const std::function<void(uint64_t line, CareRead&& read)>& onRow);

}  // namespace cpe::audit
