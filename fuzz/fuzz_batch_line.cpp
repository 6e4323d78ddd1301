// libFuzzer target, differential: any bytes as batch case lines, each through
// the fast reader (engine/library/fast_case_decider.h) and the reference
// reading (engine/library/batch_line.h). Wherever the fast reader decides a
// line, it must have written exactly the bytes the reference writes, and the
// reference must have decided it too (the fast path never writes an error).
// And the fast case reader (engine/decision/fast_case_reader.h) in every
// path's shape: a case it takes, the reference reader (case_record.h) takes
// too, and each fact's canonical text is nlohmann's dump() of its value.
// The policy is tests/batch_fast/policy.cpl. `make fuzz` runs it;
// fuzz/corpus-batch-line, fuzz/corpus-case and tests/batch_fast replay in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "engine/base/line_reader.h"
#include "engine/decision/fast_case_reader.h"
#include "engine/library/batch_line.h"
#include "engine/library/fast_case_decider.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& line, const std::string& fast, const std::string& reference) {
    std::fprintf(stderr, "fuzz_batch_line: %s\n  line:      %s\n  fast:      %s\n  reference: %s\n", what, line.c_str(),
                 fast.c_str(), reference.c_str());
    std::abort();
}

const cpe::PolicyLibrary& library() {
    static std::shared_ptr<const cpe::PolicyLibrary> lib = [] {
        auto sources = std::make_shared<cpe::SourceSet>();
        std::ifstream in(CPE_SOURCE_DIR "/tests/batch_fast/policy.cpl");
        std::stringstream text;
        text << in.rdbuf();
        sources->add("tests/batch_fast/policy.cpl", text.str());
        cpe::Diagnostics diags;
        auto built = cpe::PolicyLibrary::fromSources(sources, diags);
        if (!built) {
            std::fprintf(stderr, "%s", diags.render(*sources).c_str());
            std::abort();
        }
        return built;
    }();
    return *lib;
}

void checkReader(std::string_view text, const cpe::BatchLineOptions& options) {
    static cpe::FastCaseReader reader(library().checked());
    static cpe::FastCase read;
    for (cpe::CaseShape shape : {cpe::batchCaseShape(), cpe::requestCaseShape(), cpe::impactCaseShape(), cpe::auditCaseShape()}) {
        shape.maxDepth = options.maxDepth;
        if (!reader.read(text, cpe::fastShapeOf(shape, options.defaultDay), read)) continue;
        cpe::CaseRead reference = cpe::readCase(text, shape);
        if (reference.error)
            fail("the fast reader took a case the reference refuses", std::string(text), "", reference.error->message);
        for (const cpe::FastFact& f : read.facts) {
            std::string dumped = reference.record.facts[f.info->name].dump();
            if (f.json != dumped)
                fail("a fact's canonical text is not nlohmann's", std::string(text), std::string(f.json), dumped);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static cpe::BatchLineOptions options = [] {
        cpe::BatchLineOptions o;
        o.defaultDay = 20600;  // 2026-05-27
        o.maxLine = 4096;
        return o;
    }();
    static cpe::FastCaseDecider fast(library(), options);
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    cpe::LineReader reader(in, options.maxLine);
    cpe::Line line;
    std::string fastOut, referenceOut;
    while (reader.next(line)) {
        if (line.tooLong) continue;
        fastOut.clear();
        referenceOut.clear();
        checkReader(line.text, options);
        bool decided = fast.tryAppend(line.text, fastOut);
        cpe::BatchLineResult reference = cpe::appendBatchLine(library(), line, options, referenceOut);
        if (!decided) {
            if (!fastOut.empty())
                fail("the fast reader declined a line but wrote to the output", std::string(line.text), fastOut, referenceOut);
            continue;
        }
        if (reference != cpe::BatchLineResult::Decided)
            fail("the fast reader decided a line the reference refuses", std::string(line.text), fastOut, referenceOut);
        if (fastOut != referenceOut)
            fail("the fast reader wrote other bytes than the reference", std::string(line.text), fastOut, referenceOut);
    }
    return 0;
}
