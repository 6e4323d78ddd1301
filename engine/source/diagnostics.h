#pragma once
#include <string>
#include <vector>

#include "engine/source/source_set.h"

namespace cpe {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
    Severity severity = Severity::Error;
    Span span;
    std::string message;
    // What kind of problem, for tools (`cpe check --format json`): a warning's
    // name, e.g. "unused-fact"; empty for errors, which are told apart by message.
    std::string code;
};

// Collects every problem found in one run, so a policy author sees all of
// them at once rather than fixing one error per build.
class Diagnostics {
public:
    void error(const Span& span, std::string message) { add(Severity::Error, span, std::move(message)); }
    void warning(const Span& span, std::string message, std::string code = {}) {
        add(Severity::Warning, span, std::move(message), std::move(code));
    }
    void note(const Span& span, std::string message) { add(Severity::Note, span, std::move(message)); }
    void add(Severity severity, const Span& span, std::string message, std::string code = {});
    // Every diagnostic of `other` (whose spans index the same sources).
    void append(const Diagnostics& other);
    // `--strict`: every warning becomes an error.
    void warningsAsErrors();
    // Only the diagnostics in file `file` (the others are dropped).
    void keepFile(uint32_t file);

    bool hasErrors() const { return errorCount_ > 0; }
    size_t errorCount() const { return errorCount_; }
    size_t warningCount() const;
    const std::vector<Diagnostic>& all() const { return items_; }
    // Orders by file, line and column (stable), for output that reads top to bottom.
    void sort();

    // `file:line:col: error: message`, the source line and a caret under the span.
    std::string render(const SourceSet& sources, bool colour = false) const;

private:
    std::vector<Diagnostic> items_;
    size_t errorCount_ = 0;
};

// Levenshtein-based "did you mean": the closest candidate within a distance
// that scales with the name's length, or "" when nothing is close.
std::string closestName(const std::string& name, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string didYouMean(const std::string& name, const std::vector<std::string>& candidates);
// For a policy id: the ids that end with what was typed (`ivf` -> `fertility.ivf`), whole dotted parts only,
// and otherwise the closest id, as didYouMean.
std::string didYouMeanId(const std::string& id, const std::vector<std::string>& ids);

}  // namespace cpe
