#include "engine/library/policy_scope.h"

#include <cctype>
#include <set>
#include <string_view>

#include "engine/syntax/decl_heads.h"

namespace cpe {
namespace {

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Where `word` stands in `text` as a whole word, from `from`; npos if nowhere.
size_t findWord(std::string_view text, std::string_view word, size_t from = 0) {
    for (size_t at = text.find(word, from); at != std::string_view::npos; at = text.find(word, at + 1))
        if ((at == 0 || !identChar(text[at - 1])) && (at + word.size() == text.size() || !identChar(text[at + word.size()])))
            return at;
    return std::string_view::npos;
}

bool hasWord(std::string_view text, std::string_view word) { return findWord(text, word) != std::string_view::npos; }

// `module` then `name` (a qualified name's parts may have spaces around the dots).
bool hasModuleDecl(std::string_view text, std::string_view name) {
    for (size_t at = findWord(text, "module"); at != std::string_view::npos; at = findWord(text, "module", at + 1)) {
        size_t i = at + 6, k = 0;
        while (i < text.size() && k < name.size()) {
            if (std::isspace(static_cast<unsigned char>(text[i])) && (k == 0 || text[i - 1] == '.' || name[k] == '.')) {
                ++i;
            } else if (text[i] == name[k]) {
                ++i;
                ++k;
            } else {
                break;
            }
        }
        if (k == name.size() && k > 0 && (i == text.size() || !identChar(text[i]))) return true;
    }
    return false;
}

}  // namespace

std::optional<std::vector<std::optional<std::vector<bool>>>> declarationsFor(const SourceSet& sources,
                                                                             const std::string& policy) {
    const uint32_t n = static_cast<uint32_t>(sources.size());
    std::vector<std::vector<DeclHead>> heads(n);
    std::vector<std::optional<std::vector<bool>>> keep(n, std::vector<bool>{});
    std::vector<bool> scanned(n, false);
    std::set<std::string> policies{policy}, modules{"board"};
    // Only files that could declare something wanted are lexed: lexing all
    // of policies/ was 9.6 M of the 60 M instructions one referral took
    // (callgrind). A policy (or a variant of one) must hold the last part of
    // its name as a whole word, so no file that declares one is passed over;
    // a module is looked for as `module NAME`, which a comment between the
    // two would hide, but a module left out only costs the whole library
    // (its names go unknown, the part fails to load).
    auto mentionsWanted = [&](const std::string& text) {
        for (const std::string& name : policies)
            if (hasWord(text, std::string_view(name).substr(name.rfind('.') + 1))) return true;
        for (const std::string& name : modules)
            if (hasModuleDecl(text, name)) return true;
        return false;
    };
    bool found = false;
    for (bool grew = true; grew;) {  // to a fixed point: each declaration taken in may need more
        grew = false;
        for (uint32_t f = 0; f < n; ++f) {
            const std::string& text = sources.file(f).text;
            if (!scanned[f] && mentionsWanted(text)) {
                scanned[f] = grew = true;
                if (auto tokens = lexFast(text)) {
                    heads[f] = scanDeclHeads(*tokens, text);
                    keep[f]->assign(heads[f].size(), false);
                } else {
                    keep[f].reset();  // the scan cannot read it: parsed whole, and it may declare the policy
                    found = true;
                }
            }
            for (size_t d = 0; d < heads[f].size(); ++d) {
                const DeclHead& h = heads[f][d];
                bool wanted = h.kind == DeclHead::Kind::Module
                                  ? modules.count(h.name) > 0
                                  : h.kind == DeclHead::Kind::Policy &&
                                        (policies.count(h.name) > 0 || (!h.variantOf.empty() && policies.count(h.variantOf) > 0));
                if (!wanted || (*keep[f])[d]) continue;
                (*keep[f])[d] = grew = true;
                found = found || (h.kind == DeclHead::Kind::Policy && h.name == policy);
                if (h.kind == DeclHead::Kind::Policy) policies.insert(h.name);
                if (!h.extends.empty()) policies.insert(h.extends);
                modules.insert(h.uses.begin(), h.uses.end());
            }
        }
    }
    if (!found) return std::nullopt;
    return keep;
}

}  // namespace cpe
