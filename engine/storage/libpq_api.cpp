#include "engine/storage/libpq_api.h"

#include <dlfcn.h>

#include <bit>
#include <string>
#include <variant>

namespace cpe::pg {

namespace {

constexpr const char* kSoname = "libpq.so.5";  // the ABI every libpq since PostgreSQL 8.0 keeps

std::variant<LibpqApi, std::string> load() {
    void* lib = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return std::string(dlerror());
    LibpqApi api;
    std::string missing;
    auto bind = [&](auto& fn, const char* name) {
        void* sym = dlsym(lib, name);
        if (!sym) missing += (missing.empty() ? "" : ", ") + std::string(name);
        fn = std::bit_cast<std::remove_reference_t<decltype(fn)>>(sym);
    };
    bind(api.connectdb, "PQconnectdb");
    bind(api.connectdbParams, "PQconnectdbParams");
    bind(api.status, "PQstatus");
    bind(api.errorMessage, "PQerrorMessage");
    bind(api.finish, "PQfinish");
    bind(api.exec, "PQexec");
    bind(api.execParams, "PQexecParams");
    bind(api.resultStatus, "PQresultStatus");
    bind(api.resultErrorField, "PQresultErrorField");
    bind(api.clear, "PQclear");
    bind(api.ntuples, "PQntuples");
    bind(api.nfields, "PQnfields");
    bind(api.getvalue, "PQgetvalue");
    bind(api.getisnull, "PQgetisnull");
    bind(api.getCopyData, "PQgetCopyData");
    bind(api.putCopyData, "PQputCopyData");
    bind(api.putCopyEnd, "PQputCopyEnd");
    bind(api.getResult, "PQgetResult");
    bind(api.sendQuery, "PQsendQuery");
    bind(api.setnonblocking, "PQsetnonblocking");
    bind(api.flush, "PQflush");
    bind(api.consumeInput, "PQconsumeInput");
    bind(api.isBusy, "PQisBusy");
    bind(api.socket, "PQsocket");
    bind(api.freemem, "PQfreemem");
    if (!missing.empty()) return std::string(kSoname) + " lacks " + missing;
    return api;
}

}  // namespace

const LibpqApi& libpq() {
    static const std::variant<LibpqApi, std::string> loaded = load();
    if (const auto* why = std::get_if<std::string>(&loaded))
        throw Error("database: cannot load PostgreSQL's client library " + std::string(kSoname) +
                    " (Debian package libpq5): " + *why);
    return std::get<LibpqApi>(loaded);
}

}  // namespace cpe::pg
