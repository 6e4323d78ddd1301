#pragma once
// Three-valued (Kleene) evaluation of a compiled policy. Booleans are
// true/false/unknown; numbers are intervals, so `count of ... >= 2` is decided
// as soon as two members are known to match whatever the others are.
#include <string>
#include <vector>

#include "engine/compile/program.h"
#include "engine/decision/decision.h"

namespace cpe {

// The facts of one case, in a policy's local slots. Reused across decisions:
// `clear()` forgets values without freeing memory.
struct FactValues {
    std::vector<double> num;
    std::vector<uint8_t> known;
    std::vector<std::string> text;
    std::vector<std::vector<std::string>> lists;  // codes normalised (upper case, no dots)

    void prepare(const Program& p) {
        size_t n = p.slots.size();
        num.assign(n, 0);
        known.assign(n, 0);
        text.resize(n);
        lists.resize(n);
    }
    void clear() { std::fill(known.begin(), known.end(), 0); }
    void set(uint32_t slot, double v) {
        num[slot] = v;
        known[slot] = 1;
    }
};

struct Interval {
    double lo, hi;
    bool point() const { return lo == hi; }
};

class Evaluator {
public:
    Evaluator(const Program& program, const FactValues& facts, int asOfDay)
        : p_(program), f_(facts), asOf_(asOfDay) {}

    struct Verdict {
        Outcome outcome;
        Route route;
        int decidingRule;  // index of the rule whose condition held, or -1 when undetermined
    };
    // The hot path: outcome and route only.
    Verdict verdict();
    // Everything the contract asks for: reasons, missing facts and outputs.
    void decide(Decision& out);

    Tri boolean(uint32_t node);
    Interval number(uint32_t node);

private:
    const std::string* text(uint32_t node);
    void explain(uint32_t node, std::vector<uint8_t>& seen, std::vector<Reason>& out);
    void missing(uint32_t node, std::vector<uint8_t>& slots);
    void missingNumber(uint32_t node, std::vector<uint8_t>& slots);
    bool hasCodes(const std::vector<std::string>& list, const std::vector<CodeRange>& ranges) const;

    const Program& p_;
    const FactValues& f_;
    int asOf_;
    Interval it_{0, 0};
    Tri itBool_ = Tri::Unknown;
    double outcome_ = -1;  // for `outcome` in outputs; -1 while undecided
    std::vector<Tri> ruleResults_;
};

}  // namespace cpe
