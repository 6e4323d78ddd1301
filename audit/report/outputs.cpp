#include "audit/report/outputs.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "audit/read/byte_source.h"

namespace cpe::audit {

void appendCsvField(std::string& out, std::string_view s) {
    // A test a byte, not find_first_of: libstdc++'s calls memchr over the four
    // characters for every byte, 8% of a case audit of 50,000 fertility cases (perf).
    bool quote = false;
    for (char c : s) quote |= c == ',' || c == '"' || c == '\r' || c == '\n';
    if (!quote) {
        out += s;
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string csvField(std::string_view s) {
    std::string out;
    appendCsvField(out, s);
    return out;
}

std::string formatNumber(double v) {
    if (std::isnan(v) || std::isinf(v)) return "";
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)), temp_(path_ + ".partial") {
    f_ = std::fopen(temp_.c_str(), "wb");
    if (!f_) throw AuditError(path_ + ": cannot write: " + std::strerror(errno));
}

OutputFile::~OutputFile() {
    if (f_) {
        std::fclose(f_);
        std::remove(temp_.c_str());
    }
}

void OutputFile::write(std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) throw AuditError(path_ + ": cannot write: " + std::strerror(errno));
}

void OutputFile::commit() {
    if (!f_) return;
    bool ok = std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok || std::rename(temp_.c_str(), path_.c_str()) != 0) {
        std::remove(temp_.c_str());
        throw AuditError(path_ + ": cannot write: " + std::strerror(errno));
    }
}

void writeActivityCsv(const std::string& path, const Matcher& matcher, const GroupCounts& providers) {
    OutputFile f(path);
    std::string out = "intervention,provider,episodes\n";
    std::vector<size_t> order(matcher.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return matcher.intervention(a) < matcher.intervention(b); });
    for (size_t rule : order) {
        // providers.names is sorted, so rows come out in provider order.
        for (size_t g = 0; g < providers.names.size(); ++g) {
            uint64_t n = providers.counts[rule][g];
            if (n == 0) continue;
            out += csvField(matcher.intervention(rule)) + "," + csvField(providers.names[g]) + "," + std::to_string(n) + "\n";
        }
        if (out.size() > (1u << 20)) {
            f.write(out);
            out.clear();
        }
    }
    f.write(out);
    f.commit();
}

void writeCommissionerCsv(const std::string& path, const Analysis& analysis) {
    OutputFile f(path);
    std::string out = analysis.perPopulation ? "intervention,commissioner,episodes,population,rate_per_100000\n"
                                             : "intervention,commissioner,episodes\n";
    for (const InterventionAnalysis& ia : analysis.interventions)
        for (const GroupRow& g : ia.groups) {
            if (g.episodes == 0 && !analysis.perPopulation) continue;
            out += csvField(ia.id) + "," + csvField(g.name) + "," + std::to_string(g.episodes);
            if (analysis.perPopulation) out += "," + formatNumber(g.volume) + "," + formatNumber(g.value);
            out += "\n";
        }
    f.write(out);
    f.commit();
}

void writeVariationCsv(const std::string& path, const Analysis& analysis) {
    OutputFile f(path);
    std::string out = "intervention,providers,episodes,min,p10,p25,p50,p75,p90,max,n_fold\n";
    for (const InterventionAnalysis& ia : analysis.interventions) {
        const Variation& v = ia.variation;
        out += csvField(ia.id) + "," + std::to_string(v.groups) + "," + std::to_string(v.episodes) + "," + formatNumber(v.min) +
               "," + formatNumber(v.p10) + "," + formatNumber(v.p25) + "," + formatNumber(v.p50) + "," + formatNumber(v.p75) +
               "," + formatNumber(v.p90) + "," + formatNumber(v.max) + "," + (v.nFold ? formatNumber(*v.nFold) : "") + "\n";
    }
    f.write(out);
    f.commit();
}

RejectWriter::RejectWriter(const std::string& path) : file_(path) { buffer_ = "line,reason\n"; }

void RejectWriter::add(uint64_t line, std::string_view reason) {
    buffer_ += std::to_string(line);
    buffer_ += ',';
    buffer_ += csvField(reason);
    buffer_ += '\n';
    if (buffer_.size() > (1u << 16)) {
        file_.write(buffer_);
        buffer_.clear();
    }
}

void RejectWriter::commit() {
    file_.write(buffer_);
    buffer_.clear();
    file_.commit();
}

}  // namespace cpe::audit
