#include "engine/syntax/decl_heads.h"

#include "CplLexer.h"
#include "engine/syntax/antlr_support.h"

namespace cpe {

std::vector<DeclHead> scanDeclHeads(const std::vector<LexedToken>& tokens, std::string_view text) {
    static const uint32_t kModule = literalType("module"), kPolicy = literalType("policy"), kTest = literalType("test"),
                          kExtends = literalType("extends"), kUse = literalType("use"), kVariant = literalType("variant"),
                          kOf = literalType("of"), kFor = literalType("for"), kDot = literalType("."), kOpen = literalType("{"),
                          kClose = literalType("}");
    const SourceSlices slices(text);
    std::vector<DeclHead> heads;
    size_t from = 0;
    for (size_t end : topLevelPieces(tokens, 1)) {
        // The piece's tokens on the default channel (comments and spaces dropped).
        std::vector<const LexedToken*> t;
        for (size_t i = from; i < end; ++i)
            if (tokens[i].channel == antlr4::Token::DEFAULT_CHANNEL) t.push_back(&tokens[i]);
        from = end;
        auto isName = [&](size_t i) { return i < t.size() && (t[i]->type == cpl::CplLexer::IDENT || isKeywordType(t[i]->type)); };
        // The qualified name starting at t[i] ("" when none), moving i past it.
        auto qualifiedName = [&](size_t& i) {
            std::string name;
            while (isName(i)) {
                name += slices.of(t[i]->start, t[i]->stop);
                ++i;
                if (i + 1 < t.size() && t[i]->type == kDot && isName(i + 1)) {
                    name += '.';
                    ++i;
                } else {
                    break;
                }
            }
            return name;
        };
        DeclHead head;
        size_t i = 0;
        if (!t.empty() && (t[0]->type == kModule || t[0]->type == kPolicy)) {
            head.kind = t[0]->type == kModule ? DeclHead::Kind::Module : DeclHead::Kind::Policy;
            i = 1;
            head.name = qualifiedName(i);
            if (i < t.size() && t[i]->type == kExtends) head.extends = qualifiedName(++i);
        } else if (!t.empty() && t[0]->type == kTest) {
            head.kind = DeclHead::Kind::Test;
            if (t.size() > 3 && t[2]->type == kFor) {
                i = 3;
                head.name = qualifiedName(i);
            }
        }
        // `use M` and `variant of P` directly in the declaration's body.
        int depth = 0;
        for (; i < t.size(); ++i) {
            if (t[i]->type == kOpen) ++depth;
            if (t[i]->type == kClose) --depth;
            if (depth != 1) continue;
            if (t[i]->type == kUse) {
                size_t j = i + 1;
                if (std::string m = qualifiedName(j); !m.empty()) head.uses.push_back(std::move(m));
            } else if (t[i]->type == kVariant && i + 1 < t.size() && t[i + 1]->type == kOf) {
                size_t j = i + 2;
                head.variantOf = qualifiedName(j);
            }
        }
        heads.push_back(std::move(head));
    }
    return heads;
}

}  // namespace cpe
