#pragma once
// What an endpoint answers, independent of the HTTP library, so that the
// endpoints can be tested without a socket.
#include <string>
#include <string_view>

#include "engine/decision/decision.h"

namespace cpe::server {

struct Reply {
    int status = 200;
    std::string body;
    const char* contentType = "application/json";
};

// Facts about a request that the access log and the metrics record. Never
// fact values: those may identify a patient.
struct RequestNote {
    std::string policy;
    const char* outcome = nullptr;
    std::string decisionId;
    std::string errorCode, errorField;
    std::string_view client;  // the named client whose token was sent (server/auth.h), or ""
};

// {"error": {"code", "message", "field"}}, the contract's error body.
std::string errorBody(const InputError& e);
Reply errorReply(int status, InputError e, RequestNote* note = nullptr);
// unknown_policy is 404; every other refusal of input is 400.
int statusFor(const InputError& e);

}  // namespace cpe::server
