// libFuzzer target, differential: any bytes through the hand-written parser
// (engine/syntax/fast_parser.h) and ANTLR's. Where the hand parser takes the
// input, ANTLR must parse it without error to the very same AST; parseFile
// (hand first, ANTLR where it declines) must give ANTLR's AST and
// diagnostics exactly. Any difference aborts. `make fuzz` runs it; its corpus
// (fuzz/corpus-parse-paths, with fuzz/corpus) replays in `make test`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/syntax/ast_dump.h"
#include "engine/syntax/parse_paths.h"

namespace {

struct Outcome {
    std::string ast;  // the dump; "" when there is none
    std::string diagnostics;
};

Outcome parse(cpe::ParsePath path, const std::string& text) {
    cpe::SourceSet sources;
    uint32_t f = sources.add("fuzz.cpl", text);
    cpe::Diagnostics diags;
    std::optional<cpe::SourceFileAst> ast = cpe::parseFileVia(path, sources, f, diags);
    return {ast ? cpe::dumpAst(*ast) : "", diags.render(sources)};
}

void differ(const char* what, const std::string& a, const std::string& b) {
    std::fprintf(stderr, "parse paths differ: %s\n--- ANTLR\n%s\n--- other\n%s\n", what, a.c_str(), b.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    Outcome reference = parse(cpe::ParsePath::Antlr, text);
    Outcome hand = parse(cpe::ParsePath::HandOnly, text);
    Outcome first = parse(cpe::ParsePath::HandFirst, text);
    if (first.ast != reference.ast) differ("parseFile's AST", reference.ast, first.ast);
    if (first.diagnostics != reference.diagnostics) differ("parseFile's diagnostics", reference.diagnostics, first.diagnostics);
    if (!hand.ast.empty() && hand.ast != reference.ast) differ("the hand parser's AST", reference.ast, hand.ast);
    if (!hand.ast.empty() && !reference.diagnostics.empty()) differ("taken by hand, refused by ANTLR", reference.diagnostics, "");
    return 0;
}
