#include "audit/read/csv_index.h"

#include <atomic>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace cpe::audit {

namespace {

// Bit i set when byte i of a 64-byte block is a comma, a newline or a quote.
struct BlockMasks {
    uint64_t commas = 0, newlines = 0, quotes = 0;
};

// Every offset `base + i` for bit i of `bits`, in order, 4 stores at a time
// whatever the count (the room after the last entry takes the excess): no
// branch per separator. `lowestBit` may give anything for 0.
template <typename LowestBit>
[[gnu::always_inline]] inline void storeOffsets(uint64_t bits, int32_t base, int32_t* out, LowestBit lowestBit) {
    const auto count = __builtin_popcountll(bits);
    for (int done = 0; done < count; done += 4, out += 4) {
#pragma GCC unroll 4
        for (int k = 0; k < 4; ++k) {
            out[k] = base + lowestBit(bits);
            bits &= bits - 1;
        }
    }
}

// What the loop below needs of an instruction set: a block's masks, and the
// offsets of a mask's bits stored as storeOffsets does.
#if defined(__x86_64__)
struct Sse2 {
    [[gnu::always_inline]] static BlockMasks classify(const char* p) {
        BlockMasks m;
        const __m128i comma = _mm_set1_epi8(',');
        const __m128i newline = _mm_set1_epi8('\n');
        const __m128i quote = _mm_set1_epi8('"');
        for (int i = 0; i < 4; ++i) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
            auto bits = [&](__m128i c) {
                return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, c)))) << (16 * i);
            };
            m.commas |= bits(comma);
            m.newlines |= bits(newline);
            m.quotes |= bits(quote);
        }
        return m;
    }
    [[gnu::always_inline]] static void store(uint64_t bits, int32_t base, int32_t* out) {
        storeOffsets(bits, base, out, [](uint64_t b) { return __builtin_ctzll(b | (uint64_t{1} << 63)); });
    }
};

#define CPE_TARGET_AVX2 __attribute__((target("avx2,popcnt,bmi,bmi2")))
struct Avx2 {
    CPE_TARGET_AVX2 static BlockMasks classify(const char* p) {
        BlockMasks m;
        const __m256i comma = _mm256_set1_epi8(',');
        const __m256i newline = _mm256_set1_epi8('\n');
        const __m256i quote = _mm256_set1_epi8('"');
        for (int i = 0; i < 2; ++i) {
            const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * i));
            auto bits = [&](__m256i c) CPE_TARGET_AVX2 {
                return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, c))))
                       << (32 * i);
            };
            m.commas |= bits(comma);
            m.newlines |= bits(newline);
            m.quotes |= bits(quote);
        }
        return m;
    }
    // tzcnt gives 64 for 0, so no guard bit is needed.
    CPE_TARGET_AVX2 static void store(uint64_t bits, int32_t base, int32_t* out) {
        storeOffsets(bits, base, out, [](uint64_t b) CPE_TARGET_AVX2 { return static_cast<int>(_tzcnt_u64(b)); });
    }
};

#define CPE_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,popcnt,bmi,bmi2")))
struct Avx512 {
    CPE_TARGET_AVX512 static BlockMasks classify(const char* p) {
        const __m512i bytes = _mm512_loadu_si512(p);
        return {_mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8(',')), _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('\n')),
                _mm512_cmpeq_epi8_mask(bytes, _mm512_set1_epi8('"'))};
    }
    // 16 offsets a time: each quarter of the mask selects, from the offsets
    // of its 16 bytes, those to keep (vpcompressd), stored whole.
    CPE_TARGET_AVX512 static void store(uint64_t bits, int32_t base, int32_t* out) {
        const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int quarter = 0; quarter < 4; ++quarter) {
            const auto mask = static_cast<__mmask16>(bits >> (16 * quarter));
            const __m512i offsets = _mm512_add_epi32(lanes, _mm512_set1_epi32(base + 16 * quarter));
            _mm512_storeu_si512(out, _mm512_maskz_compress_epi32(mask, offsets));
            out += __builtin_popcount(mask);
        }
    }
};
#else
struct Bytes {
    static BlockMasks classify(const char* p) {
        BlockMasks m;
        for (int i = 0; i < 64; ++i) {
            const uint64_t bit = uint64_t{1} << i;
            if (p[i] == ',') m.commas |= bit;
            else if (p[i] == '\n') m.newlines |= bit;
            else if (p[i] == '"') m.quotes |= bit;
        }
        return m;
    }
    static void store(uint64_t bits, int32_t base, int32_t* out) {
        storeOffsets(bits, base, out, [](uint64_t b) { return __builtin_ctzll(b | (uint64_t{1} << 63)); });
    }
};
#endif

// indexSeparators' loop, inlined into one function per instruction set.
template <typename Isa>
[[gnu::always_inline]] inline size_t indexBlocks(const char* p, size_t length, int32_t origin, int32_t* separators,
                                                 uint32_t* rowEnds) {
    size_t entries = 0, rows = 0;
    for (size_t at = 0; at < length; at += 64) {
        BlockMasks m = Isa::classify(p + at);
        uint64_t inside = length - at >= 64 ? ~uint64_t{0} : (uint64_t{1} << (length - at)) - 1;
        const bool quote = (m.quotes & inside) != 0;
        if (quote) inside &= (m.quotes & (0 - m.quotes)) - 1;  // stop before the first quote
        const uint64_t newlines = m.newlines & inside;
        const uint64_t bits = (m.commas & inside) | newlines;
        for (uint64_t n = newlines; n; n &= n - 1)
            rowEnds[rows++] =
                static_cast<uint32_t>(entries) + static_cast<uint32_t>(__builtin_popcountll(bits & ((n & (0 - n)) - 1))) + 1;
        Isa::store(bits, origin + static_cast<int32_t>(at), separators + entries);
        entries += static_cast<size_t>(__builtin_popcountll(bits));
        if (quote) break;
    }
    return rows;
}

using IndexFunction = size_t (*)(const char*, size_t, int32_t, int32_t*, uint32_t*);

#if defined(__x86_64__)
size_t indexPortable(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Sse2>(p, length, origin, separators, rowEnds);
}
CPE_TARGET_AVX2 size_t indexAvx2(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Avx2>(p, length, origin, separators, rowEnds);
}
CPE_TARGET_AVX512 size_t indexAvx512(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Avx512>(p, length, origin, separators, rowEnds);
}
bool supports(IndexIsa isa) {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi") &&
                      __builtin_cpu_supports("bmi2");
    switch (isa) {
        case IndexIsa::Portable: return true;
        case IndexIsa::Avx2: return avx2;
        case IndexIsa::Avx512:
            return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl");
    }
    return false;
}
IndexFunction functionFor(IndexIsa isa) {
    switch (isa) {
        case IndexIsa::Avx2: return indexAvx2;
        case IndexIsa::Avx512: return indexAvx512;
        default: return indexPortable;
    }
}
#else
size_t indexPortable(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return indexBlocks<Bytes>(p, length, origin, separators, rowEnds);
}
bool supports(IndexIsa isa) { return isa == IndexIsa::Portable; }
IndexFunction functionFor(IndexIsa) { return indexPortable; }
#endif

// The version in use: the best supported one until useIndexIsa says otherwise.
std::atomic<IndexIsa>& chosen() {
    static std::atomic<IndexIsa> isa{supportedIndexIsas().back()};
    return isa;
}

}  // namespace

size_t indexSeparators(const char* p, size_t length, int32_t origin, int32_t* separators, uint32_t* rowEnds) {
    return functionFor(chosen().load(std::memory_order_relaxed))(p, length, origin, separators, rowEnds);
}

const char* isaName(IndexIsa isa) {
    switch (isa) {
        case IndexIsa::Portable: return "portable";
        case IndexIsa::Avx2: return "avx2";
        case IndexIsa::Avx512: return "avx512";
    }
    return "?";
}

std::vector<IndexIsa> supportedIndexIsas() {
    std::vector<IndexIsa> out;
    for (IndexIsa isa : {IndexIsa::Portable, IndexIsa::Avx2, IndexIsa::Avx512})
        if (supports(isa)) out.push_back(isa);
    return out;
}

void useIndexIsa(IndexIsa isa) {
    if (supports(isa)) chosen() = isa;
}

IndexIsa currentIndexIsa() { return chosen(); }

}  // namespace cpe::audit
