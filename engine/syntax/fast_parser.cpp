#include "engine/syntax/fast_parser.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "CplLexer.h"
#include "engine/syntax/antlr_support.h"
#include "engine/syntax/unquote.h"

namespace cpe {
namespace {

using Lexer = cpl::CplLexer;

// The token types of the grammar's literals, read once from the generated
// vocabulary (literalType) so the two never disagree.
struct Words {
    uint32_t module = literalType("module"), policy = literalType("policy"), test = literalType("test"),
             extends = literalType("extends"), open = literalType("{"), close = literalType("}"), lparen = literalType("("),
             rparen = literalType(")"), lbracket = literalType("["), rbracket = literalType("]"), comma = literalType(","),
             dot = literalType("."), colon = literalType(":"), equals = literalType("="), dotdot = literalType(".."),
             minus = literalType("-"), plus = literalType("+"), star = literalType("*"), slash = literalType("/"),
             less = literalType("<"), lessEq = literalType("<="), greater = literalType(">"), greaterEq = literalType(">="),
             eqEq = literalType("=="), notEq = literalType("!=");
    uint32_t title = literalType("title"), version = literalType("version"), effective = literalType("effective"),
             until = literalType("until"), owner = literalType("owner"), source = literalType("source"),
             route = literalType("route"), ifr = literalType("ifr"), allowed = literalType("allowed"), none = literalType("none"),
             variant = literalType("variant"), of = literalType("of"), when = literalType("when"), next = literalType("next"),
             step = literalType("step"), criteria = literalType("criteria"), based = literalType("based"),
             prior = literalType("prior"), approval = literalType("approval"), notWord = literalType("not"),
             routinely = literalType("routinely"), commissioned = literalType("commissioned");
    uint32_t use = literalType("use"), type = literalType("type"), fact = literalType("fact"), codeset = literalType("codeset"),
             group = literalType("group"), criterion = literalType("criterion"), value = literalType("value"),
             output = literalType("output"), decide = literalType("decide"), coding = literalType("coding"),
             override = literalType("override"), otherwise = literalType("otherwise"), including = literalType("including"),
             emergencies = literalType("emergencies"), without = literalType("without"), cancer = literalType("cancer"),
             exclusion = literalType("exclusion");
    uint32_t boolean = literalType("boolean"), integer = literalType("integer"), decimal = literalType("decimal"),
             date = literalType("date"), text = literalType("text"), enumWord = literalType("enum"),
             levels = literalType("levels"), list = literalType("list"), up = literalType("up"), to = literalType("to"),
             except = literalType("except"), in = literalType("in");
    uint32_t forWord = literalType("for"), like = literalType("like"), as = literalType("as"), given = literalType("given"),
             expect = literalType("expect"), error = literalType("error"), missing = literalType("missing"),
             reasons = literalType("reasons"), trueWord = literalType("true"), falseWord = literalType("false"),
             unknown = literalType("unknown");
    uint32_t orWord = literalType("or"), andWord = literalType("and"), primary = literalType("primary"),
             secondary = literalType("secondary"), any = literalType("any"), procedure = literalType("procedure"),
             diagnosis = literalType("diagnosis"), is = literalType("is"), between = literalType("between"),
             within = literalType("within"), has = literalType("has"), all = literalType("all"), at = literalType("at"),
             least = literalType("least"), count = literalType("count"), where = literalType("where"), ifWord = literalType("if"),
             then = literalType("then"), elseWord = literalType("else"), it = literalType("it");
    // The grammar's `name` rule: IDENT and these keywords.
    std::vector<bool> name;
    Words() {
        for (const char* w :
             {"none",      "title",     "version",   "effective",   "until",   "owner",    "source",    "route",
              "ifr",       "allowed",   "criteria",  "based",       "prior",   "approval", "routinely", "commissioned",
              "variant",   "use",       "type",      "boolean",     "integer", "decimal",  "date",      "text",
              "enum",      "levels",    "list",      "up",          "to",      "except",   "primary",   "secondary",
              "procedure", "diagnosis", "including", "emergencies", "without", "cancer",   "exclusion", "as",
              "given",     "expect",    "error",     "missing",     "reasons", "output",   "least",     "count",
              "where",     "within",    "has",       "unknown",     "extends", "like",     "next",      "step"}) {
            uint32_t t = literalType(w);
            if (name.size() <= t) name.resize(t + 1);
            name[t] = true;
        }
        if (name.size() <= Lexer::IDENT) name.resize(Lexer::IDENT + 1);
        name[Lexer::IDENT] = true;
    }
};

const Words& words() {
    static const Words w;
    return w;
}

constexpr uint32_t kEof = UINT32_MAX;

// Thrown where the hand parser stops; parsePieceByHand turns it into nullopt.
struct Decline {};

// Deepest recursion allowed. nestingTooDeep bounds brackets and operators
// already; `count of g where count of g where ...` nests without either.
constexpr int kMaxDepth = 500;

class HandParser {
public:
    HandParser(const std::vector<LexedToken>& tokens, size_t from, size_t end, const SourceSlices& source, uint32_t file)
        : all_(tokens), end_(end), source_(source), file_(file), w_(words()), cursor_(from) {
        on_.reserve((end - from) / 2 + 1);
        for (size_t i = from; i < end; ++i)
            if (tokens[i].channel == 0) on_.push_back(static_cast<uint32_t>(i));
        on_.push_back(static_cast<uint32_t>(end));  // the end-of-file token
    }

    SourceFileAst file() {
        SourceFileAst out;
        out.file = file_;
        while (type() != kEof) {
            TopDecl decl;
            if (type() == w_.module || type() == w_.policy) decl.body = unit(decl.comments);
            else if (type() == w_.test) decl.body = test(decl.comments);
            else throw Decline{};
            out.decls.push_back(std::move(decl));
        }
        out.trailingComments = rest(end_);
        return out;
    }

private:
    // ------------------------------------------------------------ tokens
    // Types of the on-channel tokens ahead (0 is the next); EOF past the end.
    uint32_t type(size_t ahead = 0) const {
        size_t k = pos_ + ahead;
        return k + 1 < on_.size() ? all_[on_[k]].type : kEof;
    }
    bool at(uint32_t t) const { return type() == t; }
    bool isName(size_t ahead = 0) const {
        uint32_t t = type(ahead);
        return t < w_.name.size() && w_.name[t];
    }
    // The raw index of the on-channel token at position k (the last consumed: k = pos_ - 1).
    uint32_t raw(size_t k) const { return on_[k]; }
    uint32_t last() const { return on_[pos_ - 1]; }
    void expect(uint32_t t) {
        if (type() != t) throw Decline{};
        ++pos_;
    }
    bool accept(uint32_t t) {
        if (type() != t) return false;
        ++pos_;
        return true;
    }
    // Consumes one token of type t and returns its text.
    std::string take(uint32_t t) {
        expect(t);
        return std::string(textAt(last()));
    }
    std::string_view textAt(uint32_t rawIndex) const {
        const LexedToken& t = all_[rawIndex];
        return source_.of(t.start, t.stop);
    }
    // A name (IDENT or a keyword the `name` rule admits): its text, moving past it.
    std::string name() {
        if (!isName()) throw Decline{};
        ++pos_;
        return std::string(textAt(last()));
    }
    // The same, setting `span` to where it stands.
    std::string name(Span& span) {
        size_t first = pos_;
        std::string out = name();
        span = this->span(first);
        return out;
    }
    std::string qualifiedName(Span& span) {
        size_t first = pos_;
        std::string out = qualifiedName();
        span = this->span(first);
        return out;
    }
    std::string qualifiedName() {
        std::string out = name();
        while (at(w_.dot)) {
            ++pos_;
            out += '.';
            out += name();
        }
        return out;
    }
    // A STRING token's text without its quotes and escapes.
    std::string string() {
        expect(Lexer::STRING);
        return unquote(textAt(last()));
    }

    // ------------------------------------------------------------ spans and comments
    // From the on-channel token at position `first` to the last one consumed.
    Span span(size_t first) const { return spanOf(raw(first), last()); }
    Span spanOf(uint32_t startRaw, uint32_t stopRaw) const {
        const LexedToken& a = all_[startRaw];
        const LexedToken& b = all_[stopRaw];
        // Columns count code points, as the tokens' positions do (not bytes of the text).
        return Span{file_, a.line, a.column + 1, b.line, b.column + 1 + (b.stop - b.start + 1)};
    }
    // The on-channel text from position `first` to the last consumed, run together (a rule's getText()).
    std::string textFrom(size_t first) const {
        std::string out;
        for (size_t k = first; k < pos_; ++k) out += textAt(raw(k));
        return out;
    }

    bool isComment(size_t i) const { return all_[i].type == Lexer::LINE_COMMENT || all_[i].type == Lexer::BLOCK_COMMENT; }

    // As the Builder's take(): comments from the cursor through `stop` lead
    // the item; one right after `stop` on its line is its trailing comment.
    Comments comments(uint32_t stop) {
        Comments c;
        for (; cursor_ <= stop && cursor_ < end_; ++cursor_)
            if (isComment(cursor_)) c.leading.emplace_back(textAt(static_cast<uint32_t>(cursor_)));
        for (size_t i = size_t{stop} + 1; i < end_; ++i) {
            const LexedToken& t = all_[i];
            if (t.channel == 0) break;
            if (isComment(i)) {
                if (t.line == all_[stop].line) {
                    c.trailing = std::string(textAt(static_cast<uint32_t>(i)));
                    cursor_ = i + 1;
                }
                break;
            }
            if (textAt(static_cast<uint32_t>(i)).find('\n') != std::string_view::npos) break;
        }
        return c;
    }
    // Every comment not yet attached, before raw index `stop`.
    std::vector<std::string> rest(size_t stop) {
        std::vector<std::string> out;
        for (; cursor_ < stop && cursor_ < end_; ++cursor_)
            if (isComment(cursor_)) out.emplace_back(textAt(static_cast<uint32_t>(cursor_)));
        return out;
    }

    // ------------------------------------------------------------ declarations
    std::shared_ptr<Unit> unit(Comments& declComments) {
        auto u = std::make_shared<Unit>();
        u->kind = at(w_.module) ? Unit::Kind::Module : Unit::Kind::Policy;
        ++pos_;
        u->id = qualifiedName(u->span);
        if (u->kind == Unit::Kind::Policy && accept(w_.extends)) {
            u->extends = qualifiedName(u->extendsSpan);
        }
        expect(w_.open);
        declComments = comments(last());
        while (!at(w_.close)) u->members.push_back(member());
        ++pos_;
        u->trailingComments = rest(last());
        return u;
    }

    Member member() {
        Member m;
        size_t first = pos_;
        bool isOverride = accept(w_.override);
        uint32_t t = type();
        if (t == w_.decide) {
            auto block = std::make_shared<DecideBlock>();
            block->span = spanOf(raw(first), raw(first));
            block->isOverride = isOverride;
            ++pos_;
            expect(w_.open);
            m.comments = comments(last());
            do block->rules.push_back(rule());
            while (!at(w_.close));
            ++pos_;
            block->trailingComments = rest(last());
            m.body = block;
            return m;
        }
        if (isOverride && t != w_.criterion && t != w_.value && t != w_.output && t != w_.coding) throw Decline{};
        m.body = memberBody(first, isOverride);
        m.comments = comments(last());
        return m;
    }

    MemberBody memberBody(size_t first, bool isOverride) {
        uint32_t t = type();
        if (t == w_.use) {
            ++pos_;
            UseDecl use;
            use.module = qualifiedName(use.span);
            return use;
        }
        if (t == w_.type) {
            ++pos_;
            TypeDecl decl;
            decl.name = name(decl.span);
            expect(w_.equals);
            decl.type = typeRef();
            return decl;
        }
        if (t == w_.fact) {
            ++pos_;
            FactDecl decl;
            decl.name = name(decl.span);
            expect(w_.colon);
            decl.type = typeRef();
            if (at(Lexer::STRING)) decl.description = string();
            return decl;
        }
        if (t == w_.codeset) return codeset();
        if (t == w_.group) {
            ++pos_;
            GroupDecl decl;
            decl.name = name(decl.span);
            expect(w_.equals);
            expect(w_.lparen);
            do {
                if (!decl.members.empty() && at(w_.rparen)) break;  // a trailing comma
                Span at;
                std::string member = name(at);
                decl.members.emplace_back(std::move(member), at);
            } while (accept(w_.comma));
            expect(w_.rparen);
            return decl;
        }
        if (t == w_.criterion) return named(NamedExpr::Kind::Criterion, isOverride, true);
        if (t == w_.value) return named(NamedExpr::Kind::Value, isOverride, false);
        if (t == w_.output) return named(NamedExpr::Kind::Output, isOverride, false);
        if (t == w_.coding) return coding(first, isOverride);
        return header();
    }

    std::shared_ptr<NamedExpr> named(NamedExpr::Kind kind, bool isOverride, bool wordingRequired) {
        ++pos_;
        auto n = std::make_shared<NamedExpr>();
        n->kind = kind;
        n->name = name(n->span);
        if (wordingRequired || at(Lexer::STRING)) n->text = string();
        n->isOverride = isOverride;
        expect(w_.equals);
        n->expr = expr();
        return n;
    }

    std::shared_ptr<NamedExpr> coding(size_t first, bool isOverride) {
        ++pos_;
        auto n = std::make_shared<NamedExpr>();
        n->kind = NamedExpr::Kind::Coding;
        n->isOverride = isOverride;
        // `coding including emergencies = ...` has no name: a name there is
        // followed by an option or '='.
        bool option = (at(w_.including) && type(1) == w_.emergencies) || (at(w_.without) && type(1) == w_.cancer);
        if (isName() && !option) {
            n->name = name(n->span);
        } else {
            n->span = spanOf(raw(first), raw(first));
        }
        for (;;) {
            if (accept(w_.including)) {
                expect(w_.emergencies);
                n->includesEmergencies = true;
            } else if (accept(w_.without)) {
                expect(w_.cancer);
                expect(w_.exclusion);
                n->withoutCancerExclusion = true;
            } else {
                break;
            }
        }
        expect(w_.equals);
        n->expr = expr();
        return n;
    }

    CodesetDecl codeset() {
        ++pos_;
        CodesetDecl decl;
        decl.name = name(decl.span);
        if (at(Lexer::STRING)) decl.description = string();
        expect(w_.equals);
        expect(w_.open);
        do {
            if (!decl.items.empty() && at(w_.close)) break;  // a trailing comma
            size_t from = pos_;
            CodeItem item;
            item.lo = code();
            if (accept(w_.minus)) item.hi = code();
            item.span = span(from);
            decl.items.push_back(std::move(item));
        } while (accept(w_.comma));
        expect(w_.close);
        return decl;
    }

    std::string code() { return at(Lexer::STRING) ? string() : name(); }

    HeaderItem header() {
        HeaderItem item;
        size_t first = pos_;
        uint32_t t = type();
        ++pos_;
        if (t == w_.title) {
            item.kind = HeaderItem::Kind::Title;
            item.value = string();
        } else if (t == w_.version) {
            item.kind = HeaderItem::Kind::Version;
            item.value = at(Lexer::DATE) ? take(Lexer::DATE) : string();
        } else if (t == w_.effective) {
            item.kind = HeaderItem::Kind::Effective;
            item.value = take(Lexer::DATE);
            if (accept(w_.until)) item.until = take(Lexer::DATE);
        } else if (t == w_.owner) {
            item.kind = HeaderItem::Kind::Owner;
            item.value = string();
        } else if (t == w_.source) {
            item.kind = HeaderItem::Kind::Source;
            item.value = string();
        } else if (t == w_.route) {
            item.kind = HeaderItem::Kind::Route;
            if (accept(w_.criteria)) {
                expect(w_.based);
                item.value = "criteria_based";
            } else if (accept(w_.prior)) {
                expect(w_.approval);
                item.value = "prior_approval";
            } else {
                expect(w_.notWord);
                expect(w_.routinely);
                expect(w_.commissioned);
                item.value = "not_routinely_commissioned";
            }
        } else if (t == w_.ifr) {
            item.kind = HeaderItem::Kind::Ifr;
            if (accept(w_.allowed)) item.value = "allowed";
            else if (accept(w_.none)) item.value = "none";
            else throw Decline{};
        } else if (t == w_.variant) {
            item.kind = HeaderItem::Kind::Variant;
            expect(w_.of);
            item.variantOf = qualifiedName();
            expect(w_.when);
            item.condition = expr();
        } else if (t == w_.next) {
            item.kind = HeaderItem::Kind::NextStep;
            expect(w_.step);
            item.key = name(item.keySpan);
            item.value = string();
        } else {
            throw Decline{};
        }
        item.span = span(first);
        return item;
    }

    TypeRef typeRef() {
        TypeRef r;
        size_t first = pos_;
        uint32_t t = type();
        auto unit = [&] {
            if (!at(Lexer::UNIT)) return;
            std::string u = take(Lexer::UNIT);
            r.unit = u.substr(1, u.size() - 2);
        };
        // The bounds of `in LOW..HIGH`: '-'? INT, or with decimals '-'? (INT | DECIMAL).
        auto range = [&](bool decimals) {
            if (!accept(w_.in)) return;
            auto bound = [&] {
                size_t from = pos_;
                accept(w_.minus);
                if (!(at(Lexer::INT) || (decimals && at(Lexer::DECIMAL)))) throw Decline{};
                ++pos_;
                return textFrom(from);
            };
            r.minText = bound();
            expect(w_.dotdot);
            r.maxText = bound();
            r.min = std::stod(r.minText);
            r.max = std::stod(r.maxText);
        };
        if (t == w_.boolean || t == w_.date || t == w_.text) {
            ++pos_;
            r.kind = t == w_.boolean ? TypeRef::Kind::Bool : t == w_.date ? TypeRef::Kind::Date : TypeRef::Kind::Text;
        } else if (t == w_.integer || t == w_.decimal) {
            ++pos_;
            r.kind = t == w_.integer ? TypeRef::Kind::Int : TypeRef::Kind::Dec;
            unit();
            range(t == w_.decimal);
        } else if ((t == w_.enumWord || t == w_.levels) && type(1) == w_.lparen) {
            pos_ += 2;
            r.kind = t == w_.enumWord ? TypeRef::Kind::Enum : TypeRef::Kind::Levels;
            r.members.push_back(name());
            while (accept(t == w_.enumWord ? w_.comma : w_.less)) r.members.push_back(name());
            expect(w_.rparen);
        } else if (t == w_.list && type(1) == w_.of) {
            pos_ += 2;
            r.kind = TypeRef::Kind::List;
            r.name = name();
        } else {
            r.kind = TypeRef::Kind::Named;
            r.name = name();
            if (accept(w_.up)) {
                expect(w_.to);
                r.upTo = name();
            }
            if (accept(w_.except)) {
                r.members.push_back(name());
                while (accept(w_.comma)) r.members.push_back(name());
            }
        }
        // `integer except x` is a named type called `integer`: left to ANTLR.
        if (r.kind != TypeRef::Kind::Named && (at(w_.up) || at(w_.except))) throw Decline{};
        r.span = span(first);
        return r;
    }

    Rule rule() {
        Rule out;
        size_t first = pos_;
        bool otherwise = accept(w_.otherwise);
        out.outcome = name(out.outcomeSpan);
        // An `otherwise` rule may be followed by a rule whose outcome is `route`.
        if (at(w_.route) && (!otherwise || isName(1))) {
            ++pos_;
            out.route = name(out.routeSpan);
        }
        if (!otherwise) {
            expect(w_.when);
            out.when = expr();
        }
        out.span = span(first);
        out.comments = comments(last());
        return out;
    }

    // ------------------------------------------------------------ tests
    std::shared_ptr<TestDecl> test(Comments& declComments) {
        auto out = std::make_shared<TestDecl>();
        out->span = spanOf(raw(pos_), raw(pos_));
        ++pos_;
        out->name = string();
        expect(w_.forWord);
        out->policy = qualifiedName(out->policySpan);
        if (accept(w_.like)) {
            out->like = string();
            out->likeSpan = span(pos_ - 1);
        }
        expect(w_.open);
        declComments = comments(last());
        while (!at(w_.close)) out->items.push_back(testItem());
        ++pos_;
        out->trailingComments = rest(last());
        return out;
    }

    bool atTestItemEnd() const { return at(w_.as) || at(w_.given) || at(w_.expect) || at(w_.close); }

    TestItem testItem() {
        TestItem ti;
        size_t first = pos_;
        if (accept(w_.as)) {
            ti.kind = TestItem::Kind::AsOf;
            expect(w_.of);
            ti.text = take(Lexer::DATE);
        } else if (accept(w_.given)) {
            ti.kind = TestItem::Kind::Given;
            do {
                // After a comma, a binding is a name and '='; else the comma was the list's last.
                if (!ti.bindings.empty() && !(isName() && type(1) == w_.equals)) break;
                Binding b;
                b.name = name(b.span);
                expect(w_.equals);
                b.value = factValue();
                ti.bindings.push_back(std::move(b));
            } while (accept(w_.comma));
        } else if (accept(w_.expect)) {
            uint32_t t = type(), t1 = type(1);
            auto names = [&] {
                expect(w_.lparen);
                do {
                    Span at;
                    std::string nm = name(at);
                    ti.names.emplace_back(std::move(nm), at);
                } while (accept(w_.comma));
                expect(w_.rparen);
            };
            if (t == w_.error) {
                ++pos_;
                ti.kind = TestItem::Kind::ExpectError;
                if (at(Lexer::STRING)) ti.text = string();
                if (!atTestItemEnd()) throw Decline{};  // `expect error, route x`: an outcome called `error`
            } else if (t == w_.missing && (t1 == w_.none || t1 == w_.lparen)) {
                ++pos_;
                ti.kind = TestItem::Kind::ExpectMissing;
                if (!accept(w_.none)) names();
            } else if (t == w_.reasons && t1 == w_.lparen) {
                ++pos_;
                ti.kind = TestItem::Kind::ExpectReasons;
                names();
            } else if (t == w_.output && isName(1) && type(2) == w_.equals) {
                ++pos_;
                ti.kind = TestItem::Kind::ExpectOutput;
                ti.text = name();
                expect(w_.equals);
                ti.value = factValue();
            } else {
                ti.kind = TestItem::Kind::ExpectOutcome;
                ti.text = name();
                if (accept(w_.comma)) {
                    expect(w_.route);
                    ti.route = name();
                }
            }
        } else {
            throw Decline{};
        }
        ti.span = span(first);
        ti.comments = comments(last());
        return ti;
    }

    FactValue factValue() {
        FactValue out;
        size_t first = pos_;
        uint32_t t = type();
        if (t == w_.minus || t == Lexer::INT || t == Lexer::DECIMAL) {
            accept(w_.minus);
            out.kind = FactValue::Kind::Number;
            out.isInteger = at(Lexer::INT);
            if (!at(Lexer::INT) && !at(Lexer::DECIMAL)) throw Decline{};
            ++pos_;
            out.text = textFrom(first);
            out.number = std::stod(out.text);
        } else if (t == Lexer::DATE) {
            out.kind = FactValue::Kind::Date;
            out.text = take(Lexer::DATE);
        } else if (t == Lexer::STRING) {
            out.kind = FactValue::Kind::String;
            out.text = string();
        } else if (t == w_.trueWord || t == w_.falseWord) {
            ++pos_;
            out.kind = FactValue::Kind::Bool;
            out.boolValue = t == w_.trueWord;
        } else if (t == w_.unknown) {
            ++pos_;
            out.kind = FactValue::Kind::Unknown;
        } else if (t == w_.lbracket) {
            ++pos_;
            out.kind = FactValue::Kind::List;
            if (!at(w_.rbracket)) {
                out.items.push_back(nested([&] { return factValue(); }));
                while (accept(w_.comma)) out.items.push_back(nested([&] { return factValue(); }));
            }
            expect(w_.rbracket);
        } else if (t == Lexer::UNIT) {
            // `[F341]` lexes like a unit; it is a list of one code.
            std::string u = take(Lexer::UNIT);
            out.kind = FactValue::Kind::List;
            FactValue item;
            item.kind = FactValue::Kind::Name;
            item.text = u.substr(1, u.size() - 2);
            out.items.push_back(std::move(item));
        } else {
            out.kind = FactValue::Kind::Name;
            out.text = name();
        }
        out.span = span(first);
        if (t == Lexer::UNIT) out.items[0].span = out.span;
        return out;
    }

    // ------------------------------------------------------------ expressions
    template <class F>
    auto nested(F f) -> decltype(f()) {
        if (++depth_ > kMaxDepth) throw Decline{};
        auto out = f();
        --depth_;
        return out;
    }

    ExprPtr node(ExprKind kind, size_t first) const { return std::make_unique<Expr>(kind, span(first)); }

    ExprPtr expr() {
        return nested([&] {
            return chain(ExprKind::Or, w_.orWord, [&] { return chain(ExprKind::And, w_.andWord, [&] { return notExpr(); }); });
        });
    }

    // orExpr: andExpr ('or' andExpr)*, andExpr: notExpr ('and' notExpr)*:
    // one node for the whole run, or the operand alone.
    template <class Operand>
    ExprPtr chain(ExprKind kind, uint32_t word, Operand operand) {
        size_t first = pos_;
        ExprPtr left = operand();
        if (!at(word)) return left;
        std::vector<ExprPtr> args;
        args.push_back(std::move(left));
        while (accept(word)) args.push_back(operand());
        ExprPtr out = node(kind, first);
        out->args = std::move(args);
        return out;
    }

    ExprPtr notExpr() {
        size_t first = pos_;
        if (!accept(w_.notWord)) return predicate();
        ExprPtr inner = nested([&] { return notExpr(); });
        ExprPtr out = node(ExprKind::Not, first);
        out->args.push_back(std::move(inner));
        return out;
    }

    ExprPtr predicate() {
        size_t first = pos_;
        uint32_t t = type(), t1 = type(1);
        if ((t == w_.primary || t == w_.secondary || t == w_.any) && (t1 == w_.procedure || t1 == w_.diagnosis)) {
            pos_ += 2;
            expect(w_.in);
            SetExpr set = setExpr();
            ExprPtr out = node(ExprKind::CodeAt, first);
            out->position = t == w_.primary     ? CodePosition::Primary
                            : t == w_.secondary ? CodePosition::Secondary
                                                : CodePosition::Any;
            out->codeKind = t1 == w_.procedure ? CodeKind::Procedure : CodeKind::Diagnosis;
            out->set = std::make_unique<SetExpr>(std::move(set));
            return out;
        }
        ExprPtr left = additive();
        t = type();
        ExprKind kind;
        std::vector<ExprPtr> args;
        args.push_back(std::move(left));
        CompareOp op = CompareOp::Eq;
        bool negated = false;
        std::unique_ptr<SetExpr> set;
        std::string text;
        if (std::optional<CompareOp> cmp = compareOp(t)) {
            ++pos_;
            kind = ExprKind::Compare;
            op = *cmp;
            args.push_back(additive());
        } else if (t == w_.is) {
            ++pos_;
            kind = ExprKind::Is;
            negated = accept(w_.notWord);
            args.push_back(additive());
        } else if (t == w_.notWord || t == w_.in) {
            negated = accept(w_.notWord);
            expect(w_.in);
            kind = ExprKind::In;
            set = std::make_unique<SetExpr>(setExpr());
        } else if (t == w_.between) {
            ++pos_;
            kind = ExprKind::Between;
            args.push_back(additive());
            expect(w_.andWord);
            args.push_back(additive());
        } else if (t == w_.within) {
            ++pos_;
            kind = ExprKind::Within;
            args.push_back(additive());
            text = name();
        } else if (t == w_.has) {
            ++pos_;
            kind = ExprKind::Has;
            set = std::make_unique<SetExpr>(setExpr());
        } else {
            return std::move(args[0]);
        }
        ExprPtr out = node(kind, first);
        out->args = std::move(args);
        out->compareOp = op;
        out->negated = negated;
        out->set = std::move(set);
        out->text = std::move(text);
        return out;
    }

    std::optional<CompareOp> compareOp(uint32_t t) const {
        if (t == w_.less) return CompareOp::Lt;
        if (t == w_.lessEq) return CompareOp::Le;
        if (t == w_.greater) return CompareOp::Gt;
        if (t == w_.greaterEq) return CompareOp::Ge;
        if (t == w_.eqEq) return CompareOp::Eq;
        if (t == w_.notEq) return CompareOp::Ne;
        return std::nullopt;
    }

    SetExpr setExpr() {
        SetExpr out;
        size_t first = pos_;
        if (!accept(w_.open)) {
            out.ref = name();
            out.span = span(first);
            return out;
        }
        do {
            if (!out.items.empty() && at(w_.close)) break;  // a trailing comma
            out.items.push_back(setItem());
        } while (accept(w_.comma));
        expect(w_.close);
        out.span = span(first);
        return out;
    }

    SetItem setItem() {
        SetItem si;
        size_t first = pos_;
        bool negative = accept(w_.minus);
        uint32_t t = type();
        if (t == Lexer::INT || t == Lexer::DECIMAL) {
            std::string digits = take(t);
            si.kind = SetItem::Kind::Number;
            si.number = std::stod(digits) * (negative ? -1 : 1);
            si.lo = (negative ? "-" : "") + digits;
        } else if (negative) {
            throw Decline{};
        } else if (t == Lexer::STRING) {
            si.kind = SetItem::Kind::String;
            si.lo = string();
        } else {
            si.kind = SetItem::Kind::Name;
            si.lo = name();
        }
        if (accept(w_.minus)) si.hi = code();
        si.span = span(first);
        return si;
    }

    // additive: multiplicative (('+' | '-') multiplicative)*, and
    // multiplicative: unary (('*' | '/') unary)*; both left-associative.
    ExprPtr additive() { return arithmetic(true); }
    ExprPtr arithmetic(bool sum) {
        size_t first = pos_;
        auto operand = [&] { return sum ? arithmetic(false) : unary(); };
        ExprPtr left = operand();
        while (sum ? at(w_.plus) || at(w_.minus) : at(w_.star) || at(w_.slash)) {
            std::string op = take(type());
            ExprPtr right = operand();
            ExprPtr out = node(ExprKind::Arith, first);
            out->text = std::move(op);
            out->args.push_back(std::move(left));
            out->args.push_back(std::move(right));
            left = std::move(out);
        }
        return left;
    }

    ExprPtr unary() {
        size_t first = pos_;
        if (!accept(w_.minus)) return atom();
        ExprPtr inner = nested([&] { return unary(); });
        ExprPtr out = node(ExprKind::Negate, first);
        out->args.push_back(std::move(inner));
        return out;
    }

    // '(' expr (',' expr)* ','? ')'
    void list(Expr& out) {
        expect(w_.lparen);
        do {
            if (!out.args.empty() && at(w_.rparen)) break;  // a trailing comma
            out.args.push_back(expr());
        } while (accept(w_.comma));
        expect(w_.rparen);
    }

    ExprPtr atom() {
        size_t first = pos_;
        uint32_t t = type();
        if (t == Lexer::INT || t == Lexer::DECIMAL) {
            std::string digits = take(t);
            std::string unit;
            if (at(Lexer::UNIT)) {
                std::string u = take(Lexer::UNIT);
                unit = u.substr(1, u.size() - 2);
            }
            ExprPtr out = node(ExprKind::Number, first);
            out->number = std::stod(digits);
            out->text = std::move(digits);
            out->unit = std::move(unit);
            out->type = Type::of(t == Lexer::INT ? TypeKind::Int : TypeKind::Dec);
            return out;
        }
        if (t == Lexer::DATE) {
            std::string text = take(t);
            ExprPtr out = node(ExprKind::Date, first);
            out->text = std::move(text);
            return out;
        }
        if (t == Lexer::STRING) {
            std::string text = string();
            ExprPtr out = node(ExprKind::String, first);
            out->text = std::move(text);
            return out;
        }
        if (t == w_.trueWord || t == w_.falseWord) {
            ++pos_;
            ExprPtr out = node(ExprKind::Bool, first);
            out->boolValue = t == w_.trueWord;
            return out;
        }
        if (t == w_.all || t == w_.any) {
            ++pos_;
            expect(w_.of);
            auto out = std::make_unique<Expr>(t == w_.all ? ExprKind::AllOf : ExprKind::AnyOf, Span{});
            list(*out);
            out->span = span(first);
            return out;
        }
        if (t == w_.at) {
            ++pos_;
            expect(w_.least);
            std::string n = take(Lexer::INT);
            expect(w_.of);
            auto out = std::make_unique<Expr>(ExprKind::AtLeast, Span{});
            out->number = std::stod(n);
            list(*out);
            out->span = span(first);
            return out;
        }
        if (t == w_.count && type(1) == w_.of) {
            pos_ += 2;
            std::string group = name();
            expect(w_.where);
            ExprPtr condition = expr();
            ExprPtr out = node(ExprKind::CountOf, first);
            out->text = std::move(group);
            out->args.push_back(std::move(condition));
            return out;
        }
        if (t == w_.ifWord) {
            ++pos_;
            auto out = std::make_unique<Expr>(ExprKind::If, Span{});
            out->args.push_back(expr());
            expect(w_.then);
            out->args.push_back(expr());
            expect(w_.elseWord);
            out->args.push_back(expr());
            out->span = span(first);
            return out;
        }
        if (t == w_.it) {
            ++pos_;
            return node(ExprKind::It, first);
        }
        if (t == w_.lparen) {
            ++pos_;
            ExprPtr inner = expr();
            expect(w_.rparen);
            return inner;
        }
        std::string n = name();
        if (!at(w_.lparen)) {
            ExprPtr out = node(ExprKind::Name, first);
            out->text = std::move(n);
            return out;
        }
        ++pos_;
        auto out = std::make_unique<Expr>(ExprKind::Call, Span{});
        out->text = std::move(n);
        if (!at(w_.rparen)) {
            out->args.push_back(expr());
            while (accept(w_.comma)) out->args.push_back(expr());
        }
        expect(w_.rparen);
        out->span = span(first);
        return out;
    }

    const std::vector<LexedToken>& all_;
    size_t end_;
    const SourceSlices& source_;
    uint32_t file_;
    const Words& w_;
    std::vector<uint32_t> on_;  // raw indices of the on-channel tokens, then `end` (the end of file)
    size_t pos_ = 0;            // the next on-channel token, an index into on_
    size_t cursor_;             // the first raw token whose comments are not yet attached
    int depth_ = 0;
};

}  // namespace

std::optional<SourceFileAst> parsePieceByHand(const std::vector<LexedToken>& tokens, size_t from, size_t end,
                                              const SourceSlices& source, uint32_t file) {
    try {
        return HandParser(tokens, from, end, source, file).file();
    } catch (const Decline&) {
        return std::nullopt;
    } catch (const std::out_of_range&) {  // std::stod on a number too large for a double
        return std::nullopt;
    }
}

}  // namespace cpe
