#include "audit/case_audit.h"

#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>

#include "audit/count/case_results.h"
#include "audit/read/byte_source.h"
#include "audit/report/case_report.h"
#include "audit/report/outputs.h"
#include "engine/base/line_reader.h"
#include "engine/base/line_records.h"
#include "engine/base/number_format.h"
#include "engine/base/parallel_lines.h"
#include "engine/base/string_hash.h"
#include "engine/decision/case_record.h"
#include "engine/decision/fast_case_reader.h"
#include "engine/library/fast_decider.h"

namespace cpe::audit {

namespace {

const char* resultWord(Tri t) { return t == Tri::True ? "yes" : t == Tri::False ? "no" : "not known"; }

bool isFinding(Outcome o) { return o == Outcome::NotEligible || o == Outcome::Undetermined; }

// Decides the lines one thread is given. The counts by (policy, provider)
// are added up here, per thread, because a sum does not depend on order;
// what does — the rejects and the findings, listed in line order, and
// --strict's first bad line — goes into the job's output as records
// (engine/base/line_records.h), for runCaseAudit to take in input order:
// 'R', the line number and the reason; or 'F', the line number, the
// outcome, id, policy, provider, the reasons (text and result) and the
// missing facts. Eligible and review cases write nothing.
class CaseLineAuditor {
public:
    CaseLineAuditor(const PolicyLibrary& lib, const CaseAuditOptions& options, int defaultDay, bool fast)
        : lib_(lib), options_(options), defaultDay_(defaultDay) {
        shape_ = auditCaseShape();
        shape_.maxDepth = options.maxDepth;
        fastShape_ = fastShapeOf(shape_, defaultDay);
        if (fast) decider_ = std::make_unique<FastDecider>(lib);
    }

    void audit(const Line& line, std::string& out) {
        if (!line.tooLong && line.text.find_first_not_of(" \t\r") == std::string_view::npos) return;
        ++linesRead_;
        if (!line.tooLong && decider_ && decider_->decide(line.text, fastShape_, false, decision_)) {
            ++fastLines_;
            const FastCase& c = decider_->lastCase();
            std::string_view id = c.id;  // its JSON text: "null", an integer, or a string without escapes
            if (id.front() == '"') id = id.substr(1, id.size() - 2);
            return decided(out, line.number, id, c.policy, c.provider, decision_);
        }
        if (line.tooLong) return reject(out, line.number, lineTooLong(line.length, options_.maxLine).message);
        CaseRead read = readCase(line.text, shape_);
        if (read.error) return reject(out, line.number, read.error->message);
        const CaseRecord& record = read.record;
        DecideResult result = lib_.decide(caseRequest(record, defaultDay_));
        if (auto* error = std::get_if<cpe::InputError>(&result))
            return reject(out, line.number,
                          error->code + ": " + error->message + (error->field.empty() ? "" : " [" + error->field + "]"));
        std::string id = record.id.is_string() ? record.id.get<std::string>() : record.id.dump();
        decided(out, line.number, id, record.policy, record.provider, std::get<Decision>(result));
    }

    // Adds this thread's counts to `results`.
    void addCounts(CaseResults& results, CaseAuditSummary& summary) const {
        for (const auto& [key, n] : tally_) {
            uint32_t policyLength = 0;
            std::memcpy(&policyLength, key.data(), sizeof policyLength);
            std::string_view rest = std::string_view(key).substr(sizeof policyLength);
            auto& into = results.tally[{std::string(rest.substr(0, policyLength)), std::string(rest.substr(policyLength))}];
            for (size_t i = 0; i < n.size(); ++i) into[i] += n[i];
        }
        summary.linesRead += linesRead_;
        summary.casesDecided += casesDecided_;
        summary.fastLines += fastLines_;
    }

private:
    void decided(std::string& out, uint64_t lineNumber, std::string_view id, std::string_view policy, std::string_view provider,
                 const Decision& decision) {
        ++casesDecided_;
        // The key: the policy's length, the policy, the provider (either may hold any byte).
        key_.clear();
        auto policyLength = static_cast<uint32_t>(policy.size());
        key_.append(reinterpret_cast<const char*>(&policyLength), sizeof policyLength);
        key_ += policy;
        key_ += provider;
        auto it = tally_.find(std::string_view(key_));
        if (it == tally_.end()) it = tally_.emplace(key_, std::array<uint64_t, 4>{}).first;
        ++it->second[static_cast<size_t>(decision.outcome)];
        if (!isFinding(decision.outcome)) return;
        out += 'F';
        appendRecordNumber(out, lineNumber);
        out += static_cast<char>(decision.outcome);
        appendRecordText(out, id);
        appendRecordText(out, policy);
        appendRecordText(out, provider);
        appendRecordNumber(out, decision.reasons.size());
        for (const Reason& why : decision.reasons) {
            appendRecordText(out, why.text);
            out += static_cast<char>(why.result);
        }
        appendRecordNumber(out, decision.missingFacts.size());
        for (std::string_view fact : decision.missingFacts) appendRecordText(out, fact);
    }

    static void reject(std::string& out, uint64_t lineNumber, std::string_view reason) {
        out += 'R';
        appendRecordNumber(out, lineNumber);
        appendRecordText(out, reason);
    }

    const PolicyLibrary& lib_;
    const CaseAuditOptions& options_;
    int defaultDay_;
    CaseShape shape_;
    FastShape fastShape_;
    std::unique_ptr<FastDecider> decider_;  // null: the reference reader reads every line
    Decision decision_;                     // the fast decider's, reused
    std::string key_;
    std::unordered_map<std::string, std::array<uint64_t, 4>, TransparentStringHash, std::equal_to<>> tally_;
    uint64_t linesRead_ = 0, casesDecided_ = 0, fastLines_ = 0;
};

// A finding record (after its tag and line number) as the report's CaseFinding.
CaseFinding readFinding(RecordReader& in, uint64_t lineNumber) {
    CaseFinding f;
    f.line = lineNumber;
    f.outcome = static_cast<Outcome>(in.byte());
    f.id = in.text();
    f.policy = in.text();
    f.provider = in.text();
    f.reasons.resize(in.number());
    for (std::string& reason : f.reasons) {
        std::string_view text = in.text();
        const char* word = resultWord(static_cast<Tri>(in.byte()));
        reason.reserve(text.size() + 2 + std::strlen(word));
        reason.append(text).append(": ").append(word);
    }
    f.missing.resize(in.number());
    for (std::string& fact : f.missing) fact = in.text();
    return f;
}

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

    // Cases without their own as_of are decided as of the day the audit starts.
    const int defaultDay = o.day ? *o.day : todayDay();
    ParallelLinesOptions parallel;
    parallel.threads = std::max(1u, o.threads);
    parallel.maxLine = o.maxLine;
    std::vector<std::unique_ptr<CaseLineAuditor>> auditors;
    for (unsigned i = 0; i < parallel.threads; ++i)
        auditors.push_back(std::make_unique<CaseLineAuditor>(lib, o, defaultDay, !o.referenceReader));
    LineJob job = [&](const Line& line, std::string& out, unsigned worker) { auditors[worker]->audit(line, out); };
    LinesSink sink = [&](std::string_view bytes) {
        RecordReader records(bytes);
        while (!records.done()) {
            const char tag = records.byte();
            const uint64_t lineNumber = records.number();
            if (tag == 'F') {
                found.findings.push_back(readFinding(records, lineNumber));
                continue;
            }
            std::string_view reason = records.text();
            if (o.strict) throw AuditError(name + ":" + std::to_string(lineNumber) + ": " + std::string(reason));
            rejects.add(lineNumber, reason);
            if (sample.size() < kRejectSample) sample.emplace_back(lineNumber, reason);
            ++summary.linesRejected;
        }
    };
    if (forEachLineInOrder(*in, sink, job, parallel).readError) throw AuditError(name + ": read error");
    for (const auto& auditor : auditors) auditor->addCounts(found, summary);
    spdlog::info("case audit: {} of {} cases read by the fast case reader", summary.fastLines, summary.linesRead);

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
