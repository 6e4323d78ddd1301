#pragma once
// Builds policy libraries from text in memory for the unit suites.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe::testing {

struct Built {
    std::shared_ptr<const PolicyLibrary> library;  // null when there were errors
    std::shared_ptr<SourceSet> sources;
    Diagnostics diags;
    std::string errors() const { return diags.render(*sources); }
};

inline Built build(const std::vector<std::pair<std::string, std::string>>& files) {
    Built b;
    b.sources = std::make_shared<SourceSet>();
    for (const auto& [path, text] : files) b.sources->add(path, text);
    b.library = PolicyLibrary::fromSources(b.sources, b.diags);
    return b;
}

// The facts every fixture policy may read.
inline const char* kFixtureModule = R"(module fx {
    fact age_years: integer in 0..130 "Age in whole years"
    fact bmi: decimal [kg/m2] in 10..100 "Body mass index"
    fact smoker: boolean "Currently smokes"
    fact legacy_area: enum (hwe, mse, snee) "Older board area"
}
)";

}  // namespace cpe::testing
