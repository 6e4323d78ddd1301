#pragma once
// Coded activity read straight from a PostgreSQL query, so analysts need not
// export files: the query runs as `COPY (query) TO STDOUT WITH (FORMAT csv,
// HEADER)` and its rows stream through libpq into the same CSV scanner a
// file goes through. The query's column names are the header, so it selects
// (or renames with AS) the columns of the audit's layout.
#include <memory>
#include <string>

#include "audit/read/byte_source.h"

namespace cpe::audit {

// Connects with a libpq connection string or URI (empty: the PG* environment
// variables, as psql does) and starts the copy. Throws AuditError with the
// server's own message for a failed connection or a query it refuses (naming
// the position in the query where the server gives one); a connection lost
// mid-stream throws from read(), so a truncated result is never audited as if
// it were whole.
std::unique_ptr<ByteSource> openPostgresCopy(const std::string& connection, const std::string& query);

}  // namespace cpe::audit
