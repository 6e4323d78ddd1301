#include "server/triage_page.h"

#include <nlohmann/json.hpp>

#include "engine/base/html.h"
#include "server/page/assets.h"

namespace cpe::server {

std::string triagePage(const std::string& serverUrl) {
    std::string out = pageHead("Check a referral against a policy", page::kTriageCss);
    out += page::kTriageBody;
    // The address goes in as a JSON string; "</" is escaped so that no value
    // can close the script element.
    std::string url = nlohmann::json(serverUrl).dump();
    for (std::size_t at = url.find("</"); at != std::string::npos; at = url.find("</", at)) url.replace(at, 2, "<\\/");
    out += "<script>\nvar CPE_SERVER = " + url + ";\n";
    out += page::kTriageJs;
    out += "</script>\n";
    out += pageFoot();
    return out;
}

}  // namespace cpe::server
