// cpe-gen-care: writes deterministic synthetic care records (NDJSON, or CSV
// with --csv) for tests and benchmarks. Usage:
//   cpe-gen-care [--records N] [--seed S] [--late RATE] [--inconsistent RATE] [--csv] [--out FILE]
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "audit/generator/care_generator.h"

int main(int argc, char** argv) {
    cpe::audit::CareGeneratorOptions o;
    std::string out = "-";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "cpe-gen-care: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--records") o.records = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--late") o.lateRate = std::atof(value().c_str());
        else if (a == "--inconsistent") o.inconsistentRate = std::atof(value().c_str());
        else if (a == "--csv") o.csv = true;
        else if (a == "--out") out = value();
        else if (a == "--help" || a == "-h") {
            std::puts("usage: cpe-gen-care [--records N] [--seed S] [--late RATE] [--inconsistent RATE] [--csv] [--out FILE]");
            return 0;
        } else {
            std::fprintf(stderr, "cpe-gen-care: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    std::FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
    if (!f) {
        std::fprintf(stderr, "cpe-gen-care: cannot write %s: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }
    bool ok = cpe::audit::generateCareRecords(o, f);
    if (f != stdout) ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::fprintf(stderr, "cpe-gen-care: write error\n");
        return 1;
    }
    return 0;
}
