#include "engine/answer/answer_guide.h"

#include <algorithm>
#include <functional>

#include "engine/answer/fact_form.h"
#include "engine/answer/next_step.h"
#include "engine/base/civil_date.h"
#include "engine/decision/decision.h"
#include "engine/decision/fast_case_reader.h"
#include "engine/decision/json_writer.h"
#include "engine/diff/expr_diff.h"

namespace cpe {
namespace {

void addOnce(std::vector<const FactInfo*>& list, const FactInfo* f) {
    if (f && std::find(list.begin(), list.end(), f) == list.end()) list.push_back(f);
}

// Every fact an expression reads, through the criteria and values it names
// and the groups it counts, in the order it reads them.
void factsOf(const Expr& e, std::vector<const FactInfo*>& out) {
    if (e.kind == ExprKind::Name && e.fact) addOnce(out, e.fact);
    if (e.kind == ExprKind::Name && e.named && e.named->expr) factsOf(*e.named->expr, out);
    if (e.kind == ExprKind::CountOf && e.group)
        for (const FactInfo* f : e.group->members) addOnce(out, f);
    for (const auto& a : e.args) factsOf(*a, out);
}

bool isFact(const Expr& e, const FactInfo* f) { return e.kind == ExprKind::Name && e.fact == f; }

std::string comparisonWords(CompareOp op) {
    switch (op) {
        case CompareOp::Lt: return "under ";
        case CompareOp::Le: return "at most ";
        case CompareOp::Gt: return "above ";
        case CompareOp::Ge: return "at least ";
        case CompareOp::Eq: return "exactly ";
        case CompareOp::Ne: return "anything but ";
    }
    return "";
}

std::string setWords(const SetExpr& s) {
    if (!s.ref.empty()) return s.ref;
    std::string out;
    for (const SetItem& i : s.items) out += (out.empty() ? "" : ", ") + i.lo + (i.hi.empty() ? "" : "-" + i.hi);
    return out;
}

// What value of `f` satisfies `e` (read with `positive` polarity), as a
// phrase ending "qualifies"; "" when `e` reads `f` in no simple way.
void decidesPhrases(const Expr& e, const FactInfo* f, bool positive, std::vector<std::string>& out) {
    const std::string verb = positive ? " qualifies" : " does not qualify";
    auto add = [&](std::string phrase) {
        if (std::find(out.begin(), out.end(), phrase) == out.end()) out.push_back(std::move(phrase));
    };
    switch (e.kind) {
        case ExprKind::Name:
            if (isFact(e, f) && f->type.kind == TypeKind::Bool) add(positive ? "yes qualifies" : "no qualifies");
            if (e.named && e.named->expr) decidesPhrases(*e.named->expr, f, positive, out);
            return;
        case ExprKind::Not: decidesPhrases(*e.args[0], f, !positive, out); return;
        case ExprKind::Between:
            if (isFact(*e.args[0], f) && e.args[1]->kind == ExprKind::Number && e.args[2]->kind == ExprKind::Number)
                add(numberText(*e.args[1]) + " to " + numberText(*e.args[2]) + verb);
            return;
        case ExprKind::Compare: {
            const Expr& l = *e.args[0];
            const Expr& r = *e.args[1];
            if (isFact(l, f) && r.kind == ExprKind::Number) add(comparisonWords(e.compareOp) + numberText(r) + verb);
            else if (isFact(r, f) && l.kind == ExprKind::Number) add(comparisonWords(flip(e.compareOp)) + numberText(l) + verb);
            return;
        }
        case ExprKind::Is:
            if (isFact(*e.args[0], f) && e.args[1]->kind == ExprKind::Name)
                add((e.negated ? "anything but " : "") + e.args[1]->text + verb);
            return;
        case ExprKind::In:
            if (isFact(*e.args[0], f) && e.set) add((e.negated ? "none of " : "one of ") + setWords(*e.set) + verb);
            return;
        case ExprKind::Has:
            if (isFact(*e.args[0], f) && e.set) add("including one of " + setWords(*e.set) + verb);
            return;
        case ExprKind::Within:
            if (isFact(*e.args[0], f) && e.args[1]->kind == ExprKind::Number)
                add("no more than " + numberText(*e.args[1]) + " " + e.text + " before the decision date" + verb);
            return;
        case ExprKind::And:
        case ExprKind::Or:
        case ExprKind::AllOf:
        case ExprKind::AnyOf:
        case ExprKind::AtLeast:
            for (const auto& a : e.args) decidesPhrases(*a, f, positive, out);
            return;
        default: return;
    }
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

// A question as the answer writes it: the fact's form, what decides it, and
// the criteria that read it.
nlohmann::ordered_json questionJson(const FactQuestion& q) {
    nlohmann::ordered_json item = q.form;
    item["decides"] = q.decides;
    item["criteria"] = q.criteria;
    return item;
}

std::string numberInWords(double v) {
    nlohmann::json j = v;
    if (v == static_cast<double>(static_cast<long long>(v))) j = static_cast<long long>(v);
    return j.dump();
}

}  // namespace

std::unique_ptr<const AnswerGuide> buildAnswerGuide(const PolicyModel& p) {
    auto guide = std::make_unique<AnswerGuide>();
    guide->model = &p;
    for (const auto& c : p.criteria) {
        if (!c || !c->expr) continue;
        std::vector<const FactInfo*>& facts = guide->criterionFacts[c->name];
        factsOf(*c->expr, facts);
    }
    for (const FactInfo* f : p.factsRead) {
        if (!f) continue;
        FactQuestion& q = guide->questions[f->name];
        q.fact = f;
        q.form = factJson(*f);
        std::vector<std::string> phrases;
        for (const auto& c : p.criteria) {
            auto it = guide->criterionFacts.find(c->name);
            if (it == guide->criterionFacts.end() || std::find(it->second.begin(), it->second.end(), f) == it->second.end())
                continue;
            q.criteria.push_back(c->name);
            // Criteria that name others are read through them; the phrase
            // comes from where the fact itself is compared.
            decidesPhrases(*c->expr, f, true, phrases);
        }
        q.decides = join(phrases, "; ");
        q.json = questionJson(q).dump();
    }
    return guide;
}

std::string valueInWords(const FactInfo& fact, const nlohmann::json* value) {
    if (!value || value->is_null()) return "not known";
    const std::string unit = fact.type.unit.empty() ? "" : " " + fact.type.unit;
    if (value->is_boolean()) return value->get<bool>() ? "yes" : "no";
    if (value->is_number()) return numberInWords(value->get<double>()) + unit;
    if (value->is_string()) return value->get<std::string>();
    if (value->is_array()) {
        std::vector<std::string> items;
        for (const auto& item : *value) items.push_back(item.is_string() ? item.get<std::string>() : item.dump());
        return items.empty() ? "none" : join(items, ", ");
    }
    return value->dump();
}

std::unique_ptr<AnswerExtras> answerExtras(const Decision& d) {
    if (!d.guide) return nullptr;
    const AnswerGuide& g = *d.guide;
    auto extras = std::make_unique<AnswerExtras>();
    extras->asOf = formatDate(d.day);
    extras->nextStep = nextStepFor(*g.model, d.outcome, d.route);
    for (const Reason& r : d.reasons) {
        nlohmann::ordered_json values = nlohmann::ordered_json::array();
        if (auto it = g.criterionFacts.find(r.criterion); it != g.criterionFacts.end())
            for (const FactInfo* f : it->second) {
                const nlohmann::json* v = givenValue(d, *f);
                nlohmann::ordered_json item;
                item["fact"] = f->name;
                item["value"] = v ? nlohmann::ordered_json::parse(v->dump()) : nlohmann::ordered_json(nullptr);
                item["text"] = valueInWords(*f, v);
                values.push_back(std::move(item));
            }
        extras->reasonValues.push_back(std::move(values));
    }
    for (std::string_view name : d.missingFacts) {
        auto it = g.questions.find(name);
        if (it == g.questions.end()) continue;
        extras->questions.push_back(questionJson(it->second));
    }
    return extras;
}

std::string valueTextInWords(const FactInfo& fact, std::string_view json) {
    if (json.empty()) return "not known";
    if (json == "true") return "yes";
    if (json == "false") return "no";
    // Strings hold no escapes (the fast reader declines them): their text is
    // between the quotes.
    if (json.front() == '"') return std::string(json.substr(1, json.size() - 2));
    if (json.front() == '[') {
        std::vector<std::string> items;
        for (std::size_t open = json.find('"'); open != std::string_view::npos;) {
            const std::size_t close = json.find('"', open + 1);
            items.emplace_back(json.substr(open + 1, close - open - 1));
            open = json.find('"', close + 1);
        }
        return items.empty() ? "none" : join(items, ", ");
    }
    // A number as nlohmann writes it: a whole decimal has ".0", which
    // numberInWords leaves out.
    if (json.size() > 2 && json.substr(json.size() - 2) == ".0") json.remove_suffix(2);
    return std::string(json) + (fact.type.unit.empty() ? "" : " " + fact.type.unit);
}

const nlohmann::json* givenValue(const Decision& d, const FactInfo& fact) {
    if (!d.facts || !d.facts->is_object()) return nullptr;
    auto it = d.facts->find(fact.name);
    return it == d.facts->end() ? nullptr : &*it;
}

void appendReasonValues(std::string& out, const Decision& d, std::string_view criterion) {
    // Why: building answerExtras' documents and dumping them (with a parse of
    // each value's dump) cost a server decision about 19,000 instructions
    // (callgrind: 170,455 -> 151,370 per decision without them).
    out += '[';
    if (auto it = d.guide->criterionFacts.find(criterion); it != d.guide->criterionFacts.end()) {
        bool first = true;
        for (const FactInfo* f : it->second) {
            out += first ? "{\"fact\":" : ",{\"fact\":";
            first = false;
            appendJsonString(out, f->name);
            out += ",\"value\":";
            if (d.given) {
                const FastFact* given = d.given->find(f->name);
                std::string_view json = given ? given->json : std::string_view();
                out += json.empty() ? "null" : json;
                out += ",\"text\":";
                appendJsonString(out, valueTextInWords(*f, json));
            } else {
                const nlohmann::json* v = givenValue(d, *f);
                // A fact's value is a scalar or a list of strings (bindFacts
                // refuses the rest): its dump is what a parse of it dumps.
                out += v ? v->dump() : "null";
                out += ",\"text\":";
                appendJsonString(out, valueInWords(*f, v));
            }
            out += '}';
        }
    }
    out += ']';
}

}  // namespace cpe
