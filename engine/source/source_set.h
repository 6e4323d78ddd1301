#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "engine/source/span.h"

namespace cpe {

struct SourceFile {
    std::string path;         // as the user named it, for messages
    std::string libraryPath;  // relative to the library's root ("policies/fertility/ivf.cpl"); "" = path
    std::string text;
    std::vector<size_t> lineStarts;  // byte offset of each line's first character
};

// Owns the text of every loaded file so that spans stay printable for as long
// as diagnostics, reasons or compiled programs refer to them.
class SourceSet {
public:
    uint32_t add(std::string path, std::string text, std::string libraryPath = "");
    const SourceFile& file(uint32_t index) const { return files_[index]; }
    size_t size() const { return files_.size(); }
    std::string_view lineText(uint32_t fileIndex, uint32_t line) const;
    // "path:line:col", the form used in messages and in decision reasons.
    std::string location(const Span& span) const;
    // The same with the file named relative to the policy library's root, as
    // decisions and policy descriptions show it: never a path of the machine
    // that serves them ("policies/fertility/ivf.cpl:29:15").
    std::string libraryLocation(const Span& span) const;

private:
    std::vector<SourceFile> files_;
};

}  // namespace cpe
