#pragma once
// libpq, the PostgreSQL project's client library, loaded when a command first
// needs it (dlopen) rather than linked into cpe: linked, it brought 17
// libraries (Kerberos, LDAP, GnuTLS...) whose ~5,500 symbol relocations
// every start of cpe bound, for every command, although only
// `cpe audit --database` and a decision log on PostgreSQL (`cpe serve` /
// `cpe log --db postgresql://...`) talk to PostgreSQL. Types and constants
// still come from Debian's libpq-fe.h, so the calls are checked against the
// real API. One loader for the audit and the server.
#include <libpq-fe.h>

#include "engine/storage/storage_error.h"

namespace cpe::pg {

// libpq cannot be loaded, or a PostgreSQL call failed (postgres.h).
struct Error : storage::Error {
    using storage::Error::Error;
};

struct LibpqApi {
    decltype(&::PQconnectdb) connectdb = nullptr;
    decltype(&::PQconnectdbParams) connectdbParams = nullptr;
    decltype(&::PQstatus) status = nullptr;
    decltype(&::PQerrorMessage) errorMessage = nullptr;
    decltype(&::PQfinish) finish = nullptr;
    decltype(&::PQexec) exec = nullptr;
    decltype(&::PQexecParams) execParams = nullptr;
    decltype(&::PQresultStatus) resultStatus = nullptr;
    decltype(&::PQresultErrorField) resultErrorField = nullptr;
    decltype(&::PQclear) clear = nullptr;
    decltype(&::PQntuples) ntuples = nullptr;
    decltype(&::PQnfields) nfields = nullptr;
    decltype(&::PQgetvalue) getvalue = nullptr;
    decltype(&::PQgetisnull) getisnull = nullptr;
    decltype(&::PQgetCopyData) getCopyData = nullptr;
    decltype(&::PQputCopyData) putCopyData = nullptr;
    decltype(&::PQputCopyEnd) putCopyEnd = nullptr;
    decltype(&::PQgetResult) getResult = nullptr;
    decltype(&::PQsendQuery) sendQuery = nullptr;
    decltype(&::PQsetnonblocking) setnonblocking = nullptr;
    decltype(&::PQflush) flush = nullptr;
    decltype(&::PQconsumeInput) consumeInput = nullptr;
    decltype(&::PQisBusy) isBusy = nullptr;
    decltype(&::PQsocket) socket = nullptr;
    decltype(&::PQfreemem) freemem = nullptr;
};

// The functions, loaded once (safe from any thread). Throws pg::Error
// naming the library and the Debian package when it cannot be loaded.
const LibpqApi& libpq();

}  // namespace cpe::pg
