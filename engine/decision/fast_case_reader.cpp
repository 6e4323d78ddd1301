#include "engine/decision/fast_case_reader.h"

// Without exceptions, a result used without its error checked does not compile.
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <unordered_map>

// The function nlohmann's dump() writes a double with: a decimal fact's text
// is canonical when it is what this gives back for its value.
#include <nlohmann/detail/conversions/to_chars.hpp>

#include "engine/base/byte_scan.h"
#include "engine/base/civil_date.h"
#include "engine/base/string_hash.h"
#include "engine/check/model.h"
#include "engine/compile/program.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"

namespace cpe {

namespace od = simdjson::ondemand;

namespace {

// The deepest nesting the fast reader reads (the case, its facts, a code
// list); deeper cases, and limits below it, go to the reference reader.
constexpr std::size_t kFastDepth = 3;

// True when some byte is a control character (below 0x20) or a backslash:
// such a case holds an escape or a character JSON refuses inside strings,
// and is read by the reference (whose messages and unescaping are the
// contract's). Eight bytes at a time.
bool hasControlOrBackslash(std::string_view s) {
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w = loadWord(s.data() + i);
        if (anyByteBelow(w, 0x20) | anyByteEqual(w, '\\')) return true;
    }
    for (; i < s.size(); ++i)
        if (static_cast<unsigned char>(s[i]) < 0x20 || s[i] == '\\') return true;
    return false;
}

std::string_view trimRight(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// Spaces around the case are JSON whitespace to both readers.
std::string_view trim(std::string_view s) {
    s = trimRight(s);
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    return s;
}

// A number token both readers take to the same whole number, and nlohmann
// writes back as it is: an optional minus and 1 to `maxDigits` digits,
// without a leading zero ("0" itself aside; "-0" is declined, whose sign the
// readers keep differently).
bool plainInteger(std::string_view t, std::size_t maxDigits, double& value) {
    bool negative = !t.empty() && t[0] == '-';
    std::string_view digits = t.substr(negative ? 1 : 0);
    if (digits.empty() || digits.size() > maxDigits) return false;
    if (digits[0] == '0' && (digits.size() > 1 || negative)) return false;
    int64_t n = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return false;
        n = n * 10 + (c - '0');
    }
    value = static_cast<double>(negative ? -n : n);
    return true;
}

// Whether `token`, read as the double `value`, is the text nlohmann's dump()
// writes for that double (shortest round trip: "41.5", "100.0", "1e-07").
bool canonicalDecimal(std::string_view token, double value) {
    if (!std::isfinite(value)) return false;
    std::array<char, 64> buffer{};
    char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return token == std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
}

// canonicalDecimal's verdicts on the tokens seen last, by the token's text
// (which alone decides it): a case set holds few distinct measures (BMI,
// AMH), and printing each again was 6% of a fertility batch (perf, 200,000
// cases). Direct-mapped; a token longer than an entry is not kept.
class CanonicalDecimals {
public:
    bool check(std::string_view token, double value) {
        if (token.size() > sizeof(Entry::text)) return canonicalDecimal(token, value);
        Entry& e = entries_[std::hash<std::string_view>{}(token) % entries_.size()];
        if (e.length != token.size() || std::string_view(e.text, e.length) != token) {
            std::memcpy(e.text, token.data(), token.size());
            e.length = static_cast<uint8_t>(token.size());
            e.canonical = canonicalDecimal(token, value);
        }
        return e.canonical;
    }

private:
    struct Entry {
        char text[22];
        uint8_t length = 0;  // 0: empty (no token is empty)
        bool canonical = false;
    };
    std::array<Entry, 1024> entries_{};
};

// A string's JSON text as nlohmann writes it back: the token itself, the
// case holding no escapes (hasControlOrBackslash). `s` is the string read.
std::string_view stringToken(od::value& v, std::string_view& s) {
    std::string_view token = v.raw_json_token();
    if (v.get_string().get(s)) return {};
    return token.substr(0, s.size() + 2);
}

// Whether `v` is null (then read past), in `null`; false when it cannot be told.
bool readNull(od::value& v, bool& null) {
    od::json_type type;
    if (v.type().get(type)) return false;
    null = type == od::json_type::null;
    bool read = false;
    return !null || (!v.is_null().get(read) && read);
}

}  // namespace

FastShape fastShapeOf(const CaseShape& shape, int defaultDay) {
    FastShape s;
    s.envelopeOnly = shape.envelopeOnly;
    s.readPolicy = shape.policyRequired;
    s.factsRequired = shape.factsRequired;
    s.providerRequired = shape.providerRequired;
    s.maxDepth = shape.maxDepth;
    s.defaultDay = defaultDay;
    return s;
}

std::string FastCase::canonicalFacts() const {
    std::array<const FastFact*, 64> small{};
    std::vector<const FastFact*> large;
    const FastFact** sorted = small.data();
    if (facts.size() > small.size()) {
        large.resize(facts.size());
        sorted = large.data();
    }
    for (std::size_t i = 0; i < facts.size(); ++i) sorted[i] = &facts[i];
    // nlohmann's objects are std::maps of std::string: byte order.
    std::sort(sorted, sorted + facts.size(), [](const FastFact* a, const FastFact* b) { return a->info->name < b->info->name; });
    std::string out = "{";
    for (std::size_t i = 0; i < facts.size(); ++i) {
        if (i) out += ',';
        out += '"';
        out += sorted[i]->info->name;
        out += "\":";
        out += sorted[i]->json;
    }
    out += '}';
    return out;
}

const FastFact* FastCase::find(std::string_view name) const {
    for (const FastFact& f : facts)
        if (f.info->name == name) return &f;
    return nullptr;
}

struct FastCaseReader::State {
    od::parser parser;
    std::string padded;

    // Facts by name, and this case's values by global fact id.
    std::unordered_map<std::string_view, const FactInfo*, TransparentStringHash, std::equal_to<>> facts;
    std::vector<const FactInfo*> infoById;
    std::vector<uint32_t> stamp;  // == line: bound on this case
    uint32_t line = 0;
    std::vector<double> num;
    std::vector<std::string_view> text;
    std::vector<std::vector<std::string>> lists;
    std::vector<std::string> listJson;  // a list's canonical text, `["a","b"]`
    std::vector<uint32_t> bound;        // the fact ids bound on this case, in order
    CanonicalDecimals decimals;
    std::vector<std::string_view> json;  // by fact id: the canonical text
    // The facts' names in the order the first cases gave them: cases from
    // one system name their facts in one order, so each name is compared with
    // the few expected next, and hashed only when none matches (hashing each
    // name was a tenth of the batch fast path).
    std::vector<std::pair<std::string, const FactInfo*>> keyOrder;

    explicit State(const CheckedLibrary& checked) {
        const std::size_t n = checked.facts.size();
        infoById.resize(n);
        for (const FactInfo& f : checked.facts) {
            facts.emplace(f.name, &f);
            infoById[f.id] = &f;
        }
        stamp.assign(n, 0);
        num.assign(n, 0);
        text.assign(n, {});
        lists.resize(n);
        listJson.resize(n);
        json.assign(n, {});
    }

    // A member the case does not use: valid JSON all through, within the depth.
    bool skip(od::value v, std::size_t depth) {
        od::json_type type;
        if (v.type().get(type)) return false;
        switch (type) {
            case od::json_type::object: {
                if (depth >= kFastDepth) return false;
                od::object o;
                if (v.get_object().get(o)) return false;
                for (auto field : o) {
                    std::string_view key;
                    od::value value;
                    if (field.unescaped_key().get(key) || field.value().get(value) || !skip(value, depth + 1)) return false;
                }
                return true;
            }
            case od::json_type::array: {
                if (depth >= kFastDepth) return false;
                od::array a;
                if (v.get_array().get(a)) return false;
                for (auto item : a) {
                    od::value value;
                    if (item.get(value) || !skip(value, depth + 1)) return false;
                }
                return true;
            }
            case od::json_type::number: {
                double d;
                return !v.get_double().get(d);
            }
            case od::json_type::string: {
                std::string_view s;
                return !v.get_string().get(s);
            }
            case od::json_type::boolean: {
                bool b;
                return !v.get_bool().get(b);
            }
            case od::json_type::null: {
                bool null = false;
                return readNull(v, null) && null;
            }
        }
        return false;
    }

    // One fact's value, checked as bindFacts checks it (fact_binding.cpp);
    // false for anything it would refuse, or that the fast reader leaves to it.
    bool bindFact(const FactInfo& f, od::value v) {
        const uint32_t id = f.id;
        if (stamp[id] == line) return false;  // given twice
        bool null = false;
        if (!readNull(v, null)) return false;
        if (null) {
            stamp[id] = line;  // unknown, as if absent; a second mention is still declined
            return true;
        }
        double& n = num[id];
        std::string_view& canonical = json[id];
        switch (f.type.kind) {
            case TypeKind::Bool: {
                bool b;
                if (v.get_bool().get(b)) return false;
                n = b ? 1 : 0;
                canonical = b ? "true" : "false";
                break;
            }
            case TypeKind::Int:
            case TypeKind::Dec: {
                std::string_view token = trimRight(v.raw_json_token());
                if (f.type.kind == TypeKind::Int) {
                    int64_t check;
                    if (!plainInteger(token, 15, n) || v.get_int64().get(check)) return false;
                } else if (!plainInteger(token, 15, n)) {
                    // A decimal written as nlohmann would not write it back
                    // ("41.50", "4.15e1") would change the facts' canonical text.
                    if (v.get_double().get(n) || (n == 0 && token[0] == '-') || !decimals.check(token, n)) return false;
                } else {
                    double check;
                    if (v.get_double().get(check)) return false;
                }
                if ((f.min && n < *f.min) || (f.max && n > *f.max)) return false;
                canonical = token;
                break;
            }
            case TypeKind::Date: {
                std::string_view& s = text[id];
                canonical = stringToken(v, s);
                if (canonical.empty()) return false;
                std::optional<int> day = parseDate(s);
                if (!day) return false;
                n = *day;
                break;
            }
            case TypeKind::Text:
                canonical = stringToken(v, text[id]);
                if (canonical.empty()) return false;
                break;
            case TypeKind::Enum: {
                std::string_view& s = text[id];
                canonical = stringToken(v, s);
                if (canonical.empty()) return false;
                const std::vector<std::string>& members = f.type.enumInfo->members;
                std::size_t i = 0;
                while (i < members.size() && members[i] != s) ++i;
                if (i == members.size() || (!f.allowed.empty() && !f.allowed[i])) return false;
                n = static_cast<double>(i);
                break;
            }
            case TypeKind::CodeList:
            case TypeKind::TextList: {
                od::array a;
                if (v.get_array().get(a)) return false;
                std::vector<std::string>& list = lists[id];
                std::string& written = listJson[id];
                list.clear();
                written.assign(1, '[');
                for (auto item : a) {
                    std::string_view s;
                    if (item.get_string().get(s)) return false;
                    if (!list.empty()) written += ',';
                    written += '"';
                    written += s;
                    written += '"';
                    if (f.type.kind == TypeKind::CodeList) {
                        list.push_back(normaliseCode(s));
                        if (!isValidCode(list.back())) return false;
                    } else {
                        list.emplace_back(s);
                    }
                }
                written += ']';
                canonical = written;
                break;
            }
            default: return false;
        }
        stamp[id] = line;
        bound.push_back(id);
        return true;
    }

    bool bindFacts(od::value v) {
        od::object o;
        if (v.get_object().get(o)) return false;
        std::size_t next = 0;  // where in keyOrder the next name is expected
        for (auto field : o) {
            std::string_view key;
            od::value value;
            if (field.unescaped_key().get(key) || field.value().get(value)) return false;
            const FactInfo* fact = nullptr;
            // A case may leave a fact out: look a few names ahead.
            for (std::size_t i = next; i < keyOrder.size() && i < next + 4; ++i)
                if (keyOrder[i].first == key) {
                    fact = keyOrder[i].second;
                    next = i + 1;
                    break;
                }
            if (!fact) {
                auto it = facts.find(key);
                if (it == facts.end()) return false;
                fact = it->second;
                if (next == keyOrder.size()) {
                    keyOrder.emplace_back(std::string(key), fact);
                    next = keyOrder.size();
                }
            }
            if (!bindFact(*fact, value)) return false;
        }
        return true;
    }

    bool read(std::string_view bytes, const FastShape& shape, FastCase& out) {
        bytes = trim(bytes);
        if (shape.maxDepth < kFastDepth + 1 || bytes.empty() || bytes[0] != '{' || hasControlOrBackslash(bytes)) return false;
        padded.assign(bytes);
        padded.resize(bytes.size() + simdjson::SIMDJSON_PADDING, ' ');
        if (++line == 0) {  // wrapped: forget every stamp
            std::fill(stamp.begin(), stamp.end(), 0);
            line = 1;
        }
        bound.clear();
        out.policy = {};
        out.day = shape.defaultDay;
        out.hasAsOf = false;
        out.id = "null";
        out.provider = {};
        out.facts.clear();

        od::document doc;
        if (parser.iterate(padded.data(), bytes.size(), padded.size()).get(doc)) return false;
        od::object top;
        if (doc.get_object().get(top)) return false;
        bool seenId = false, seenPolicy = false, seenFacts = false, seenAsOf = false, seenProvider = false;
        for (auto field : top) {
            std::string_view key;
            od::value value;
            if (field.unescaped_key().get(key) || field.value().get(value)) return false;
            if (shape.envelopeOnly && key != "policy" && key != "facts" && key != "as_of") return false;
            if (key == "id") {
                if (seenId) return false;
                seenId = true;
                od::json_type type;
                if (value.type().get(type)) return false;
                if (type == od::json_type::string) {
                    std::string_view s;
                    out.id = stringToken(value, s);
                    if (out.id.empty()) return false;
                } else if (type == od::json_type::number) {
                    double unused;
                    int64_t check;
                    out.id = trimRight(value.raw_json_token());
                    if (!plainInteger(out.id, 18, unused) || value.get_int64().get(check)) return false;
                } else {
                    bool null = false;
                    if (!readNull(value, null) || !null) return false;
                }
            } else if (key == "policy" && shape.readPolicy) {
                if (seenPolicy || value.get_string().get(out.policy)) return false;
                seenPolicy = true;
            } else if (key == "provider" && shape.providerRequired) {
                if (seenProvider || value.get_string().get(out.provider) || out.provider.empty()) return false;
                seenProvider = true;
            } else if (key == "facts") {
                if (seenFacts) return false;
                seenFacts = true;
                bool null = false;
                if (!readNull(value, null) || (null && shape.factsRequired) || (!null && !bindFacts(value))) return false;
            } else if (key == "as_of") {
                if (seenAsOf) return false;
                seenAsOf = true;
                bool null = false;
                if (!readNull(value, null)) return false;
                if (!null) {
                    std::string_view s;
                    if (value.get_string().get(s)) return false;
                    std::optional<int> parsed = parseDate(s);
                    if (!parsed) return false;
                    out.day = *parsed;
                    out.hasAsOf = true;
                }
            } else if (!skip(value, 1)) {
                return false;
            }
        }
        // Anything after the case's closing brace is trailing content the
        // reference refuses: the document must be read to its end.
        if (!doc.current_location().error()) return false;
        if ((shape.readPolicy && !seenPolicy) || (shape.providerRequired && !seenProvider) || (shape.factsRequired && !seenFacts))
            return false;
        for (uint32_t id : bound) {
            FastFact& f = out.facts.emplace_back();
            f.info = infoById[id];
            f.number = num[id];
            f.text = text[id];
            f.list = &lists[id];
            f.json = json[id];
        }
        return true;
    }

    void fill(const Program& program, FactValues& values) const {
        values.clear();
        for (uint32_t fact : bound) {
            int32_t slot = program.slotOf(fact);
            if (slot < 0) continue;
            auto s = static_cast<uint32_t>(slot);
            switch (program.slots[s]->type.kind) {
                case TypeKind::Text:
                    values.text[s].assign(text[fact]);
                    values.known[s] = 1;
                    break;
                case TypeKind::CodeList:
                case TypeKind::TextList:
                    // Copied, not moved: both sides of an impact run fill from one read.
                    values.lists[s] = lists[fact];
                    values.known[s] = 1;
                    break;
                default: values.set(s, num[fact]);
            }
        }
    }
};

FastCaseReader::FastCaseReader(const CheckedLibrary& library) : state_(std::make_unique<State>(library)) {}

FastCaseReader::~FastCaseReader() = default;

bool FastCaseReader::read(std::string_view bytes, const FastShape& shape, FastCase& out) {
    return state_->read(bytes, shape, out);
}

void FastCaseReader::fill(const Program& program, FactValues& values) const { state_->fill(program, values); }

}  // namespace cpe
