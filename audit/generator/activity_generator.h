#pragma once
// Deterministic synthetic coded activity in the format of shared/spec/audit.md,
// for the tests (small files) and `make bench` (10 million rows).
//
// About 40 providers of very different sizes and 10 commissioners; most rows
// are ordinary non-EBI activity (procedures and medical episodes), a few
// percent are EBI procedures coded to hit each of the 17 coding rules of
// shared/reference/criteria.md, and some of those are near misses that a
// correct audit must not count (emergency admissions, cancer diagnoses, an
// excluded secondary code, the wrong age, sex or setting). Providers differ in
// how much of each intervention they do, so the funnel plots show real
// variation and a few outliers. Codes come dotted and dot-less, in upper and
// occasionally lower case. The same seed always gives the same bytes.
#include <cstdint>
#include <cstdio>
#include <string>

namespace cpe::audit {

// Contract: the columns of shared/spec/audit.md. Hes: the same activity as a
// wide HES APC-style extract (EPIKEY, PROCODE3, STARTAGE, CLASSPAT, OPERTN_01..24,
// DIAG_01..20, ... plus columns an audit does not use), read with the mapping
// generatorHesMapping() gives; each row is the contract layout's row.
enum class GeneratorLayout { Contract, Hes };

struct GeneratorOptions {
    uint64_t rows = 100000;
    uint64_t seed = 20260401;
    double malformedRate = 0;   // share of rows made malformed (bad age, date, sex, field count)
    double quotedRate = 0.002;  // share of rows with RFC 4180 quoted fields
    std::string firstDate = "2024-04-01", lastDate = "2025-03-31";
    GeneratorLayout layout = GeneratorLayout::Contract;
};

// The mapping file (audit/read/column_mapping.h) for the Hes layout.
std::string generatorHesMapping();

// Writes the header and `rows` rows. Returns false on a write error.
bool generateActivity(const GeneratorOptions& options, std::FILE* out);

// The provider and commissioner codes the generator uses, for population files.
const char* const* generatorCommissioners(size_t& count);
// A plausible population for each commissioner, as a CSV file's text.
std::string generatorPopulationCsv();
// The same populations by ESP2013 band and sex (commissioner,age_band,sex,population):
// each total spread over the bands in proportion to the standard weights, 49% male.
std::string generatorBandedPopulationCsv();

}  // namespace cpe::audit
