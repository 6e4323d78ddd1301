// parseFile: the hand-written parser first (fast_parser.cpp), ANTLR's where
// it declines, and the ANTLR parse tree -> engine AST builder. With lexer.cpp
// and fast_parser.cpp (token types only) the only files in the engine that
// include generated ANTLR headers.
#include "engine/syntax/parse.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "CplLexer.h"
#include "CplParser.h"
#include "antlr4-runtime.h"
#include "engine/source/utf8.h"
#include "engine/syntax/antlr_support.h"
#include "engine/syntax/fast_parser.h"
#include "engine/syntax/lexer.h"
#include "engine/syntax/parse_paths.h"
#include "engine/syntax/unquote.h"

namespace cpe {
namespace {

using namespace cpl;

class ErrorCollector : public antlr4::BaseErrorListener {
public:
    ErrorCollector(uint32_t file, Diagnostics& diags) : file_(file), diags_(diags) {}
    void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* token, size_t line, size_t col, const std::string& msg,
                     std::exception_ptr) override {
        ++count;
        if (count > 25) return;  // one broken brace should not produce a wall of text
        Span span{file_, static_cast<uint32_t>(line), static_cast<uint32_t>(col + 1), static_cast<uint32_t>(line),
                  static_cast<uint32_t>(col + 2)};
        if (token && token->getType() != antlr4::Token::EOF) {
            // In code points, as columns are (getText() is UTF-8 bytes).
            auto len = SourceSlices::length(token);
            span.endCol = span.col + static_cast<uint32_t>(std::max<size_t>(1, std::min<size_t>(len, 200)));
        }
        // With a known slip, the fix says more than the tokens ANTLR expected.
        if (reportDangling(recognizer, token)) return;
        std::string fix = hint(recognizer, token);
        if (token && token->getType() == antlr4::Token::EOF && msg.find("'}'") != std::string::npos) {
            diags_.error(span, "the file ends before a closing '}': every '{' needs its '}'");
            return;
        }
        diags_.error(span, fix.empty() ? tidy(msg) : "unexpected '" + token->getText() + "'" + fix);
    }
    int count = 0;

private:
    // An expression left half-written (`criterion a "A" = n >=`) is only
    // noticed at the next line's first word; the place to fix is where the
    // expression stopped, so point there and say what is missing.
    bool reportDangling(antlr4::Recognizer* recognizer, antlr4::Token* token) {
        auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
        if (!parser || !token || token->getTokenIndex() == 0) return false;
        antlr4::TokenStream* tokens = parser->getTokenStream();
        antlr4::Token* prev = nullptr;
        for (size_t i = token->getTokenIndex(); i-- > 0;) {
            antlr4::Token* t = tokens->get(i);
            if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) {
                prev = t;
                break;
            }
        }
        if (!prev || prev->getLine() >= token->getLine()) return false;
        static const std::vector<std::pair<std::string, std::string>> kNeeds = {
            {">=", "the value to compare with"},
            {"<=", "the value to compare with"},
            {">", "the value to compare with"},
            {"<", "the value to compare with"},
            {"==", "the value to compare with"},
            {"!=", "the value to compare with"},
            {"and", "what must also hold"},
            {"or", "the other case"},
            {"not", "what must not hold"},
            {"=", "the definition"},
            {"+", "a value"},
            {"-", "a value"},
            {"*", "a value"},
            {"/", "a value"},
            {"is", "the value"},
            {"between", "the range (LOW and HIGH)"},
            {"when", "the condition"},
        };
        const std::string text = prev->getText();
        for (const auto& [op, needs] : kNeeds) {
            if (op != text) continue;
            auto len = static_cast<uint32_t>(text.size());
            auto col = static_cast<uint32_t>(prev->getCharPositionInLine() + 1);
            Span at{file_, static_cast<uint32_t>(prev->getLine()), col, static_cast<uint32_t>(prev->getLine()), col + len};
            diags_.error(at, "the line ends after '" + text + "': " + needs + " is missing");
            return true;
        }
        return false;
    }

    // The commonest slips, named with their fix: `=>` and `=<` for `>=` and
    // `<=`, and words other rule languages have that CPL spells differently.
    static std::string hint(antlr4::Recognizer* recognizer, antlr4::Token* token) {
        if (!token) return "";
        const std::string text = token->getText();
        auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
        antlr4::Token* next = nullptr;
        if (parser && token->getTokenIndex() + 1 < parser->getTokenStream()->size())
            next = parser->getTokenStream()->get(token->getTokenIndex() + 1);
        bool adjacent = next && next->getLine() == token->getLine() &&
                        next->getCharPositionInLine() == token->getCharPositionInLine() + text.size();
        if (text == "=" && adjacent && next->getText() == ">") return " (did you mean '>='? 'at least' is written >=)";
        if (text == "=" && adjacent && next->getText() == "<") return " (did you mean '<='? 'at most' is written <=)";
        if (text == "=" && adjacent && next->getText() == "=")
            return "";  // `==` is a word of the language; the problem is elsewhere
        if (text == "unless") return " ('unless' is not a word of CPL: write `not (...)`, or list the cases with `or`)";
        return "";
    }

    static std::string tidy(std::string msg) {
        auto replaceAll = [&](const std::string& from, const std::string& to) {
            for (size_t p = msg.find(from); p != std::string::npos; p = msg.find(from, p + to.size()))
                msg.replace(p, from.size(), to);
        };
        replaceAll("<EOF>", "end of file");
        replaceAll("mismatched input", "unexpected");
        replaceAll("extraneous input", "unexpected");
        replaceAll("no viable alternative at input", "cannot understand");
        // ANTLR lists every token the grammar could accept as {'a', 'b', X};
        // past a handful it is noise, so keep the first few. The items are
        // read quote-aware: '{' and '}' are tokens of the language too.
        size_t brace = msg.find("expecting {");
        if (brace != std::string::npos) brace += std::string("expecting ").size();
        else if ((brace = msg.find("missing {")) != std::string::npos) brace += std::string("missing ").size();
        if (brace != std::string::npos) {
            std::vector<std::string> items;
            std::string item;
            bool quoted = false;
            for (size_t i = brace + 1; i < msg.size(); ++i) {
                char c = msg[i];
                if (c == '\'' && (item.empty() || quoted)) quoted = !quoted;
                if (!quoted && (c == ',' || c == '}')) {
                    size_t a = item.find_first_not_of(' ');
                    if (a != std::string::npos) items.push_back(item.substr(a));
                    item.clear();
                    if (c == '}') break;
                    continue;
                }
                item += c;
            }
            std::string list;
            for (size_t i = 0; i < items.size() && i < 6; ++i) list += (i ? ", " : "") + items[i];
            if (items.size() > 6) list += ", ...";
            msg = msg.substr(0, brace) + "one of " + list;
        }
        if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
        return msg;
    }
    uint32_t file_;
    Diagnostics& diags_;
};

class Builder {
public:
    Builder(uint32_t file, antlr4::CommonTokenStream& tokens, const SourceSlices& source)
        : file_(file), tokens_(tokens), source_(source) {}

    SourceFileAst build(CplParser::File_Context* ctx) {
        SourceFileAst out;
        out.file = file_;
        for (auto* top : ctx->topDecl()) {
            TopDecl decl;
            if (auto* m = top->moduleDecl()) {
                decl.comments = take(m->getStart(), braceOf(m));
                decl.body = unit(Unit::Kind::Module, m->qualifiedName(), nullptr, m->member(), m->getStop());
            } else if (auto* p = top->policyDecl()) {
                decl.comments = take(p->getStart(), braceOf(p));
                auto names = p->qualifiedName();
                decl.body = unit(Unit::Kind::Policy, names[0], names.size() > 1 ? names[1] : nullptr, p->member(), p->getStop());
            } else if (auto* t = top->testDecl()) {
                decl.comments = take(t->getStart(), braceOf(t));
                decl.body = test(t);
            }
            out.decls.push_back(std::move(decl));
        }
        out.trailingComments = rest(tokens_.size());
        return out;
    }

private:
    // ------------------------------------------------------------ text
    std::string textOf(antlr4::Token* t) const { return std::string(source_.of(t)); }
    std::string textOf(antlr4::tree::TerminalNode* node) const { return textOf(node->getSymbol()); }
    // A rule's getText() is its on-channel tokens run together (no spaces or
    // comments); the tree is only built when the parse had no errors, so every
    // on-channel token from start to stop is one of its leaves.
    std::string textOf(antlr4::ParserRuleContext* ctx) const {
        if (ctx->getStop() == nullptr) return "";
        size_t first = ctx->getStart()->getTokenIndex(), last = ctx->getStop()->getTokenIndex();
        if (last < first) return "";
        if (first == last) return textOf(ctx->getStart());
        std::string out;
        for (size_t i = first; i <= last; ++i) {
            antlr4::Token* t = tokens_.get(i);
            if (t->getChannel() == antlr4::Token::DEFAULT_CHANNEL) out += source_.of(t);
        }
        return out;
    }
    std::string textOf(antlr4::tree::ParseTree* tree) const {
        if (auto* node = dynamic_cast<antlr4::tree::TerminalNode*>(tree)) return textOf(node);
        return textOf(static_cast<antlr4::ParserRuleContext*>(tree));
    }

    // ------------------------------------------------------------ spans and comments
    Span span(antlr4::Token* start, antlr4::Token* stop) const {
        Span s{file_, static_cast<uint32_t>(start->getLine()), static_cast<uint32_t>(start->getCharPositionInLine() + 1),
               static_cast<uint32_t>(stop->getLine()), 0};
        // In code points, as columns are (the token's text is UTF-8 bytes).
        s.endCol = static_cast<uint32_t>(stop->getCharPositionInLine() + 1 + SourceSlices::length(stop));
        return s;
    }
    Span span(antlr4::ParserRuleContext* ctx) const { return span(ctx->getStart(), ctx->getStop()); }
    Span span(antlr4::tree::TerminalNode* node) const { return span(node->getSymbol(), node->getSymbol()); }
    Span span(antlr4::Token* token) const { return span(token, token); }

    antlr4::Token* braceOf(antlr4::ParserRuleContext* ctx) {
        for (auto* child : ctx->children)
            if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child))
                if (source_.of(t->getSymbol()) == "{") return t->getSymbol();
        return ctx->getStart();
    }

    bool isComment(antlr4::Token* t) const {
        return t->getType() == CplLexer::LINE_COMMENT || t->getType() == CplLexer::BLOCK_COMMENT;
    }

    // Comments from the cursor up to `stop` become the item's leading comments
    // (including any inside the item: they move in front of it rather than
    // being lost); a comment on `stop`'s line right after it is its trailing one.
    Comments take(antlr4::Token* start, antlr4::Token* stop) {
        (void)start;
        Comments c;
        size_t stopIndex = stop->getTokenIndex();
        for (; cursor_ <= stopIndex && cursor_ < tokens_.size(); ++cursor_) {
            antlr4::Token* t = tokens_.get(cursor_);
            if (isComment(t)) c.leading.push_back(textOf(t));
        }
        for (size_t i = stopIndex + 1; i < tokens_.size(); ++i) {
            antlr4::Token* t = tokens_.get(i);
            if (t->getChannel() != antlr4::Token::HIDDEN_CHANNEL) break;
            if (isComment(t)) {
                if (t->getLine() == stop->getLine()) {
                    c.trailing = textOf(t);
                    cursor_ = i + 1;
                }
                break;
            }
            if (source_.of(t).find('\n') != std::string_view::npos) break;
        }
        return c;
    }
    // Every comment not yet attached, up to (not including) token index `end`.
    std::vector<std::string> rest(size_t end) {
        std::vector<std::string> out;
        for (; cursor_ < end && cursor_ < tokens_.size(); ++cursor_) {
            antlr4::Token* t = tokens_.get(cursor_);
            if (isComment(t)) out.push_back(textOf(t));
        }
        return out;
    }

    // ------------------------------------------------------------ names
    std::string qualified(CplParser::QualifiedNameContext* ctx) { return ctx ? textOf(ctx) : ""; }
    std::string text(CplParser::NameContext* ctx) { return ctx ? textOf(ctx) : ""; }

    // ------------------------------------------------------------ units
    std::shared_ptr<Unit> unit(Unit::Kind kind, CplParser::QualifiedNameContext* id, CplParser::QualifiedNameContext* extends,
                               const std::vector<CplParser::MemberContext*>& members, antlr4::Token* close) {
        auto u = std::make_shared<Unit>();
        u->kind = kind;
        u->id = qualified(id);
        u->span = span(id);
        if (extends) {
            u->extends = qualified(extends);
            u->extendsSpan = span(extends);
        }
        for (auto* m : members) {
            Member member;
            if (auto* d = m->decideBlock()) {
                auto block = std::make_shared<DecideBlock>();
                block->span = span(d->getStart());
                block->isOverride = d->OVERRIDE != nullptr;
                member.comments = take(d->getStart(), braceOf(d));
                for (auto* r : d->rule_()) block->rules.push_back(rule(r));
                block->trailingComments = rest(d->getStop()->getTokenIndex());
                member.body = block;
            } else {
                member.body = memberBody(m);
                member.comments = take(m->getStart(), m->getStop());
            }
            u->members.push_back(std::move(member));
        }
        u->trailingComments = rest(close->getTokenIndex());
        return u;
    }

    MemberBody memberBody(CplParser::MemberContext* m) {
        if (auto* h = m->headerItem()) return header(h);
        if (auto* use = m->useDecl()) return UseDecl{span(use->qualifiedName()), qualified(use->qualifiedName())};
        if (auto* t = m->typeDecl()) return TypeDecl{span(t->name()), text(t->name()), typeRef(t->typeRef())};
        if (auto* f = m->factDecl())
            return FactDecl{span(f->name()), text(f->name()), typeRef(f->typeRef()),
                            f->STRING() ? unquote(textOf(f->STRING())) : ""};
        if (auto* c = m->codesetDecl()) {
            CodesetDecl decl{span(c->name()), text(c->name()), c->STRING() ? unquote(textOf(c->STRING())) : "", {}};
            for (auto* item : c->codeItem()) {
                auto codes = item->code();
                CodeItem ci{span(item), codeText(codes[0]), codes.size() > 1 ? codeText(codes[1]) : ""};
                decl.items.push_back(std::move(ci));
            }
            return decl;
        }
        if (auto* g = m->groupDecl()) {
            auto names = g->name();
            GroupDecl decl{span(names[0]), text(names[0]), {}};
            for (size_t i = 1; i < names.size(); ++i) decl.members.emplace_back(text(names[i]), span(names[i]));
            return decl;
        }
        if (auto* c = m->criterionDecl())
            return named(NamedExpr::Kind::Criterion, c->name(), c->STRING(), c->OVERRIDE, c->expr());
        if (auto* v = m->valueDecl()) return named(NamedExpr::Kind::Value, v->name(), v->STRING(), v->OVERRIDE, v->expr());
        if (auto* o = m->outputDecl()) return named(NamedExpr::Kind::Output, o->name(), o->STRING(), o->OVERRIDE, o->expr());
        if (auto* c = m->codingDecl()) {
            auto n = named(NamedExpr::Kind::Coding, c->name(), nullptr, c->OVERRIDE, c->expr());
            if (!c->name()) n->span = span(c->getStart());
            for (auto* opt : c->codingOption()) {
                if (dynamic_cast<CplParser::IncludingEmergenciesContext*>(opt)) n->includesEmergencies = true;
                if (dynamic_cast<CplParser::WithoutCancerExclusionContext*>(opt)) n->withoutCancerExclusion = true;
            }
            return n;
        }
        throw std::logic_error("unhandled member");
    }

    std::string codeText(CplParser::CodeContext* c) {
        if (c->STRING()) return unquote(textOf(c->STRING()));
        return textOf(c);
    }

    std::shared_ptr<NamedExpr> named(NamedExpr::Kind kind, CplParser::NameContext* name, antlr4::tree::TerminalNode* wording,
                                     antlr4::Token* override, CplParser::ExprContext* e) {
        auto n = std::make_shared<NamedExpr>();
        n->kind = kind;
        n->name = text(name);
        if (name) n->span = span(name);
        n->text = wording ? unquote(textOf(wording)) : "";
        n->isOverride = override != nullptr;
        n->expr = expr(e);
        return n;
    }

    HeaderItem header(CplParser::HeaderItemContext* h) {
        HeaderItem item;
        item.span = span(h);
        if (auto* t = dynamic_cast<CplParser::TitleItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Title;
            item.value = unquote(textOf(t->STRING()));
        } else if (auto* v = dynamic_cast<CplParser::VersionItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Version;
            item.value = v->STRING() ? unquote(textOf(v->STRING())) : textOf(v->DATE());
        } else if (auto* e = dynamic_cast<CplParser::EffectiveItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Effective;
            auto dates = e->DATE();
            item.value = textOf(dates[0]);
            if (dates.size() > 1) item.until = textOf(dates[1]);
        } else if (auto* o = dynamic_cast<CplParser::OwnerItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Owner;
            item.value = unquote(textOf(o->STRING()));
        } else if (auto* s = dynamic_cast<CplParser::SourceItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Source;
            item.value = unquote(textOf(s->STRING()));
        } else if (auto* r = dynamic_cast<CplParser::RouteItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Route;
            std::string words = textOf(r->accessRoute());
            item.value = words == "criteriabased"   ? "criteria_based"
                         : words == "priorapproval" ? "prior_approval"
                                                    : "not_routinely_commissioned";
        } else if (auto* i = dynamic_cast<CplParser::IfrItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Ifr;
            item.value = i->ALLOWED ? "allowed" : "none";
        } else if (auto* var = dynamic_cast<CplParser::VariantItemContext*>(h)) {
            item.kind = HeaderItem::Kind::Variant;
            item.variantOf = qualified(var->qualifiedName());
            item.condition = expr(var->expr());
        } else if (auto* ns = dynamic_cast<CplParser::NextStepItemContext*>(h)) {
            item.kind = HeaderItem::Kind::NextStep;
            item.key = textOf(ns->name());
            item.keySpan = span(ns->name());
            item.value = unquote(textOf(ns->STRING()));
        }
        return item;
    }

    TypeRef typeRef(CplParser::TypeRefContext* t) {
        TypeRef r;
        r.span = span(t);
        auto unitText = [this](antlr4::tree::TerminalNode* u) {
            if (!u) return std::string();
            std::string s = textOf(u);
            return s.substr(1, s.size() - 2);
        };
        if (dynamic_cast<CplParser::BoolTypeContext*>(t)) r.kind = TypeRef::Kind::Bool;
        else if (auto* i = dynamic_cast<CplParser::IntTypeContext*>(t)) {
            r.kind = TypeRef::Kind::Int;
            r.unit = unitText(i->UNIT());
            if (auto* range = i->intRange()) {
                r.minText = textOf(range->signedInt(0));
                r.maxText = textOf(range->signedInt(1));
                r.min = std::stod(r.minText);
                r.max = std::stod(r.maxText);
            }
        } else if (auto* d = dynamic_cast<CplParser::DecTypeContext*>(t)) {
            r.kind = TypeRef::Kind::Dec;
            r.unit = unitText(d->UNIT());
            if (auto* range = d->decRange()) {
                r.minText = textOf(range->signedNumber(0));
                r.maxText = textOf(range->signedNumber(1));
                r.min = std::stod(r.minText);
                r.max = std::stod(r.maxText);
            }
        } else if (dynamic_cast<CplParser::DateTypeContext*>(t)) r.kind = TypeRef::Kind::Date;
        else if (dynamic_cast<CplParser::TextTypeContext*>(t)) r.kind = TypeRef::Kind::Text;
        else if (auto* e = dynamic_cast<CplParser::EnumTypeContext*>(t)) {
            r.kind = TypeRef::Kind::Enum;
            for (auto* n : e->name()) r.members.push_back(text(n));
        } else if (auto* l = dynamic_cast<CplParser::LevelsTypeContext*>(t)) {
            r.kind = TypeRef::Kind::Levels;
            for (auto* n : l->name()) r.members.push_back(text(n));
        } else if (auto* lt = dynamic_cast<CplParser::ListTypeContext*>(t)) {
            r.kind = TypeRef::Kind::List;
            r.name = text(lt->name());
        } else if (auto* nt = dynamic_cast<CplParser::NamedTypeContext*>(t)) {
            r.kind = TypeRef::Kind::Named;
            auto names = nt->name();
            r.name = text(names[0]);
            size_t next = 1;
            if (nt->upTo) {
                r.upTo = text(names[1]);
                next = 2;
            }
            for (size_t k = next; k < names.size(); ++k) r.members.push_back(text(names[k]));
        }
        return r;
    }

    Rule rule(CplParser::Rule_Context* r) {
        Rule out;
        out.span = span(r);
        out.comments = take(r->getStart(), r->getStop());
        if (auto* w = dynamic_cast<CplParser::WhenRuleContext*>(r)) {
            out.outcome = textOf(w->outcome());
            out.outcomeSpan = span(w->outcome());
            if (w->name()) {
                out.route = text(w->name());
                out.routeSpan = span(w->name());
            }
            out.when = expr(w->expr());
        } else if (auto* o = dynamic_cast<CplParser::OtherwiseRuleContext*>(r)) {
            out.outcome = textOf(o->outcome());
            out.outcomeSpan = span(o->outcome());
            if (o->name()) {
                out.route = text(o->name());
                out.routeSpan = span(o->name());
            }
        }
        return out;
    }

    // ------------------------------------------------------------ tests
    std::shared_ptr<TestDecl> test(CplParser::TestDeclContext* t) {
        auto out = std::make_shared<TestDecl>();
        out->span = span(t->getStart());
        out->name = unquote(textOf(t->STRING(0)));
        if (t->STRING().size() > 1) {
            out->like = unquote(textOf(t->STRING(1)));
            out->likeSpan = span(t->STRING(1));
        }
        out->policy = qualified(t->qualifiedName());
        out->policySpan = span(t->qualifiedName());
        for (auto* item : t->testItem()) {
            TestItem ti;
            ti.span = span(item);
            ti.comments = take(item->getStart(), item->getStop());
            if (auto* a = dynamic_cast<CplParser::AsOfItemContext*>(item)) {
                ti.kind = TestItem::Kind::AsOf;
                ti.text = textOf(a->DATE());
            } else if (auto* g = dynamic_cast<CplParser::GivenItemContext*>(item)) {
                ti.kind = TestItem::Kind::Given;
                for (auto* b : g->binding())
                    ti.bindings.push_back(Binding{span(b->name()), text(b->name()), factValue(b->factValue())});
            } else if (auto* e = dynamic_cast<CplParser::ExpectErrorItemContext*>(item)) {
                ti.kind = TestItem::Kind::ExpectError;
                if (e->STRING()) ti.text = unquote(textOf(e->STRING()));
            } else if (auto* m = dynamic_cast<CplParser::ExpectMissingItemContext*>(item)) {
                ti.kind = TestItem::Kind::ExpectMissing;
                for (auto* n : m->name()) ti.names.emplace_back(text(n), span(n));
            } else if (auto* r = dynamic_cast<CplParser::ExpectReasonsItemContext*>(item)) {
                ti.kind = TestItem::Kind::ExpectReasons;
                for (auto* n : r->name()) ti.names.emplace_back(text(n), span(n));
            } else if (auto* o = dynamic_cast<CplParser::ExpectOutputItemContext*>(item)) {
                ti.kind = TestItem::Kind::ExpectOutput;
                ti.text = text(o->name());
                ti.value = factValue(o->factValue());
            } else if (auto* oc = dynamic_cast<CplParser::ExpectOutcomeItemContext*>(item)) {
                ti.kind = TestItem::Kind::ExpectOutcome;
                ti.text = textOf(oc->outcome());
                if (oc->name()) ti.route = text(oc->name());
            }
            out->items.push_back(std::move(ti));
        }
        out->trailingComments = rest(t->getStop()->getTokenIndex());
        return out;
    }

    FactValue factValue(CplParser::FactValueContext* v) {
        FactValue out;
        out.span = span(v);
        if (auto* n = dynamic_cast<CplParser::NumberValueContext*>(v)) {
            out.kind = FactValue::Kind::Number;
            out.isInteger = n->INT() != nullptr;
            out.number = std::stod(textOf(n));
            out.text = textOf(n);
        } else if (auto* d = dynamic_cast<CplParser::DateValueContext*>(v)) {
            out.kind = FactValue::Kind::Date;
            out.text = textOf(d);
        } else if (auto* s = dynamic_cast<CplParser::StringValueContext*>(v)) {
            out.kind = FactValue::Kind::String;
            out.text = unquote(textOf(s));
        } else if (auto* b = dynamic_cast<CplParser::BoolValueContext*>(v)) {
            out.kind = FactValue::Kind::Bool;
            out.boolValue = textOf(b) == "true";
        } else if (dynamic_cast<CplParser::UnknownValueContext*>(v)) {
            out.kind = FactValue::Kind::Unknown;
        } else if (auto* l = dynamic_cast<CplParser::ListValueContext*>(v)) {
            out.kind = FactValue::Kind::List;
            for (auto* item : l->factValue()) out.items.push_back(factValue(item));
        } else if (auto* one = dynamic_cast<CplParser::OneItemListContext*>(v)) {
            // `[F341]` lexes like a unit; it is a list of one code.
            out.kind = FactValue::Kind::List;
            std::string t = textOf(one);
            FactValue item;
            item.span = out.span;
            item.kind = FactValue::Kind::Name;
            item.text = t.substr(1, t.size() - 2);
            out.items.push_back(item);
        } else if (auto* nm = dynamic_cast<CplParser::NameValueContext*>(v)) {
            out.kind = FactValue::Kind::Name;
            out.text = textOf(nm);
        }
        return out;
    }

    // ------------------------------------------------------------ expressions
    ExprPtr make(ExprKind kind, antlr4::ParserRuleContext* ctx) { return std::make_unique<Expr>(kind, span(ctx)); }

    ExprPtr expr(CplParser::ExprContext* e) { return orExpr(e->orExpr()); }

    ExprPtr orExpr(CplParser::OrExprContext* e) {
        auto parts = e->andExpr();
        if (parts.size() == 1) return andExpr(parts[0]);
        auto out = make(ExprKind::Or, e);
        for (auto* p : parts) out->args.push_back(andExpr(p));
        return out;
    }

    ExprPtr andExpr(CplParser::AndExprContext* e) {
        auto parts = e->notExpr();
        if (parts.size() == 1) return notExpr(parts[0]);
        auto out = make(ExprKind::And, e);
        for (auto* p : parts) out->args.push_back(notExpr(p));
        return out;
    }

    ExprPtr notExpr(CplParser::NotExprContext* e) {
        if (auto* n = dynamic_cast<CplParser::NegationContext*>(e)) {
            auto out = make(ExprKind::Not, e);
            out->args.push_back(notExpr(n->notExpr()));
            return out;
        }
        return predicate(static_cast<CplParser::PlainPredicateContext*>(e)->predicate());
    }

    ExprPtr predicate(CplParser::PredicateContext* p) {
        if (auto* v = dynamic_cast<CplParser::ValuePredicateContext*>(p)) {
            ExprPtr left = additive(v->additive());
            CplParser::PredicateTailContext* tail = v->predicateTail();
            if (!tail) return left;
            auto out = make(ExprKind::Compare, p);
            out->args.push_back(std::move(left));
            if (auto* c = dynamic_cast<CplParser::ComparisonTailContext*>(tail)) {
                // The grammar admits exactly the six spellings compareOpFromSpelling knows.
                out->compareOp = *compareOpFromSpelling(textOf(c->compareOp()));
                out->args.push_back(additive(c->additive()));
            } else if (auto* i = dynamic_cast<CplParser::IsTailContext*>(tail)) {
                out->kind = ExprKind::Is;
                out->negated = i->NOT != nullptr;
                out->args.push_back(additive(i->additive()));
            } else if (auto* m = dynamic_cast<CplParser::MembershipTailContext*>(tail)) {
                out->kind = ExprKind::In;
                out->negated = m->NOT != nullptr;
                out->set = std::make_unique<SetExpr>(setExpr(m->setExpr()));
            } else if (auto* b = dynamic_cast<CplParser::BetweenTailContext*>(tail)) {
                out->kind = ExprKind::Between;
                out->args.push_back(additive(b->additive(0)));
                out->args.push_back(additive(b->additive(1)));
            } else if (auto* w = dynamic_cast<CplParser::WithinTailContext*>(tail)) {
                out->kind = ExprKind::Within;
                out->args.push_back(additive(w->additive()));
                out->text = text(w->name());
            } else if (auto* h = dynamic_cast<CplParser::HasTailContext*>(tail)) {
                out->kind = ExprKind::Has;
                out->set = std::make_unique<SetExpr>(setExpr(h->setExpr()));
            }
            return out;
        }
        auto* c = static_cast<CplParser::CodePositionContext*>(p);
        auto out = make(ExprKind::CodeAt, p);
        std::string pos = textOf(c->position);
        out->position = pos == "primary"     ? CodePosition::Primary
                        : pos == "secondary" ? CodePosition::Secondary
                                             : CodePosition::Any;
        out->codeKind = textOf(c->kind) == "procedure" ? CodeKind::Procedure : CodeKind::Diagnosis;
        out->set = std::make_unique<SetExpr>(setExpr(c->setExpr()));
        return out;
    }

    SetExpr setExpr(CplParser::SetExprContext* s) {
        SetExpr out;
        out.span = span(s);
        if (auto* r = dynamic_cast<CplParser::SetRefContext*>(s)) {
            out.ref = text(r->name());
            return out;
        }
        for (auto* item : static_cast<CplParser::SetLiteralContext*>(s)->setItem()) {
            SetItem si;
            si.span = span(item);
            // Children: ['-'] element ['-' element]. A leading '-' negates a
            // number; a '-' after the first element makes a range.
            std::vector<std::pair<std::string, size_t>> elements;  // text, token type
            bool negative = false;
            for (auto* child : item->children) {
                std::string t = textOf(child);
                auto* terminal = dynamic_cast<antlr4::tree::TerminalNode*>(child);
                if (terminal && t == "-") {
                    if (elements.empty()) negative = true;
                    continue;
                }
                elements.emplace_back(t, terminal ? terminal->getSymbol()->getType() : 0);
            }
            auto [first, firstType] = elements[0];
            if (firstType == CplLexer::INT || firstType == CplLexer::DECIMAL) {
                si.kind = SetItem::Kind::Number;
                si.number = std::stod(first) * (negative ? -1 : 1);
                si.lo = (negative ? "-" : "") + first;
            } else if (firstType == CplLexer::STRING) {
                si.kind = SetItem::Kind::String;
                si.lo = unquote(first);
            } else {
                si.kind = SetItem::Kind::Name;
                si.lo = first;
            }
            if (elements.size() > 1)
                si.hi = elements[1].second == CplLexer::STRING ? unquote(elements[1].first) : elements[1].first;
            out.items.push_back(std::move(si));
        }
        return out;
    }

    ExprPtr additive(CplParser::AdditiveContext* a) {
        auto parts = a->multiplicative();
        auto ops = a->addOp();
        ExprPtr left = multiplicative(parts[0]);
        for (size_t i = 1; i < parts.size(); ++i) {
            auto out = std::make_unique<Expr>(ExprKind::Arith, span(parts[0]->getStart(), parts[i]->getStop()));
            out->text = textOf(ops[i - 1]);
            out->args.push_back(std::move(left));
            out->args.push_back(multiplicative(parts[i]));
            left = std::move(out);
        }
        return left;
    }

    ExprPtr multiplicative(CplParser::MultiplicativeContext* m) {
        auto parts = m->unary();
        auto ops = m->mulOp();
        ExprPtr left = unary(parts[0]);
        for (size_t i = 1; i < parts.size(); ++i) {
            auto out = std::make_unique<Expr>(ExprKind::Arith, span(parts[0]->getStart(), parts[i]->getStop()));
            out->text = textOf(ops[i - 1]);
            out->args.push_back(std::move(left));
            out->args.push_back(unary(parts[i]));
            left = std::move(out);
        }
        return left;
    }

    ExprPtr unary(CplParser::UnaryContext* u) {
        if (auto* n = dynamic_cast<CplParser::NegateContext*>(u)) {
            auto out = make(ExprKind::Negate, u);
            out->args.push_back(unary(n->unary()));
            return out;
        }
        return atom(static_cast<CplParser::PlainAtomContext*>(u)->atom());
    }

    void list(Expr& out, const std::vector<CplParser::ExprContext*>& items) {
        for (auto* e : items) out.args.push_back(expr(e));
    }

    ExprPtr atom(CplParser::AtomContext* a) {
        if (auto* n = dynamic_cast<CplParser::NumberLiteralContext*>(a)) {
            auto out = make(ExprKind::Number, a);
            std::string t = n->INT() ? textOf(n->INT()) : textOf(n->DECIMAL());
            out->number = std::stod(t);
            out->text = t;
            if (n->UNIT()) {
                std::string u = textOf(n->UNIT());
                out->unit = u.substr(1, u.size() - 2);
            }
            out->type = Type::of(n->INT() ? TypeKind::Int : TypeKind::Dec);
            return out;
        }
        if (dynamic_cast<CplParser::DateLiteralContext*>(a)) {
            auto out = make(ExprKind::Date, a);
            out->text = textOf(a);
            return out;
        }
        if (auto* s = dynamic_cast<CplParser::StringLiteralContext*>(a)) {
            auto out = make(ExprKind::String, a);
            out->text = unquote(textOf(s->STRING()));
            return out;
        }
        if (dynamic_cast<CplParser::BoolLiteralContext*>(a)) {
            auto out = make(ExprKind::Bool, a);
            out->boolValue = textOf(a) == "true";
            return out;
        }
        if (auto* all = dynamic_cast<CplParser::AllOfContext*>(a)) {
            auto out = make(ExprKind::AllOf, a);
            list(*out, all->expr());
            return out;
        }
        if (auto* any = dynamic_cast<CplParser::AnyOfContext*>(a)) {
            auto out = make(ExprKind::AnyOf, a);
            list(*out, any->expr());
            return out;
        }
        if (auto* al = dynamic_cast<CplParser::AtLeastContext*>(a)) {
            auto out = make(ExprKind::AtLeast, a);
            out->number = std::stod(textOf(al->INT()));
            list(*out, al->expr());
            return out;
        }
        if (auto* c = dynamic_cast<CplParser::CountOfContext*>(a)) {
            auto out = make(ExprKind::CountOf, a);
            out->text = text(c->name());
            out->args.push_back(expr(c->expr()));
            return out;
        }
        if (auto* i = dynamic_cast<CplParser::IfThenElseContext*>(a)) {
            auto out = make(ExprKind::If, a);
            list(*out, i->expr());
            return out;
        }
        if (dynamic_cast<CplParser::ItRefContext*>(a)) return make(ExprKind::It, a);
        if (auto* c = dynamic_cast<CplParser::CallContext*>(a)) {
            auto out = make(ExprKind::Call, a);
            out->text = text(c->name());
            list(*out, c->expr());
            return out;
        }
        if (auto* n = dynamic_cast<CplParser::NameRefContext*>(a)) {
            auto out = make(ExprKind::Name, a);
            out->text = text(n->name());
            return out;
        }
        return expr(static_cast<CplParser::ParensContext*>(a)->expr());
    }

    uint32_t file_;
    antlr4::CommonTokenStream& tokens_;
    const SourceSlices& source_;
    size_t cursor_ = 0;
};

// Refuses input nested deeper than kMaxNesting before the recursive-descent
// parser sees it. Nesting is what the parser and every later stage recurse
// on: brackets; runs of prefix `not`, `-` and `if`; an `if` inside the
// `else` of another (`if a then 1 else if b then 2 else ...`: each `if`
// stays open to the end of its bracket, list item or declaration); and the
// terms of one sum or product (`x + 1 + 1 ...` is a tree one level deeper
// per operator). A long `and`/`or` chain or a long list is flat and is not
// limited.
bool nestingTooDeep(const std::vector<LexedToken>& tokens, size_t from, size_t end, const SourceSlices& source, uint32_t file,
                    Diagnostics& diags) {
    struct Level {
        int ifs = 0;    // `if`s open at this bracket level
        int arith = 0;  // binary + - * / in the current run of operands at this level
    };
    std::vector<Level> levels(1);
    int depth = 0, prefixRun = 0, opened = 0;  // opened: the sum over levels of ifs + arith
    bool operandBefore = false;                // the previous token ends an operand (so `-` is binary)
    for (size_t i = from; i < end; ++i) {
        const LexedToken& t = tokens[i];
        if (t.channel != antlr4::Token::DEFAULT_CHANNEL) continue;
        std::string_view s = source.of(t.start, t.stop);
        size_t type = t.type;
        bool operand = type == CplLexer::IDENT || type == CplLexer::INT || type == CplLexer::DECIMAL ||
                       type == CplLexer::STRING || type == CplLexer::DATE || type == CplLexer::UNIT;
        const char* what = "expression nested";
        if (s == "(" || s == "[" || s == "{") {
            ++depth;
            levels.emplace_back();
        } else if (s == ")" || s == "]" || s == "}") {
            depth = std::max(0, depth - 1);
            if (levels.size() > 1) {
                opened -= levels.back().ifs + levels.back().arith;
                levels.pop_back();
            }
            operand = true;
        } else if (s == "if") {
            ++levels.back().ifs;
            ++opened;
            what = "'if' nested";
        } else if (operandBefore && (s == "+" || s == "-" || s == "*" || s == "/")) {
            ++levels.back().arith;
            ++opened;
            what = "a sum or product nested (one level per term)";
        } else if (!operand && s != "-") {
            // Any other word or symbol ends the run of arithmetic; one that
            // ends an expression closes the `if`s open at this level too.
            Level& l = levels.back();
            opened -= l.arith;
            l.arith = 0;
            if (s == "," || s == "=" || s == "when" || s == "otherwise" || s == "criterion" || s == "value" || s == "output" ||
                s == "coding") {
                opened -= l.ifs;
                l.ifs = 0;
            }
        }
        prefixRun = (s == "not" || (s == "-" && !operandBefore) || s == "if") ? prefixRun + 1 : 0;
        operandBefore = operand;
        if (depth + opened > kMaxNesting || prefixRun > kMaxNesting) {
            Span sp{file, t.line, t.column + 1, t.line, t.column + 2};
            diags.error(sp, std::string(what) + " more than " + std::to_string(kMaxNesting) + " levels deep");
            return true;
        }
    }
    return false;
}

// Refuses a number no double holds: both builders read numbers with
// std::stod, which throws on them (an uncaught exception ended `cpe check`).
// Only a number of more than 300 characters can be out of range (1e308, or
// below 2.2e-308), so only those are read here.
bool numberOutOfRange(const std::vector<LexedToken>& tokens, size_t from, size_t end, const SourceSlices& source, uint32_t file,
                      Diagnostics& diags) {
    for (size_t i = from; i < end; ++i) {
        const LexedToken& t = tokens[i];
        if ((t.type != CplLexer::INT && t.type != CplLexer::DECIMAL) || t.stop - t.start < 300) continue;
        std::string digits(source.of(t.start, t.stop));
        errno = 0;
        (void)std::strtod(digits.c_str(), nullptr);
        if (errno != ERANGE) continue;
        diags.error(Span{file, t.line, t.column + 1, t.line, t.column + 1 + static_cast<uint32_t>(digits.size())},
                    "number out of range: a number is at most about 1e308, and no closer to 0 than about 1e-308");
        return true;
    }
    return false;
}

// What is refused before either parser sees it, with its error.
bool refusedUpFront(const std::vector<LexedToken>& tokens, size_t from, size_t end, const SourceSlices& source, uint32_t file,
                    Diagnostics& diags) {
    return nestingTooDeep(tokens, from, end, source, file, diags) || numberOutOfRange(tokens, from, end, source, file, diags);
}

// The fast path: lexFast's tokens, cut between top-level declarations into
// pieces of some 20,000 tokens (topLevelPieces), each parsed on its own: by
// hand (fast_parser.h) unless `path` is Antlr, and with ANTLR's SLL
// prediction where the hand parser declines the piece, so ANTLR's tokens and
// tree (a few hundred bytes a token) are held for one piece at a time.
// Nothing when a piece does not parse (or, for HandOnly, is declined):
// parseFile then lexes and parses the whole file with ANTLR alone, whose
// tokens and error recovery every syntax error is reported from. `tooDeep`
// says refusedUpFront refused the file instead.
constexpr size_t kPieceTokens = 20000;

std::optional<SourceFileAst> parseInPieces(ParsePath path, const std::vector<LexedToken>& lexed, const SourceSlices& slices,
                                           uint32_t file, Diagnostics& diags, bool& tooDeep, const std::vector<bool>* keep) {
    auto token = [](const LexedToken& l) {
        size_t type = l.type == UINT32_MAX ? antlr4::Token::EOF : l.type;
        size_t stop = l.stop == UINT32_MAX ? static_cast<size_t>(-1) : l.stop;  // the EOF of an empty file
        auto t = std::make_unique<antlr4::CommonToken>(std::pair<antlr4::TokenSource*, antlr4::CharStream*>{nullptr, nullptr},
                                                       type, l.channel, l.start, stop);
        t->setLine(l.line);
        t->setCharPositionInLine(l.column);
        return t;
    };
    SourceFileAst out;
    out.file = file;
    size_t from = 0, declIndex = 0;
    // With a choice of declarations, each declaration is a piece of its own.
    for (size_t end : topLevelPieces(lexed, keep ? 1 : kPieceTokens)) {
        bool skip = keep && declIndex < keep->size() && !(*keep)[declIndex];
        ++declIndex;
        const size_t begin = from;
        from = end;
        if (skip) continue;
        if (refusedUpFront(lexed, begin, end, slices, file, diags)) {
            tooDeep = true;
            return std::nullopt;
        }
        std::optional<SourceFileAst> piece;
        if (path != ParsePath::Antlr) piece = parsePieceByHand(lexed, begin, end, slices, file);
        if (!piece && path == ParsePath::HandOnly) return std::nullopt;
        if (!piece) {
            std::vector<std::unique_ptr<antlr4::Token>> list;
            list.reserve(end - begin + 1);
            for (size_t i = begin; i < end; ++i) list.push_back(token(lexed[i]));
            // The piece ends where the next one starts (the last, at the file's end).
            const LexedToken& next = lexed[end];
            list.push_back(token(
                LexedToken{UINT32_MAX, antlr4::Token::DEFAULT_CHANNEL, next.start, next.start - 1, next.line, next.column}));
            antlr4::ListTokenSource source(std::move(list));
            antlr4::CommonTokenStream tokens(&source);
            tokens.fill();
            CplParser parser(&tokens);
            parser.removeErrorListeners();
            parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
            parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
            CplParser::File_Context* tree = nullptr;
            try {
                tree = parser.file_();
            } catch (const antlr4::ParseCancellationException&) {
                return std::nullopt;
            }
            piece = Builder(file, tokens, slices).build(tree);
        }
        for (TopDecl& d : piece->decls) out.decls.push_back(std::move(d));
        for (std::string& c : piece->trailingComments) out.trailingComments.push_back(std::move(c));
    }
    return out;
}

// The tokens of ANTLR's own lexer as LexedTokens, without the end of file.
std::vector<LexedToken> lexedTokens(antlr4::CommonTokenStream& tokens) {
    std::vector<LexedToken> out;
    out.reserve(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
        antlr4::Token* t = tokens.get(i);
        if (t->getType() == antlr4::Token::EOF) break;
        auto u = [](size_t v) { return static_cast<uint32_t>(v); };
        out.push_back(LexedToken{u(t->getType()), u(t->getChannel()), u(t->getStartIndex()), u(t->getStopIndex()),
                                 u(t->getLine()), u(t->getCharPositionInLine())});
    }
    return out;
}

}  // namespace

std::optional<SourceFileAst> parseFile(const SourceSet& sources, uint32_t file, Diagnostics& diags,
                                       const std::vector<bool>* keep) {
    return parseFileVia(ParsePath::HandFirst, sources, file, diags, keep);
}

std::optional<SourceFileAst> parseFileVia(ParsePath path, const SourceSet& sources, uint32_t file, Diagnostics& diags,
                                          const std::vector<bool>* keep) {
    const std::string& text = sources.file(file).text;
    if (std::optional<size_t> bad = firstInvalidUtf8(text)) {
        const std::vector<size_t>& starts = sources.file(file).lineStarts;
        size_t line = static_cast<size_t>(std::upper_bound(starts.begin(), starts.end(), *bad) - starts.begin());
        auto col =
            static_cast<uint32_t>(countCodePoints(std::string_view(text).substr(starts[line - 1], *bad - starts[line - 1])) + 1);
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
        diags.error(Span{file, static_cast<uint32_t>(line), col, static_cast<uint32_t>(line), col + 1},
                    std::string("the file is not UTF-8 text (byte ") + byte + "); save it as UTF-8");
        return std::nullopt;
    }
    // One file at a time in the whole process: the generated lexer and
    // parser share static DFAs that the 4.9 runtime does not make safe for
    // parallel parsing, and useUnlockedSimulator drops even the lexer's
    // lock. Held until the AST is built, after which nothing uses ANTLR.
    static std::mutex oneParseAtATime;
    std::lock_guard parsing(oneParseAtATime);
    SourceSlices slices(text);
    // The fast path: lexFast's tokens, parsed by hand or with SLL
    // prediction. Anything it declines (a character the language has no use
    // for, an unterminated string) or SLL cannot parse is lexed and parsed
    // again below by ANTLR alone, whose tokens and recovery every syntax
    // error is reported from.
    std::optional<std::vector<LexedToken>> lexed = lexFast(text);
    if (lexed) {
        bool tooDeep = false;
        if (std::optional<SourceFileAst> ast = parseInPieces(path, *lexed, slices, file, diags, tooDeep, keep)) return ast;
        if (tooDeep) return std::nullopt;
    }
    if (path == ParsePath::HandOnly) return std::nullopt;
    lexed.reset();

    antlr4::ANTLRInputStream input(text);
    CplLexer lexer(&input);
    useUnlockedSimulator(lexer);
    lexer.removeErrorListeners();
    antlr4::CommonTokenStream tokens(&lexer);
    tokens.fill();

    // Report characters the language has no use for, with their position.
    bool bad = false;
    for (size_t i = 0; i < tokens.size(); ++i) {
        antlr4::Token* t = tokens.get(i);
        if (t->getType() != CplLexer::ERROR_CHAR) continue;
        bad = true;
        Span sp{file, static_cast<uint32_t>(t->getLine()), static_cast<uint32_t>(t->getCharPositionInLine() + 1),
                static_cast<uint32_t>(t->getLine()), static_cast<uint32_t>(t->getCharPositionInLine() + 2)};
        std::string ch = t->getText();
        diags.error(sp, ch == "\""  ? "unterminated string (strings end on the same line)"
                        : ch == "&" ? "unexpected character '&' (write 'and')"
                        : ch == "|" ? "unexpected character '|' (write 'or')"
                        : ch == "!" ? "unexpected character '!' (write 'not', or '!=' for 'is not equal to')"
                                    : "unexpected character '" + ch + "'");
        if (diags.errorCount() > 50) break;
    }
    if (bad) return std::nullopt;
    const std::vector<LexedToken> all = lexedTokens(tokens);
    if (refusedUpFront(all, 0, all.size(), slices, file, diags)) return std::nullopt;

    CplParser parser(&tokens);
    parser.removeErrorListeners();
    ErrorCollector errors(file, diags);
    parser.addErrorListener(&errors);
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
    CplParser::File_Context* tree = parser.file_();
    if (errors.count > 0 || !tree) return std::nullopt;
    Builder builder(file, tokens, slices);
    return builder.build(tree);
}

}  // namespace cpe
