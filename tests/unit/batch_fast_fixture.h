#pragma once
// The fast case reader's and the batch fast path's fixture: the library of
// tests/batch_fast/policy.cpl, and reading its case files.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "library_fixture.h"

namespace cpe::testing {

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::shared_ptr<const PolicyLibrary> batchFastLibrary() {
    auto b = build({{"tests/batch_fast/policy.cpl", readFile(CPE_SOURCE_DIR "/tests/batch_fast/policy.cpl")}});
    REQUIRE_MESSAGE(b.library, b.errors());
    return b.library;
}

}  // namespace cpe::testing
