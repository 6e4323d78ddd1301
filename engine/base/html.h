#pragma once
// HTML for every generated page (`cpe doc`, the impact report, the audit's
// report): they are self-contained files, so the styles are inlined and every
// piece of text from a policy or an extract is escaped.
#include <string>
#include <string_view>

namespace cpe {

// & < > " ' as entities: safe in text and in quoted attribute values.
std::string escapeHtml(std::string_view text);
// The stylesheet every generated page inlines: system fonts, readable widths,
// tables, and colours that survive printing.
const char* pageStyles();
// "<!doctype html>...<style>...</style></head><body>" with the title escaped.
std::string pageHead(const std::string& title, const std::string& extraCss = "");
const char* pageFoot();

}  // namespace cpe
