#pragma once
// libpq, the PostgreSQL project's client library, loaded when a query first
// needs it (dlopen) rather than linked into cpe: linked, it brought 17
// libraries (Kerberos, LDAP, GnuTLS...) whose ~5,500 symbol relocations
// every start of cpe bound, for every command, although only
// `cpe audit --database` talks to PostgreSQL. Types and constants still come
// from Debian's libpq-fe.h, so the calls are checked against the real API.
#include <libpq-fe.h>

namespace cpe::audit {

struct LibpqApi {
    decltype(&::PQconnectdb) connectdb = nullptr;
    decltype(&::PQstatus) status = nullptr;
    decltype(&::PQerrorMessage) errorMessage = nullptr;
    decltype(&::PQfinish) finish = nullptr;
    decltype(&::PQexec) exec = nullptr;
    decltype(&::PQresultStatus) resultStatus = nullptr;
    decltype(&::PQresultErrorField) resultErrorField = nullptr;
    decltype(&::PQclear) clear = nullptr;
    decltype(&::PQgetCopyData) getCopyData = nullptr;
    decltype(&::PQgetResult) getResult = nullptr;
    decltype(&::PQfreemem) freemem = nullptr;
};

// The functions, loaded once (safe from any thread). Throws AuditError
// naming the library and the Debian package when it cannot be loaded.
const LibpqApi& libpq();

}  // namespace cpe::audit
