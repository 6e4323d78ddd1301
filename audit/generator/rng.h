#pragma once
// The generators' random numbers: splitmix64, tiny, fast, and the same
// everywhere (unlike std distributions), so a seed always gives the same bytes.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace cpe::audit {

struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    bool chance(double p) { return unit() < p; }
    int between(int lo, int hi) { return lo + static_cast<int>(below(static_cast<uint64_t>(hi - lo + 1))); }
    template <typename T, size_t N>
    const T& pick(const std::array<T, N>& a) {
        return a[below(N)];
    }
    double normal() {  // Box-Muller
        double u = unit(), v = unit();
        if (u < 1e-300) u = 1e-300;
        return std::sqrt(-2 * std::log(u)) * std::cos(6.283185307179586 * v);
    }
};

}  // namespace cpe::audit
