#include <sstream>

#include "engine/doc/writer.h"

namespace cpe::doc {
namespace {

// A table cell must stay on one line and must not close the cell early.
std::string cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += "<br>";
        else out += c;
    }
    return out;
}

// Links between generated pages are written "ID.page" or "ID.page#anchor"; here they become "ID.md".
std::string links(std::string text) {
    for (const char* end : {".page)", ".page#"})
        for (size_t at = text.find(end); at != std::string::npos; at = text.find(end, at)) text.replace(at, 5, ".md");
    return text;
}

class MarkdownWriter : public Writer {
public:
    void title(const std::string& kicker, const std::string& heading, const std::string& sub) override {
        out_ << "# " << heading << "\n\n";
        if (!kicker.empty()) out_ << "*" << kicker << "*";
        if (!kicker.empty() && !sub.empty()) out_ << " · ";
        out_ << sub << "\n\n";
    }
    void heading(int level, const std::string& text, const std::string& anchor) override {
        if (!anchor.empty()) out_ << "<a id=\"" << anchor << "\"></a>\n\n";
        out_ << std::string(static_cast<size_t>(level), '#') << " " << text << "\n\n";
    }
    void paragraph(const std::string& text) override { out_ << text << "\n\n"; }
    void definitions(const std::vector<std::pair<std::string, std::string>>& items) override {
        for (const auto& [term, value] : items) out_ << "- **" << term << ":** " << value << "\n";
        out_ << "\n";
    }
    void table(const std::vector<std::string>& heads, const std::vector<std::vector<std::string>>& rows,
               const std::vector<bool>& numeric) override {
        out_ << "|";
        for (const auto& h : heads) out_ << " " << cell(h) << " |";
        out_ << "\n|";
        for (size_t i = 0; i < heads.size(); ++i) out_ << (i < numeric.size() && numeric[i] ? " ---: |" : " --- |");
        out_ << "\n";
        for (const auto& row : rows) {
            out_ << "|";
            for (const auto& c : row) out_ << " " << cell(c) << " |";
            out_ << "\n";
        }
        out_ << "\n";
    }
    void bullets(const std::vector<Bullet>& items) override {
        list(items, 0);
        out_ << "\n";
    }
    void ruleBox(Tone, const std::string& heading, const std::vector<Bullet>& condition) override {
        out_ << "**" << heading << "**\n\n";
        if (!condition.empty()) bullets(condition);
    }
    void footer(const std::string& text) override { out_ << "---\n\n" << text << "\n"; }
    std::string finish() override { return links(out_.str()); }

private:
    void list(const std::vector<Bullet>& items, int depth) {
        for (const Bullet& b : items) {
            out_ << std::string(static_cast<size_t>(depth * 2), ' ') << "- " << b.text << "\n";
            list(b.children, depth + 1);
        }
    }
    std::ostringstream out_;
};

}  // namespace

std::unique_ptr<Writer> markdownWriter() { return std::make_unique<MarkdownWriter>(); }

}  // namespace cpe::doc
