#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe::cli {

// Loads the library, printing every error (with source line and caret) to
// stderr. Null when there were errors.
std::shared_ptr<const PolicyLibrary> loadLibraryOrReport(const std::vector<std::string>& paths);

// Only the part of the library that deciding `policy` needs
// (PolicyLibrary::loadForPolicy), silently; else the whole library as
// loadLibraryOrReport does, errors printed. `whole` says which it is.
std::shared_ptr<const PolicyLibrary> loadLibraryForPolicy(const std::vector<std::string>& paths, const std::string& policy,
                                                          bool& whole);

// True when stderr is a terminal (colour, progress).
bool stderrIsTerminal();
bool stdoutIsTerminal();

// Reads a whole file, or stdin for "-". Throws std::runtime_error naming the file.
std::string readInput(const std::string& path);

}  // namespace cpe::cli
