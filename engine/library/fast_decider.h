#pragma once
// A case read by the fast case reader (engine/decision/fast_case_reader.h) and
// decided by the compiled policy in force on its day, into a Decision, with
// an evaluator kept per policy and nothing allocated per case once warm. The
// batch writes the decision as a line (fast_case_decider.h), the server as its
// answer (server/api.cpp). Declines, for the reference path to read and decide
// (and word any error), whatever the reader declines, an unknown policy, one
// with area variants, or one with no version in force that day.
#include <memory>
#include <string_view>

#include "engine/decision/decision.h"
#include "engine/decision/fast_case_reader.h"

namespace cpe {

class PolicyLibrary;

class FastDecider {
public:
    explicit FastDecider(const PolicyLibrary& lib);
    ~FastDecider();
    FastDecider(const FastDecider&) = delete;
    FastDecider& operator=(const FastDecider&) = delete;

    // Reads and decides one case into `out` (its policy, version, day and, with
    // `answer`, its guide and given facts for the answer's additions); false:
    // declined, `out` unspecified. Not thread-safe: one per thread.
    bool decide(std::string_view bytes, const FastShape& shape, bool answer, Decision& out);

    // The case last read: valid until the next decide().
    const FastCase& lastCase() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace cpe
