#include "lsp/documents.h"

#include <stdexcept>

#include "lsp/text_position.h"

namespace cpe::lsp {

const Document& Documents::open(const std::string& uri, std::string text, int64_t version) {
    Document& d = docs_[uri];
    d.uri = uri;
    d.path = pathFromUri(uri);
    d.text = std::move(text);
    d.version = version;
    return d;
}

static uint32_t field(const nlohmann::json& pos, const char* name) {
    const auto& v = pos.at(name);
    if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > UINT32_MAX)
        throw std::invalid_argument(std::string("position.") + name + " must be a non-negative integer");
    return static_cast<uint32_t>(v.get<int64_t>());
}

const Document& Documents::change(const std::string& uri, const nlohmann::json& changes, int64_t version) {
    auto it = docs_.find(uri);
    if (it == docs_.end()) throw std::invalid_argument("didChange for a document that is not open: " + uri);
    if (!changes.is_array()) throw std::invalid_argument("contentChanges must be an array");
    std::string text = it->second.text;
    for (const auto& c : changes) {
        if (!c.is_object() || !c.contains("text") || !c["text"].is_string())
            throw std::invalid_argument("a content change needs a text string");
        const std::string& replacement = c["text"].get_ref<const std::string&>();
        if (!c.contains("range")) {
            text = replacement;
            continue;
        }
        const auto& r = c["range"];
        size_t from = offsetOf(text, field(r.at("start"), "line"), field(r.at("start"), "character"));
        size_t to = offsetOf(text, field(r.at("end"), "line"), field(r.at("end"), "character"));
        if (to < from) throw std::invalid_argument("a change range whose end is before its start");
        text.replace(from, to - from, replacement);
    }
    it->second.text = std::move(text);
    it->second.version = version;
    return it->second;
}

const Document* Documents::find(const std::string& uri) const {
    auto it = docs_.find(uri);
    return it == docs_.end() ? nullptr : &it->second;
}

const Document* Documents::byPath(const std::string& path) const {
    for (const auto& [uri, d] : docs_)
        if (!d.path.empty() && d.path == path) return &d;
    return nullptr;
}

}  // namespace cpe::lsp
