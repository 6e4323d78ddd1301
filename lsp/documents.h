#pragma once
// The documents the editor has open: their text as the editor holds it, kept
// up to date by full and incremental changes (textDocument/didChange).
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cpe::lsp {

struct Document {
    std::string uri;
    std::string path;  // "" for a URI that is not a local file
    std::string text;
    int64_t version = 0;
};

class Documents {
public:
    const Document& open(const std::string& uri, std::string text, int64_t version);
    // Applies `contentChanges` in order; each is {text} (the whole document) or
    // {range, text}. Throws std::invalid_argument on a malformed change, leaving
    // the document as it was.
    const Document& change(const std::string& uri, const nlohmann::json& changes, int64_t version);
    void close(const std::string& uri) { docs_.erase(uri); }
    const Document* find(const std::string& uri) const;
    // The open document whose local path is `path`, or null.
    const Document* byPath(const std::string& path) const;
    const std::map<std::string, Document>& all() const { return docs_; }

private:
    std::map<std::string, Document> docs_;
};

}  // namespace cpe::lsp
