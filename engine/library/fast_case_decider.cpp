#include "engine/library/fast_case_decider.h"

// Without exceptions, a result used without its error checked does not compile.
#define SIMDJSON_EXCEPTIONS 0
#include <simdjson.h>

#include <unordered_map>
#include <vector>

#include "engine/base/byte_scan.h"
#include "engine/base/civil_date.h"
#include "engine/compile/program.h"
#include "engine/decision/json_writer.h"
#include "engine/eval/evaluator.h"
#include "engine/eval/fact_binding.h"
#include "engine/library/variants.h"

namespace cpe {

namespace od = simdjson::ondemand;

namespace {

// The deepest nesting the fast path reads (the case, its facts, a code
// list); deeper lines, and limits below it, go to the reference reading.
constexpr std::size_t kFastDepth = 3;

// True when some byte is a control character (below 0x20) or a backslash:
// such a line holds an escape or a character JSON refuses inside strings,
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

// A number token both readers take to the same whole number: an optional
// minus and 1 to 15 digits, without a leading zero ("0" itself aside; "-0"
// is declined, whose sign the readers keep differently).
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

// Whether `v` is null (then read past), in `null`; false when it cannot be told.
bool readNull(od::value& v, bool& null) {
    od::json_type type;
    if (v.type().get(type)) return false;
    null = type == od::json_type::null;
    bool read = false;
    return !null || (!v.is_null().get(read) && read);
}

struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct FastCaseDecider::State {
    const PolicyLibrary& lib;
    BatchLineOptions options;
    od::parser parser;
    std::string padded;

    // Facts by name, and this line's values by global fact id.
    std::unordered_map<std::string_view, const FactInfo*, Hash, std::equal_to<>> facts;
    std::vector<uint32_t> stamp;  // == line: bound on this line
    uint32_t line = 0;
    std::vector<double> num;
    std::vector<std::string_view> text;
    std::vector<std::vector<std::string>> lists;
    std::vector<uint32_t> bound;  // the fact ids bound on this line, in order
    // The facts' names in the order the first lines gave them: cases from
    // one system name their facts in one order, so each name is compared with
    // the few expected next, and hashed only when none matches (hashing each
    // name was a tenth of the fast path).
    std::vector<std::pair<std::string, const FactInfo*>> keyOrder;

    // Policies: whether the fast path may decide them, and the version in
    // force on the day last asked for.
    struct PolicyEntry {
        bool usable = false;  // declared, and without area variants
        int day = 0;
        const CompiledPolicy* compiled = nullptr;
        bool looked = false;
    };
    std::unordered_map<std::string, PolicyEntry, Hash, std::equal_to<>> policies;
    struct Deciding {
        std::unique_ptr<Evaluator> evaluator;
        FactValues values;
    };
    std::unordered_map<const CompiledPolicy*, Deciding> deciding;
    Decision decision;

    State(const PolicyLibrary& l, const BatchLineOptions& o) : lib(l), options(o) {
        const CheckedLibrary& checked = lib.checked();
        for (const FactInfo& f : checked.facts) facts.emplace(f.name, &f);
        stamp.assign(checked.facts.size(), 0);
        num.assign(checked.facts.size(), 0);
        text.assign(checked.facts.size(), {});
        lists.resize(checked.facts.size());
    }

    std::string lastPolicy;
    PolicyEntry* lastEntry = nullptr;

    const CompiledPolicy* policyFor(std::string_view id, int day) {
        if (lastEntry && id == lastPolicy) return inForce(*lastEntry, lastPolicy, day);
        auto it = policies.find(id);
        if (it == policies.end()) {
            PolicyEntry e;
            std::string name(id);
            e.usable =
                std::binary_search(lib.policyIds().begin(), lib.policyIds().end(), name) && !lib.variants().hasVariants(name);
            it = policies.emplace(std::move(name), e).first;
        }
        lastPolicy.assign(id);
        lastEntry = &it->second;
        return inForce(it->second, it->first, day);
    }
    const CompiledPolicy* inForce(PolicyEntry& e, const std::string& id, int day) {
        if (!e.usable) return nullptr;
        if (!e.looked || e.day != day) {
            e.compiled = lib.find(id, day);
            e.day = day;
            e.looked = true;
        }
        return e.compiled;
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
    // false for anything it would refuse, or that the fast path leaves to it.
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
        switch (f.type.kind) {
            case TypeKind::Bool: {
                bool b;
                if (v.get_bool().get(b)) return false;
                n = b ? 1 : 0;
                break;
            }
            case TypeKind::Int:
            case TypeKind::Dec: {
                std::string_view token = trimRight(v.raw_json_token());
                if (f.type.kind == TypeKind::Int) {
                    int64_t check;
                    if (!plainInteger(token, 15, n) || v.get_int64().get(check)) return false;
                } else {
                    if (v.get_double().get(n) || (n == 0 && token[0] == '-')) return false;
                }
                if ((f.min && n < *f.min) || (f.max && n > *f.max)) return false;
                break;
            }
            case TypeKind::Date: {
                std::string_view s;
                if (v.get_string().get(s)) return false;
                std::optional<int> day = parseDate(s);
                if (!day) return false;
                n = *day;
                break;
            }
            case TypeKind::Text:
                if (v.get_string().get(text[id])) return false;
                break;
            case TypeKind::Enum: {
                std::string_view s;
                if (v.get_string().get(s)) return false;
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
                list.clear();
                for (auto item : a) {
                    std::string_view s;
                    if (item.get_string().get(s)) return false;
                    if (f.type.kind == TypeKind::CodeList) {
                        list.push_back(normaliseCode(s));
                        if (!isValidCode(list.back())) return false;
                    } else {
                        list.emplace_back(s);
                    }
                }
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

    bool decide(std::string_view bytes, std::string& out) {
        bytes = trim(bytes);
        if (options.answer || options.maxDepth < kFastDepth + 1 || bytes.empty() || bytes[0] != '{' ||
            hasControlOrBackslash(bytes))
            return false;
        padded.assign(bytes);
        padded.resize(bytes.size() + simdjson::SIMDJSON_PADDING, ' ');
        if (++line == 0) {  // wrapped: forget every stamp
            std::fill(stamp.begin(), stamp.end(), 0);
            line = 1;
        }
        bound.clear();

        od::document doc;
        if (parser.iterate(padded.data(), bytes.size(), padded.size()).get(doc)) return false;
        od::object top;
        if (doc.get_object().get(top)) return false;
        std::string_view id = "null", policy;
        bool seenId = false, seenPolicy = false, seenFacts = false, seenAsOf = false;
        int day = options.defaultDay;
        for (auto field : top) {
            std::string_view key;
            od::value value;
            if (field.unescaped_key().get(key) || field.value().get(value)) return false;
            if (key == "id") {
                if (seenId) return false;
                seenId = true;
                od::json_type type;
                if (value.type().get(type)) return false;
                if (type == od::json_type::string) {
                    // No escapes (hasControlOrBackslash): the token is the string as the reference writes it.
                    std::string_view s;
                    id = value.raw_json_token();
                    if (value.get_string().get(s)) return false;
                    id = id.substr(0, s.size() + 2);
                } else if (type == od::json_type::number) {
                    double unused;
                    int64_t check;
                    id = trimRight(value.raw_json_token());
                    if (!plainInteger(id, 18, unused) || value.get_int64().get(check)) return false;
                } else {
                    bool null = false;
                    if (!readNull(value, null) || !null) return false;
                }
            } else if (key == "policy") {
                if (seenPolicy || value.get_string().get(policy)) return false;
                seenPolicy = true;
            } else if (key == "facts") {
                if (seenFacts) return false;
                seenFacts = true;
                bool null = false;
                if (!readNull(value, null) || (!null && !bindFacts(value))) return false;
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
                    day = *parsed;
                }
            } else if (!skip(value, 1)) {
                return false;
            }
        }
        // Anything after the case's closing brace is trailing content the
        // reference refuses: the document must be read to its end.
        if (!doc.current_location().error() || !seenPolicy) return false;

        const CompiledPolicy* compiled = policyFor(policy, day);
        if (!compiled) return false;
        const Program& program = compiled->program;
        Deciding& d = deciding[compiled];
        if (!d.evaluator) {
            d.evaluator = std::make_unique<Evaluator>(program);
            d.values.prepare(program);
        }
        FactValues& values = d.values;
        values.clear();
        for (uint32_t fact : bound) {
            int32_t slot = program.slotOfFact[fact];
            if (slot < 0) continue;
            auto s = static_cast<uint32_t>(slot);
            switch (program.slots[s]->type.kind) {
                case TypeKind::Text:
                    values.text[s].assign(text[fact]);
                    values.known[s] = 1;
                    break;
                case TypeKind::CodeList:
                case TypeKind::TextList:
                    values.lists[s].swap(lists[fact]);
                    values.known[s] = 1;
                    break;
                default: values.set(s, num[fact]);
            }
        }
        d.evaluator->decide(FactView::of(values), day, decision);
        decision.policy.assign(compiled->model->id);
        decision.policyVersion.assign(compiled->model->version);
        decision.day = day;
        out += "{\"id\":";
        out += id;
        out += ',';
        appendDecisionJson(out, decision, false);
        return true;
    }
};

FastCaseDecider::FastCaseDecider(const PolicyLibrary& lib, const BatchLineOptions& options)
    : state_(std::make_unique<State>(lib, options)) {}

FastCaseDecider::~FastCaseDecider() = default;

bool FastCaseDecider::tryAppend(std::string_view line, std::string& out) {
    // The output is appended only once the line is known to be decided.
    if (state_->decide(line, out)) {
        ++decided_;
        return true;
    }
    ++declined_;
    return false;
}

}  // namespace cpe
