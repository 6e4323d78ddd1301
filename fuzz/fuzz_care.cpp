// libFuzzer target: any bytes as care records (audit/care/care_record.h),
// both as NDJSON lines and as a CSV file (audit/care/care_csv.h), decided by
// the board's continuing-care and Section 117 policies. No input may crash or
// hang, and these must hold, or the target aborts saying which:
//  * every line is a record or one error, whose message is valid UTF-8 and bounded;
//  * a record has an id and a declared locality; a CHC record has a
//    referral date, and a decision date exactly when it has a recorded
//    decision, never before the referral; an s117 record has a discharge date;
//  * a CSV either stops at its header with an AuditError, or gives each row
//    a record or an error, with line numbers increasing.
// `make fuzz` runs it; fuzz/corpus-care replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "audit/care/care_csv.h"
#include "audit/care/care_record.h"
#include "audit/care_audit.h"
#include "audit/read/byte_source.h"
#include "engine/base/line_reader.h"
#include "engine/library/policy_library.h"
#include "engine/source/utf8.h"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_care: %s\n", what);
    std::abort();
}

const cpe::PolicyLibrary& library() {
    static std::shared_ptr<const cpe::PolicyLibrary> lib = [] {
        cpe::Diagnostics diags;
        std::shared_ptr<cpe::SourceSet> sources;
        const std::string root = CPE_SOURCE_DIR;
        auto l = cpe::PolicyLibrary::load({root + "/policies/chc", root + "/policies/s117"}, diags, sources);
        if (!l) fail("the care policies do not compile");
        return l;
    }();
    return *lib;
}

void checkMessage(const std::string& m) {
    if (m.empty()) fail("an error without a message");
    if (cpe::firstInvalidUtf8(m)) fail("an error message that is not UTF-8");
    if (m.size() > 2000) fail("an unbounded error message");
}

void checkRecord(const cpe::audit::CareRecord& r, const cpe::audit::Localities& localities) {
    using cpe::audit::CareKind;
    if (r.id.empty()) fail("a record without an id");
    if (!localities.contains(r.locality)) fail("a record with an undeclared locality");
    if (!r.facts.is_object()) fail("a record whose facts are not an object");
    if (r.kind == CareKind::Chc) {
        if (!r.referralReceived) fail("a CHC record without a referral date");
        if (r.decisionDate.has_value() != r.recordedEligible.has_value())
            fail("a decision date without a decision, or the reverse");
        if (r.decisionDate && *r.decisionDate < *r.referralReceived) fail("a decision before its referral");
        if (r.hasDst && !r.dstDate) fail("DST domains without a DST date");
    } else if (!r.dischargeDate) {
        fail("an s117 record without a discharge date");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const cpe::audit::Localities localities;
    std::istringstream in(bytes);
    cpe::LineReader reader(in, 4096, 64);
    cpe::Line line;
    while (reader.next(line)) {
        if (line.tooLong) continue;
        cpe::audit::CareRead read = cpe::audit::readCareLine(line.text, localities, 16);
        if (!read.ok()) {
            checkMessage(read.error);
            continue;
        }
        checkRecord(read.record, localities);
        static const cpe::audit::CareDecider decider(library());
        cpe::audit::DecidedCare d = decider.decide(std::move(read));
        if (!d.error.empty()) checkMessage(d.error);
    }

    static const std::set<std::string> facts{"rapidly_deteriorating", "may_be_entering_terminal_phase",
                                             "completed_by_appropriate_clinician", "left_hospital"};
    uint64_t last = 1;
    try {
        cpe::audit::readCareCsvText(bytes, "fuzz.csv", {}, facts, localities, [&](uint64_t l, cpe::audit::CareRead&& r) {
            if (l <= last) fail("CSV line numbers that do not increase");
            last = l;
            if (r.ok()) checkRecord(r.record, localities);
            else checkMessage(r.error);
        });
    } catch (const cpe::audit::AuditError& e) {
        checkMessage(e.what());
    }
    return 0;
}
