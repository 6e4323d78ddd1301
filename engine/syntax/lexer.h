#pragma once
// The policy language's tokens, lexed by hand. ANTLR's generated lexer spent
// about 3,000 instructions a token (a third of `cpe check`); this one gives
// the very same tokens in a single pass. parseFile uses it on the fast path
// and the generated CplLexer whenever this one declines (a character only
// ERROR_CHAR matches, an unterminated string or block comment), so every
// syntax error is still reported from ANTLR's own tokens.
// tests/unit/test_lexer.cpp pins it to CplLexer on every .cpl in the tree.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace cpe {

// One token as ANTLR's CommonToken holds it: positions in code points of the
// text after a leading byte order mark, the line from 1, the column from 0.
// 32-bit fields: the list for a whole file is held while it parses.
struct LexedToken {
    uint32_t type = 0;  // EOF is UINT32_MAX (ANTLR's size_t -1, narrowed)
    uint32_t channel = 0;
    uint32_t start = 0, stop = 0;
    uint32_t line = 1, column = 0;
    bool operator==(const LexedToken&) const = default;
};

// The tokens of `text`, ending with EOF; nullopt where CplLexer must lex it.
std::optional<std::vector<LexedToken>> lexFast(std::string_view text);

// Where a token list may be cut into pieces that parse on their own: right
// after a closing brace back at depth 0, once a piece has at least
// `minTokens` tokens. Every comment after a top-level declaration's closing
// brace belongs to the next declaration (parse.cpp), so it goes with the next
// piece. Returns each piece's end (exclusive); the last is the EOF token's index.
std::vector<size_t> topLevelPieces(const std::vector<LexedToken>& tokens, size_t minTokens);

// The token type of one of the grammar's literals ('policy', '{', '>='), or
// 0 when the text is none; and whether a type is a keyword (a literal made
// of letters, which the grammar's `name` rule mostly accepts as a name too).
uint32_t literalType(std::string_view text);
bool isKeywordType(uint32_t type);

// The generated CplLexer's tokens of `text` (the reference lexFast is tested against).
std::vector<LexedToken> lexWithAntlr(std::string_view text);

}  // namespace cpe
