#pragma once
// Two workarounds for costs of the ANTLR 4.9 C++ runtime, used by parse.cpp
// (the only user of ANTLR in the engine). Together they took a third off
// loading the policy library (callgrind: cpe check policies 342.7M -> 255.3M
// instructions).
#include <string_view>
#include <vector>

#include "antlr4-runtime.h"

namespace cpe {

// Token text as a slice of the UTF-8 source. ANTLR's getText() re-encodes its
// UTF-32 copy of the input into a new string on every call (and a rule
// context's getText() goes through a std::stringstream), which made up a
// large part of loading the library. Token positions count code points, so a
// file with non-ASCII text needs a code point -> byte map; ASCII files, the
// usual case, use the index as is.
class SourceSlices {
public:
    explicit SourceSlices(std::string_view text);
    // The token's text exactly as ANTLR's getText() gives it, except that the
    // end-of-file token is empty rather than "<EOF>".
    std::string_view of(const antlr4::Token* t) const;
    // The token's length in code points, as columns count (0 for a token
    // that covers no text).
    static size_t length(const antlr4::Token* t);
    // The text of code points [start, stop] (a LexedToken's positions).
    std::string_view of(size_t start, size_t stop) const;

private:
    size_t byte(size_t codePoint) const;
    std::string_view text_;
    std::vector<size_t> byteOf_;  // empty when the text is ASCII
};

// The ANTLR 4.9 lexer looks up each input character's DFA edge under a
// reader-writer lock built on a mutex and a condition variable, about a
// third of all lexing. This swaps the lexer's simulator for one that reads
// the edge map without it, on the same (static) DFA; adding edges still goes
// through the runtime. Only for a lexer that no other thread lexes with at
// the same time: parseFile parses one file at a time, under a mutex of its
// own (the runtime is not safe for parallel parsing anyway).
void useUnlockedSimulator(antlr4::Lexer& lexer);

}  // namespace cpe
