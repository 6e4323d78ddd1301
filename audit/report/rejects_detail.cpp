#include "audit/report/rejects_detail.h"

#include <algorithm>

namespace cpe::audit {

std::string rejectKind(std::string_view reason) {
    std::string out;
    bool quoted = false;
    for (size_t i = 0; i < reason.size(); ++i) {
        const char c = reason[i];
        if (c == '\'') {
            quoted = !quoted;
            // Drop the space before the value as well: "age 'x' is" -> "age is".
            if (quoted && !out.empty() && out.back() == ' ' && i + 1 < reason.size()) out.pop_back();
            continue;
        }
        if (!quoted) out += c;
    }
    return out;
}

RejectDetails::RejectDetails(const std::string& outDir)
    : detail_(outDir + "/rejects_detail.csv"), summaryFile_(outDir + "/rejects_summary.csv") {
    buffer_ = "line,episode_id,provider,reason\n";
}

void RejectDetails::add(uint64_t line, std::string_view episodeId, std::string_view provider, std::string_view reason) {
    buffer_ += std::to_string(line) + "," + csvField(episodeId) + "," + csvField(provider) + "," + csvField(reason) + "\n";
    if (buffer_.size() > (1u << 16)) {
        detail_.write(buffer_);
        buffer_.clear();
    }
    ++summary_[{std::string(provider), rejectKind(reason)}];
}

void RejectDetails::commit() {
    detail_.write(buffer_);
    buffer_.clear();
    detail_.commit();
    std::vector<std::pair<std::pair<std::string, std::string>, uint64_t>> rows(summary_.begin(), summary_.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.first.first != b.first.first ? a.first.first < b.first.first : a.second > b.second;
    });
    std::string out = "provider,reason,rows\n";
    for (const auto& [key, n] : rows) out += csvField(key.first) + "," + csvField(key.second) + "," + std::to_string(n) + "\n";
    summaryFile_.write(out);
    summaryFile_.commit();
}

}  // namespace cpe::audit
