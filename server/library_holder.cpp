#include "server/library_holder.h"

#include "engine/registry/registry.h"
#include "engine/source/diagnostics.h"
#include "engine/source/source_set.h"

namespace cpe::server {

LibraryHolder::LibraryHolder(std::vector<std::string> paths, std::string registryPath)
    : paths_(std::move(paths)), registryPath_(std::move(registryPath)) {}

std::string LibraryHolder::origin() const {
    if (!registryPath_.empty()) return "registry " + registryPath_;
    std::string s;
    for (const std::string& p : paths_) s += (s.empty() ? "" : ", ") + p;
    return s;
}

ReloadResult LibraryHolder::reload() {
    std::lock_guard lock(reloadMutex_);
    ReloadResult result;
    Diagnostics diags;
    std::shared_ptr<SourceSet> sources;
    std::shared_ptr<const PolicyLibrary> fresh;
    try {
        if (registryPath_.empty()) {
            fresh = PolicyLibrary::load(paths_, diags, sources);
        } else {
            sources = registry::registrySources(registryPath_);
            fresh = PolicyLibrary::fromSources(sources, diags);
        }
    } catch (const registry::RegistryError& e) {
        // A missing or unreadable registry file: the message names it.
        result.errors = std::string(e.what()) + "\n";
        result.generation = generation();
        return result;
    } catch (const std::exception& e) {
        // A loader bug must not take the service down: the old library stays.
        result.errors = std::string("internal error while loading the library: ") + e.what();
        result.generation = generation();
        return result;
    }
    if (!fresh || diags.hasErrors()) {
        diags.sort();
        result.errors = sources ? diags.render(*sources) : "the policy library could not be loaded";
        if (result.errors.empty()) result.errors = "the policy library could not be loaded";
        result.generation = generation();
        return result;
    }
    result.ok = true;
    result.policies = fresh->policyIds().size();
    current_.store(std::move(fresh), std::memory_order_release);
    result.generation = generation_.fetch_add(1, std::memory_order_relaxed) + 1;
    loadedAtMs_.store(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
        std::memory_order_relaxed);
    return result;
}

std::chrono::system_clock::time_point LibraryHolder::loadedAt() const {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(loadedAtMs_.load(std::memory_order_relaxed)));
}

}  // namespace cpe::server
