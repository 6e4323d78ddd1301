#include "engine/eval/fact_binding.h"

#include <cmath>

#include "engine/decision/json_quote.h"
#include "engine/source/diagnostics.h"

namespace cpe {

std::string describeFactType(const FactInfo& f) {
    const Type& t = f.type;
    std::string unit = t.unit.empty() ? "" : " [" + t.unit + "]";
    auto range = [&]() -> std::string {
        if (!f.min || !f.max) return "";
        auto n = [](double v) {
            std::string s = std::to_string(v);
            s.erase(s.find_last_not_of('0') + 1);
            if (!s.empty() && s.back() == '.') s.pop_back();
            return s;
        };
        return " from " + n(*f.min) + " to " + n(*f.max);
    };
    switch (t.kind) {
        case TypeKind::Bool: return "boolean (true or false)";
        case TypeKind::Int: return "integer" + unit + range();
        case TypeKind::Dec: return "number" + unit + range();
        case TypeKind::Date: return "date (\"YYYY-MM-DD\")";
        case TypeKind::Text: return "string";
        case TypeKind::Enum: {
            std::string s = "one of ";
            bool first = true;
            for (size_t i = 0; i < t.enumInfo->members.size(); ++i) {
                if (!f.allowed.empty() && !f.allowed[i]) continue;
                s += (first ? "" : ", ") + t.enumInfo->members[i];
                first = false;
            }
            return s;
        }
        case TypeKind::CodeList: return f.listKind == ListKind::Opcs ? "array of OPCS-4 codes" : "array of ICD-10 codes";
        case TypeKind::TextList: return "array of strings";
        default: return "value";
    }
}

bool isValidCode(std::string_view normalised) {
    if (normalised.size() < 3 || normalised.size() > 7 || !std::isupper(static_cast<unsigned char>(normalised[0]))) return false;
    for (size_t i = 1; i < normalised.size(); ++i)
        if (!std::isalnum(static_cast<unsigned char>(normalised[i]))) return false;
    return true;
}

std::string factValueProblem(const FactInfo& f, const nlohmann::json& v, std::string_view inexactText) {
    // Built only for a bad value: on the request path, valid values are the
    // rule, and quoting each one cost about a tenth of a served decision. The
    // quotation is bounded: a value may be 200 KB of nested arrays.
    auto expected = [&] {
        return "'" + f.name + "' expects " + describeFactType(f) + ", got " +
               (inexactText.empty() ? quoteJson(v) : quoteText(inexactText));
    };
    switch (f.type.kind) {
        case TypeKind::Bool: return v.is_boolean() ? "" : expected();
        case TypeKind::Int:
        case TypeKind::Dec: {
            if (!v.is_number()) return expected();
            double d = v.get<double>();
            if (!std::isfinite(d)) return expected();
            if (f.type.kind == TypeKind::Int && (std::floor(d) != d || !inexactText.empty())) return expected();
            if ((f.min && d < *f.min) || (f.max && d > *f.max)) return expected();
            return "";
        }
        case TypeKind::Date: return v.is_string() && parseDate(v.get<std::string>()) ? "" : expected();
        case TypeKind::Text: return v.is_string() ? "" : expected();
        case TypeKind::Enum: {
            if (!v.is_string()) return expected();
            int idx = f.type.enumInfo->index(v.get<std::string>());
            if (idx < 0 || (!f.allowed.empty() && !f.allowed[static_cast<size_t>(idx)]))
                return expected() + didYouMean(v.get<std::string>(), f.type.enumInfo->members);
            return "";
        }
        case TypeKind::CodeList:
        case TypeKind::TextList: {
            if (!v.is_array()) return expected();
            for (const auto& item : v) {
                if (!item.is_string()) return expected();
                if (f.type.kind == TypeKind::CodeList && !isValidCode(normaliseCode(item.get<std::string>())))
                    return "'" + f.name + "' expects " + describeFactType(f) + "; " + quoteJson(item) + " is not a code";
            }
            return "";
        }
        default: return expected();
    }
}

std::optional<InputError> bindFacts(const CheckedLibrary& lib, const Program& program, const nlohmann::json& facts,
                                    FactValues& out, const std::vector<InexactNumber>* inexact) {
    if (!facts.is_object()) return InputError{"bad_request", "'facts' must be a JSON object of fact names and values", "facts"};
    out.prepare(program);
    for (const auto& [name, value] : facts.items()) {
        const FactInfo* f = lib.fact(name);
        if (!f)
            return InputError{"unknown_fact",
                              "no policy declares a fact named '" + quoteText(name) + "'" + didYouMean(name, lib.factNames()),
                              "facts." + name};
        if (value.is_null()) continue;  // unknown, as if absent
        std::string_view inexactText;
        if (inexact && !inexact->empty() && value.is_number_float())
            for (const InexactNumber& n : *inexact)
                if (n.field.size() == name.size() + 6 && n.field.compare(0, 6, "facts.") == 0 &&
                    n.field.compare(6, name.size(), name) == 0)
                    inexactText = n.text;
        if (std::string problem = factValueProblem(*f, value, inexactText); !problem.empty())
            return InputError{"bad_fact", problem, "facts." + name};
        int32_t slot = program.slotOf(f->id);
        if (slot < 0) continue;  // declared, valid, but this policy does not read it
        auto s = static_cast<uint32_t>(slot);
        switch (f->type.kind) {
            case TypeKind::Bool: out.set(s, value.get<bool>() ? 1 : 0); break;
            case TypeKind::Int:
            case TypeKind::Dec: out.set(s, value.get<double>()); break;
            case TypeKind::Date: out.set(s, *parseDate(value.get<std::string>())); break;
            case TypeKind::Enum: out.set(s, f->type.enumInfo->index(value.get<std::string>())); break;
            case TypeKind::Text:
                out.text[s] = value.get<std::string>();
                out.known[s] = 1;
                break;
            case TypeKind::CodeList:
            case TypeKind::TextList:
                out.lists[s].clear();
                for (const auto& item : value)
                    out.lists[s].push_back(f->type.kind == TypeKind::CodeList ? normaliseCode(item.get<std::string>())
                                                                              : item.get<std::string>());
                out.known[s] = 1;
                break;
            default: break;
        }
    }
    return std::nullopt;
}

nlohmann::json factValueToJson(const FactValue& v) {
    switch (v.kind) {
        case FactValue::Kind::Number:
            if (v.isInteger) return static_cast<int64_t>(v.number);
            return v.number;
        case FactValue::Kind::Bool: return v.boolValue;
        case FactValue::Kind::Unknown: return nullptr;
        case FactValue::Kind::List: {
            nlohmann::json a = nlohmann::json::array();
            for (const FactValue& item : v.items) a.push_back(factValueToJson(item));
            return a;
        }
        default: return v.text;  // dates, strings and enum names are strings in JSON
    }
}

}  // namespace cpe
