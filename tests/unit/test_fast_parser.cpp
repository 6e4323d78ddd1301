// The hand-written parser (engine/syntax/fast_parser.h) is pinned to ANTLR's:
// on every .cpl in the tree, every fuzz corpus input and the generated 1 MB
// library, wherever it takes a file it builds the very AST ANTLR's path
// builds (ast_dump: every node, text, span and comment), and parseFile
// (hand first, ANTLR where it declines) gives the same AST and the same
// diagnostics as ANTLR alone.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/syntax/ast_dump.h"
#include "engine/syntax/parse_paths.h"

using namespace cpe;

namespace {

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct Outcome {
    std::optional<SourceFileAst> ast;
    std::string diagnostics;
};

Outcome parseVia(ParsePath path, const std::string& text, const std::vector<bool>* keep = nullptr) {
    SourceSet sources;
    uint32_t f = sources.add("t.cpl", text);
    Diagnostics diags;
    Outcome out;
    out.ast = parseFileVia(path, sources, f, diags, keep);
    out.diagnostics = diags.render(sources);
    return out;
}

// Files ANTLR parses that the hand parser declined, for the message.
std::vector<std::string> declinedValid;

// Compares the paths on one text; returns whether the hand parser took it whole.
bool samePaths(const std::string& text, const std::string& what, const std::vector<bool>* keep = nullptr) {
    CAPTURE(what);
    Outcome reference = parseVia(ParsePath::Antlr, text, keep);
    Outcome hand = parseVia(ParsePath::HandOnly, text, keep);
    Outcome first = parseVia(ParsePath::HandFirst, text, keep);
    // parseFile reads exactly as ANTLR alone, errors included.
    CHECK(first.diagnostics == reference.diagnostics);
    REQUIRE(first.ast.has_value() == reference.ast.has_value());
    if (reference.ast) CHECK(dumpAst(*first.ast) == dumpAst(*reference.ast));
    if (!hand.ast) {
        if (reference.ast) declinedValid.push_back(what);
        return false;
    }
    // Taken by hand: ANTLR parses it too, to the same tree.
    REQUIRE(reference.ast);
    CHECK(reference.diagnostics.empty());
    CHECK(dumpAst(*hand.ast) == dumpAst(*reference.ast));
    return true;
}

}  // namespace

TEST_CASE("the hand parser builds ANTLR's AST on every policy, test, check case and fuzz input") {
    namespace fs = std::filesystem;
    int taken = 0, declined = 0, policies = 0;
    for (const char* dir : {"policies", "tests", "fuzz/corpus", "fuzz/corpus-lsp", "docs", "demo"})
        for (const auto& e : fs::recursive_directory_iterator(fs::path(CPE_SOURCE_DIR) / dir)) {
            bool corpus = std::string(dir).starts_with("fuzz/");
            if (!e.is_regular_file() || (e.path().extension() != ".cpl" && !corpus)) continue;
            bool hand = samePaths(readFile(e.path()), e.path().string());
            (hand ? taken : declined)++;
            if (std::string(dir) == "policies") {
                CHECK_MESSAGE(hand, e.path().string());  // the library itself always takes the hand parser
                ++policies;
            }
        }
    CHECK(policies > 20);
    CHECK(taken > 150);
    std::string valid;
    for (const std::string& d : declinedValid) valid += "\n  " + d;
    MESSAGE("hand parser took " << taken << " files, declined " << declined);
    // Every file ANTLR parses, the hand parser parses too (the declined are syntax errors).
    CHECK_MESSAGE(declinedValid.empty(), "declined, though ANTLR parses them:" << valid);
}

TEST_CASE("the hand parser reads each declaration on its own when given a choice of them") {
    std::string text = readFile(std::filesystem::path(CPE_SOURCE_DIR) / "policies/ebi/tonsillectomy.cpl");
    text = "// a module first\nmodule m { fact a: boolean \"A\" } // after m\n" + text + "\n/* the end */\n";
    for (std::vector<bool> keep : {std::vector<bool>{true, false}, {false, true}, {true, true}, {false, false, true}}) {
        CAPTURE(keep.size());
        CHECK(samePaths(text, "keep", &keep));
    }
}

TEST_CASE("the hand parser at the grammar's close calls: the same AST as ANTLR, or it declines") {
    // Each is wrapped in a policy or a test; each either parses by hand to
    // ANTLR's tree or is left to ANTLR (both checked by samePaths).
    const char* members[] = {
        "criterion c \"C\" = count of g where it >= 50 >= 2",
        "criterion c \"C\" = count of g where it >= 1 and x or y",
        "criterion c \"C\" = count(x) > 1",
        "value v = if a then 1 else 2 + 3 * 4",
        "value v = if a then if b then 1 else 2 else 3",
        "value v = 1 + if a then 2 else 3 + 4",
        "criterion c \"C\" = not a and not not b or c",
        "criterion c \"C\" = - - x > -3.5 [kg]",
        "criterion c \"C\" = x between 1 and 2 and y",
        "criterion c \"C\" = x within 12 months and y is not z and w not in {a, b,} and v has s",
        "criterion c \"C\" = primary procedure in {W37-W38, \"A\" - \"B\", -3, 2.5, x} or any diagnosis in cs",
        "criterion c \"C\" = primary + secondary > any of (a, b,) and all of (c) and at least 2 of (d, e, f,)",
        "criterion c \"C\" = ((a)) and (b or c)",
        "criterion c \"C\" = f() and g(a, b + 1)",
        "criterion c \"C\" = x == 2026-04-01 and y != \"s\\\"q\" and z < 1 and z <= 1 and z > 1",
        "coding = primary procedure in {W37}",
        "coding including emergencies = x",
        "coding including including emergencies = x",
        "coding without cancer exclusion including emergencies = x",
        "coding without = x",
        "override coding adults = x",
        "override criterion c \"C\" = x",
        "override value v \"V\" = x",
        "output o = x / 2 - 1",
        "override decide { eligible when x\n otherwise not_eligible }",
        "decide { eligible route ifr when x\n route when y\n otherwise not_eligible route panel }",
        "decide { otherwise x route route y when z }",
        "decide { otherwise x route when z }",
        "decide { }",
        "fact f: integer [mm] in -5..10 \"F\"",
        "fact f: decimal in -0.5..2.0",
        "fact f: integer except a",
        "fact f: severity up to moderate except a, b",
        "fact f: enum(a, b, none)",
        "fact f: levels(no < mild < severe)",
        "fact f: list of code",
        "fact f: list",
        "fact f: enum",
        "fact f: boolean up to x",
        "type t = date",
        "type t = text \"T\"",
        "codeset cs \"Codes\" = {W37, \"0A1\" - \"0A9\", x,}",
        "group g = (a, b, c,)",
        "use ebi.common",
        "title \"T\" version \"v1\" version 2026-01-01 effective 2026-04-01 until 2027-01-01 owner \"O\" source \"S\"",
        "route criteria based route prior approval route not routinely commissioned ifr allowed ifr none",
        "variant of fertility.ivf when area is x",
        "next step eligible \"Refer\" next step ifr \"Apply\"",
        "ifr maybe",
        "criterion c = x",
        "criterion c \"C\" = x >= ",
        "criterion c \"C\" = x < y < z",
        "criterion c \"C\" = "
        "99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
        "999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 > 1",
    };
    for (const char* m : members) {
        samePaths(std::string("policy p.q extends r {\n  ") + m + "  // trailing\n}\n", m);
        samePaths(std::string("module p {\n  /* lead */ ") + m + "\n}", m);
    }
    const char* items[] = {
        "as of 2026-06-01",
        "given a = 1, b = -2.5, c = 2026-01-01, d = \"s\", e = true, f = unknown, g = [a, 1, [b]], h = [F341], i = none,",
        "given a = [], expect eligible",
        "expect error",
        "expect error \"no\"",
        "expect error, route x",
        "expect missing none",
        "expect missing (a, b)",
        "expect missing",
        "expect reasons (a)",
        "expect reasons",
        "expect output o = 3",
        "expect output, route ifr",
        "expect not_eligible, route ifr",
        "given a = - x",
    };
    for (const char* i : items) samePaths(std::string("test \"t\" for p.q like \"u\" { // first\n  ") + i + " // on it\n}", i);
    // Spans after non-ASCII text, a byte order mark, comments everywhere.
    samePaths("\xEF\xBB\xBF/* é */ policy p { title \"Ünï\" // ü\n criterion c \"ä\" = x >= 3 /* ö */ }\n// end", "non-ASCII");
    samePaths("", "empty");
    samePaths("// only a comment", "comment only");
    samePaths("policy p { } }", "unbalanced");
    samePaths("policy p { criterion c \"C\" = " + std::string(300, '(') + "x" + std::string(300, ')') + " }", "deep");
}

TEST_CASE("a number no double holds is a clear error at the number on both paths, not an exception") {
    std::string digits(400, '9');
    for (const std::string& number : {digits, "0." + std::string(400, '0') + "1"}) {
        std::string text = "policy p {\n  criterion c \"C\" = x > " + number + "\n}\n";
        CHECK(samePaths(text, "huge") == false);
        Outcome out = parseVia(ParsePath::HandFirst, text);
        CHECK_FALSE(out.ast);
        CHECK(out.diagnostics.find("t.cpl:2:25: error: number out of range: a number is at most about 1e308, and no closer "
                                   "to 0 than about 1e-308") != std::string::npos);
    }
    // 300 digits is still a number.
    CHECK(samePaths("policy p { value v = " + std::string(300, '9') + " }", "300 digits"));
}

TEST_CASE("the hand parser builds ANTLR's AST on the generated 1 MB library" * doctest::skip()) {
    // Run by ctest (unit_hand_parser_generated) with the file bench/gen_check_input writes.
    const char* path = std::getenv("CPE_GENERATED_LIBRARY");
    REQUIRE(path);
    std::string text = readFile(path);
    REQUIRE(text.size() > 900000);
    CHECK(samePaths(text, path));
}
