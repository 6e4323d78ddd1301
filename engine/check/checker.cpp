// Name resolution and type checking: the pipeline, in order. See checker.h;
// each step lives in the check_*.cpp file named beside it.
#include "engine/check/checker.h"

#include "engine/check/check_env.h"

namespace cpe {
namespace check_internal {

std::unique_ptr<CheckedLibrary> Checker::run() {
    collectUnits();   // check_declarations.cpp
    checkUses();      // check_declarations.cpp
    registerFacts();  // check_types.cpp
    checkModules();   // check_types.cpp
    checkPolicies();  // check_policies.cpp, then check_rules.cpp and the expression files for each policy
    checkTests();     // check_tests.cpp
    return std::move(lib_);
}

}  // namespace check_internal

std::unique_ptr<CheckedLibrary> checkLibrary(std::shared_ptr<SourceSet> sources, std::vector<SourceFileAst> files,
                                             Diagnostics& diags) {
    check_internal::Checker checker(std::move(sources), std::move(files), diags);
    return checker.run();
}

}  // namespace cpe
