#include "http.h"

#include <httplib.h>

namespace cpe::server::e2e {

namespace {

httplib::Headers headersFor(const std::string& token) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return h;
}

Response convert(const httplib::Result& r) {
    Response out;
    if (!r) return out;
    out.status = r->status;
    out.body = r->body;
    out.decisionId = r->get_header_value("X-Decision-Id");
    out.allow = r->get_header_value("Allow");
    out.wwwAuthenticate = r->get_header_value("WWW-Authenticate");
    out.contentType = r->get_header_value("Content-Type");
    out.retryAfter = r->get_header_value("Retry-After");
    return out;
}

httplib::Client client(int port) {
    httplib::Client c("127.0.0.1", port);
    c.set_connection_timeout(5);
    c.set_tcp_nodelay(true);
    c.set_read_timeout(30);
    return c;
}

}  // namespace

bool Response::isError(const std::string& code) const {
    auto j = json();
    return j.is_object() && j.size() == 1 && j.contains("error") && j["error"].is_object() &&
           j["error"].value("code", "") == code && j["error"]["message"].is_string() &&
           !j["error"]["message"].get<std::string>().empty() && j["error"].contains("field");
}

std::string Response::errorField() const {
    auto j = json();
    if (!j.is_object() || !j.contains("error") || !j["error"]["field"].is_string()) return "<none>";
    return j["error"]["field"].get<std::string>();
}

Response post(int port, const std::string& path, const std::string& body, const std::string& token) {
    return convert(client(port).Post(path.c_str(), headersFor(token), body, "application/json"));
}

Response get(int port, const std::string& path, const std::string& token) {
    return convert(client(port).Get(path.c_str(), headersFor(token)));
}

Response request(int port, const std::string& method, const std::string& path, const std::string& token) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.headers = headersFor(token);
    return convert(client(port).send(req));
}

std::string decideBody(const std::string& policy, const nlohmann::json& facts, const std::string& asOf) {
    nlohmann::json body{{"policy", policy}, {"facts", facts}};
    if (!asOf.empty()) body["as_of"] = asOf;
    return body.dump();
}

}  // namespace cpe::server::e2e
