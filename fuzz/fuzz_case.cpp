// libFuzzer target: any bytes as batch case lines, through the one case reader
// (engine/decision/case_record.h) in every path's shape and on to a decision
// by a small library. No input may crash or hang, and these must hold, or the
// target aborts saying which:
//  * the line reader gives the lines std::getline gives (a line over the
//    limit reported as too long, with its length);
//  * every line is a record or one error with a known code, and every error
//    message is valid UTF-8 and bounded, whatever the bytes;
//  * what the HTTP shape accepts the batch shape accepts too, with the same
//    policy, facts and as-of day;
//  * a batch output line is always valid JSON (as `cpe decide --cases` writes it).
// `make fuzz` runs it; fuzz/corpus-case replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/line_reader.h"
#include "engine/decision/case_record.h"
#include "engine/library/policy_library.h"
#include "engine/source/utf8.h"

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_case: %s\n", what);
    std::abort();
}

const cpe::PolicyLibrary& library() {
    static std::shared_ptr<const cpe::PolicyLibrary> lib = [] {
        auto sources = std::make_shared<cpe::SourceSet>();
        sources->add("fuzz_case.cpl", R"(policy f.p {
    title "Fuzz"
    version "1" effective 2020-01-01
    fact n: integer in 0..100 "A count"
    fact x: decimal [kg/m2] in 10..100 "A measure"
    fact d: date "A date"
    fact s: enum (a, b) "A choice"
    fact codes: list of icd10 "Codes"
    fact t: text "Free text"
    criterion c "Enough" = n >= 3 and x < 40 and d within 12 months and s is a
    decide {
        eligible when c
        otherwise not_eligible
    }
}
)");
        cpe::Diagnostics diags;
        auto built = cpe::PolicyLibrary::fromSources(sources, diags);
        if (!built) fail("the fuzz policy does not compile");
        return built;
    }();
    return *lib;
}

void checkError(const cpe::InputError& e) {
    static const std::set<std::string> codes{"bad_json",       "bad_request",         "unknown_fact", "bad_fact",
                                             "unknown_policy", "no_version_in_force", "line_too_long"};
    if (!codes.count(e.code)) fail("an error with an unknown code");
    if (cpe::firstInvalidUtf8(e.message)) fail("an error message that is not UTF-8");
    if (e.message.size() > 2000) fail("an unbounded error message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    const std::size_t maxLine = 200;

    std::vector<std::string> reference;
    {
        std::istringstream in(bytes);
        std::string l;
        while (std::getline(in, l)) reference.push_back(l);
    }
    std::istringstream in(bytes);
    cpe::LineReader reader(in, maxLine, 64);
    cpe::Line line;
    std::size_t n = 0;
    const cpe::CaseShape shapes[] = {cpe::batchCaseShape(), cpe::requestCaseShape(), cpe::impactCaseShape(),
                                     cpe::auditCaseShape()};
    while (reader.next(line)) {
        if (n >= reference.size()) fail("more lines than std::getline");
        const std::string& want = reference[n++];
        if (line.length != want.size()) fail("a line's length differs from std::getline's");
        if (line.tooLong != (want.size() > maxLine)) fail("a line too long, or not, against the limit");
        if (!line.tooLong && line.text != want) fail("a line differs from std::getline's");
        if (line.tooLong) {
            checkError(cpe::lineTooLong(line.length, maxLine));
            continue;
        }
        cpe::CaseRead reads[4];
        for (int i = 0; i < 4; ++i) {
            reads[i] = cpe::readCase(line.text, shapes[i]);
            if (reads[i].error) checkError(*reads[i].error);
            else if (!reads[i].record.facts.is_object()) fail("a record whose facts are not an object");
        }
        const cpe::CaseRead& batch = reads[0];
        const cpe::CaseRead& request = reads[1];
        if (!request.error) {
            if (batch.error) fail("the HTTP shape accepts what the batch shape refuses");
            if (batch.record.policy != request.record.policy || batch.record.facts != request.record.facts ||
                batch.record.day != request.record.day)
                fail("the HTTP and batch shapes read the same case differently");
        }
        if (batch.error) continue;
        nlohmann::ordered_json result;
        result["id"] = batch.record.id;
        cpe::DecideResult decided = library().decide(cpe::caseRequest(batch.record, 20600));
        if (auto* e = std::get_if<cpe::InputError>(&decided)) {
            checkError(*e);
            result.update(cpe::errorToJson(*e));
        } else {
            result.update(cpe::decisionToJson(std::get<cpe::Decision>(decided)));
        }
        std::string text = result.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        if (!nlohmann::json::accept(text)) fail("a batch output line that is not JSON");
    }
    if (n != reference.size()) fail("fewer lines than std::getline");
    return 0;
}
