#include "engine/source/source_set.h"

namespace cpe {

uint32_t SourceSet::add(std::string path, std::string text, std::string libraryPath) {
    SourceFile f{std::move(path), std::move(libraryPath), std::move(text), {0}};
    for (size_t i = 0; i < f.text.size(); ++i)
        if (f.text[i] == '\n') f.lineStarts.push_back(i + 1);
    files_.push_back(std::move(f));
    return static_cast<uint32_t>(files_.size() - 1);
}

std::string_view SourceSet::lineText(uint32_t fileIndex, uint32_t line) const {
    if (fileIndex >= files_.size()) return {};
    const SourceFile& f = files_[fileIndex];
    if (line == 0 || line > f.lineStarts.size()) return {};
    size_t begin = f.lineStarts[line - 1];
    size_t end = f.text.find('\n', begin);
    if (end == std::string::npos) end = f.text.size();
    std::string_view text(f.text.data() + begin, end - begin);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
}

std::string SourceSet::location(const Span& span) const {
    std::string path = span.file < files_.size() ? files_[span.file].path : "<unknown>";
    return path + ":" + std::to_string(span.line) + ":" + std::to_string(span.col);
}

std::string SourceSet::libraryLocation(const Span& span) const {
    std::string path = "<unknown>";
    if (span.file < files_.size())
        path = files_[span.file].libraryPath.empty() ? files_[span.file].path : files_[span.file].libraryPath;
    return path + ":" + std::to_string(span.line) + ":" + std::to_string(span.col);
}

}  // namespace cpe
