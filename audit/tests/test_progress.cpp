// Progress for long runs: the line drawn on a terminal, the scan's progress
// reports, and `cpe audit` under a real pseudo-terminal (util-linux `script`).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

#include "audit/count/activity_scan.h"
#include "audit/report/progress.h"
#include "audit/tests/coding_text.h"
#include "audit/tests/test_support.h"

using namespace cpe::audit;
using namespace cpe::audit::test;

namespace {

std::string drawn(bool enabled, bool terminal, const std::vector<ScanProgress>& updates, bool finish) {
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    {
        TerminalProgress progress(enabled, f, terminal);
        for (const auto& u : updates) progress.update(u);
        if (finish) progress.finish();
    }
    std::string out(static_cast<size_t>(std::ftell(f)), '\0');
    std::rewind(f);
    size_t got = std::fread(out.data(), 1, out.size(), f);
    std::fclose(f);
    out.resize(got);
    return out;
}

ScanProgress at(uint64_t bytes, std::optional<uint64_t> total, uint64_t rows, double seconds) {
    ScanProgress p;
    p.bytes = bytes;
    p.totalBytes = total;
    p.rows = rows;
    p.seconds = seconds;
    return p;
}

}  // namespace

TEST_CASE("the progress line: percentage of bytes, rows, rows per second, redrawn in place") {
    const std::string clear = "\r\x1b[2K";
    // Under half a second nothing is drawn: short runs show only the summary.
    CHECK(drawn(true, true, {at(10, 100, 5000, 0.3)}, true).empty());
    CHECK(drawn(true, true, {at(50, 200, 1000000, 2.0)}, false) ==
          clear + "  audit: 25% · 1,000,000 rows · 0.50M rows/s · 2.0 s");
    // Gzip or stdin without a known size: no percentage.
    CHECK(drawn(true, true, {at(50, std::nullopt, 3000000, 1.5)}, false) ==
          clear + "  audit: 3,000,000 rows · 2.00M rows/s · 1.5 s");
    // Each update redraws the same line; finish() wipes it for the summary.
    CHECK(drawn(true, true, {at(1, 4, 10, 1.0), at(4, 4, 40, 2.0)}, true) ==
          clear + "  audit: 25% · 10 rows · 0.00M rows/s · 1.0 s" + clear + "  audit: 100% · 40 rows · 0.00M rows/s · 2.0 s" +
              clear);
    // Not a terminal, or --no-progress: silent.
    CHECK(drawn(true, false, {at(50, 200, 1000000, 2.0)}, true).empty());
    CHECK(drawn(false, true, {at(50, 200, 1000000, 2.0)}, true).empty());
}

TEST_CASE("the scan reports progress, ending with the whole file read") {
    auto rules = ebiRules();
    auto m = rules.compile();
    ScanOptions o;
    o.path = dataPath("activity_small.csv");
    o.blockSize = 256;
    std::vector<ScanProgress> seen;
    ScanHooks hooks;
    hooks.onProgress = [&](const ScanProgress& p) { seen.push_back(p); };
    ScanResult r = scanActivity(*m, o, hooks);
    REQUIRE(!seen.empty());
    const ScanProgress& last = seen.back();
    uint64_t size = readFile(dataPath("activity_small.csv")).size();
    REQUIRE(last.totalBytes.has_value());
    CHECK(*last.totalBytes == size);
    CHECK(last.bytes == size);
    CHECK(last.rows == r.rowsRead);
    for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i - 1].bytes <= seen[i].bytes);
}

TEST_CASE("cpe audit draws progress on a terminal and not in a pipe") {
    if (std::system("command -v script >/dev/null 2>&1") != 0) {
        MESSAGE("util-linux `script` is not installed: terminal progress test skipped");
        return;
    }
    TempDir dir("cpe-audit-progress");
    // The rows arrive on stdin after a pause, so the run lasts longer than the
    // half second before progress is drawn however fast the machine is. The
    // pause starts with the process, before the policies load (0.07 s here,
    // 0.7 s in a sanitizer build), hence two seconds.
    std::string args = " audit --policies " + dataPath("policies") + " --activity - --out " + dir.file("out");
    std::string feed = "(sleep 2; cat " + dataPath("activity_small.csv") + ") | ";
    std::string inTerminal = "script -qec '" + feed + CPE_BINARY + args + "' /dev/null >" + dir.file("tty.txt") + " 2>&1";
    int status = std::system(inTerminal.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::string tty = readFile(dir.file("tty.txt"));
    INFO("terminal output: " << tty);
    CHECK(tty.find("\r\x1b[2K  audit: 35 rows · ") != std::string::npos);
    CHECK(tty.find("M rows/s · ") != std::string::npos);
    // The line is wiped before the one-line summary.
    CHECK(tty.find("\r\x1b[2Kaudit: 35 rows read, 10 rejected, 14 episodes counted in ") != std::string::npos);

    std::string inPipe = feed + CPE_BINARY + args + " >" + dir.file("pipe.txt") + " 2>&1";
    status = std::system(inPipe.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::string pipe = readFile(dir.file("pipe.txt"));
    CHECK(pipe.find("\x1b") == std::string::npos);
    CHECK(pipe.find("audit: 35 rows read, 10 rejected, 14 episodes counted in ") == 0);
}
