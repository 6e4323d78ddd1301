#pragma once
// `cpe doc`: the published "clear thresholds and access criteria" document,
// generated from the checked policies themselves so the published text can
// never drift from the rules that are applied. One page per policy (its
// route, criteria wording, thresholds, sources, effective dates, versions and
// variants) and an index, each as Markdown and as self-contained HTML.
#include <string>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe {

struct DocFile {
    std::string name;  // "index.html", "fertility.ivf.md"
    std::string content;
};

struct DocOptions {
    int day = 0;  // which version each page leads with: the one in force on this day, else the newest
    // Also tests.md and tests.html, the test evidence (engine/doc/test_evidence.h),
    // linked from every page. Runs the tests, coverage and mutation testing.
    bool testEvidence = false;
};

std::vector<DocFile> criteriaDocument(const PolicyLibrary& lib, const DocOptions& options);

}  // namespace cpe
