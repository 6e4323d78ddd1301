#pragma once
// Which top-level declarations deciding one policy needs: every version of
// it, the variants of it, what those extend and use (transitively), and the
// `board` module (next-step wording). `cpe decide --policy` loads only these,
// so one referral does not pay for parsing the whole library: 192 M
// instructions for tonsillectomy on policies/ before, see bench_single.sh.
#include <optional>
#include <string>
#include <vector>

#include "engine/source/source_set.h"

namespace cpe {

// For each file of `sources`, one flag per declaration head (scanDeclHeads),
// an empty list for a file with nothing wanted, or nullopt for a file the
// scan could not read, which is then parsed whole. Nullopt when no file
// declares `policy`.
std::optional<std::vector<std::optional<std::vector<bool>>>> declarationsFor(const SourceSet& sources, const std::string& policy);

}  // namespace cpe
