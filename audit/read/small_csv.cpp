#include "audit/read/small_csv.h"

#include <string_view>

#include "audit/read/activity_schema.h"
#include "audit/read/byte_source.h"
#include "audit/read/csv_scan.h"

namespace cpe::audit {

int SmallCsv::column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return static_cast<int>(i);
    return -1;
}

SmallCsv readSmallCsv(const std::string& path, const std::string& what) {
    auto source = openByteSource(path);
    std::string text;
    char buf[65536];
    while (size_t got = source->read(buf, sizeof buf)) {
        text.append(buf, got);
        if (text.size() > (size_t{64} << 20)) throw AuditError(path + ": " + what + " is larger than 64 MiB");
    }
    size_t skip = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    size_t size = text.size();
    text.append(kScanPadding, '\0');
    std::string scratch;
    RecordScanner scanner(text.data() + skip, text.data() + size, scratch);
    Record r;
    if (!scanner.next(r)) throw AuditError(path + ": empty " + what + " (expected a header row)");
    if (r.error) throw AuditError(path + ":1: " + r.error);
    SmallCsv out;
    for (size_t i = 0; i < r.fieldCount && i < kMaxRecordFields; ++i) out.header.push_back(normaliseColumnName(r.field(i)));
    while (scanner.next(r)) {
        SmallCsv::Row row;
        row.line = r.line + 1;
        if (r.error) throw AuditError(path + ":" + std::to_string(row.line) + ": " + r.error);
        if (r.fieldCount != out.header.size())
            throw AuditError(path + ":" + std::to_string(row.line) + ": expected " + std::to_string(out.header.size()) +
                             " fields, found " + std::to_string(r.fieldCount));
        for (size_t i = 0; i < r.fieldCount; ++i) {
            std::string_view f = r.field(i);
            while (!f.empty() && (f.front() == ' ' || f.front() == '\t' || f.front() == '\r')) f.remove_prefix(1);
            while (!f.empty() && (f.back() == ' ' || f.back() == '\t' || f.back() == '\r')) f.remove_suffix(1);
            row.fields.emplace_back(f);
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

}  // namespace cpe::audit
