#include "engine/syntax/antlr_support.h"

#include <algorithm>

namespace cpe {

SourceSlices::SourceSlices(std::string_view text) : text_(text) {
    // ANTLRInputStream drops a leading byte order mark, so code point 0 is
    // the character after it.
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
    auto ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
    if (std::all_of(text_.begin(), text_.end(), ascii)) return;
    byteOf_.reserve(text_.size() + 1);
    for (size_t i = 0; i < text_.size(); ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) byteOf_.push_back(i);
    byteOf_.push_back(text_.size());
}

std::string_view SourceSlices::of(const antlr4::Token* t) const {
    size_t begin = byte(t->getStartIndex()), end = byte(t->getStopIndex() + 1);
    return end > begin ? text_.substr(begin, end - begin) : std::string_view();
}

size_t SourceSlices::length(const antlr4::Token* t) {
    const size_t start = t->getStartIndex(), end = t->getStopIndex() + 1;
    return end > start ? end - start : 0;
}

std::string_view SourceSlices::of(size_t start, size_t stop) const {
    size_t begin = byte(start), end = byte(stop + 1);
    return end > begin ? text_.substr(begin, end - begin) : std::string_view();
}

size_t SourceSlices::byte(size_t codePoint) const {
    if (byteOf_.empty()) return std::min(codePoint, text_.size());
    return byteOf_[std::min(codePoint, byteOf_.size() - 1)];
}

namespace {

class UnlockedLexerSimulator : public antlr4::atn::LexerATNSimulator {
public:
    UnlockedLexerSimulator(antlr4::Lexer* lexer, std::vector<antlr4::dfa::DFA>& dfa)
        : LexerATNSimulator(lexer, lexer->getATN(), dfa, contextCache()) {}

protected:
    antlr4::dfa::DFAState* getExistingTargetState(antlr4::dfa::DFAState* s, size_t t) override {
        if (t > MAX_DFA_EDGE) return nullptr;  // also EOF; such characters stay in the ATN
        auto it = s->edges.find(t - MIN_DFA_EDGE);
        return it == s->edges.end() ? nullptr : it->second;
    }

private:
    // Lexer ATN simulation does not use the shared context cache, but the base class needs one.
    static antlr4::atn::PredictionContextCache& contextCache() {
        static antlr4::atn::PredictionContextCache cache;
        return cache;
    }
};

}  // namespace

// In the 4.9 runtime setInterpreter deletes the simulator it replaces, and
// the generated lexer's destructor deletes the new one.
void useUnlockedSimulator(antlr4::Lexer& lexer) {
    std::vector<antlr4::dfa::DFA>& dfa = lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->_decisionToDFA;
    lexer.setInterpreter(new UnlockedLexerSimulator(&lexer, dfa));
}

}  // namespace cpe
