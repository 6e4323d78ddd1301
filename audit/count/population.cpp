#include "audit/count/population.h"

#include <cctype>
#include <charconv>
#include <string_view>
#include <vector>

#include "audit/read/byte_source.h"
#include "audit/read/csv_scan.h"

namespace cpe::audit {

namespace {
std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}
std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

Population readPopulation(const std::string& path) {
    auto source = openByteSource(path);
    std::string text;
    char buf[65536];
    while (size_t got = source->read(buf, sizeof buf)) {
        text.append(buf, got);
        if (text.size() > (size_t{64} << 20)) throw AuditError(path + ": population file is larger than 64 MiB");
    }
    size_t skip = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    size_t size = text.size();
    text.append(kScanPadding, '\0');
    std::string scratch;
    RecordScanner scanner(text.data() + skip, text.data() + size, scratch);
    Record r;
    if (!scanner.next(r)) throw AuditError(path + ": empty population file (expected a header: commissioner,population)");
    if (r.error) throw AuditError(path + ":1: " + r.error);
    int commissionerCol = -1, populationCol = -1;
    for (size_t i = 0; i < r.fieldCount && i < kMaxRecordFields; ++i) {
        std::string name = lower(trim(r.field(i)));
        if (name == "commissioner") commissionerCol = static_cast<int>(i);
        else if (name == "population") populationCol = static_cast<int>(i);
    }
    if (commissionerCol < 0 || populationCol < 0 || r.fieldCount != 2)
        throw AuditError(path + ":1: bad header: expected the two columns commissioner,population");
    Population out;
    while (scanner.next(r)) {
        std::string where = path + ":" + std::to_string(r.line + 1);
        if (r.error) throw AuditError(where + ": " + r.error);
        if (r.fieldCount != 2) throw AuditError(where + ": expected 2 fields, found " + std::to_string(r.fieldCount));
        std::string code = trim(r.field(commissionerCol));
        std::string value = trim(r.field(populationCol));
        if (code.empty()) throw AuditError(where + ": column commissioner: empty commissioner code");
        double population = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), population);
        if (ec != std::errc() || ptr != value.data() + value.size() || !(population > 0))
            throw AuditError(where + ": column population: '" + value + "' is not a positive number");
        if (!out.byCommissioner.emplace(code, population).second)
            throw AuditError(where + ": commissioner '" + code + "' appears more than once");
    }
    return out;
}

}  // namespace cpe::audit
