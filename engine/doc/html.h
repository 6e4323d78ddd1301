#pragma once
// Helpers shared by the generated pages (`cpe doc`, the impact report): they
// are self-contained files, so the styles are inlined and every piece of text
// from a policy is escaped.
#include <string>
#include <string_view>

namespace cpe {

std::string escapeHtml(std::string_view text);
// 100000 -> "100,000"
std::string thousands(size_t n);
// The stylesheet every generated page inlines: system fonts, readable widths,
// tables, and colours that survive printing.
const char* pageStyles();
// "<!doctype html>...<style>...</style></head><body>" with the title escaped.
std::string pageHead(const std::string& title, const std::string& extraCss = "");
const char* pageFoot();

}  // namespace cpe
