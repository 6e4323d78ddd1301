#include "engine/syntax/unquote.h"

namespace cpe {

std::string unquote(std::string_view quoted) {
    std::string out;
    if (quoted.size() < 2) return out;
    for (size_t i = 1; i + 1 < quoted.size(); ++i) {
        char c = quoted[i];
        if (c == '\\' && i + 2 < quoted.size()) {
            char n = quoted[++i];
            out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace cpe
