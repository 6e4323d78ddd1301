#pragma once
// The fast path of a batch of cases: a line in the common shape —
//   {"id": "...", "policy": ID, "as_of": "YYYY-MM-DD", "facts": {NAME: value, ...}}
// with valid values — is read by the fast case reader
// (engine/decision/fast_case_reader.h) straight into the compiled policy's
// slots, decided by an evaluator kept per policy, and written into the output
// buffer, with nothing allocated per line once warm. Anything else (whatever
// the reader declines, a policy with area variants, --answer) is declined,
// and the reference reading (batch_line.h) decides it: the fast path never
// writes an error, so every message stays the reference's own. The two are
// held to the same bytes by tests/unit/test_fast_case_decider.cpp and the
// differential fuzzer fuzz/fuzz_batch_line.cpp.
#include <memory>
#include <string>
#include <string_view>

#include "engine/library/batch_line.h"

namespace cpe {

class FastCaseDecider {
public:
    FastCaseDecider(const PolicyLibrary& lib, const BatchLineOptions& options);
    ~FastCaseDecider();
    FastCaseDecider(const FastCaseDecider&) = delete;
    FastCaseDecider& operator=(const FastCaseDecider&) = delete;

    // Appends the line's decision (without '\n') and returns true; or
    // returns false, `out` unchanged, when the reference reading must decide it.
    // Not thread-safe: one per thread.
    bool tryAppend(std::string_view line, std::string& out);

    // Lines decided and declined so far (for tests and the benchmark).
    std::size_t decided() const { return decided_; }
    std::size_t declined() const { return declined_; }

private:
    struct State;
    std::unique_ptr<State> state_;
    std::size_t decided_ = 0, declined_ = 0;
};

}  // namespace cpe
