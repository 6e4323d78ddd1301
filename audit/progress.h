#pragma once
// Progress on a terminal for long runs: percentage of bytes read, rows and
// rows per second, redrawn in place on stderr. Silent when stderr is not a
// terminal (logs and pipes get only the final summary).
#include <cstdio>

#include "audit/activity_scan.h"

namespace cpe::audit {

class TerminalProgress {
public:
    // `enabled` false, or stderr not a terminal: does nothing.
    explicit TerminalProgress(bool enabled);
    void update(const ScanProgress& p);
    // Clears the progress line.
    void finish();

private:
    bool active_ = false;
    bool drawn_ = false;
};

}  // namespace cpe::audit
