#include "engine/library/library_root.h"

#include <algorithm>
#include <filesystem>

namespace cpe {

namespace fs = std::filesystem;

static fs::path absoluteNormal(const std::string& p) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    fs::path out = (ec ? fs::path(p) : abs).lexically_normal();
    if (out.has_filename() || out == out.root_path()) return out;
    return out.parent_path();  // "a/b/" -> "a/b"
}

std::optional<std::string> libraryRootOf(const std::string& file) {
    const fs::path start = absoluteNormal(file).parent_path();
    std::optional<fs::path> root;
    std::error_code ec;
    for (fs::path p = start; !root && !p.empty(); p = p.parent_path()) {
        if (fs::is_regular_file(p / kLibraryMarker, ec)) root = p;
        if (p == p.root_path()) break;
    }
    for (fs::path p = start; !root && !p.empty(); p = p.parent_path()) {
        if (p.filename() == "policies") root = p;
        if (p == p.root_path()) break;
    }
    if (!root) return std::nullopt;
    if (fs::path(file).is_absolute()) return root->string();
    fs::path relative = root->lexically_proximate(absoluteNormal("."));
    return relative.empty() ? std::string(".") : relative.string();
}

bool isInside(const std::string& path, const std::string& folder) {
    fs::path p = absoluteNormal(path), f = absoluteNormal(folder);
    auto [fEnd, pAt] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
    return fEnd == f.end();
}

}  // namespace cpe
