#include "audit/care/localities.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "audit/read/byte_source.h"
#include "engine/source/diagnostics.h"

namespace cpe::audit {

Localities::Localities() : names_{"hwe", "mse", "snee"} {}

Localities::Localities(std::vector<std::string> names) : names_(std::move(names)) {}

Localities Localities::fromFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw AuditError(path + ": cannot open this localities file");
    std::vector<std::string> names;
    std::set<std::string> seen;
    std::string line;
    for (size_t number = 1; std::getline(in, line); ++number) {
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        auto last = line.find_last_not_of(" \t\r");
        std::string name = line.substr(first, last - first + 1);
        if (!seen.insert(name).second)
            throw AuditError(path + ":" + std::to_string(number) + ": locality '" + name + "' is listed twice");
        names.push_back(name);
    }
    if (names.empty()) throw AuditError(path + ": no localities listed (one a line)");
    return Localities(std::move(names));
}

bool Localities::contains(std::string_view name) const { return std::find(names_.begin(), names_.end(), name) != names_.end(); }

std::string Localities::suggest(const std::string& name) const { return didYouMean(name, names_); }

}  // namespace cpe::audit
