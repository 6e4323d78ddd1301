#pragma once
// The fast reading of a case in the common shape —
//   {"id": "...", "policy": ID, "as_of": "YYYY-MM-DD", "facts": {NAME: value, ...}}
// with valid values: simdjson's on-demand parser, the facts bound by global
// fact id (CheckedLibrary::facts) and then moved into a compiled policy's
// slots, nothing allocated per case once warm. Anything unusual (an error of
// any kind, escapes, a fact given twice or not declared, a number whose text
// is not the one nlohmann would write back) is declined, and the reference
// reader (case_record.h) reads it: the fast reader never words an error, so
// every message stays the reference's own. Its users (the batch,
// engine/library/fast_case_decider.h; impact runs, engine/diff/impact.cpp)
// are held to the reference's bytes by their tests and fuzzers.
//
// Why: on 200,000 tonsillectomy cases, nlohmann's parse, its documents'
// allocation and freeing, and binding by name were three quarters of
// `cpe decide --cases` (perf, 2-core VM); evaluation was 3-4%.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decision/case_record.h"

namespace cpe {

struct CheckedLibrary;
struct FactInfo;
struct FactValues;
struct Program;

// Which members a case may have: a path's CaseShape (case_record.h), and the
// day of a case without its own as_of.
struct FastShape {
    bool envelopeOnly = false;      // only policy, facts, as_of; any other member is declined
    bool readPolicy = true;         // false: `policy` is not read (skipped as any other member)
    bool factsRequired = false;     // absent or null facts are declined
    bool providerRequired = false;  // a missing, empty or non-string provider is declined
    std::size_t maxDepth = kDefaultMaxDepth;
    int defaultDay = 0;
};
FastShape fastShapeOf(const CaseShape& shape, int defaultDay);

// One fact a case gives a value (null facts, unknown, are left out).
struct FastFact {
    const FactInfo* info = nullptr;
    // Its value: bool (0/1), int, dec, date (days) and enum (member index)
    // in `number`; text, and the string an enum or a date is written as, in
    // `text`; code and text lists in `list` (codes normalised, as
    // normaliseCode gives them).
    double number = 0;
    std::string_view text;
    const std::vector<std::string>* list = nullptr;
    // The value as nlohmann's dump() writes the parsed value: the facts hash's
    // canonical text (server/facts_hash.h).
    std::string_view json;
};

// A case as read. Its views point into the reader: valid until its next read.
struct FastCase {
    std::string_view policy;      // "" when the shape does not read it
    int day = 0;                  // as_of, else the shape's defaultDay
    bool hasAsOf = false;         // as_of was given (not null)
    std::string_view id;          // the id's JSON text ("null" when absent): a string without escapes or an integer
    std::string_view provider;    // "" unless the shape requires it
    std::vector<FastFact> facts;  // in the case's order

    // The facts as one JSON object, members sorted by name, null facts left
    // out: server/facts_hash.h's canonicalFacts() of the same facts.
    std::string canonicalFacts() const;
    // The fact given by that name, or null when absent or null in the case.
    const FastFact* find(std::string_view name) const;
};

class FastCaseReader {
public:
    explicit FastCaseReader(const CheckedLibrary& library);
    ~FastCaseReader();
    FastCaseReader(const FastCaseReader&) = delete;
    FastCaseReader& operator=(const FastCaseReader&) = delete;

    // Reads one case into `out`; false: declined, the reference must read it
    // (`out` is then unspecified). Not thread-safe: one reader per thread.
    bool read(std::string_view bytes, const FastShape& shape, FastCase& out);

    // Loads the facts of the last case read into `values`, prepared for
    // `program` (FactValues::prepare), cleared first: those it reads.
    // May be called for several programs after one read.
    void fill(const Program& program, FactValues& values) const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cpe
