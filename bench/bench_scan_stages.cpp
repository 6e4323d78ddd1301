// Where an audit's time goes: the stages of `cpe audit`'s scan run alone over
// an activity file, each stage adding to the one before, on the same number
// of threads and with the same reads (4 MiB pread()s into padded buffers):
//   read    the bytes only: what any tool must pay, like `cat`
//   split   + records split at commas and newlines (audit/read/csv_scan)
//   parse   + every field checked and converted (audit/read/episode)
// The audit itself adds the coding rules, the counting and the outputs.
// bench/bench_audit.sh prints these next to `cat` and the whole audit.
//
// Usage: bench_scan_stages FILE [THREADS [ISA]], where ISA names a version of
// stage one's record splitting (audit/read/csv_index.h: portable, avx2, avx512;
// default the best this processor runs). The file is cut between threads
// at newlines, so it must have no quoted line breaks (generated activity has
// none); each stage's row count is checked against the first stage's lines.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "audit/read/activity_schema.h"
#include "audit/read/csv_index.h"
#include "audit/read/csv_scan.h"
#include "audit/read/episode.h"

using namespace cpe::audit;

namespace {

enum class Stage { Read, Split, Parse };
const char* kStageNames[] = {"read", "split", "parse"};

struct Part {
    off_t begin = 0, end = 0;
    uint64_t rows = 0, valid = 0;
};

// Runs `stage` over [part.begin, part.end), which starts and ends at line boundaries.
void runPart(int fd, Stage stage, const ActivitySchema& schema, Part& part) {
    constexpr size_t kBlock = size_t{4} << 20;
    std::vector<char> buffer(2 * kBlock + kScanPadding);
    std::string scratch, reason;
    size_t carry = 0;
    off_t at = part.begin;
    while (at < part.end || carry > 0) {
        const auto want = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(kBlock), part.end - at));
        const ssize_t got = want ? pread(fd, buffer.data() + carry, want, at) : 0;
        if (got < 0) throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
        at += got;
        const size_t size = carry + static_cast<size_t>(got);
        const bool last = at >= part.end;
        size_t cut = size;
        if (!last) {
            const char* nl = static_cast<const char*>(memrchr(buffer.data(), '\n', size));
            cut = nl ? static_cast<size_t>(nl - buffer.data()) + 1 : 0;
        }
        if (cut == 0 && !last) throw std::runtime_error("a line longer than 4 MiB");
        // The scanner reads kScanPadding bytes past a chunk, which must be
        // zero; the bytes there (the next chunk's start) are put back after.
        char saved[kScanPadding];
        std::memcpy(saved, buffer.data() + cut, kScanPadding);
        std::memset(buffer.data() + cut, 0, kScanPadding);
        if (stage != Stage::Read) {
            RecordScanner scanner(buffer.data(), buffer.data() + cut, scratch);
            Record record;
            Episode episode;
            while (scanner.next(record)) {
                ++part.rows;
                if (stage == Stage::Parse && parseEpisode(record, schema, episode, reason)) ++part.valid;
            }
        }
        std::memcpy(buffer.data() + cut, saved, kScanPadding);
        carry = size - cut;
        std::memmove(buffer.data(), buffer.data() + cut, carry);
        if (last) break;
    }
}

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_scan_stages FILE [THREADS [ISA]]\n");
        return 2;
    }
    const unsigned threads = argc > 2 ? static_cast<unsigned>(std::max(1, std::atoi(argv[2]))) : 2;
    if (argc > 3) {
        bool found = false;
        for (IndexIsa isa : supportedIndexIsas())
            if (std::string(isaName(isa)) == argv[3]) {
                useIndexIsa(isa);
                found = true;
            }
        if (!found) {
            std::fprintf(stderr, "bench_scan_stages: %s: not a version this processor runs\n", argv[3]);
            return 2;
        }
    }
    const int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::fprintf(stderr, "bench_scan_stages: %s: %s\n", argv[1], std::strerror(errno));
        return 1;
    }
    const off_t size = lseek(fd, 0, SEEK_END);
    // The header, and where each thread's part starts (after a newline).
    std::string head(4096, '\0');
    head.resize(static_cast<size_t>(std::max<ssize_t>(0, pread(fd, head.data(), head.size(), 0))));
    const size_t headerEnd = head.find('\n');
    if (headerEnd == std::string::npos) {
        std::fprintf(stderr, "bench_scan_stages: %s: no header row\n", argv[1]);
        return 1;
    }
    std::vector<std::string_view> names;
    for (size_t from = 0; from <= headerEnd;) {
        size_t comma = std::min(head.find(',', from), headerEnd);
        names.emplace_back(head.data() + from, comma - from);
        from = comma + 1;
    }
    std::string error;
    auto schema = checkHeader(names, error);
    if (!schema) {
        std::fprintf(stderr, "bench_scan_stages: %s:1: %s\n", argv[1], error.c_str());
        return 1;
    }
    std::vector<off_t> starts{static_cast<off_t>(headerEnd + 1)};
    for (unsigned t = 1; t < threads; ++t) {
        off_t guess = size * t / threads;
        char c = 0;
        while (guess < size && pread(fd, &c, 1, guess - 1) == 1 && c != '\n') ++guess;
        starts.push_back(std::max(guess, starts.back()));
    }
    starts.push_back(size);

    uint64_t expectedRows = 0;
    for (Stage stage : {Stage::Read, Stage::Split, Stage::Parse}) {
        double best = 1e9, bestCpu = 0;
        uint64_t rows = 0, valid = 0;
        for (int pass = 0; pass < 3; ++pass) {
            std::vector<Part> parts(threads);
            for (unsigned t = 0; t < threads; ++t) parts[t] = {starts[t], starts[t + 1], 0, 0};
            const double cpu0 = cpuSeconds();
            const auto t0 = std::chrono::steady_clock::now();
            std::vector<std::thread> pool;
            for (unsigned t = 0; t < threads; ++t)
                pool.emplace_back([&, t] {
                    try {
                        runPart(fd, stage, *schema, parts[t]);
                    } catch (const std::exception& e) {
                        std::fprintf(stderr, "bench_scan_stages: %s: %s\n", argv[1], e.what());
                        std::exit(1);
                    }
                });
            for (auto& t : pool) t.join();
            const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double cpu = cpuSeconds() - cpu0;
            rows = valid = 0;
            for (const Part& p : parts) {
                rows += p.rows;
                valid += p.valid;
            }
            if (wall < best) {
                best = wall;
                bestCpu = cpu;
            }
        }
        if (stage == Stage::Split) expectedRows = rows;
        std::printf("%-6s %.3f s  cpu %.3f s  %s", kStageNames[static_cast<int>(stage)], best, bestCpu,
                    isaName(currentIndexIsa()));
        if (stage != Stage::Read) std::printf("  rows %llu", static_cast<unsigned long long>(rows));
        if (stage == Stage::Parse) std::printf("  valid %llu", static_cast<unsigned long long>(valid));
        if (rows != expectedRows) std::printf("  MISMATCH: %llu rows split", static_cast<unsigned long long>(expectedRows));
        std::printf("\n");
    }
    close(fd);
    return 0;
}
