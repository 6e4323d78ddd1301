#pragma once
// SHA-256, for the content hash the registry records for each published
// policy version. Small enough to keep here rather than make the engine
// depend on a crypto library for one digest.
#include <string>
#include <string_view>

namespace cpe {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256Hex(std::string_view data);

}  // namespace cpe
