#include "audit/care_audit.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "audit/care/care_csv.h"
#include "audit/care/care_outputs.h"
#include "audit/care/care_report.h"
#include "audit/read/byte_source.h"
#include "audit/report/html_format.h"
#include "audit/report/outputs.h"
#include "engine/base/civil_date.h"
#include "engine/base/number_format.h"
#include "engine/compile/program.h"

namespace cpe::audit {

namespace {

bool endsWith(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct Item {
    uint64_t line = 0;
    std::string text;              // an NDJSON line, or
    std::optional<CareRead> read;  // a CSV row already read
    std::size_t tooLong = 0;
};

}  // namespace

CareDecider::CareDecider(const PolicyLibrary& lib) : lib_(lib) {
    for (const char* p : kCarePolicies) {
        std::vector<const CompiledPolicy*> versions = lib.versions(p);
        if (versions.empty())
            throw AuditError(std::string("the policy library has no ") + p + ", which the care audit decides with");
        int first = INT_MAX;
        for (const PolicyModel& m : lib.checked().policies)
            if (m.id == p) first = std::min(first, m.effectiveDay);
        firstDay_[p] = first;
    }
}

// One policy's decision on the record's facts, or the engine's reason it cannot decide.
std::optional<Outcome> CareDecider::decideOne(const char* policy, const CareRecord& r, std::string& error, bool& earlier) const {
    DecideRequest q;
    q.policy = policy;
    q.facts = &r.facts;
    q.day = r.asOfDay;
    const int first = firstDay_.at(policy);
    if (q.day && *q.day < first) {
        q.day = first;
        earlier = true;
    }
    DecideResult result = lib_.decide(q);
    if (auto* e = std::get_if<InputError>(&result)) {
        error = e->code + ": " + e->message + (e->field.empty() ? "" : " [" + e->field + "]");
        return std::nullopt;
    }
    return std::get<Decision>(result).outcome;
}

DecidedCare CareDecider::decide(CareRead&& read) const {
    DecidedCare out;
    if (!read.ok()) {
        out.error = read.error + (read.field.empty() ? "" : " [" + read.field + "]");
        return out;
    }
    CareCase& c = out.decided;
    c.record = std::move(read.record);
    const CareRecord& r = c.record;
    std::string& e = out.error;
    bool& earlier = out.earlierThanPolicies;
    if (r.kind == CareKind::S117) {
        c.s117 = decideOne("s117.aftercare", r, e, earlier);
        return out;
    }
    if (r.hasChecklist && !(c.checklist = decideOne("chc.checklist", r, e, earlier))) return out;
    if (r.hasDst && !(c.dst = decideOne("chc.dst", r, e, earlier))) return out;
    if ((r.fastTrack || r.hasFastTrack) && !(c.fastTrack = decideOne("chc.fast_track", r, e, earlier))) return out;
    return out;
}

std::string CareAuditSummary::line() const {
    return "care audit: " + thousands(recordsRead) + " records read, " + thousands(recordsRejected) + " rejected, " +
           thousands(chcRecords) + " continuing care and " + thousands(s117Records) + " Section 117 audited in " +
           decimalWithThousands(seconds, 2) + " s";
}

CareAuditSummary runCareAudit(const PolicyLibrary& lib, const CareAuditOptions& o) {
    auto start = std::chrono::steady_clock::now();
    const CareDecider decider(lib);
    const Localities localities = o.localitiesPath ? Localities::fromFile(*o.localitiesPath) : Localities();
    const std::string name = o.carePath == "-" ? "<stdin>" : o.carePath;
    const bool csv = o.csv.value_or(!o.columns.empty() || endsWith(o.carePath, ".csv") || endsWith(o.carePath, ".csv.gz"));
    if (std::filesystem::is_directory(o.carePath)) throw AuditError(name + ": is a folder, not a care records file");
    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) throw AuditError(o.outDir + ": cannot create the output folder: " + ec.message());

    RejectWriter rejects(o.outDir + "/rejects.csv");
    std::vector<std::pair<uint64_t, std::string>> firstRejects;
    CareMeasureBuilder measures(localities, o.period);
    CareAuditSummary summary;

    // Records are read and decided in batches split between threads, and
    // counted in input order, so nothing depends on the thread count.
    const size_t kBatch = 4096;
    std::vector<Item> items;
    std::vector<DecidedCare> results;
    const unsigned threads = std::max(1u, o.threads);
    auto flush = [&] {
        results.assign(items.size(), {});
        auto work = [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) {
                Item& it = items[i];
                if (it.tooLong) results[i].error = lineTooLong(it.tooLong, o.maxLine).message;
                else results[i] = decider.decide(it.read ? std::move(*it.read) : readCareLine(it.text, localities, o.maxDepth));
            }
        };
        if (threads == 1 || items.size() < 64) {
            work(0, items.size());
        } else {
            std::vector<std::thread> pool;
            size_t per = (items.size() + threads - 1) / threads;
            for (unsigned t = 0; t < threads; ++t) {
                size_t from = t * per, to = std::min(items.size(), from + per);
                if (from < to) pool.emplace_back(work, from, to);
            }
            for (auto& t : pool) t.join();
        }
        for (size_t i = 0; i < results.size(); ++i) {
            DecidedCare& d = results[i];
            if (!d.error.empty()) {
                if (o.strict) throw AuditError(name + ":" + std::to_string(items[i].line) + ": " + d.error);
                rejects.add(items[i].line, d.error);
                if (firstRejects.size() < 50) firstRejects.emplace_back(items[i].line, d.error);
                ++summary.recordsRejected;
                continue;
            }
            ++(d.decided.record.kind == CareKind::Chc ? summary.chcRecords : summary.s117Records);
            summary.earlierThanPolicies += d.earlierThanPolicies;
            measures.add(d.decided);
        }
        items.clear();
    };

    if (csv) {
        std::set<std::string> factNames;
        for (const auto& [fact, info] : lib.checked().factsByName) factNames.insert(fact);
        readCareCsv(o.carePath, o.columns, factNames, localities, [&](uint64_t line, CareRead&& read) {
            ++summary.recordsRead;
            items.push_back({line, {}, std::move(read), 0});
            if (items.size() >= kBatch) flush();
        });
    } else {
        std::ifstream file;
        std::istream* in = &std::cin;
        if (o.carePath != "-") {
            file.open(o.carePath, std::ios::binary);
            if (!file) throw AuditError(name + ": cannot open this file");
            in = &file;
        }
        LineReader reader(*in, o.maxLine);
        Line line;
        while (reader.next(line)) {
            if (!line.tooLong && line.text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
            ++summary.recordsRead;
            items.push_back({line.number, std::string(line.text), std::nullopt, line.tooLong ? line.length : 0});
            if (items.size() >= kBatch) flush();
        }
        if (reader.readError()) throw AuditError(name + ": read error");
    }
    flush();

    CareResults measured = measures.finish();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    writeCareCsvs(o.outDir, measured, o.benchmarks);
    CareReportInfo info;
    info.inputPath = name;
    info.policiesPath = o.policiesLabel;
    info.generatedAt = reportTimestamp();
    info.suppress = o.suppress;
    info.recordsRead = summary.recordsRead;
    info.recordsRejected = summary.recordsRejected;
    info.firstRejects = std::move(firstRejects);
    info.benchmarks = o.benchmarks;
    info.earlierThanPolicies = summary.earlierThanPolicies;
    OutputFile report(o.outDir + "/report.html");
    report.write(renderCareReport(measured, info));
    report.commit();
    rejects.commit();
    return summary;
}

}  // namespace cpe::audit
