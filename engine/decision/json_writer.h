#pragma once
// Writes JSON text straight into a string, for what is written once per
// decision on every path (cpe decide --cases, POST /v1/decisions) and the
// server's access-log line: the decision, byte for byte what
// decisionToJson(d).dump() gives, at a fraction of the cost (no tree of nodes
// to build and free).
#include <string>
#include <string_view>

#include "engine/decision/decision.h"

namespace cpe {

// A JSON string literal, quoted and escaped as nlohmann::json escapes it
// (", \ and control characters; other bytes as they are). With `asciiOnly`,
// bytes from 0x7f up are escaped too (as \u00XX), so that text from a client,
// which need not be UTF-8, still makes valid JSON.
void appendJsonString(std::string& out, std::string_view text, bool asciiOnly = false);

// A reason's JSON up to its result, `{"criterion":C,"text":T,"result":`, and
// after it, `,"at":A`: rendered once per criterion when a policy is compiled,
// since a decision's reasons are the same few strings case after case
// (rendering them per decision was a quarter of `cpe decide --cases`).
std::string reasonJsonHead(std::string_view criterion, std::string_view text);
std::string reasonJsonTail(std::string_view at);

// The decision's object; with `open` false, without its opening '{', so that
// a batch line can put its "id" first: {"id":...,"policy":...}.
void appendDecisionJson(std::string& out, const Decision& decision, bool open = true);

}  // namespace cpe
