#include "audit/case_audit.h"

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/read/byte_source.h"
#include "audit/report/outputs.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

// One line's fate: an outcome for (policy, provider), or why it was refused.
struct LineResult {
    std::string policy, provider;
    std::optional<Outcome> outcome;
    std::string reason;
};

// Parses and decides one case line as `cpe decide --cases` does, plus the
// audit's "provider" member.
LineResult decideLine(const PolicyLibrary& lib, const std::string& line) {
    LineResult r;
    nlohmann::json c;
    try {
        c = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
        r.reason = std::string("invalid JSON: ") + e.what();
        return r;
    }
    if (!c.is_object()) {
        r.reason = "a case must be a JSON object";
        return r;
    }
    if (!c.contains("policy") || !c["policy"].is_string()) {
        r.reason = "'policy' must be a string";
        return r;
    }
    if (!c.contains("provider") || !c["provider"].is_string() || c["provider"].get<std::string>().empty()) {
        r.reason = "'provider' must be a non-empty string (the organisation that treated the case)";
        return r;
    }
    if (c.contains("as_of") && !c["as_of"].is_null() && !c["as_of"].is_string()) {
        r.reason = "'as_of' must be a date string";
        return r;
    }
    if (c.contains("facts") && !c["facts"].is_object()) {
        r.reason = "'facts' must be a JSON object";
        return r;
    }
    r.policy = c["policy"].get<std::string>();
    r.provider = c["provider"].get<std::string>();
    std::optional<std::string> asOf;
    if (c.contains("as_of") && c["as_of"].is_string()) asOf = c["as_of"].get<std::string>();
    static const nlohmann::json kEmpty = nlohmann::json::object();
    const nlohmann::json* facts = c.contains("facts") ? &c["facts"] : &kEmpty;
    DecideResult result = lib.decide(DecideRequest{r.policy, facts, asOf});
    if (auto* error = std::get_if<cpe::InputError>(&result)) {
        r.reason = error->code + ": " + error->message + (error->field.empty() ? "" : " [" + error->field + "]");
        return r;
    }
    r.outcome = std::get<Decision>(result).outcome;
    return r;
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r") == std::string::npos; }

}  // namespace

std::string CaseAuditSummary::line() const {
    return "case audit: " + thousands(linesRead) + " cases read, " + thousands(linesRejected) + " rejected, " +
           thousands(casesDecided) + " decided in " + decimalWithThousands(seconds, 2) + " s";
}

CaseAuditSummary runCaseAudit(const PolicyLibrary& lib, const CaseAuditOptions& o) {
    auto start = std::chrono::steady_clock::now();
    std::ifstream file;
    std::istream* in = &std::cin;
    const std::string name = o.casesPath == "-" ? "<stdin>" : o.casesPath;
    if (o.casesPath != "-") {
        if (std::filesystem::is_directory(o.casesPath)) throw AuditError(name + ": is a folder, not a cases file");
        file.open(o.casesPath, std::ios::binary);
        if (!file) throw AuditError(name + ": cannot open this file");
        in = &file;
    }
    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) throw AuditError(o.outDir + ": cannot create the output folder: " + ec.message());

    RejectWriter rejects(o.outDir + "/rejects.csv");
    std::map<std::pair<std::string, std::string>, std::array<uint64_t, 4>> tally;
    CaseAuditSummary summary;

    // Lines are decided in batches, split between threads; results are
    // merged in line order, so output does not depend on the thread count.
    const size_t kBatch = 4096;
    std::vector<std::string> lines;
    std::vector<uint64_t> lineNumbers;
    std::vector<LineResult> results;
    uint64_t lineNo = 0;
    unsigned threads = std::max(1u, o.threads);
    auto flush = [&] {
        results.assign(lines.size(), {});
        auto work = [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) results[i] = decideLine(lib, lines[i]);
        };
        if (threads == 1 || lines.size() < 64) {
            work(0, lines.size());
        } else {
            std::vector<std::thread> pool;
            size_t per = (lines.size() + threads - 1) / threads;
            for (unsigned t = 0; t < threads; ++t) {
                size_t from = t * per, to = std::min(lines.size(), from + per);
                if (from < to) pool.emplace_back(work, from, to);
            }
            for (auto& t : pool) t.join();
        }
        for (size_t i = 0; i < results.size(); ++i) {
            LineResult& r = results[i];
            if (!r.outcome) {
                if (o.strict) throw AuditError(name + ":" + std::to_string(lineNumbers[i]) + ": " + r.reason);
                rejects.add(lineNumbers[i], r.reason);
                ++summary.linesRejected;
                continue;
            }
            ++tally[{r.policy, r.provider}][static_cast<size_t>(*r.outcome)];
            ++summary.casesDecided;
        }
        lines.clear();
        lineNumbers.clear();
    };
    std::string line;
    while (std::getline(*in, line)) {
        ++lineNo;
        if (blank(line)) continue;
        ++summary.linesRead;
        lines.push_back(std::move(line));
        lineNumbers.push_back(lineNo);
        if (lines.size() >= kBatch) flush();
    }
    if (in->bad()) throw AuditError(name + ": read error");
    flush();

    OutputFile out(o.outDir + "/compliance.csv");
    std::string text = "policy,provider,cases,eligible,not_eligible,review,undetermined\n";
    for (const auto& [key, n] : tally) {
        uint64_t cases = n[0] + n[1] + n[2] + n[3];
        text += csvField(key.first) + "," + csvField(key.second) + "," + std::to_string(cases) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Eligible)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::NotEligible)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Review)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Undetermined)]) + "\n";
    }
    out.write(text);
    out.commit();
    rejects.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace cpe::audit
