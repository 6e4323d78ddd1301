#pragma once
// Rejects that can go back to the providers who sent them: rejects_detail.csv
// (line,episode_id,provider,reason: every malformed row, with its id and
// provider where the row has them) and rejects_summary.csv (provider,reason,
// rows: how many rows each provider sent of each kind, a kind being the reason
// with its quoted values left out). rejects.csv, the contract's, is unchanged.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/report/outputs.h"

namespace cpe::audit {

// "age (STARTAGE) 'abc' is not a whole number" -> "age (STARTAGE) is not a whole number".
std::string rejectKind(std::string_view reason);

class RejectDetails {
public:
    explicit RejectDetails(const std::string& outDir);
    void add(uint64_t line, std::string_view episodeId, std::string_view provider, std::string_view reason);
    void commit();
    // (provider, kind) -> rows, for the report.
    const std::map<std::pair<std::string, std::string>, uint64_t>& summary() const { return summary_; }

private:
    OutputFile detail_, summaryFile_;
    std::string buffer_;
    std::map<std::pair<std::string, std::string>, uint64_t> summary_;
};

}  // namespace cpe::audit
