// libFuzzer target: any bytes through the parser, checker and compiler. No
// input may crash, hang or leak; errors are fine. `make fuzz` runs it; the
// committed corpus replays in `make test` through fuzz_replay.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/library/policy_library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto sources = std::make_shared<cpe::SourceSet>();
    sources->add("fuzz.cpl", std::string(reinterpret_cast<const char*>(data), size));
    cpe::Diagnostics diags;
    auto lib = cpe::PolicyLibrary::fromSources(sources, diags);
    (void)diags.render(*sources);
    if (lib) {
        // Decide every policy with no facts: exercises the evaluator on what compiled.
        nlohmann::json none = nlohmann::json::object();
        for (const std::string& id : lib->policyIds()) (void)lib->decide({id, &none, std::string("2026-06-01")});
    }
    return 0;
}
