#include "audit/tests/coding_text.h"

#include <cctype>
#include <stdexcept>

namespace cpe::audit::test {

namespace {

struct Parser {
    std::vector<std::string> tokens;
    size_t pos = 0;
    const std::map<std::string, std::shared_ptr<NamedExpr>>& fragments;

    Parser(const std::string& text, const std::map<std::string, std::shared_ptr<NamedExpr>>& f) : fragments(f) {
        for (size_t i = 0; i < text.size();) {
            char c = text[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
            } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') {
                size_t j = i;
                while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_' || text[j] == '.'))
                    ++j;
                tokens.push_back(text.substr(i, j - i));
                i = j;
            } else if ((c == '<' || c == '>' || c == '=' || c == '!') && i + 1 < text.size() && text[i + 1] == '=') {
                tokens.push_back(text.substr(i, 2));
                i += 2;
            } else {
                tokens.push_back(std::string(1, c));
                ++i;
            }
        }
    }
    const std::string& peek() const {
        static const std::string end;
        return pos < tokens.size() ? tokens[pos] : end;
    }
    std::string take() {
        if (pos >= tokens.size()) throw std::runtime_error("unexpected end of coding text");
        return tokens[pos++];
    }
    void expect(const std::string& t) {
        std::string got = take();
        if (got != t) throw std::runtime_error("expected '" + t + "', found '" + got + "'");
    }
    static ExprPtr make(ExprKind k) { return std::make_unique<Expr>(k, Span{}); }

    ExprPtr expr() {
        ExprPtr left = conj();
        if (peek() != "or") return left;
        auto out = make(ExprKind::Or);
        out->args.push_back(std::move(left));
        while (peek() == "or") {
            take();
            out->args.push_back(conj());
        }
        return out;
    }
    ExprPtr conj() {
        ExprPtr left = negation();
        if (peek() != "and") return left;
        auto out = make(ExprKind::And);
        out->args.push_back(std::move(left));
        while (peek() == "and") {
            take();
            out->args.push_back(negation());
        }
        return out;
    }
    ExprPtr negation() {
        if (peek() == "not") {
            take();
            auto out = make(ExprKind::Not);
            out->args.push_back(negation());
            return out;
        }
        return primary();
    }
    SetExpr set() {
        SetExpr s;
        if (peek() != "{") {
            s.ref = take();
            return s;
        }
        take();
        while (true) {
            SetItem item;
            item.lo = take();
            if (!item.lo.empty() && std::isdigit(static_cast<unsigned char>(item.lo[0]))) {
                item.kind = SetItem::Kind::Number;
                item.number = std::stod(item.lo);
            }
            if (peek() == "-") {
                take();
                item.hi = take();
            }
            s.items.push_back(item);
            std::string t = take();
            if (t == "}") break;
            if (t != ",") throw std::runtime_error("expected ',' or '}' in a set, found '" + t + "'");
        }
        return s;
    }
    static int fieldIndex(const std::string& name) {
        if (name == "age") return 0;
        if (name == "sex") return 1;
        if (name == "setting") return 2;
        if (name == "admission") return 3;
        return -1;
    }
    static ExprPtr fieldName(const std::string& name) {
        auto e = make(ExprKind::Name);
        e->text = name;
        e->episodeField = fieldIndex(name);
        return e;
    }
    ExprPtr value(int field) {
        std::string t = take();
        if (field == 0) {
            auto e = make(ExprKind::Number);
            e->number = std::stod(t);
            return e;
        }
        auto e = make(ExprKind::Name);
        e->text = t;
        static const std::vector<std::vector<std::string>> members = {
            {}, {"male", "female", "unknown"}, {"APC", "OP"}, {"elective", "emergency", "other"}};
        for (size_t i = 0; i < members[static_cast<size_t>(field)].size(); ++i)
            if (members[static_cast<size_t>(field)][i] == t) e->enumOrdinal = static_cast<int>(i);
        return e;
    }
    ExprPtr primary() {
        std::string t = take();
        if (t == "(") {
            ExprPtr e = expr();
            expect(")");
            return e;
        }
        if (t == "true" || t == "false") {
            auto e = make(ExprKind::Bool);
            e->boolValue = t == "true";
            return e;
        }
        if (t == "primary" || t == "secondary" || t == "any") {
            auto e = make(ExprKind::CodeAt);
            e->position = t == "primary" ? CodePosition::Primary : t == "secondary" ? CodePosition::Secondary : CodePosition::Any;
            std::string kind = take();
            e->codeKind = kind == "procedure" ? CodeKind::Procedure : CodeKind::Diagnosis;
            expect("in");
            e->set = std::make_unique<SetExpr>(set());
            return e;
        }
        int field = fieldIndex(t);
        if (field >= 0) {
            std::string op = take();
            if (op == "is") {
                auto e = make(ExprKind::Is);
                if (peek() == "not") {
                    take();
                    e->negated = true;
                }
                e->args.push_back(fieldName(t));
                e->args.push_back(value(field));
                return e;
            }
            if (op == "in" || op == "not") {
                auto e = make(ExprKind::In);
                if (op == "not") {
                    expect("in");
                    e->negated = true;
                }
                e->args.push_back(fieldName(t));
                e->set = std::make_unique<SetExpr>(set());
                return e;
            }
            if (op == "between") {
                auto e = make(ExprKind::Between);
                e->args.push_back(fieldName(t));
                e->args.push_back(value(0));
                expect("and");
                e->args.push_back(value(0));
                return e;
            }
            auto e = make(ExprKind::Compare);
            e->compareOp = *compareOpFromSpelling(op);
            e->args.push_back(fieldName(t));
            e->args.push_back(value(field));
            return e;
        }
        auto it = fragments.find(t);
        if (it == fragments.end()) throw std::runtime_error("unknown name '" + t + "'");
        auto e = make(ExprKind::Name);
        e->text = t;
        e->named = it->second.get();
        return e;
    }
};

}  // namespace

CodingRules::CodingRules() = default;

void CodingRules::codeset(const std::string& name, const std::vector<std::pair<std::string, std::string>>& ranges) {
    CodesetInfo cs;
    cs.name = name;
    for (const auto& [lo, hi] : ranges) cs.ranges.push_back(CodeRange{lo, hi});
    codesets_.push_back(std::move(cs));
}

void CodingRules::fragment(const std::string& name, const std::string& text) {
    auto n = std::make_shared<NamedExpr>();
    n->kind = NamedExpr::Kind::Coding;
    n->name = name;
    Parser p(text, fragments_);
    n->expr = p.expr();
    if (p.pos != p.tokens.size()) throw std::runtime_error("trailing text after '" + p.tokens[p.pos - 1] + "'");
    fragments_[name] = n;
}

void CodingRules::rule(const std::string& id, const std::string& text, bool includingEmergencies, bool withoutCancerExclusion) {
    auto n = std::make_shared<NamedExpr>();
    n->kind = NamedExpr::Kind::Coding;
    n->includesEmergencies = includingEmergencies;
    n->withoutCancerExclusion = withoutCancerExclusion;
    Parser p(text, fragments_);
    n->expr = p.expr();
    if (p.pos != p.tokens.size()) throw std::runtime_error("trailing text in rule " + id + " at '" + p.tokens[p.pos] + "'");
    owned_.push_back(n);
    RuleSpec spec;
    spec.intervention = id;
    spec.title = id;
    spec.coding = n.get();
    if (!withoutCancerExclusion) {
        for (const auto& cs : codesets_)
            if (cs.name == "cancer_exclusion") spec.cancerExclusion = &cs;
    }
    specs_.push_back(spec);
}

CodesetLookup CodingRules::lookup() const {
    return [this](const std::string& name) -> const CodesetInfo* {
        for (const auto& cs : codesets_)
            if (cs.name == name) return &cs;
        return nullptr;
    };
}

std::unique_ptr<Matcher> CodingRules::compile() const {
    std::vector<std::string> errors;
    auto m = Matcher::compile(specs_, lookup(), nullptr, errors);
    if (!m) {
        std::string all;
        for (const auto& e : errors) all += e + "\n";
        throw std::runtime_error("coding rules do not compile:\n" + all);
    }
    return m;
}

CodingRules ebiRules() {
    CodingRules r;
    r.codeset("cancer_exclusion", {{"C00", "C97"}, {"D00", "D09"}, {"D37", "D48"}});
    r.fragment("adults", "age >= 19");
    r.rule("ebi.snoring_surgery",
           "primary procedure in {F324, F325, F326} and primary diagnosis in {R065} and not secondary diagnosis in {G473} and "
           "adults");
    r.rule("ebi.dilatation_curettage_hmb", "primary procedure in {Q103} and any diagnosis in {N92} and sex is female");
    r.rule(
        "ebi.knee_arthroscopy_oa",
        "(primary procedure in {W851, W852} or (primary procedure in {W802} and secondary procedure in {Y767} and "
        "secondary procedure in {Z846})) and primary diagnosis in {M15, M17} and not secondary diagnosis in {M238} and adults");
    r.rule("ebi.back_pain_injection",
           "primary procedure in {A521, A522, A528, A529, A577, A735, V544} and primary diagnosis in {M545}");
    r.rule("ebi.tonsillectomy",
           "any procedure in {F341-F349, F361} and any diagnosis in {J03, J350} and not any diagnosis in {G473, J36, J390}");
    r.rule("ebi.grommets", "primary procedure in {D151} and primary diagnosis in {H652, H653, H654, H659, H66} and age < 12");
    r.rule("ebi.carpal_tunnel_release",
           "primary procedure in {A651, A658, A659} and any diagnosis in {G560} and adults and setting in {APC, OP}");
    r.rule("ebi.dupuytrens_contracture",
           "primary procedure in {T521, T522, T525, T526, T541, T543} and primary diagnosis in {M720} and adults and setting in "
           "{APC, OP}");
    r.rule("ebi.ganglion_excision",
           "primary procedure in {T591, T592, T601, T602} and primary diagnosis in {M674, M255} and setting in {APC, OP}");
    r.rule("ebi.trigger_finger_release",
           "primary procedure in {T691, T692, T698, T699, T701, T702, T711, T718, T719, T723, T728, T729} and "
           "primary diagnosis in {M653, M6584, M6594} and adults and setting in {APC, OP}");
    r.rule("ebi.varicose_veins", "primary procedure in {L84-L88} and primary diagnosis in {I83, O220, O878}");
    r.rule("ebi.hysterectomy_hmb",
           "primary procedure in {Q07, Q08} and any diagnosis in {N92} and sex is female and setting in {APC}");
    r.rule("ebi.breast_reduction",
           "primary procedure in {B311} and any diagnosis in {N62} and sex is female and setting in {APC}");
    r.rule("ebi.benign_skin_lesions",
           "primary procedure in {S05, S06, S08, S09, S10, S11} and primary diagnosis in {D17, D18, D22, D23, L72, L82, B07} "
           "and setting in {APC, OP}");
    r.rule("ebi.chalazia_removal",
           "primary procedure in {C121, C122, C128, C129} and any diagnosis in {H001} and setting in {APC, OP}");
    r.rule("ebi.haemorrhoid_surgery",
           "primary procedure in {H511, H512, H513, H518, H519} and any diagnosis in {K64, O224, O872}");
    r.rule("ebi.shoulder_decompression",
           "any diagnosis in {M754} and not any diagnosis in {M751} and ((primary procedure in {O291} and secondary procedure in "
           "{Y767}) "
           "or (primary procedure in {W572, W844} and secondary procedure in {Z812}))");
    return r;
}

}  // namespace cpe::audit::test
