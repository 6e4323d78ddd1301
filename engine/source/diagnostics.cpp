#include "engine/source/diagnostics.h"
#include "engine/source/utf8.h"

#include <algorithm>

namespace cpe {

void Diagnostics::add(Severity severity, const Span& span, std::string message, std::string code) {
    if (severity == Severity::Error) ++errorCount_;
    items_.push_back({severity, span, std::move(message), std::move(code)});
}

void Diagnostics::append(const Diagnostics& other) {
    for (const Diagnostic& d : other.items_) add(d.severity, d.span, d.message, d.code);
}

void Diagnostics::warningsAsErrors() {
    for (Diagnostic& d : items_)
        if (d.severity == Severity::Warning) {
            d.severity = Severity::Error;
            ++errorCount_;
        }
}

void Diagnostics::keepFile(uint32_t file) {
    std::erase_if(items_, [file](const Diagnostic& d) { return d.span.file != file; });
    errorCount_ = static_cast<size_t>(
        std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

size_t Diagnostics::warningCount() const {
    return static_cast<size_t>(
        std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

void Diagnostics::sort() {
    std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.span.file != b.span.file) return a.span.file < b.span.file;
        if (a.span.line != b.span.line) return a.span.line < b.span.line;
        return a.span.col < b.span.col;
    });
}

static const char* label(Severity s) {
    switch (s) {
        case Severity::Error: return "error";
        case Severity::Warning: return "warning";
        case Severity::Note: return "note";
    }
    return "error";
}

std::string Diagnostics::render(const SourceSet& sources, bool colour) const {
    std::string out;
    for (const Diagnostic& d : items_) {
        if (colour) out += "\x1b[1m";
        out += sources.location(d.span) + ": ";
        if (colour) out += d.severity == Severity::Error ? "\x1b[31m" : "\x1b[35m";
        out += label(d.severity);
        if (colour) out += "\x1b[0m\x1b[1m";
        out += ": " + d.message;
        if (colour) out += "\x1b[0m";
        out += '\n';
        std::string_view line = sources.lineText(d.span.file, d.span.line);
        // A line that is not UTF-8 (the error may be about that) is not echoed.
        if (line.empty() || firstInvalidUtf8(line)) continue;
        out += "  ";
        out += line;
        out += "\n  ";
        // Columns count code points; keep tabs so the caret lines up under
        // tab-indented source.
        uint32_t col = 1;
        for (size_t i = 0; i < line.size() && col < d.span.col; ++i) {
            unsigned char c = static_cast<unsigned char>(line[i]);
            if ((c & 0xC0) == 0x80) continue;  // continuation byte of the previous code point
            out += c == '\t' ? '\t' : ' ';
            ++col;
        }
        uint32_t width = 1;
        if (d.span.endLine == d.span.line && d.span.endCol > d.span.col) width = d.span.endCol - d.span.col;
        if (colour) out += "\x1b[32m";
        out += '^';
        if (width > 1) out += std::string(width - 1, '~');
        if (colour) out += "\x1b[0m";
        out += '\n';
    }
    return out;
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// swaps of neighbours ("wirst" -> "wrist" is one edit), the usual typing slips.
static size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::string closestName(const std::string& name, const std::vector<std::string>& candidates) {
    size_t limit = std::max<size_t>(1, name.size() / 3);
    std::string best;
    size_t bestDistance = limit + 1;
    for (const std::string& c : candidates) {
        if (c == name) continue;
        // The distance is at least the difference in length: skip the table
        // (a client's name may be a megabyte long).
        if ((name.size() > c.size() ? name.size() - c.size() : c.size() - name.size()) >= bestDistance) continue;
        size_t d = editDistance(name, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

std::string didYouMean(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best = closestName(name, candidates);
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string didYouMeanId(const std::string& id, const std::vector<std::string>& ids) {
    std::vector<std::string> ending;
    const std::string tail = "." + id;
    for (const std::string& c : ids)
        if (c.size() > tail.size() && c.compare(c.size() - tail.size(), tail.size(), tail) == 0) ending.push_back(c);
    if (ending.empty()) return didYouMean(id, ids);
    std::sort(ending.begin(), ending.end());
    if (ending.size() == 1) return " (did you mean '" + ending[0] + "'?)";
    std::string out = " (did you mean one of ";
    for (size_t i = 0; i < ending.size() && i < 5; ++i) out += (i ? ", '" : "'") + ending[i] + "'";
    return out + (ending.size() > 5 ? ", ...?)" : "?)");
}

}  // namespace cpe
