#pragma once
// Small lookup files read whole (population, organisation names): the same
// RFC 4180 scanner as the activity, header names trimmed and lower-cased,
// every row's fields with its line number, for messages naming file:line.
#include <cstdint>
#include <string>
#include <vector>

namespace cpe::audit {

struct SmallCsv {
    std::vector<std::string> header;  // trimmed, lower-cased
    struct Row {
        uint64_t line = 0;                // 1-based; the header is line 1
        std::vector<std::string> fields;  // trimmed
    };
    std::vector<Row> rows;
    // The position of a header name, or -1.
    int column(const std::string& name) const;
};

// Throws AuditError for an unreadable, empty or over-64-MiB file, or a
// malformed row (naming file:line); `what` names the file's role in messages
// ("population file").
SmallCsv readSmallCsv(const std::string& path, const std::string& what);

}  // namespace cpe::audit
