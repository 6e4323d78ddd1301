#include "engine/decision/json_input.h"

#include <cmath>
#include <cstdint>

#include "engine/decision/json_quote.h"

namespace cpe {

namespace {

using json = nlohmann::json;

// Builds the document as nlohmann's own DOM parser does (a repeated key: the
// last wins), refusing nesting beyond the limit before it is built.
class Builder : public nlohmann::json_sax<json> {
public:
    Builder(std::size_t maxDepth, std::string_view factsMember) : maxDepth_(maxDepth), factsMember_(factsMember) {}

    bool null() override { return put(json(nullptr)); }
    bool boolean(bool v) override { return put(json(v)); }
    bool number_integer(number_integer_t v) override { return put(json(v)); }
    bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
    bool number_float(number_float_t v, const string_t& text) override {
        if (std::isfinite(v) && std::floor(v) == v && !isExactIntegerText(text) && stack_.size() <= 2) {
            std::string path;
            bool objects = true;
            for (const Frame& f : stack_) {
                if (!f.node->is_object()) objects = false;
                path += (path.empty() ? "" : ".") + f.key;
            }
            if (objects) out.inexact.push_back({std::move(path), text});
        }
        return put(json(v));
    }
    bool string(string_t& v) override { return put(json(std::move(v))); }
    bool binary(binary_t& v) override { return put(json::binary(std::move(v))); }
    bool start_object(std::size_t) override { return open(json::value_t::object); }
    bool key(string_t& k) override {
        Frame& f = stack_.back();
        if (stack_.size() <= 2) f.key = k;  // only the first two levels name an inexact number's field
        f.slot = &(*f.node)[std::move(k)];
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(json::value_t::array); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
        // nlohmann's messages start "[json.exception.parse_error.101] "; the
        // position and reason after it are what a client needs. They may quote
        // the bytes read, which need not be UTF-8.
        std::string what = ex.what();
        auto close = what.find("] ");
        error = "invalid JSON: " + validUtf8(close == std::string::npos ? what : what.substr(close + 2));
        return false;
    }

    JsonInput out;
    std::string error;
    std::string code = "bad_json", field;

private:
    struct Frame {
        json* node;
        json* slot = nullptr;  // an object's member awaiting its value
        std::string key = {};
    };

    json* place(json&& v) {
        if (stack_.empty()) {
            out.value = std::move(v);
            return &out.value;
        }
        Frame& f = stack_.back();
        if (f.node->is_array()) {
            f.node->push_back(std::move(v));
            return &f.node->back();
        }
        *f.slot = std::move(v);
        return f.slot;
    }
    bool put(json&& v) {
        place(std::move(v));
        return true;
    }
    bool open(json::value_t type) {
        if (stack_.size() >= maxDepth_) {
            tooDeep();
            return false;
        }
        json* node = place(json(type));
        stack_.push_back({node});
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    // A fact's value (case.facts.NAME) nested too deep is that fact's error;
    // anything else is the document's.
    void tooDeep() {
        std::string levels = std::to_string(maxDepth_) + " levels of arrays and objects (--max-depth)";
        if (stack_.size() >= 2 && stack_[0].node->is_object() && stack_[0].key == factsMember_ && stack_[1].node->is_object()) {
            code = "bad_fact";
            field = "facts." + stack_[1].key;
            error = "'" + quoteText(stack_[1].key) + "' is nested deeper than " + levels;
            return;
        }
        if (!stack_.empty() && stack_[0].node->is_object()) field = stack_[0].key;
        error = "invalid JSON: nested deeper than " + levels;
    }

    std::size_t maxDepth_;
    std::string_view factsMember_;
    std::vector<Frame> stack_;
};

}  // namespace

std::variant<JsonInput, InputError> parseJsonInput(std::string_view text, std::size_t maxDepth) {
    Builder b(maxDepth, "facts");
    bool ok = json::sax_parse(text.begin(), text.end(), &b);
    if (!ok) return InputError{b.code, b.error.empty() ? "invalid JSON" : b.error, b.field};
    return std::move(b.out);
}

bool isExactIntegerText(std::string_view t) {
    std::size_t i = 0;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    std::string digits;  // integer and fraction digits, leading zeros dropped
    std::int64_t fraction = 0;
    bool dot = false;
    for (; i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.'); ++i) {
        if (t[i] == '.') {
            dot = true;
            continue;
        }
        if (dot) ++fraction;
        if (digits.empty() && t[i] == '0') continue;
        digits += t[i];
    }
    std::int64_t exponent = 0;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        bool negative = false;
        if (i < t.size() && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
        for (; i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])); ++i)
            if (exponent < 1'000'000'000) exponent = exponent * 10 + (t[i] - '0');  // saturates: far past any double
        if (negative) exponent = -exponent;
    }
    if (digits.empty()) return true;  // zero, whatever the exponent
    std::int64_t trailing = 0;
    while (trailing < static_cast<std::int64_t>(digits.size()) &&
           digits[digits.size() - 1 - static_cast<std::size_t>(trailing)] == '0')
        ++trailing;
    return exponent - fraction + trailing >= 0;
}

}  // namespace cpe
