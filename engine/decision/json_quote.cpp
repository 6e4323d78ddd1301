#include "engine/decision/json_quote.h"

#include "engine/source/utf8.h"

namespace cpe {

namespace {

constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

// Cuts `s` to at most `limit` bytes without splitting a UTF-8 sequence.
void cutAt(std::string& s, std::size_t limit) {
    if (s.size() <= limit) return;
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
}

// Appends v's JSON text, stopping once `out` passes `limit`: each level of
// nesting writes at least one byte before going deeper, so the recursion is
// at most `limit` deep.
void append(std::string& out, const nlohmann::json& v, std::size_t limit) {
    if (out.size() > limit) return;
    if (v.is_object()) {
        out += '{';
        bool first = true;
        for (const auto& [key, value] : v.items()) {
            if (out.size() > limit) return;
            if (!first) out += ',';
            first = false;
            append(out, nlohmann::json(key), limit);
            out += ':';
            append(out, value, limit);
        }
        out += '}';
    } else if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& item : v) {
            if (out.size() > limit) return;
            if (!first) out += ',';
            first = false;
            append(out, item, limit);
        }
        out += ']';
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        std::size_t room = limit + 1 - out.size();  // enough to go past the limit when it is long
        if (s.size() > room) {
            std::string head = s.substr(0, room + 4);
            out += nlohmann::json(head).dump(-1, ' ', false, kReplace);
        } else {
            out += v.dump(-1, ' ', false, kReplace);
        }
    } else {
        out += v.dump();
    }
}

}  // namespace

std::string quoteJson(const nlohmann::json& v, std::size_t limit) {
    std::string out;
    append(out, v, limit);
    if (out.size() <= limit) return out;
    cutAt(out, limit);
    return out + "…";
}

std::string quoteText(std::string_view text, std::size_t limit) {
    std::string raw(text.substr(0, limit + 1));
    cutAt(raw, limit);
    std::string out = validUtf8(raw);
    return text.size() > limit ? out + "…" : out;
}

std::string validUtf8(std::string_view text) {
    std::string out;
    static const char hex[] = "0123456789ABCDEF";
    while (true) {
        auto bad = firstInvalidUtf8(text);
        if (!bad) break;
        out.append(text.substr(0, *bad));
        auto c = static_cast<unsigned char>(text[*bad]);
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 0xF];
        text.remove_prefix(*bad + 1);
    }
    out.append(text);
    return out;
}

}  // namespace cpe
