#include "server/decide_body.h"

namespace cpe::server {

std::variant<DecideBody, InputError> parseDecideBody(std::string_view body, std::size_t maxDepth) {
    CaseShape shape = requestCaseShape();
    shape.maxDepth = maxDepth;
    CaseRead read = readCase(body, shape);
    if (read.error) return std::move(*read.error);
    DecideBody out;
    out.policy = read.record.policy;
    out.asOf = read.record.asOf;
    out.day = read.record.day;
    out.inexact = std::move(read.record.inexact);
    out.record = std::move(read.record);
    return out;
}

}  // namespace cpe::server
