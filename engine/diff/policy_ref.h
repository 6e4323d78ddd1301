#pragma once
// The OLD and NEW of `cpe diff`: which policy version (or variant) each side
// means, and the library it is read from.
//
//   ID                  the version of ID in force on the reference date
//                       (--as-of, default today), else its newest version
//   ID@VERSION          the version whose `version` is VERSION; when none is,
//                       and VERSION is a date, the version in force that day
//   FILE                the one policy declared in a .cpl file (a path with a
//                       '/' or ending in .cpl); the file replaces the library
//                       files that declare the same policies or modules, so a
//                       draft can be compared with the library it will join
//   FILE#ID[@VERSION]   one policy of a file that declares several
//   ...+variants        the policy together with its area variants: each
//                       case is decided by the variant whose `variant of ...
//                       when` condition it meets (for --cases)
//   ID.{FACT}           one policy per value of an enum fact, chosen by each
//                       case's value: fertility.ivf.{legacy_area} decides an
//                       HWE case by fertility.ivf.hwe, an MSE case by
//                       fertility.ivf.mse, ... (for --cases; the older area
//                       policies are separate ids, not declared variants)
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/library/policy_library.h"

namespace cpe {

struct CompiledPolicy;

struct DiffError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct PolicyRef {
    std::string file;     // "" : from the library
    std::string id;       // "" : the only policy the file declares
    std::string version;  // "" : in force on the reference date, else the newest
    bool withVariants = false;
    std::string byFact;  // ID.{FACT}: the fact whose value completes the id ("" otherwise)
    std::string text;    // as the user wrote it
};

// Throws DiffError on a malformed reference.
PolicyRef parsePolicyRef(const std::string& arg);

// The policy files a library is built from: path and text, in load order.
using PolicyFiles = std::vector<std::pair<std::string, std::string>>;

// Every .cpl file under each path (a file, or a folder searched recursively,
// sorted). Throws DiffError naming a path that is missing or holds no policies.
PolicyFiles readPolicyFiles(const std::vector<std::string>& paths);

struct ResolvedPolicy {
    std::shared_ptr<const PolicyLibrary> library;
    const CompiledPolicy* policy = nullptr;
    std::vector<const CompiledPolicy*> variants;  // with +variants, by id
    // ID.{FACT}: the fact, and the policy for each of its values. `policy` is
    // then the first of them (for the diff and labels).
    std::string byFact;
    std::vector<std::pair<std::string, const CompiledPolicy*>> byValue;
    std::string label;  // "fertility.ivf@2026-04-01"
};

// Builds libraries on demand and resolves references against them; the
// library of `base` alone is built once and shared by every plain reference.
class PolicyResolver {
public:
    PolicyResolver(PolicyFiles base, int referenceDay) : base_(std::move(base)), day_(referenceDay) {}
    // Throws DiffError: unknown policy or version, a file that does not
    // check (its rendered errors are in the message), an ambiguous file.
    ResolvedPolicy resolve(const PolicyRef& ref);

private:
    std::shared_ptr<const PolicyLibrary> build(const PolicyFiles& files);
    void resolveByFact(const PolicyRef& ref, const std::string& id, ResolvedPolicy& out);
    PolicyFiles base_;
    int day_;
    std::shared_ptr<const PolicyLibrary> baseLibrary_;
};

}  // namespace cpe
