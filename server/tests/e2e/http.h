#pragma once
// One HTTP exchange with the server under test, through cpp-httplib's client.
#include <string>

#include <nlohmann/json.hpp>

namespace cpe::server::e2e {

struct Response {
    int status = 0;  // 0: no response (connection failed)
    std::string body;
    std::string decisionId, allow, wwwAuthenticate, contentType, retryAfter;
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    // The contract's error body: {"error": {"code", "message", "field"}}.
    bool isError(const std::string& code) const;
    std::string errorField() const;
};

Response post(int port, const std::string& path, const std::string& body, const std::string& token = "");
Response get(int port, const std::string& path, const std::string& token = "");
Response request(int port, const std::string& method, const std::string& path, const std::string& token = "");

// A decision request body.
std::string decideBody(const std::string& policy, const nlohmann::json& facts, const std::string& asOf = "");

}  // namespace cpe::server::e2e
