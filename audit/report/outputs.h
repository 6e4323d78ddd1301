#pragma once
// The audit's CSV files (shared/spec/audit.md). Counts here are exact: small
// number suppression is for the HTML report only.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "audit/count/analysis.h"
#include "audit/match/matcher.h"

namespace cpe::audit {

// A CSV field, quoted when it holds a comma, quote or line break.
std::string csvField(std::string_view s);
// The same appended to `out` (the files of a case audit hold a row a case).
void appendCsvField(std::string& out, std::string_view s);
// Numbers as analysts expect them: integers without a decimal point, others
// with up to 6 decimals and no trailing zeros.
std::string formatNumber(double v);

// A file written under a temporary name and renamed into place on commit(),
// so a failed run never leaves a half-written output that looks complete.
class OutputFile {
public:
    explicit OutputFile(std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    void write(std::string_view s);
    void commit();
    const std::string& path() const { return path_; }

private:
    std::string path_, temp_;
    std::FILE* f_ = nullptr;
};

// activity.csv: intervention,provider,episodes for every pair with at least
// one episode, sorted by intervention then provider.
void writeActivityCsv(const std::string& path, const Matcher& matcher, const GroupCounts& providers);
// activity_by_commissioner.csv (with --by commissioner): the same by
// commissioner, with population and rate columns when there is a population.
void writeCommissionerCsv(const std::string& path, const Analysis& analysis);
// variation.csv: intervention,providers,episodes,min,p10,p25,p50,p75,p90,max,n_fold.
void writeVariationCsv(const std::string& path, const Analysis& analysis);

// rejects.csv, written as the scan reports malformed rows.
class RejectWriter {
public:
    explicit RejectWriter(const std::string& path);
    void add(uint64_t line, std::string_view reason);
    void commit();

private:
    OutputFile file_;
    std::string buffer_;
};

}  // namespace cpe::audit
