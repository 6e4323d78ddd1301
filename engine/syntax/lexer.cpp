#include "engine/syntax/lexer.h"

#include <cctype>
#include <string>
#include <unordered_map>

#include "CplLexer.h"
#include "antlr4-runtime.h"

namespace cpe {
namespace {

// The grammar's literal tokens ('policy', '>=', '('...), by their text, read
// from the generated lexer's vocabulary so the two never disagree on a type.
struct Literals {
    std::unordered_map<std::string, size_t> words;    // keywords: letters only
    std::unordered_map<std::string, size_t> symbols;  // punctuation, one or two characters
    Literals() {
        antlr4::ANTLRInputStream none;
        cpl::CplLexer lexer(&none);
        const antlr4::dfa::Vocabulary& vocab = lexer.getVocabulary();
        for (size_t type = 1; type <= vocab.getMaxTokenType(); ++type) {
            std::string lit = vocab.getLiteralName(type);
            if (lit.size() < 3 || lit.front() != '\'' || lit.back() != '\'') continue;
            std::string text = lit.substr(1, lit.size() - 2);
            bool word = std::isalpha(static_cast<unsigned char>(text[0])) != 0;
            (word ? words : symbols).emplace(text, type);
        }
    }
};

const Literals& literals() {
    static const Literals l;
    return l;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isIdentChar(char c) { return isLetter(c) || isDigit(c) || c == '_'; }

}  // namespace

std::optional<std::vector<LexedToken>> lexFast(std::string_view text) {
    const Literals& lits = literals();
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // ANTLRInputStream drops it too
    if (text.size() >= UINT32_MAX) return std::nullopt;              // positions are 32-bit
    std::vector<LexedToken> out;
    out.reserve(text.size() / 4 + 1);
    size_t i = 0, cp = 0, line = 1, column = 0;
    // Consumes text[i..end) (which may hold multi-byte characters), keeping
    // the code point index, line and column as ANTLR's lexer counts them.
    auto advance = [&](size_t end) {
        for (; i < end; ++i) {
            auto c = static_cast<unsigned char>(text[i]);
            if ((c & 0xC0) == 0x80) continue;  // a continuation byte: same code point
            ++cp;
            if (c == '\n') {
                ++line;
                column = 0;
            } else {
                ++column;
            }
        }
    };
    auto emit = [&](size_t type, size_t channel, size_t end) {
        LexedToken t{static_cast<uint32_t>(type), static_cast<uint32_t>(channel), static_cast<uint32_t>(cp), 0,
                     static_cast<uint32_t>(line), static_cast<uint32_t>(column)};
        advance(end);
        t.stop = static_cast<uint32_t>(cp - 1);
        out.push_back(t);
    };
    const size_t n = text.size();
    while (i < n) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            size_t e = i;
            while (e < n && (text[e] == ' ' || text[e] == '\t' || text[e] == '\r' || text[e] == '\n')) ++e;
            emit(cpl::CplLexer::WS, antlr4::Token::HIDDEN_CHANNEL, e);
        } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
            size_t e = i;
            while (e < n && text[e] != '\r' && text[e] != '\n') ++e;
            emit(cpl::CplLexer::LINE_COMMENT, antlr4::Token::HIDDEN_CHANNEL, e);
        } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
            size_t close = text.find("*/", i + 2);
            if (close == std::string_view::npos) return std::nullopt;
            emit(cpl::CplLexer::BLOCK_COMMENT, antlr4::Token::HIDDEN_CHANNEL, close + 2);
        } else if (c == '"') {
            size_t e = i + 1;
            while (e < n && text[e] != '"' && text[e] != '\r' && text[e] != '\n') e += text[e] == '\\' && e + 1 < n ? 2 : 1;
            if (e >= n || text[e] != '"') return std::nullopt;  // unterminated: ANTLR's ERROR_CHAR
            // An escape may take a multi-byte character whole ('\\' .): skip its continuation bytes.
            emit(cpl::CplLexer::STRING, antlr4::Token::DEFAULT_CHANNEL, e + 1);
        } else if (isDigit(c)) {
            size_t e = i;
            while (e < n && isDigit(text[e])) ++e;
            auto digitsAt = [&](size_t at, size_t count) {
                for (size_t k = 0; k < count; ++k)
                    if (at + k >= n || !isDigit(text[at + k])) return false;
                return true;
            };
            if (e - i >= 4 && digitsAt(i, 4) && i + 4 < n && text[i + 4] == '-' && digitsAt(i + 5, 2) && i + 7 < n &&
                text[i + 7] == '-' && digitsAt(i + 8, 2) && e == i + 4) {
                emit(cpl::CplLexer::DATE, antlr4::Token::DEFAULT_CHANNEL, i + 10);
            } else if (e + 1 < n && text[e] == '.' && isDigit(text[e + 1])) {
                size_t f = e + 1;
                while (f < n && isDigit(text[f])) ++f;
                emit(cpl::CplLexer::DECIMAL, antlr4::Token::DEFAULT_CHANNEL, f);
            } else {
                emit(cpl::CplLexer::INT, antlr4::Token::DEFAULT_CHANNEL, e);
            }
        } else if (isLetter(c) || c == '_') {
            size_t e = i;
            while (e < n && isIdentChar(text[e])) ++e;
            auto kw = lits.words.find(std::string(text.substr(i, e - i)));
            emit(kw != lits.words.end() ? kw->second : static_cast<size_t>(cpl::CplLexer::IDENT), antlr4::Token::DEFAULT_CHANNEL,
                 e);
        } else if (c == '[' && i + 1 < n && (isLetter(text[i + 1]) || text[i + 1] == '%')) {
            size_t e = i + 2;
            while (e < n && text[e] != ']' && text[e] != '\r' && text[e] != '\n' && text[e] != '"' && text[e] != ',' &&
                   text[e] != ' ')
                ++e;
            if (e < n && text[e] == ']') {
                emit(cpl::CplLexer::UNIT, antlr4::Token::DEFAULT_CHANNEL, e + 1);
            } else {
                emit(lits.symbols.at("["), antlr4::Token::DEFAULT_CHANNEL, i + 1);
            }
        } else {
            auto two = i + 1 < n ? lits.symbols.find(std::string(text.substr(i, 2))) : lits.symbols.end();
            if (two != lits.symbols.end()) {
                emit(two->second, antlr4::Token::DEFAULT_CHANNEL, i + 2);
                continue;
            }
            auto one = lits.symbols.find(std::string(1, c));
            if (one == lits.symbols.end()) return std::nullopt;  // only ERROR_CHAR matches it
            emit(one->second, antlr4::Token::DEFAULT_CHANNEL, i + 1);
        }
    }
    auto u = [](size_t v) { return static_cast<uint32_t>(v); };
    out.push_back(LexedToken{u(antlr4::Token::EOF), u(antlr4::Token::DEFAULT_CHANNEL), u(cp), u(cp - 1), u(line), u(column)});
    return out;
}

std::vector<size_t> topLevelPieces(const std::vector<LexedToken>& tokens, size_t minTokens) {
    const size_t open = literals().symbols.at("{"), close = literals().symbols.at("}");
    std::vector<size_t> ends;
    const size_t eof = tokens.size() - 1;
    size_t depth = 0, from = 0;
    for (size_t i = 0; i < eof; ++i) {
        const LexedToken& t = tokens[i];
        if (t.type == open) ++depth;
        if (t.type != close || depth == 0 || --depth != 0 || i + 1 - from < minTokens) continue;
        ends.push_back(i + 1);
        from = i + 1;
    }
    ends.push_back(eof);
    return ends;
}

uint32_t literalType(std::string_view text) {
    const Literals& lits = literals();
    const auto& table = !text.empty() && isLetter(text[0]) ? lits.words : lits.symbols;
    auto it = table.find(std::string(text));
    return it == table.end() ? 0 : static_cast<uint32_t>(it->second);
}

bool isKeywordType(uint32_t type) {
    static const std::vector<bool> keyword = [] {
        std::vector<bool> k;
        for (const auto& [text, t] : literals().words) {
            if (k.size() <= t) k.resize(t + 1);
            k[t] = true;
        }
        return k;
    }();
    return type < keyword.size() && keyword[type];
}

std::vector<LexedToken> lexWithAntlr(std::string_view text) {
    antlr4::ANTLRInputStream input{std::string(text)};
    cpl::CplLexer lexer(&input);
    lexer.removeErrorListeners();
    std::vector<LexedToken> out;
    for (;;) {
        std::unique_ptr<antlr4::Token> t = lexer.nextToken();
        auto u = [](size_t v) { return static_cast<uint32_t>(v); };
        out.push_back(LexedToken{u(t->getType()), u(t->getChannel()), u(t->getStartIndex()), u(t->getStopIndex()),
                                 u(t->getLine()), u(t->getCharPositionInLine())});
        if (t->getType() == antlr4::Token::EOF) break;
    }
    return out;
}

}  // namespace cpe
