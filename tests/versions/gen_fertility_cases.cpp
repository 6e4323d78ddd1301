// cpe_gen_fertility_cases [N] [SEED]: writes N generated fertility referrals
// (default 100000, seed 20260401) as batch NDJSON to stdout, for impact runs:
//   cpe_gen_fertility_cases 100000 > cases.ndjson
//   cpe diff 'fertility.ivf.{legacy_area}' fertility.ivf --cases cases.ndjson --by legacy_area
// The cases are described in tests/unit/fertility_cases.h.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "../unit/fertility_cases.h"

int main(int argc, char** argv) {
    char* end = nullptr;
    unsigned long long n = argc > 1 ? std::strtoull(argv[1], &end, 10) : 100000;
    if (argc > 1 && (*end || n == 0)) {
        std::cerr << "usage: cpe_gen_fertility_cases [N] [SEED]   (N a positive whole number, got '" << argv[1] << "')\n";
        return 2;
    }
    unsigned long long seed = argc > 2 ? std::strtoull(argv[2], &end, 10) : 20260401;
    if (argc > 2 && *end) {
        std::cerr << "usage: cpe_gen_fertility_cases [N] [SEED]   (SEED a whole number, got '" << argv[2] << "')\n";
        return 2;
    }
    std::string out;
    for (const auto& c : cpe::testing::generateFertilityCases(n, seed)) {
        out += cpe::testing::fertilityCaseJson(c).dump();
        out += '\n';
        if (out.size() > (1 << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
