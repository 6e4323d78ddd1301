#pragma once
// Progress on a terminal for long runs: percentage of bytes read, rows and
// rows per second, redrawn in place on stderr. Silent when stderr is not a
// terminal (logs and pipes get only the final summary).
#include <cstdio>

#include "audit/count/activity_scan.h"

namespace cpe::audit {

class TerminalProgress {
public:
    // `enabled` false, or stderr not a terminal: does nothing.
    explicit TerminalProgress(bool enabled);
    // Draws on `out`, treated as a terminal when `isTerminal` (tests).
    TerminalProgress(bool enabled, std::FILE* out, bool isTerminal) : out_(out), active_(enabled && isTerminal) {}
    void update(const ScanProgress& p);
    // Clears the progress line.
    void finish();

private:
    std::FILE* out_ = stderr;
    bool active_ = false;
    bool drawn_ = false;
};

}  // namespace cpe::audit
