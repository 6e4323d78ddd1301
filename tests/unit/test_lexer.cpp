// lexFast (engine/syntax/lexer.h), the hand-written lexer parseFile uses, is
// pinned to the generated CplLexer: the same tokens (type, channel, code point
// positions, line, column) on every .cpl in the tree and on cases made for the
// edges of each token rule; where it declines, CplLexer lexes the file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/source/utf8.h"
#include "engine/syntax/lexer.h"

using namespace cpe;

namespace {

// Checks one text; returns whether the fast lexer took it.
bool sameTokens(const std::string& text, const std::string& what) {
    if (firstInvalidUtf8(text)) return false;  // parseFile refuses it before either lexer sees it
    std::optional<std::vector<LexedToken>> fast = lexFast(text);
    if (!fast) return false;
    std::vector<LexedToken> ref = lexWithAntlr(text);
    CAPTURE(what);
    REQUIRE(fast->size() == ref.size());
    for (size_t i = 0; i < ref.size(); ++i) {
        CAPTURE(i);
        CHECK((*fast)[i].type == ref[i].type);
        CHECK((*fast)[i].channel == ref[i].channel);
        CHECK((*fast)[i].start == ref[i].start);
        CHECK((*fast)[i].stop == ref[i].stop);
        CHECK((*fast)[i].line == ref[i].line);
        CHECK((*fast)[i].column == ref[i].column);
        if (!((*fast)[i] == ref[i])) break;
    }
    return true;
}

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("lexFast gives CplLexer's tokens on every policy, corpus and fuzz file") {
    namespace fs = std::filesystem;
    int taken = 0, declined = 0, policies = 0;
    for (const char* dir : {"policies", "tests/check", "fuzz/corpus", "docs"})
        for (const auto& e : fs::recursive_directory_iterator(fs::path(CPE_SOURCE_DIR) / dir)) {
            if (!e.is_regular_file() || (e.path().extension() != ".cpl" && std::string(dir) != "fuzz/corpus")) continue;
            bool fast = sameTokens(readFile(e.path()), e.path().string());
            (fast ? taken : declined)++;
            if (std::string(dir) == "policies") {
                CHECK_MESSAGE(fast, e.path().string());  // the library itself always takes the fast path
                ++policies;
            }
        }
    CHECK(policies > 20);
    CHECK(taken > 100);
    MESSAGE("fast lexer took " << taken << " files, declined " << declined);
}

TEST_CASE("lexFast at the edges of each token rule") {
    // Each either lexes exactly as CplLexer does or is declined.
    const char* cases[] = {
        "",
        " ",
        "\n\n",
        "\xEF\xBB\xBFpolicy p {}",
        "policy",
        "policyx",
        "ifr if i",
        "_x x_1 X9",
        "2026-04-01",
        "2026-04-011",
        "2026-4-01",
        "20261-04-01",
        "2026-04",
        "1.5",
        "1.",
        "1..4",
        "1.2.3",
        "-3.0",
        "007",
        "[kg/m2]",
        "[%]",
        "[x",
        "[ kg]",
        "[\"37\"]",
        "[F341]",
        "[a,b]",
        "[kg/m²]",
        "\"a\"",
        "\"a\\\"b\"",
        "\"é – ü\"",
        "\"a\\\nb\"",
        "\"a",
        "\"a\nb\"",
        "// c\nx",
        "//",
        "/* c */x",
        "/* multi\nline */ y",
        "/* open",
        "/**/",
        "a/b",
        "a / * b",
        ">= <= == != < > = .. . , : ( ) { } [ ] + - * /",
        "a>=b",
        "a=>b",
        "a!b",
        "a@b",
        "x # y",
        "é",
        "\t\r\n x",
        "criterion c \"Ünïcödé\" = x >= 3 // ärger\n  y",
        "within 12 months",
        "count of d where it is a",
    };
    for (const char* c : cases) sameTokens(c, c);
    CHECK(lexFast("a@b") == std::nullopt);
    CHECK(lexFast("\"open") == std::nullopt);
    CHECK(lexFast("/* open") == std::nullopt);
    CHECK(lexFast("x >= 2026-04-01 [kg/m2] \"s\" // c").has_value());
}
