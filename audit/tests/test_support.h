#pragma once
// Test helpers: temporary folders, whole-file reads, counts by name.
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "audit/count/tally.h"
#include "audit/match/matcher.h"

#ifndef CPE_AUDIT_TEST_DATA
#error "CPE_AUDIT_TEST_DATA must name audit/tests/data"
#endif

namespace cpe::audit::test {

inline std::string dataPath(const std::string& name) { return std::string(CPE_AUDIT_TEST_DATA) + "/" + name; }

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Counts as "intervention/group" -> episodes, the form expected counts are written in.
inline std::map<std::string, uint64_t> counts(const Matcher& m, const GroupCounts& g) {
    std::map<std::string, uint64_t> out;
    for (size_t r = 0; r < m.size(); ++r)
        for (size_t i = 0; i < g.names.size(); ++i)
            if (g.counts[r][i]) out[m.intervention(r) + "/" + g.names[i]] = g.counts[r][i];
    return out;
}

inline void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A fresh folder under the system temporary folder, removed afterwards.
class TempDir {
public:
    explicit TempDir(const std::string& stem) {
        std::string templ = (std::filesystem::temp_directory_path() / (stem + "-XXXXXX")).string();
        path_ = mkdtemp(templ.data()) ? templ : std::string();
    }
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty() && !std::getenv("CPE_KEEP_TEST_OUTPUT")) std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

struct Run {
    int exit = -1;
    std::string out, err;
};

#ifdef CPE_BINARY
// Runs the built `cpe` with arguments, capturing stdout and stderr.
inline Run runCpe(const std::string& args, const TempDir& dir) {
    std::string cmd = std::string(CPE_BINARY) + " " + args + " >" + dir.file("stdout.txt") + " 2>" + dir.file("stderr.txt");
    int status = std::system(cmd.c_str());
    Run r;
    r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = readFile(dir.file("stdout.txt"));
    r.err = readFile(dir.file("stderr.txt"));
    return r;
}
#endif

}  // namespace cpe::audit::test
