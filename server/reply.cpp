#include "server/reply.h"

namespace cpe::server {

std::string errorBody(const InputError& e) {
    // Messages may quote what the client sent, which need not be UTF-8.
    return errorToJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Reply errorReply(int status, InputError e, RequestNote* note) {
    if (note) {
        note->errorCode = e.code;
        note->errorField = e.field;
    }
    return Reply{status, errorBody(e)};
}

int statusFor(const InputError& e) { return e.code == "unknown_policy" ? 404 : 400; }

}  // namespace cpe::server
