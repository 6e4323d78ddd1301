// The parse of one file along each path (engine/syntax/parse_paths.h): ANTLR
// alone, as parseFile parsed before the hand-written parser, against parseFile
// now (by hand, ANTLR where it declines). CPU time, best of a few rounds, and
// the ratio within this one run: on a shared machine only the ratio travels.
// bench/bench_check.sh runs it on the generated 5 MB library.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/syntax/parse_paths.h"

namespace {

double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// Best CPU time of `rounds` parses of the file along `path`, in ms.
double best(cpe::ParsePath path, const cpe::SourceSet& sources, int rounds) {
    double out = 1e300;
    for (int r = 0; r < rounds; ++r) {
        cpe::Diagnostics diags;
        double c0 = cpuMs();
        std::optional<cpe::SourceFileAst> ast = cpe::parseFileVia(path, sources, 0, diags);
        double c1 = cpuMs();
        if (!ast) {
            std::fprintf(stderr, "the file does not parse:\n%s", diags.render(sources).c_str());
            std::exit(1);
        }
        out = std::min(out, c1 - c0);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_parse_paths FILE.cpl [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    cpe::SourceSet sources;
    sources.add(argv[1], text.str());
    double antlr = best(cpe::ParsePath::Antlr, sources, rounds);
    double hand = best(cpe::ParsePath::HandFirst, sources, rounds);
    std::printf("parse %.1f MB, best CPU of %d: ANTLR alone %.0f ms, parseFile (by hand) %.0f ms: %.1fx faster\n",
                static_cast<double>(text.str().size()) / 1e6, rounds, antlr, hand, antlr / hand);
    return 0;
}
