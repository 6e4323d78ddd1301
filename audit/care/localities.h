#pragma once
// The localities a care record may name: by default the board's three legacy
// areas (policies/shared/common.cpl's legacy_area: hwe, mse, snee), or the
// list a `--localities` file declares (one a line; blank lines and lines
// starting with # are skipped). A record naming any other locality is
// rejected with a did-you-mean, so a typo never becomes a locality of its own.
#include <string>
#include <string_view>
#include <vector>

namespace cpe::audit {

class Localities {
public:
    Localities();  // hwe, mse, snee
    explicit Localities(std::vector<std::string> names);
    // Reads a --localities file; throws AuditError naming the file and line
    // for an unreadable file, a repeated name or an empty list.
    static Localities fromFile(const std::string& path);

    bool contains(std::string_view name) const;
    // " (did you mean 'mse'?)" or "" (engine/source/diagnostics.h).
    std::string suggest(const std::string& name) const;
    const std::vector<std::string>& names() const { return names_; }  // in declared order

private:
    std::vector<std::string> names_;
};

}  // namespace cpe::audit
