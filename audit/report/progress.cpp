#include "audit/report/progress.h"

#include <unistd.h>

#include <string>

#include "engine/base/number_format.h"

namespace cpe::audit {

TerminalProgress::TerminalProgress(bool enabled) : active_(enabled && isatty(STDERR_FILENO)) {}

void TerminalProgress::update(const ScanProgress& p) {
    // Short runs finish before anyone could read a progress line.
    if (!active_ || p.seconds < 0.5) return;
    std::string line = "\r\x1b[2K  audit: ";
    if (p.totalBytes && *p.totalBytes > 0) {
        double pct = 100.0 * static_cast<double>(p.bytes) / static_cast<double>(*p.totalBytes);
        line += decimalWithThousands(pct > 100 ? 100 : pct, 0) + "% · ";
    }
    double rate = p.seconds > 0 ? static_cast<double>(p.rows) / p.seconds : 0;
    line += thousands(p.rows) + " rows · " + decimalWithThousands(rate / 1e6, 2) + "M rows/s · " +
            decimalWithThousands(p.seconds, 1) + " s";
    std::fputs(line.c_str(), out_);
    std::fflush(out_);
    drawn_ = true;
}

void TerminalProgress::finish() {
    if (drawn_) {
        std::fputs("\r\x1b[2K", out_);
        std::fflush(out_);
    }
    drawn_ = false;
}

}  // namespace cpe::audit
