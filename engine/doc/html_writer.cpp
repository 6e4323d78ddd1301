#include <cctype>
#include <sstream>

#include "engine/base/html.h"
#include "engine/doc/writer.h"
#include "engine/source/utf8.h"

namespace cpe::doc {

namespace {

// A date YYYY-MM-DD standing alone at `i`: kept on one line, since a narrow
// table column would otherwise break it at a hyphen ("2026-04-" / "01").
bool dateAt(const std::string& text, size_t i) {
    auto digit = [&](size_t k) { return k < text.size() && std::isdigit(static_cast<unsigned char>(text[k])); };
    auto word = [&](size_t k) { return k < text.size() && std::isalnum(static_cast<unsigned char>(text[k])); };
    if (i > 0 && word(i - 1)) return false;
    for (size_t k = 0; k < 10; ++k)
        if (k == 4 || k == 7 ? i + k >= text.size() || text[i + k] != '-' : !digit(i + k)) return false;
    return !word(i + 10);
}

}  // namespace

std::string inlineHtml(const std::string& text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '`') {
            size_t end = text.find('`', i + 1);
            if (end != std::string::npos) {
                out += "<code class=\"code\">" + escapeHtml(text.substr(i + 1, end - i - 1)) + "</code>";
                i = end + 1;
                continue;
            }
        } else if (c == '*' && i + 1 < text.size() && text[i + 1] == '*') {
            size_t end = text.find("**", i + 2);
            if (end != std::string::npos) {
                out += "<strong>" + inlineHtml(text.substr(i + 2, end - i - 2)) + "</strong>";
                i = end + 2;
                continue;
            }
        } else if (c == '[') {
            size_t close = text.find("](", i + 1);
            size_t end = close == std::string::npos ? std::string::npos : text.find(')', close + 2);
            if (close != std::string::npos && end != std::string::npos && text.find('[', i + 1) > close) {
                std::string href = text.substr(close + 2, end - close - 2);
                // Links between generated pages are written "ID.page" (or "ID.page#anchor"); each
                // rendering picks its extension.
                if (size_t page = href.find(".page");
                    page != std::string::npos && page > 0 && (page + 5 == href.size() || href[page + 5] == '#'))
                    href.replace(page, 5, ".html");
                out += "<a href=\"" + escapeHtml(href) + "\">" + inlineHtml(text.substr(i + 1, close - i - 1)) + "</a>";
                i = end + 1;
                continue;
            }
        }
        if (dateAt(text, i)) {
            out += "<span class=\"nowrap\">" + text.substr(i, 10) + "</span>";
            i += 10;
            continue;
        }
        out += escapeHtml(std::string(1, c));
        ++i;
    }
    return out;
}

namespace {

constexpr size_t kShortCell = 28;  // characters

class HtmlWriter : public Writer {
public:
    explicit HtmlWriter(std::string pageTitle) : pageTitle_(std::move(pageTitle)) {}

    void title(const std::string& kicker, const std::string& heading, const std::string& sub) override {
        band_ << "<header class=\"band\"><div class=\"kicker\">" << inlineHtml(kicker) << "</div><h1>" << inlineHtml(heading)
              << "</h1><div class=\"sub\">" << inlineHtml(sub) << "</div></header>\n";
    }
    void heading(int level, const std::string& text, const std::string& anchor) override {
        out_ << "<h" << level << (anchor.empty() ? "" : " id=\"" + escapeHtml(anchor) + "\"") << ">" << inlineHtml(text) << "</h"
             << level << ">\n";
    }
    void paragraph(const std::string& text) override { out_ << "<p>" << inlineHtml(text) << "</p>\n"; }
    void definitions(const std::vector<std::pair<std::string, std::string>>& items) override {
        out_ << "<dl class=\"facts\">\n";
        for (const auto& [term, value] : items)
            out_ << "<dt>" << inlineHtml(term) << "</dt><dd>" << inlineHtml(value) << "</dd>\n";
        out_ << "</dl>\n";
    }
    void table(const std::vector<std::string>& heads, const std::vector<std::vector<std::string>>& rows,
               const std::vector<bool>& numeric) override {
        auto num = [&](size_t i) { return i < numeric.size() && numeric[i]; };
        out_ << "<table><tr>";
        for (size_t i = 0; i < heads.size(); ++i)
            out_ << "<th" << (num(i) ? " class=\"num\"" : "") << ">" << inlineHtml(heads[i]) << "</th>";
        out_ << "</tr>\n";
        for (const auto& row : rows) {
            out_ << "<tr>";
            // Short cells ("from 2026-04-01", "criteria based") stay on one
            // line; the long ones (titles, wording) take the wrapping.
            for (size_t i = 0; i < row.size(); ++i) {
                bool shortCell = countCodePoints(row[i]) <= kShortCell;
                const char* cls = num(i) ? " class=\"num\"" : shortCell ? " class=\"nowrap\"" : "";
                out_ << "<td" << cls << ">" << inlineHtml(row[i]) << "</td>";
            }
            out_ << "</tr>\n";
        }
        out_ << "</table>\n";
    }
    void bullets(const std::vector<Bullet>& items) override { list(items); }
    void ruleBox(Tone tone, const std::string& heading, const std::vector<Bullet>& condition) override {
        const char* cls = tone == Tone::Good   ? "eligible"
                          : tone == Tone::Bad  ? "not_eligible"
                          : tone == Tone::Warn ? "review"
                                               : "";
        out_ << "<div class=\"rule " << cls << "\"><h4>" << inlineHtml(heading) << "</h4>\n";
        if (!condition.empty()) list(condition);
        out_ << "</div>\n";
    }
    void footer(const std::string& text) override { foot_ << "<footer>" << inlineHtml(text) << "</footer>\n"; }
    std::string finish() override {
        return pageHead(pageTitle_) + band_.str() + "<main>\n" + out_.str() + foot_.str() + "</main>\n" + pageFoot();
    }

private:
    void list(const std::vector<Bullet>& items) {
        out_ << "<ul class=\"tree\">\n";
        for (const Bullet& b : items) {
            out_ << "<li>" << inlineHtml(b.text);
            if (!b.children.empty()) {
                out_ << "\n";
                list(b.children);
            }
            out_ << "</li>\n";
        }
        out_ << "</ul>\n";
    }
    std::string pageTitle_;
    std::ostringstream band_, out_, foot_;
};

}  // namespace

std::unique_ptr<Writer> htmlWriter(const std::string& pageTitle) { return std::make_unique<HtmlWriter>(pageTitle); }

}  // namespace cpe::doc
