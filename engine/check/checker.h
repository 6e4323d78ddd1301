#pragma once
#include <memory>
#include <vector>

#include "engine/check/model.h"
#include "engine/source/diagnostics.h"

namespace cpe {

// Resolves names, checks types and units, merges `extends` and `use`, and
// reports every error it finds (it never stops at the first). Returns the
// checked library even when there were errors, so tools can still show what
// was understood; callers must test `diags.hasErrors()` before compiling.
std::unique_ptr<CheckedLibrary> checkLibrary(std::shared_ptr<SourceSet> sources, std::vector<SourceFileAst> files,
                                             Diagnostics& diags);

}  // namespace cpe
