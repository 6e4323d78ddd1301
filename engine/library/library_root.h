#pragma once
// The policy library a .cpl file belongs to, so that one file can be checked
// within it (`cpe check FILE`, the language server): a policy reads the
// modules and facts of the files beside it, and checked alone it fails with
// "no module named 'ebi'" and errors that follow from that one.
//
// The rule, from the file's own folder upwards:
// 1. the nearest folder holding a file named `.cpe-library` (the library's
//    marker; what it holds is not read), for a library that is not called
//    `policies`;
// 2. else the nearest folder named `policies` (this repository's library, and
//    the usual layout);
// 3. else none: the file is checked alone.
// `cpe check --library DIR` and the editor's configured roots come first.
#include <optional>
#include <string>

namespace cpe {

inline constexpr const char* kLibraryMarker = ".cpe-library";

// The library root for `file` by the rule above: absolute when `file` is,
// else relative to the working directory (so diagnostics name files as they
// were typed). Nothing when no folder qualifies.
std::optional<std::string> libraryRootOf(const std::string& file);

// Whether `path` is `folder` or inside it (both made absolute and normal).
bool isInside(const std::string& path, const std::string& folder);

}  // namespace cpe
