#include "engine/syntax/printer.h"

#include <sstream>

namespace cpe {
namespace {

constexpr int kWidth = 100;

// Binding strength, loosest first; a child weaker than its slot needs parentheses.
enum Prec { POr = 1, PAnd, PNot, PPred, PAdd, PMul, PUnary, PAtom };

Prec precOf(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Or: return POr;
        case ExprKind::And: return PAnd;
        case ExprKind::Not: return PNot;
        case ExprKind::Compare:
        case ExprKind::Is:
        case ExprKind::In:
        case ExprKind::Between:
        case ExprKind::Within:
        case ExprKind::Has:
        case ExprKind::CodeAt: return PPred;
        case ExprKind::Arith: return e.text == "+" || e.text == "-" ? PAdd : PMul;
        case ExprKind::Negate: return PUnary;
        default: return PAtom;
    }
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string number(double v, const std::string& text) {
    if (!text.empty()) return text;
    std::ostringstream os;
    os << v;
    return os.str();
}

std::string setText(const SetExpr& s) {
    if (!s.ref.empty()) return s.ref;
    std::string out = "{";
    for (size_t i = 0; i < s.items.size(); ++i) {
        const SetItem& it = s.items[i];
        out += i ? ", " : "";
        out += it.kind == SetItem::Kind::String ? quote(it.lo) : it.lo;
        if (!it.hi.empty()) out += "-" + (it.kind == SetItem::Kind::String ? quote(it.hi) : it.hi);
    }
    return out + "}";
}

class ExprPrinter {
public:
    // One line.
    std::string flat(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Number: return number(e.number, e.text) + (e.unit.empty() ? "" : " [" + e.unit + "]");
            case ExprKind::Date: return e.text;
            case ExprKind::String: return quote(e.text);
            case ExprKind::Bool: return e.boolValue ? "true" : "false";
            case ExprKind::Name: return e.text;
            case ExprKind::It: return "it";
            case ExprKind::Call: {
                std::string out = e.text + "(";
                for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + flat(*e.args[i]);
                return out + ")";
            }
            case ExprKind::Negate: return "-" + child(*e.args[0], PUnary);
            case ExprKind::Arith: {
                Prec p = precOf(e);
                // Left-associative: the right operand needs parentheses at equal strength.
                return child(*e.args[0], p) + " " + e.text + " " + child(*e.args[1], static_cast<Prec>(p + 1));
            }
            case ExprKind::Not: return "not " + child(*e.args[0], PNot);
            case ExprKind::And:
            case ExprKind::Or: {
                Prec p = precOf(e);
                std::string out;
                for (size_t i = 0; i < e.args.size(); ++i)
                    out += (i ? (e.kind == ExprKind::And ? " and " : " or ") : "") + child(*e.args[i], static_cast<Prec>(p + 1));
                return out;
            }
            case ExprKind::AllOf:
            case ExprKind::AnyOf:
            case ExprKind::AtLeast: {
                std::string out = head(e) + "(";
                for (size_t i = 0; i < e.args.size(); ++i) out += (i ? ", " : "") + flat(*e.args[i]);
                return out + ")";
            }
            case ExprKind::Compare:
                return child(*e.args[0], PAdd) + " " + std::string(spelling(e.compareOp)) + " " + child(*e.args[1], PAdd);
            case ExprKind::Is: return child(*e.args[0], PAdd) + (e.negated ? " is not " : " is ") + child(*e.args[1], PAdd);
            case ExprKind::In: return child(*e.args[0], PAdd) + (e.negated ? " not in " : " in ") + setText(*e.set);
            case ExprKind::Between:
                return child(*e.args[0], PAdd) + " between " + child(*e.args[1], PAdd) + " and " + child(*e.args[2], PAdd);
            case ExprKind::Within: return child(*e.args[0], PAdd) + " within " + child(*e.args[1], PAdd) + " " + e.text;
            case ExprKind::Has: return child(*e.args[0], PAdd) + " has " + setText(*e.set);
            case ExprKind::CodeAt: {
                std::string pos = e.position == CodePosition::Primary     ? "primary"
                                  : e.position == CodePosition::Secondary ? "secondary"
                                                                          : "any";
                return pos + (e.codeKind == CodeKind::Procedure ? " procedure in " : " diagnosis in ") + setText(*e.set);
            }
            case ExprKind::CountOf: return "count of " + e.text + " where " + flat(*e.args[0]);
            case ExprKind::If: return "if " + flat(*e.args[0]) + " then " + flat(*e.args[1]) + " else " + flat(*e.args[2]);
        }
        return "?";
    }

    // Laid out at `indent`, given `used` columns already taken on the first line.
    std::string laid(const Expr& e, int indent, int used) {
        std::string one = flat(e);
        if (used + static_cast<int>(one.size()) <= kWidth) return one;
        std::string pad(static_cast<size_t>(indent + 4), ' ');
        switch (e.kind) {
            case ExprKind::AllOf:
            case ExprKind::AnyOf:
            case ExprKind::AtLeast: {
                std::string out = head(e) + "(\n";
                for (const auto& a : e.args) out += pad + laid(*a, indent + 4, indent + 4) + ",\n";
                return out + std::string(static_cast<size_t>(indent), ' ') + ")";
            }
            case ExprKind::And:
            case ExprKind::Or: {
                Prec p = precOf(e);
                std::string word = e.kind == ExprKind::And ? "and " : "or ";
                std::string out = laidChild(*e.args[0], static_cast<Prec>(p + 1), indent, used);
                for (size_t i = 1; i < e.args.size(); ++i)
                    out +=
                        "\n" + pad + word +
                        laidChild(*e.args[i], static_cast<Prec>(p + 1), indent + 4, indent + 4 + static_cast<int>(word.size()));
                return out;
            }
            case ExprKind::Not: return "not " + laidChild(*e.args[0], PNot, indent, used + 4);
            case ExprKind::If:
                return "if " + flat(*e.args[0]) + "\n" + pad + "then " + laid(*e.args[1], indent + 4, indent + 9) + "\n" + pad +
                       "else " + laid(*e.args[2], indent + 4, indent + 9);
            default: return one;
        }
    }

private:
    static std::string head(const Expr& e) {
        if (e.kind == ExprKind::AllOf) return "all of ";
        if (e.kind == ExprKind::AnyOf) return "any of ";
        return "at least " + number(e.number, "") + " of ";
    }
    std::string child(const Expr& e, Prec needed) { return precOf(e) < needed ? "(" + flat(e) + ")" : flat(e); }
    std::string laidChild(const Expr& e, Prec needed, int indent, int used) {
        if (precOf(e) < needed) return "(" + laid(e, indent, used + 1) + ")";
        return laid(e, indent, used);
    }
};

// ---------------------------------------------------------------- files

class FilePrinter {
public:
    std::string run(const SourceFileAst& file) {
        bool first = true;
        for (const TopDecl& top : file.decls) {
            if (!first) out_ << "\n";
            first = false;
            comments(top.comments.leading, 0);
            if (auto* u = std::get_if<std::shared_ptr<Unit>>(&top.body)) unit(**u, top.comments.trailing);
            else test(*std::get<std::shared_ptr<TestDecl>>(top.body), top.comments.trailing);
        }
        if (!file.trailingComments.empty()) {
            if (!first) out_ << "\n";
            comments(file.trailingComments, 0);
        }
        return out_.str();
    }

private:
    std::ostringstream out_;
    ExprPrinter ep_;

    void comments(const std::vector<std::string>& list, int indent) {
        for (const std::string& c : list) {
            // Block comments keep their own inner layout.
            out_ << std::string(static_cast<size_t>(indent), ' ') << c << "\n";
        }
    }
    static std::string trail(const std::string& c) { return c.empty() ? "" : "  " + c; }
    static std::string ind(int n) { return std::string(static_cast<size_t>(n), ' '); }

    // Members of one kind sit together; a blank line separates kinds and any
    // member that spans several lines.
    static int groupOf(const MemberBody& b) {
        if (std::holds_alternative<HeaderItem>(b)) return 0;
        if (std::holds_alternative<UseDecl>(b)) return 1;
        if (std::holds_alternative<TypeDecl>(b)) return 2;
        if (std::holds_alternative<FactDecl>(b)) return 3;
        if (std::holds_alternative<GroupDecl>(b)) return 4;
        if (std::holds_alternative<CodesetDecl>(b)) return 5;
        if (std::holds_alternative<std::shared_ptr<DecideBlock>>(b)) return 7;
        return 6;
    }

    void unit(const Unit& u, const std::string& trailing) {
        out_ << (u.kind == Unit::Kind::Module ? "module " : "policy ") << u.id;
        if (!u.extends.empty()) out_ << " extends " << u.extends;
        out_ << " {" << trail(trailing) << "\n";
        int previousGroup = -1;
        bool previousMultiline = false;
        for (const Member& m : u.members) {
            std::string text = member(m.body);
            bool multiline = text.find('\n') != std::string::npos;
            int g = groupOf(m.body);
            if (previousGroup >= 0 && (g != previousGroup || multiline || previousMultiline)) out_ << "\n";
            comments(m.comments.leading, 4);
            // The trailing comment goes after the member's last line.
            out_ << ind(4) << text << trail(m.comments.trailing) << "\n";
            previousGroup = g;
            previousMultiline = multiline;
        }
        if (!u.trailingComments.empty()) {
            if (!u.members.empty()) out_ << "\n";
            comments(u.trailingComments, 4);
        }
        out_ << "}\n";
    }

    std::string member(const MemberBody& body) {
        return std::visit(
            [&](const auto& b) -> std::string {
                using T = std::decay_t<decltype(b)>;
                if constexpr (std::is_same_v<T, HeaderItem>) return header(b);
                else if constexpr (std::is_same_v<T, UseDecl>) return "use " + b.module;
                else if constexpr (std::is_same_v<T, TypeDecl>) return "type " + b.name + " = " + printTypeRef(b.type);
                else if constexpr (std::is_same_v<T, FactDecl>)
                    return "fact " + b.name + ": " + printTypeRef(b.type) +
                           (b.description.empty() ? "" : " " + quote(b.description));
                else if constexpr (std::is_same_v<T, CodesetDecl>) {
                    std::string head = "codeset " + b.name + (b.description.empty() ? "" : " " + quote(b.description)) + " = {";
                    std::string items;
                    for (size_t i = 0; i < b.items.size(); ++i)
                        items += (i ? ", " : "") + code(b.items[i].lo) + (b.items[i].hi.empty() ? "" : "-" + code(b.items[i].hi));
                    if (4 + head.size() + items.size() + 1 <= kWidth) return head + items + "}";
                    std::string out = head + "\n";
                    for (const CodeItem& it : b.items)
                        out += ind(8) + code(it.lo) + (it.hi.empty() ? "" : "-" + code(it.hi)) + ",\n";
                    return out + ind(4) + "}";
                } else if constexpr (std::is_same_v<T, GroupDecl>) {
                    std::string head = "group " + b.name + " = (";
                    std::string items;
                    for (size_t i = 0; i < b.members.size(); ++i) items += (i ? ", " : "") + b.members[i].first;
                    if (4 + head.size() + items.size() + 1 <= kWidth) return head + items + ")";
                    std::string out = head + "\n";
                    for (auto& [name, _] : b.members) out += ind(8) + name + ",\n";
                    return out + ind(4) + ")";
                } else if constexpr (std::is_same_v<T, std::shared_ptr<NamedExpr>>) return named(*b);
                else return decide(*b);
            },
            body);
    }

    static std::string code(const std::string& c) {
        bool plain = !c.empty() && std::isalpha(static_cast<unsigned char>(c[0]));
        for (char ch : c) plain = plain && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
        return plain ? c : quote(c);
    }

    std::string header(const HeaderItem& h) {
        switch (h.kind) {
            case HeaderItem::Kind::Title: return "title " + quote(h.value);
            case HeaderItem::Kind::Version: return "version " + quote(h.value);
            case HeaderItem::Kind::Effective: return "effective " + h.value + (h.until.empty() ? "" : " until " + h.until);
            case HeaderItem::Kind::Owner: return "owner " + quote(h.value);
            case HeaderItem::Kind::Source: return "source " + quote(h.value);
            case HeaderItem::Kind::Route:
                return "route " + std::string(h.value == "criteria_based"   ? "criteria based"
                                              : h.value == "prior_approval" ? "prior approval"
                                                                            : "not routinely commissioned");
            case HeaderItem::Kind::Ifr: return "ifr " + h.value;
            case HeaderItem::Kind::Variant: return "variant of " + h.variantOf + " when " + ep_.flat(*h.condition);
            case HeaderItem::Kind::NextStep: return "next step " + h.key + " " + quote(h.value);
        }
        return "";
    }

    std::string named(const NamedExpr& n) {
        std::string head = n.isOverride ? "override " : "";
        switch (n.kind) {
            case NamedExpr::Kind::Criterion: head += "criterion " + n.name + " " + quote(n.text); break;
            case NamedExpr::Kind::Value: head += "value " + n.name + (n.text.empty() ? "" : " " + quote(n.text)); break;
            case NamedExpr::Kind::Output: head += "output " + n.name + (n.text.empty() ? "" : " " + quote(n.text)); break;
            case NamedExpr::Kind::Coding:
                head += "coding" + (n.name.empty() ? "" : " " + n.name);
                if (n.includesEmergencies) head += " including emergencies";
                if (n.withoutCancerExclusion) head += " without cancer exclusion";
                break;
        }
        head += " =";
        std::string one = ep_.flat(*n.expr);
        if (4 + static_cast<int>(head.size() + 1 + one.size()) <= kWidth) return head + " " + one;
        return head + "\n" + ind(8) + ep_.laid(*n.expr, 8, 8);
    }

    std::string decide(const DecideBlock& d) {
        std::string out = std::string(d.isOverride ? "override " : "") + "decide {\n";
        for (const Rule& r : d.rules) {
            for (const std::string& c : r.comments.leading) out += ind(8) + c + "\n";
            std::string head = r.when ? r.outcome : "otherwise " + r.outcome;
            if (!r.route.empty()) head += " route " + r.route;
            if (r.when) {
                head += " when ";
                head += ep_.laid(*r.when, 8, 8 + static_cast<int>(head.size()));
            }
            out += ind(8) + head + trail(r.comments.trailing) + "\n";
        }
        for (const std::string& c : d.trailingComments) out += ind(8) + c + "\n";
        return out + ind(4) + "}";
    }

    void test(const TestDecl& t, const std::string& trailing) {
        out_ << "test " << quote(t.name) << " for " << t.policy;
        if (!t.like.empty()) out_ << " like " << quote(t.like);
        out_ << " {" << trail(trailing) << "\n";
        for (const TestItem& item : t.items) {
            comments(item.comments.leading, 4);
            out_ << ind(4) << testItem(item) << trail(item.comments.trailing) << "\n";
        }
        comments(t.trailingComments, 4);
        out_ << "}\n";
    }

    std::string testItem(const TestItem& item) {
        switch (item.kind) {
            case TestItem::Kind::AsOf: return "as of " + item.text;
            case TestItem::Kind::Given: {
                std::string head = "given ";
                std::string one;
                for (size_t i = 0; i < item.bindings.size(); ++i)
                    one += (i ? ", " : "") + item.bindings[i].name + " = " + printFactValue(item.bindings[i].value);
                if (4 + head.size() + one.size() <= kWidth) return head + one;
                // Fill lines up to the width, continuing under the first binding.
                std::string out = head, line = head;
                for (size_t i = 0; i < item.bindings.size(); ++i) {
                    std::string b = item.bindings[i].name + " = " + printFactValue(item.bindings[i].value) +
                                    (i + 1 < item.bindings.size() ? "," : "");
                    if (line.size() > head.size() && 4 + line.size() + 1 + b.size() > static_cast<size_t>(kWidth)) {
                        out += "\n" + ind(10);
                        line = ind(6);
                    } else if (line.size() > head.size()) {
                        out += " ";
                        line += " ";
                    }
                    out += b;
                    line += b;
                }
                return out;
            }
            case TestItem::Kind::ExpectError: return "expect error" + (item.text.empty() ? "" : " " + quote(item.text));
            case TestItem::Kind::ExpectMissing:
            case TestItem::Kind::ExpectReasons: {
                std::string out = item.kind == TestItem::Kind::ExpectMissing ? "expect missing " : "expect reasons ";
                if (item.names.empty()) return out + "none";
                out += "(";
                for (size_t i = 0; i < item.names.size(); ++i) out += (i ? ", " : "") + item.names[i].first;
                return out + ")";
            }
            case TestItem::Kind::ExpectOutput: return "expect output " + item.text + " = " + printFactValue(item.value);
            case TestItem::Kind::ExpectOutcome:
                return "expect " + item.text + (item.route.empty() ? "" : ", route " + item.route);
        }
        return "";
    }
};

}  // namespace

std::string printExpr(const Expr& e) { return ExprPrinter().flat(e); }
std::string printExpr(const Expr& e, int indent) { return ExprPrinter().laid(e, indent, indent); }
std::string formatFile(const SourceFileAst& file) { return FilePrinter().run(file); }

std::string printFactValue(const FactValue& v) {
    switch (v.kind) {
        case FactValue::Kind::Number: return v.text.empty() ? number(v.number, "") : v.text;
        case FactValue::Kind::Date: return v.text;
        case FactValue::Kind::String: return quote(v.text);
        case FactValue::Kind::Bool: return v.boolValue ? "true" : "false";
        case FactValue::Kind::Unknown: return "unknown";
        case FactValue::Kind::Name: return v.text;
        case FactValue::Kind::List: {
            std::string out = "[";
            for (size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + printFactValue(v.items[i]);
            return out + "]";
        }
    }
    return "";
}

std::string printTypeRef(const TypeRef& t) {
    auto range = [&]() -> std::string {
        if (!t.min || !t.max) return "";
        return " in " + number(*t.min, t.minText) + ".." + number(*t.max, t.maxText);
    };
    auto unit = [&]() -> std::string { return t.unit.empty() ? "" : " [" + t.unit + "]"; };
    std::string out;
    switch (t.kind) {
        case TypeRef::Kind::Bool: return "boolean";
        case TypeRef::Kind::Int: return "integer" + unit() + range();
        case TypeRef::Kind::Dec: return "decimal" + unit() + range();
        case TypeRef::Kind::Date: return "date";
        case TypeRef::Kind::Text: return "text";
        case TypeRef::Kind::Enum:
        case TypeRef::Kind::Levels: {
            out = t.kind == TypeRef::Kind::Enum ? "enum (" : "levels (";
            for (size_t i = 0; i < t.members.size(); ++i)
                out += (i ? (t.kind == TypeRef::Kind::Enum ? ", " : " < ") : "") + t.members[i];
            return out + ")";
        }
        case TypeRef::Kind::List: return "list of " + t.name;
        case TypeRef::Kind::Named: {
            out = t.name;
            if (!t.upTo.empty()) out += " up to " + t.upTo;
            if (!t.members.empty()) {
                out += " except ";
                for (size_t i = 0; i < t.members.size(); ++i) out += (i ? ", " : "") + t.members[i];
            }
            return out;
        }
    }
    return out;
}

}  // namespace cpe
