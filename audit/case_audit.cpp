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

#include "audit/count/case_results.h"
#include "audit/read/byte_source.h"
#include "audit/report/case_report.h"
#include "audit/report/outputs.h"
#include "engine/base/line_reader.h"
#include "engine/base/number_format.h"
#include "engine/decision/case_record.h"

namespace cpe::audit {

namespace {

// One line's fate: an outcome for (policy, provider), or why it was refused.
struct LineResult {
    std::string policy, provider;
    std::optional<Outcome> outcome;
    std::string reason;
    CaseFinding finding;  // filled for a case not eligible or undetermined
};

const char* resultWord(Tri t) { return t == Tri::True ? "yes" : t == Tri::False ? "no" : "not known"; }

// Reads (engine/decision/case_record.h, the audit's shape: "provider" too)
// and decides one case line.
LineResult decideLine(const PolicyLibrary& lib, const std::string& line, std::size_t maxDepth, std::optional<int> day) {
    LineResult r;
    CaseShape shape = auditCaseShape();
    shape.maxDepth = maxDepth;
    CaseRead read = readCase(line, shape);
    if (read.error) {
        r.reason = read.error->message;
        return r;
    }
    r.policy = read.record.policy;
    r.provider = read.record.provider;
    DecideResult result = lib.decide(caseRequest(read.record, day));
    if (auto* error = std::get_if<cpe::InputError>(&result)) {
        r.reason = error->code + ": " + error->message + (error->field.empty() ? "" : " [" + error->field + "]");
        return r;
    }
    const Decision& d = std::get<Decision>(result);
    r.outcome = d.outcome;
    if (d.outcome == Outcome::NotEligible || d.outcome == Outcome::Undetermined) {
        // Copied: the decision's views live only as long as the library.
        CaseFinding& f = r.finding;
        f.id = read.record.id.is_string() ? read.record.id.get<std::string>() : read.record.id.dump();
        f.policy = r.policy;
        f.provider = r.provider;
        f.outcome = d.outcome;
        for (const Reason& why : d.reasons) f.reasons.push_back(std::string(why.text) + ": " + resultWord(why.result));
        for (std::string_view fact : d.missingFacts) f.missing.emplace_back(fact);
    }
    return r;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r") == std::string_view::npos; }

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
    constexpr size_t kRejectSample = 50;  // shown in the report; every one is in rejects.csv
    std::vector<std::pair<uint64_t, std::string>> sample;
    CaseResults found;
    CaseAuditSummary summary;

    // Lines are decided in batches, split between threads; results are
    // merged in line order, so output does not depend on the thread count.
    const size_t kBatch = 4096;
    std::vector<std::string> lines;
    std::vector<uint64_t> lineNumbers;
    std::vector<std::size_t> tooLong;  // the length of a line over --max-line, else 0
    std::vector<LineResult> results;
    unsigned threads = std::max(1u, o.threads);
    auto flush = [&] {
        results.assign(lines.size(), {});
        auto work = [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) {
                if (tooLong[i]) results[i].reason = lineTooLong(tooLong[i], o.maxLine).message;
                else results[i] = decideLine(lib, lines[i], o.maxDepth, o.day);
            }
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
                if (sample.size() < kRejectSample) sample.emplace_back(lineNumbers[i], r.reason);
                ++summary.linesRejected;
                continue;
            }
            ++found.tally[{r.policy, r.provider}][static_cast<size_t>(*r.outcome)];
            ++summary.casesDecided;
            if (*r.outcome == Outcome::NotEligible || *r.outcome == Outcome::Undetermined) {
                r.finding.line = lineNumbers[i];
                found.findings.push_back(std::move(r.finding));
            }
        }
        lines.clear();
        lineNumbers.clear();
        tooLong.clear();
    };
    LineReader reader(*in, o.maxLine);
    Line line;
    while (reader.next(line)) {
        if (!line.tooLong && blank(line.text)) continue;
        ++summary.linesRead;
        lines.emplace_back(line.text);
        lineNumbers.push_back(line.number);
        tooLong.push_back(line.tooLong ? line.length : 0);
        if (lines.size() >= kBatch) flush();
    }
    if (reader.readError()) throw AuditError(name + ": read error");
    flush();

    OutputFile out(o.outDir + "/compliance.csv");
    std::string text = "policy,provider,cases,eligible,not_eligible,review,undetermined\n";
    for (const auto& [key, n] : found.tally) {
        uint64_t cases = n[0] + n[1] + n[2] + n[3];
        text += csvField(key.first) + "," + csvField(key.second) + "," + std::to_string(cases) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Eligible)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::NotEligible)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Review)]) + "," +
                std::to_string(n[static_cast<size_t>(Outcome::Undetermined)]) + "\n";
    }
    out.write(text);
    out.commit();
    writeCaseFindingsCsv(o.outDir + "/case_findings.csv", found.findings);
    rejects.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CaseReportInfo info;
    info.casesPath = name;
    info.policiesPath = o.policiesLabel;
    info.linesRead = summary.linesRead;
    info.linesRejected = summary.linesRejected;
    info.casesDecided = summary.casesDecided;
    info.seconds = summary.seconds;
    info.suppress = o.suppress;
    info.firstRejects = std::move(sample);
    OutputFile report(o.outDir + "/report.html");
    report.write(renderCaseReport(found, info));
    report.commit();
    return summary;
}

}  // namespace cpe::audit
