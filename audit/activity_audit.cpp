#include "audit/activity_audit.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "audit/read/episode.h"
#include "audit/report/html_format.h"
#include "audit/report/outputs.h"
#include "audit/report/progress.h"
#include "audit/report/rejects_detail.h"
#include "audit/report/report_html.h"
#include "audit/report/rules_applied_output.h"
#include "engine/base/number_format.h"

namespace cpe::audit {

namespace {

constexpr size_t kRejectSample = 50;

int32_t dateOption(const std::string& name, const std::string& value) {
    int32_t key = 0;
    if (!parseDateKey(value, key)) throw AuditError("--" + name + ": '" + value + "' is not a date YYYY-MM-DD");
    return key;
}

}  // namespace

std::string ActivityAuditSummary::line() const {
    double rate = seconds > 0 ? static_cast<double>(rowsRead) / seconds : 0;
    std::string s = "audit: " + thousands(rowsRead) + " rows read, " + thousands(rowsRejected) + " rejected, " +
                    thousands(episodesCounted) + " episodes counted";
    if (rowsOutsidePeriod) s += " (" + thousands(rowsOutsidePeriod) + " rows outside the period)";
    s += " in " + decimalWithThousands(seconds, 2) + " s (" + decimalWithThousands(rate / 1e6, 2) + "M rows/s)";
    return s;
}

std::vector<std::string> ActivityAuditSummary::rulesLines() const {
    std::vector<std::string> out{"data period: " + dataPeriodText(rules) + "; rules applied (versions.csv):"};
    for (const VersionApplied& v : rules.versions)
        out.push_back("  " + v.intervention + " version " + v.version + " (effective " + v.effective +
                      "): " + thousands(v.episodesJudged) + " episodes judged, " + thousands(v.episodesCounted) + " counted");
    return out;
}

ActivityAuditSummary runActivityAudit(const Matcher& matcher, const ActivityAuditOptions& o) {
    auto start = std::chrono::steady_clock::now();
    ScanOptions scan;
    scan.path = o.activityPath;
    scan.openSource = o.openSource;
    if (o.from) scan.fromDate = dateOption("from", *o.from);
    if (o.to) scan.toDate = dateOption("to", *o.to);
    if (scan.fromDate && scan.toDate && *scan.fromDate > *scan.toDate)
        throw AuditError("--from " + *o.from + " is after --to " + *o.to);
    scan.byCommissioner = o.grouping == Grouping::Commissioner;
    scan.threads = o.threads;
    scan.blockSize = o.blockSize;
    scan.mapping = &o.mapping;
    scan.schedule = o.schedule;

    std::optional<Population> population;
    if (o.populationPath) population = readPopulation(*o.populationPath);
    std::optional<OrganisationNames> names;
    if (o.namesPath) names = readOrganisationNames(*o.namesPath);

    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec) throw AuditError(o.outDir + ": cannot create the output folder: " + ec.message());

    RejectWriter rejects(o.outDir + "/rejects.csv");
    RejectDetails rejectDetails(o.outDir);
    std::vector<std::pair<uint64_t, std::string>> sample;
    std::optional<std::string> strictError;
    const std::string fileName = o.activityPath == "-" ? "<stdin>" : o.activityPath;
    TerminalProgress progress(o.progress);
    ScanHooks hooks;
    hooks.onReject = [&](uint64_t line, std::string_view reason) {
        if (o.strict) {
            strictError = fileName + ":" + std::to_string(line) + ": " + std::string(reason) +
                          " (--strict stops at the first malformed row)";
            return false;
        }
        rejects.add(line, reason);
        if (sample.size() < kRejectSample) sample.emplace_back(line, std::string(reason));
        return true;
    };
    hooks.onRejectDetail = [&](uint64_t line, std::string_view id, std::string_view provider, std::string_view reason) {
        rejectDetails.add(line, id, provider, reason);
    };
    hooks.onProgress = [&](const ScanProgress& p) { progress.update(p); };
    ScanResult result;
    try {
        result = scanActivity(matcher, scan, hooks);
    } catch (...) {
        progress.finish();
        throw;
    }
    progress.finish();
    if (strictError) throw AuditError(*strictError);

    Analysis analysis = analyse(matcher, result, o.grouping, population ? &*population : nullptr);

    ActivityAuditSummary summary;
    summary.rowsRead = result.rowsRead;
    summary.rowsRejected = result.rowsRejected;
    summary.rowsOutsidePeriod = result.rowsOutsidePeriod;
    summary.episodesCounted = result.episodesCounted;
    summary.bytes = result.bytes;
    summary.ignoredColumns = result.ignoredColumns;
    summary.mapped = result.mapped;
    summary.rules = rulesApplied(matcher, o.schedule, result);
    if (!analysis.withoutPopulation.empty()) {
        std::string list;
        for (size_t i = 0; i < analysis.withoutPopulation.size(); ++i) list += (i ? ", " : "") + analysis.withoutPopulation[i];
        summary.warnings.push_back("commissioners with activity but not in " + *o.populationPath +
                                   " are left out of rates: " + list);
    }

    writeActivityCsv(o.outDir + "/activity.csv", matcher, result.providers);
    writeVariationCsv(o.outDir + "/variation.csv", analysis);
    if (o.grouping == Grouping::Commissioner) writeCommissionerCsv(o.outDir + "/activity_by_commissioner.csv", analysis);
    PublishedStats published =
        publishStatistics(matcher, analysis, result, population ? &*population : nullptr, names ? &*names : nullptr);
    adoptPublishedFlags(analysis, published);
    writeGroupsCsv(o.outDir + "/groups.csv", published);
    const std::vector<TrendSeries> trend =
        trendSeries(matcher, o.grouping == Grouping::Commissioner ? result.commissionerMonths : result.providerMonths, o.trend);
    writeTrendCsv(o.outDir + "/trend.csv", trend, names ? &*names : nullptr);
    writeVersionsCsv(o.outDir + "/versions.csv", summary.rules);
    rejects.commit();
    rejectDetails.commit();

    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ReportInfo info;
    info.activityPath = fileName;
    info.policiesPath = o.policiesLabel;
    info.period = o.from || o.to
                      ? (o.from ? *o.from : std::string("the start")) + " to " + (o.to ? *o.to : std::string("the end"))
                      : "all admission dates";
    info.generatedAt = reportTimestamp();
    info.seconds = summary.seconds;
    info.suppress = o.suppress;
    info.rowsRead = result.rowsRead;
    info.rowsRejected = result.rowsRejected;
    info.rowsOutsidePeriod = result.rowsOutsidePeriod;
    info.episodesCounted = result.episodesCounted;
    info.firstRejects = std::move(sample);
    info.ignoredColumns = result.ignoredColumns;
    info.rejectSummary.assign(rejectDetails.summary().begin(), rejectDetails.summary().end());
    info.published = &published;
    info.trend = &trend;
    info.rules = &summary.rules;
    info.forcedAsOf = o.forcedAsOf;
    OutputFile report(o.outDir + "/report.html");
    report.write(renderReport(analysis, info));
    report.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace cpe::audit
