#include "engine/base/html.h"

namespace cpe {

std::string escapeHtml(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const char* pageStyles() {
    return R"css(
:root { --ink: #1d2730; --muted: #5b6770; --line: #d8dee3; --soft: #f4f6f8; --accent: #005eb8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
header.band { background: var(--accent); color: #fff; padding: 18px 40px 16px; }
header.band .kicker { font-size: 13px; letter-spacing: .04em; text-transform: uppercase; opacity: .85; }
header.band h1 { margin: 4px 0 2px; font-size: 26px; line-height: 1.25; }
header.band .sub { font-size: 14px; opacity: .9; }
header.band a { color: #fff; }
/* White on the band darkened by a fifth: 8.9:1 (white on the band lightened, as before, was 4.4:1, under AA). */
header.band .code { background: rgba(0, 0, 0, .22); color: #fff; }
.nowrap { white-space: nowrap; }
main { max-width: 1080px; padding: 8px 40px 40px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 8px; }
p { margin: 8px 0; }
a { color: var(--accent); }
code, .code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.code { background: var(--soft); border-radius: 4px; padding: 1px 5px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; color: #33404a; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.muted { color: var(--muted); }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600;
        background: var(--soft); border: 1px solid var(--line); white-space: nowrap; }
.pill.ok { background: #e6f4ea; border-color: #a8d5b5; color: #1e6b34; }
.pill.warn { background: #fff4e0; border-color: #f1c27d; color: #8a5300; }
.pill.off { background: #eef0f2; color: #5b6770; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0 8px; }
.card { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fff; }
.card .n { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .l { font-size: 13px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: 190px 1fr; gap: 4px 16px; margin: 10px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.tree { margin: 6px 0; padding-left: 22px; }
ul.tree li { margin: 3px 0; }
.rule { border: 1px solid var(--line); border-left: 5px solid var(--accent); border-radius: 6px; padding: 8px 14px; margin: 10px 0; }
.rule.eligible { border-left-color: #2e7d32; }
.rule.not_eligible { border-left-color: #c62828; }
.rule.review { border-left-color: #ef6c00; }
.rule h4 { margin: 2px 0 4px; font-size: 15px; }
footer { margin-top: 32px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 12px; color: var(--muted); }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
@media print { header.band { background: #fff; color: var(--ink); border-bottom: 3px solid var(--accent); } }
)css";
}

std::string pageHead(const std::string& title, const std::string& extraCss) {
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           escapeHtml(title) + "</title>\n<style>" + pageStyles() + extraCss + "</style>\n</head>\n<body>\n";
}

const char* pageFoot() { return "</body>\n</html>\n"; }

}  // namespace cpe
