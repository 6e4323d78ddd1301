// `cpe lsp` re-check cost on a policy library (default: policies/): the time
// to first diagnostics when a file is opened (the first check reads every
// file), then per keystroke, the re-check after one character changes in the
// open document, as the server does it (lsp/library.cpp). Prints figures;
// bench/bench_lsp.sh runs it.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lsp/documents.h"
#include "lsp/library.h"
#include "lsp/text_position.h"

using namespace cpe::lsp;
using Clock = std::chrono::steady_clock;

static double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }
// CPU time of this process, in ms: on a shared machine wall time includes waiting for a core.
static double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

int main(int argc, char** argv) {
    std::string root = std::filesystem::absolute(argc > 1 ? argv[1] : "policies").lexically_normal().string();
    std::string file =
        argc > 2 ? std::filesystem::absolute(argv[2]).lexically_normal().string() : root + "/ebi/tonsillectomy.cpl";
    int rounds = argc > 3 ? std::atoi(argv[3]) : 200;
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    Documents docs;
    const std::string uri = uriFromPath(file);
    docs.open(uri, text.str(), 1);

    Library lib(root);
    auto t0 = Clock::now();
    double c0 = cpuMs();
    lib.analyse(docs);
    double c1 = cpuMs();
    auto t1 = Clock::now();
    std::printf("open %s: first diagnostics after %.1f ms wall, %.1f ms CPU (%zu files, %zu diagnostics)\n", file.c_str(),
                ms(t0, t1), c1 - c0, lib.analysis().sources->size(), lib.analysis().diags.all().size());

    // Keystrokes: type a letter at the end of the first line's comment, then take it away.
    std::vector<double> times, cpu;
    size_t parsed = 0;
    for (int i = 0; i < rounds; ++i) {
        nlohmann::json change = nlohmann::json::array(
            {{{"range", {{"start", {{"line", 0}, {"character", 2}}}, {"end", {{"line", 0}, {"character", i % 2 ? 3 : 2}}}}},
              {"text", i % 2 ? "" : "x"}}});
        docs.change(uri, change, i + 2);
        auto a = Clock::now();
        double c = cpuMs();
        lib.analyse(docs);
        cpu.push_back(cpuMs() - c);
        times.push_back(ms(a, Clock::now()));
        parsed += lib.analysis().filesParsed;
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu.begin(), cpu.end());
    auto pct = [&](double p) {
        return times[std::min(times.size() - 1, static_cast<size_t>(p * static_cast<double>(times.size())))];
    };
    std::printf(
        "per keystroke re-check of the whole library (%d edits): median %.1f ms, p90 %.1f ms, max %.1f ms (target < 50 ms)\n",
        rounds, pct(0.5), pct(0.9), times.back());
    std::printf("  CPU time per re-check: median %.1f ms, max %.1f ms; files parsed per re-check: %.1f of %zu\n",
                cpu[cpu.size() / 2], cpu.back(), static_cast<double>(parsed) / rounds, lib.analysis().sources->size());

    // A keystroke that breaks the syntax: the re-check also rebuilds the index from the last text that parsed.
    times.clear();
    cpu.clear();
    for (int i = 0; i < rounds / 4; ++i) {
        nlohmann::json change = nlohmann::json::array(
            {{{"range", {{"start", {{"line", 1}, {"character", 0}}}, {"end", {{"line", 1}, {"character", i % 2 ? 1 : 0}}}}},
              {"text", i % 2 ? "" : "}"}}});
        docs.change(uri, change, 1000 + i);
        auto a = Clock::now();
        double c = cpuMs();
        lib.analyse(docs);
        cpu.push_back(cpuMs() - c);
        times.push_back(ms(a, Clock::now()));
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf(
        "per keystroke re-check, alternating a syntax error and its fix (%zu edits): median %.1f ms, p90 %.1f ms, max %.1f ms; "
        "CPU "
        "median %.1f ms\n",
        times.size(), pct(0.5), pct(0.9), times.back(), cpu[cpu.size() / 2]);
    return 0;
}
