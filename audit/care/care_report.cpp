#include "audit/care/care_report.h"

#include "engine/base/html.h"

namespace cpe::audit {

std::string renderCareReport(const CareResults& results, const CareReportInfo& info) {
    (void)results;
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Care audit</title></head><body><h1>" +
           escapeHtml(info.inputPath) + "</h1></body></html>\n";
}

}  // namespace cpe::audit
