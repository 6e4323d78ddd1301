// cpe-gen-activity: writes deterministic synthetic coded activity (CSV) for
// tests and benchmarks. Usage:
//   cpe-gen-activity [--rows N] [--seed S] [--malformed RATE] [--quoted RATE]
//                    [--population FILE] [--population-bands FILE] [--layout contract|hes] [--mapping-out FILE] [--out FILE]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "audit/generator/activity_generator.h"

int main(int argc, char** argv) {
    cpe::audit::GeneratorOptions o;
    std::string out = "-", population, bandedPopulation, mappingOut;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "cpe-gen-activity: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--rows") o.rows = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--malformed") o.malformedRate = std::atof(value().c_str());
        else if (a == "--quoted") o.quotedRate = std::atof(value().c_str());
        else if (a == "--population") population = value();
        else if (a == "--out") out = value();
        else if (a == "--mapping-out") mappingOut = value();
        else if (a == "--population-bands") bandedPopulation = value();
        else if (a == "--layout") {
            std::string l = value();
            if (l == "hes") o.layout = cpe::audit::GeneratorLayout::Hes;
            else if (l != "contract") {
                std::fprintf(stderr, "cpe-gen-activity: --layout is contract or hes, not %s\n", l.c_str());
                return 2;
            }
        } else if (a == "--help" || a == "-h") {
            std::puts(
                "usage: cpe-gen-activity [--rows N] [--seed S] [--malformed RATE] [--quoted RATE] [--population FILE]\n"
                "                        [--population-bands FILE] [--layout contract|hes] [--mapping-out FILE] [--out FILE]\n"
                "  --layout hes writes a wide HES APC-style extract; --mapping-out writes the mapping that reads it");
            return 0;
        } else {
            std::fprintf(stderr, "cpe-gen-activity: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    auto writeText = [](const std::string& path, const std::string& text) {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
            std::fprintf(stderr, "cpe-gen-activity: cannot write %s\n", path.c_str());
            return false;
        }
        return true;
    };
    if (!population.empty() && !writeText(population, cpe::audit::generatorPopulationCsv())) return 1;
    if (!mappingOut.empty() && !writeText(mappingOut, cpe::audit::generatorHesMapping())) return 1;
    if (!bandedPopulation.empty() && !writeText(bandedPopulation, cpe::audit::generatorBandedPopulationCsv())) return 1;
    std::FILE* f = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
    if (!f) {
        std::fprintf(stderr, "cpe-gen-activity: cannot write %s: %s\n", out.c_str(), std::strerror(errno));
        return 1;
    }
    bool ok = cpe::audit::generateActivity(o, f);
    if (f != stdout) ok = std::fclose(f) == 0 && ok;
    if (!ok) {
        std::fprintf(stderr, "cpe-gen-activity: write failed\n");
        return 1;
    }
    return 0;
}
