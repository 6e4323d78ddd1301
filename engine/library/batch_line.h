#pragma once
// One line of a batch of cases (`cpe decide --cases`, shared/spec/decision.md)
// → its output line: `{"id": ..., <the decision>}` or `{"id": ..., "error": ...}`.
// This is the reference reading of a line: every line the fast path
// (fast_case_decider.h) passes over comes here, and the fast path is held
// to it byte for byte (tests/unit/test_fast_case_decider.cpp, fuzz_batch_line).
#include <cstddef>
#include <optional>
#include <string>

#include "engine/base/line_reader.h"
#include "engine/decision/json_input.h"
#include "engine/library/policy_library.h"

namespace cpe {

struct BatchLineOptions {
    // The date of the lines without their own as_of (--as-of, else the day
    // the batch started: one batch, one today).
    int defaultDay = 0;
    bool answer = false;  // the answer's additions (engine/answer/answer_guide.h)
    std::size_t maxLine = kDefaultMaxLine;
    std::size_t maxDepth = kDefaultMaxDepth;
};

enum class BatchLineResult { Blank, Decided, Error };

// Appends the line's output, without the '\n' (nothing for a blank line).
BatchLineResult appendBatchLine(const PolicyLibrary& lib, const Line& line, const BatchLineOptions& options, std::string& out);

}  // namespace cpe
