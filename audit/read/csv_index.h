#pragma once
// Stage one of record splitting (see RecordScanner in csv_scan.h): the
// offsets of the commas and newlines in a window of a chunk, found 64 bytes
// at a time. There is a version per instruction set; the best the processor
// supports is chosen when the program starts, so the program still runs on
// any x86-64, and tests can run every version.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cpe::audit {

// Indexes the `length` bytes at `p`, whose first byte lies at offset `origin`
// in its chunk, up to the first quote (exclusive). Writes the chunk offset of
// every comma and newline, in order, to separators[0...], and for each
// newline the number of separators written up to and including it to
// rowEnds; returns the number of newlines. `separators` needs room for
// length + 16 entries, `rowEnds` for `length`, and the 64 bytes after
// p + length must be readable (they are ignored).
size_t indexSeparators(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds);

enum class IndexIsa {
    Portable,  // SSE2 on x86-64 (every x86-64), plain C++ elsewhere
    Avx2,      // AVX2, POPCNT, BMI1/2: x86-64-v3 (2013 on)
    Avx512,    // AVX-512 F/BW/VL on top of those
};
const char* isaName(IndexIsa isa);
// The versions this processor can run, best last.
std::vector<IndexIsa> supportedIndexIsas();
// Makes indexSeparators use `isa`, which must be supported (for tests and
// benchmarks; not for use while another thread is scanning).
void useIndexIsa(IndexIsa isa);
IndexIsa currentIndexIsa();

}  // namespace cpe::audit
