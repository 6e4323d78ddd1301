#pragma once
// Golden files for every unit suite: read a file whole, and compare output
// with a golden file. CPE_UPDATE_GOLDEN=1 rewrites the golden files instead of
// comparing (after a deliberate change to the output; review the git diff).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cpe::testing {

// A path inside the source tree, e.g. sourcePath("tests/golden/errors").
inline std::filesystem::path sourcePath(const std::string& relative) { return std::filesystem::path(CPE_SOURCE_DIR) / relative; }

// The file's bytes, exactly (no newline translation); "" when it cannot be read.
inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline bool updatingGolden() { return std::getenv("CPE_UPDATE_GOLDEN") != nullptr; }

// Compares `actual` with the golden file at `path`, naming the file and the
// first line that differs; under CPE_UPDATE_GOLDEN=1 writes `actual` there.
inline void checkGolden(const std::filesystem::path& path, const std::string& actual) {
    if (updatingGolden()) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    if (!std::filesystem::exists(path)) {
        FAIL_CHECK("golden file missing: " << path.string() << " (CPE_UPDATE_GOLDEN=1 writes it)\n--- actual ---\n" << actual);
        return;
    }
    std::string expected = readFile(path);
    if (expected == actual) return;
    size_t at = 0, line = 1;
    while (at < expected.size() && at < actual.size() && expected[at] == actual[at]) {
        if (expected[at] == '\n') ++line;
        ++at;
    }
    FAIL_CHECK("golden file differs from line " << line << ": " << path.string()
                                                << " (CPE_UPDATE_GOLDEN=1 rewrites it)\n--- actual ---\n"
                                                << actual);
}

}  // namespace cpe::testing
