#include "engine/diff/expr_diff.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "engine/check/model.h"
#include "engine/syntax/printer.h"

namespace cpe {
namespace {

bool isList(ExprKind k) {
    return k == ExprKind::AllOf || k == ExprKind::AnyOf || k == ExprKind::And || k == ExprKind::Or || k == ExprKind::AtLeast;
}

std::string listName(const Expr& e) {
    switch (e.kind) {
        case ExprKind::AllOf:
        case ExprKind::And: return "all of";
        case ExprKind::AnyOf:
        case ExprKind::Or: return "any of";
        default: return "at least " + std::to_string(static_cast<int>(e.number)) + " of";
    }
}

// Upper or lower limit, from the operator and the side the number is on.
std::string limitRole(CompareOp op, bool numberOnRight) {
    if (isEquality(op)) return "value";
    return isUpperBound(numberOnRight ? op : flip(op)) ? "upper limit" : "lower limit";
}

std::string inclusivity(CompareOp op) {
    if (isEquality(op)) return "";
    return includesLimit(op) ? "included" : "excluded";
}

// Items of a set literal, or a named code set's ranges, as text.
std::vector<std::string> setItems(const SetExpr& s) {
    std::vector<std::string> out;
    if (!s.ref.empty()) {
        if (s.codeset)
            for (const CodeRange& r : s.codeset->ranges) out.push_back(r.hi.empty() ? r.lo : r.lo + "-" + r.hi);
        return out;
    }
    for (const SetItem& i : s.items) out.push_back(i.hi.empty() ? i.lo : i.lo + "-" + i.hi);
    return out;
}

std::string codeAtWords(const Expr& e) {
    std::string pos = e.position == CodePosition::Primary     ? "primary"
                      : e.position == CodePosition::Secondary ? "secondary"
                                                              : "any";
    return pos + (e.codeKind == CodeKind::Procedure ? " procedure codes" : " diagnosis codes");
}

// Printed text plus the contents of any named code sets it refers to: two
// expressions with this equal are the same rule.
std::string key(const Expr& e) {
    std::string k = printExpr(e);
    std::function<void(const Expr&)> walk = [&](const Expr& x) {
        if (x.set && !x.set->ref.empty())
            for (const std::string& item : setItems(*x.set)) k += "|" + item;
        for (const auto& arg : x.args) walk(*arg);
    };
    walk(e);
    return k;
}

// Same kind of test on the same left-hand side: `bmi between 19 and 30` and
// `bmi between 19 and 32`, or two lists of the same kind.
bool sameShape(const Expr& a, const Expr& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == ExprKind::Name) return false;
    if (isList(a.kind)) return true;
    if (a.kind == ExprKind::CodeAt) return a.position == b.position && a.codeKind == b.codeKind;
    if (a.args.empty() || b.args.empty()) return false;
    return printExpr(*a.args[0]) == printExpr(*b.args[0]);
}

class Differ {
public:
    std::vector<ExprDetail> out;

    // `parent` and `index` say where the pair sits, to name what a number limits.
    void diff(const Expr& a, const Expr& b, const Expr* parent, size_t index) {
        if (key(a) == key(b)) return;
        size_t before = out.size();
        if (a.kind == ExprKind::Number && b.kind == ExprKind::Number) return threshold(a, b, parent, index);
        if (isList(a.kind) && isList(b.kind) && listName(a).substr(0, 6) == listName(b).substr(0, 6)) return list(a, b);
        if (a.kind != b.kind || a.args.size() != b.args.size()) return replaced(a, b);
        switch (a.kind) {
            case ExprKind::Compare:
                if (a.compareOp != b.compareOp) {
                    if (printExpr(*a.args[0]) == printExpr(*b.args[0]) && printExpr(*a.args[1]) == printExpr(*b.args[1]))
                        return operatorChange(a, b);
                    return replaced(a, b);
                }
                break;
            case ExprKind::Is:
            case ExprKind::In:
                if (a.negated != b.negated) return replaced(a, b);
                if (a.kind == ExprKind::In && printExpr(*a.args[0]) == printExpr(*b.args[0])) return setChange(a, b);
                break;
            case ExprKind::Has:
            case ExprKind::CodeAt:
                if (a.position != b.position || a.codeKind != b.codeKind) return replaced(a, b);
                if (a.kind == ExprKind::CodeAt || printExpr(*a.args[0]) == printExpr(*b.args[0])) return setChange(a, b);
                break;
            case ExprKind::Within:
                if (a.text != b.text) {
                    add("period_unit", printExpr(*a.args[0]), "period", printExpr(*a.args[1]) + " " + a.text,
                        printExpr(*b.args[1]) + " " + b.text);
                    return;
                }
                break;
            case ExprKind::Name:
            case ExprKind::String:
            case ExprKind::Bool:
            case ExprKind::Date:
            case ExprKind::Call:
            case ExprKind::CountOf:
            case ExprKind::Arith:
                if (a.text != b.text) return replaced(a, b);
                break;
            default: break;
        }
        for (size_t i = 0; i < a.args.size(); ++i) diff(*a.args[i], *b.args[i], &a, i);
        if (out.size() == before) replaced(a, b);  // differs in something the walk does not name
    }

private:
    void add(std::string kind, std::string subject, std::string role, std::string before, std::string after) {
        ExprDetail d{std::move(kind), std::move(subject), std::move(role), std::move(before), std::move(after), ""};
        if (d.kind == "item_added") d.text = "adds to " + d.subject + ": " + d.after;
        else if (d.kind == "item_removed") d.text = "removes from " + d.subject + ": " + d.before;
        else if (d.kind == "codes_added") d.text = "adds to " + d.subject + ": " + d.after;
        else if (d.kind == "codes_removed") d.text = "removes from " + d.subject + ": " + d.before;
        else if (d.kind == "replaced") d.text = d.before + "  →  " + d.after;
        else if (d.kind == "count") d.text = "at least " + d.before + " of (...) → at least " + d.after + " of (...)";
        else d.text = d.role + (d.subject.empty() ? "" : " of " + d.subject) + ": " + d.before + " → " + d.after;
        out.push_back(std::move(d));
    }

    void replaced(const Expr& a, const Expr& b) { add("replaced", "", "condition", printExpr(a), printExpr(b)); }

    void threshold(const Expr& a, const Expr& b, const Expr* parent, size_t index) {
        std::string subject, role = "number";
        std::string unit;
        if (parent) {
            const Expr& lhs = *parent->args[0];
            switch (parent->kind) {
                case ExprKind::Between:
                    subject = printExpr(lhs);
                    role = index == 1 ? "lower limit" : "upper limit";
                    unit = lhs.type.unit;
                    break;
                case ExprKind::Compare: {
                    const Expr& other = *parent->args[index == 0 ? 1 : 0];
                    subject = printExpr(other);
                    role = limitRole(parent->compareOp, index == 1);
                    unit = other.type.unit;
                    break;
                }
                case ExprKind::Within:
                    subject = printExpr(lhs);
                    role = "period";
                    unit = parent->text;
                    break;
                case ExprKind::AtLeast: role = "items needed"; break;
                case ExprKind::If:
                    subject = "if " + printExpr(*parent->args[0]);
                    role = index == 1 ? "value when true" : "value otherwise";
                    break;
                default: subject = printExpr(*parent); role = "number";
            }
        }
        add("threshold", subject, role, numberText(a, unit), numberText(b, unit));
    }

    void operatorChange(const Expr& a, const Expr& b) {
        std::string subject = printExpr(*a.args[0]);
        const std::string before(spelling(a.compareOp)), after(spelling(b.compareOp));
        ExprDetail d{"operator", subject, "comparison", before, after, ""};
        d.text = "comparison of " + subject + ": '" + before + "' → '" + after + "'";
        std::string ia = inclusivity(a.compareOp), ib = inclusivity(b.compareOp);
        if (!ia.empty() && !ib.empty() && ia != ib && limitRole(a.compareOp, true) == limitRole(b.compareOp, true))
            d.text +=
                " (the limit " +
                (a.args[1]->kind == ExprKind::Number ? numberText(*a.args[1], a.args[0]->type.unit) : printExpr(*a.args[1])) +
                " is now " + ib + ")";
        out.push_back(std::move(d));
    }

    void setChange(const Expr& a, const Expr& b) {
        std::vector<std::string> ia = setItems(*a.set), ib = setItems(*b.set);
        std::string subject = !a.set->ref.empty()          ? "code set " + a.set->ref
                              : a.kind == ExprKind::CodeAt ? codeAtWords(a)
                                                           : printExpr(*a.args[0]);
        if (a.set->ref != b.set->ref && !(a.set->ref.empty() && b.set->ref.empty())) return replaced(a, b);
        std::string added, removed;
        for (const auto& i : ib)
            if (std::find(ia.begin(), ia.end(), i) == ia.end()) added += (added.empty() ? "" : ", ") + i;
        for (const auto& i : ia)
            if (std::find(ib.begin(), ib.end(), i) == ib.end()) removed += (removed.empty() ? "" : ", ") + i;
        bool codes = a.kind == ExprKind::CodeAt || a.kind == ExprKind::Has;
        if (!added.empty()) add(codes ? "codes_added" : "item_added", subject, "set", "", added);
        if (!removed.empty()) add(codes ? "codes_removed" : "item_removed", subject, "set", removed, "");
        if (added.empty() && removed.empty()) replaced(a, b);  // same items, other order or spelling
    }

    void list(const Expr& a, const Expr& b) {
        std::string name = listName(a);
        if (a.kind == ExprKind::AtLeast && b.kind == ExprKind::AtLeast && a.number != b.number)
            add("count", name + " (...)", "items needed", std::to_string(static_cast<int>(a.number)),
                std::to_string(static_cast<int>(b.number)));
        else if (a.kind != b.kind && listName(a) != listName(b)) add("replaced", "", "list", listName(a), listName(b));
        // Items present on both sides (by text) are unchanged; of the rest, as
        // many as pair up by position are compared, the others added/removed.
        std::vector<std::string> ta, tb;
        for (auto& x : a.args) ta.push_back(key(*x));
        for (auto& x : b.args) tb.push_back(key(*x));
        std::vector<size_t> onlyA, onlyB;
        for (size_t i = 0; i < ta.size(); ++i)
            if (std::find(tb.begin(), tb.end(), ta[i]) == tb.end()) onlyA.push_back(i);
        for (size_t i = 0; i < tb.size(); ++i)
            if (std::find(ta.begin(), ta.end(), tb[i]) == ta.end()) onlyB.push_back(i);
        std::string subject = name + " (...)";
        // A leftover pair is one item changed (bmi between 19 and 30 → 32)
        // when both test the same thing the same way; a different name is a
        // different item.
        std::vector<bool> pairedB(onlyB.size(), false);
        for (size_t i : onlyA) {
            size_t match = onlyB.size();
            for (size_t k = 0; k < onlyB.size() && match == onlyB.size(); ++k)
                if (!pairedB[k] && sameShape(*a.args[i], *b.args[onlyB[k]])) match = k;
            if (match == onlyB.size()) {
                add("item_removed", subject, "item", printExpr(*a.args[i]), "");
                continue;
            }
            pairedB[match] = true;
            diff(*a.args[i], *b.args[onlyB[match]], &a, i);
        }
        for (size_t k = 0; k < onlyB.size(); ++k)
            if (!pairedB[k]) add("item_added", subject, "item", "", printExpr(*b.args[onlyB[k]]));
    }
};

}  // namespace

std::string numberText(const Expr& number, const std::string& unitHint) {
    std::string text = number.text.empty() ? printExpr(number) : number.text;
    if (auto bracket = text.find(" ["); bracket != std::string::npos) text = text.substr(0, bracket);
    std::string unit = number.unit.empty() ? unitHint : number.unit;
    return unit.empty() ? text : text + " " + unit;
}

std::vector<ExprDetail> diffExpr(const Expr& a, const Expr& b) {
    Differ d;
    d.diff(a, b, nullptr, 0);
    return d.out;
}

}  // namespace cpe
