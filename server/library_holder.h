#pragma once
// The policy library in service, swapped whole on reload. Readers take a
// shared_ptr for the length of one request, so a reload never changes the
// rules under a decision that is being made, and the old library is freed
// when its last request finishes.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe::server {

struct ReloadResult {
    bool ok = false;
    std::string errors;  // rendered diagnostics when !ok
    std::size_t policies = 0;
    std::uint64_t generation = 0;
};

class LibraryHolder {
public:
    // With a registry path the library is read from that policy registry
    // (what `cpe publish` recorded) and the paths are not used.
    explicit LibraryHolder(std::vector<std::string> paths, std::string registryPath = "");

    // Compiles the library from the paths or the registry. Used at start and
    // on reload (so a reload picks up newly published versions); the library
    // in service changes only when the new one compiled without error.
    ReloadResult reload();

    std::shared_ptr<const PolicyLibrary> current() const { return current_.load(std::memory_order_acquire); }
    std::uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
    std::chrono::system_clock::time_point loadedAt() const;
    const std::vector<std::string>& paths() const { return paths_; }
    // Where the library comes from, for log lines: the paths, or "registry FILE".
    std::string origin() const;

private:
    std::vector<std::string> paths_;
    std::string registryPath_;
    std::atomic<std::shared_ptr<const PolicyLibrary>> current_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::int64_t> loadedAtMs_{0};
    std::mutex reloadMutex_;  // one compile at a time; readers never take it
};

}  // namespace cpe::server
