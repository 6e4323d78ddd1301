#pragma once
// Runs a job on every line of a stream on several threads and writes what
// each line gives in input order, the same bytes as one thread gives: a batch
// (`cpe decide --cases`) uses both cores of the machine. Lines are read by
// LineReader (so --max-line holds), copied into blocks of a few thousand
// lines, and the blocks of a round are shared out among the threads; each
// block's output is written when the round ends, in order.
#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "engine/base/line_reader.h"

namespace cpe {

// Appends what one line gives (with its own '\n', or nothing) to `out`.
// Called from several threads at once: it must not share mutable state
// without its own synchronisation. `worker` (0 to threads - 1) names the
// thread calling, so a job can keep state per thread without locks.
using LineJob = std::function<void(const Line& line, std::string& out, unsigned worker)>;

struct ParallelLinesOptions {
    unsigned threads = 1;  // 0 or 1: the calling thread alone (worker 0)
    std::size_t maxLine = kDefaultMaxLine;
    std::size_t blockLines = 4096;      // a block ends at this many lines ...
    std::size_t blockBytes = 4u << 20;  // ... or this many bytes of input
};

struct ParallelLinesResult {
    std::size_t lines = 0;     // lines read
    std::size_t lastLine = 0;  // number of the last line read
    bool readError = false;    // the stream failed (not just ended)
};

ParallelLinesResult forEachLineInOrder(std::istream& in, std::ostream& out, const LineJob& job,
                                       const ParallelLinesOptions& options = {});

// The same, handing what the lines gave to `sink` in input order, a whole
// number of lines' output at a time (a job's output can be records that
// the caller adds up: impact runs, engine/diff/impact.cpp).
using LinesSink = std::function<void(std::string_view output)>;
ParallelLinesResult forEachLineInOrder(std::istream& in, const LinesSink& sink, const LineJob& job,
                                       const ParallelLinesOptions& options = {});

}  // namespace cpe
