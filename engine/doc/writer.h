#pragma once
// One document, two renderings: the criteria pages are written once against
// this interface and come out as Markdown and as self-contained HTML, so the
// two can never say different things.
//
// Inline text may use three marks, as in Markdown: `code`, **bold** and
// [text](link). Everything else is literal (escaped for HTML; `|` in table
// cells escaped for Markdown).
#include <memory>
#include <string>
#include <vector>

namespace cpe::doc {

struct Bullet {
    std::string text;  // inline
    std::vector<Bullet> children;
};

enum class Tone { Plain, Good, Bad, Warn, Muted };

class Writer {
public:
    virtual ~Writer() = default;
    virtual void title(const std::string& kicker, const std::string& heading, const std::string& sub) = 0;
    virtual void heading(int level, const std::string& text, const std::string& anchor = "") = 0;
    virtual void paragraph(const std::string& text) = 0;
    virtual void definitions(const std::vector<std::pair<std::string, std::string>>& items) = 0;
    // `numeric[i]`: right-align column i.
    virtual void table(const std::vector<std::string>& heads, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<bool>& numeric = {}) = 0;
    virtual void bullets(const std::vector<Bullet>& items) = 0;
    // A decision rule: a coloured box with a heading and the condition tree.
    virtual void ruleBox(Tone tone, const std::string& heading, const std::vector<Bullet>& condition) = 0;
    virtual void footer(const std::string& text) = 0;
    virtual std::string finish() = 0;  // the whole file
};

std::unique_ptr<Writer> markdownWriter();
// `pageTitle` goes in <title>.
std::unique_ptr<Writer> htmlWriter(const std::string& pageTitle);

// Inline marks to HTML (escaping the rest); exposed for tests.
std::string inlineHtml(const std::string& text);

}  // namespace cpe::doc
