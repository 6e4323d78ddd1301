// Whether a decide rule can ever decide a case (`cpe check`'s "can never fire"
// warning, engine/library/warnings.cpp). Exact, not a comparison of
// conditions as written: rule k fires for a case exactly when every earlier
// rule is false and rule k true, so it can fire iff some completion of the
// facts does that. The search is the decision refinement's (refine.cpp): the
// facts the rules up to k read, each given its boundary classes
// (Program::slotClasses) in turn, depth first, with a Kleene pass at every
// step that ends a branch as soon as an earlier rule is true or rule k false
// for every completion of it. Interchangeable slots take their classes in
// non-decreasing order, as there.
//
// The answer is Never only when every branch ended so: a fact without classes
// (a decimal in arithmetic, a date compared with another fact) or the bound
// leaves it Unknown, and no warning is given. The search stops at the first
// branch left open (Unknown), so Fires is only what was found before that.
#include "engine/eval/evaluator.h"

#include <algorithm>

namespace cpe {
namespace {

// Kleene passes one rule's search may spend, and nodes all its passes may
// visit together (so a policy of 100,000 terms gets a few dozen passes, not
// thousands: checking stays linear in the source). A rule the bound stops
// gets no warning.
constexpr uint32_t kReachPasses = 1u << 10;
constexpr uint64_t kReachNodeVisits = uint64_t{1} << 20;

}  // namespace

Evaluator::Reach Evaluator::canFire(size_t rule, int asOfDay, bool alone) {
    const size_t n = p_.slots.size();
    std::vector<double> num(n, 0);
    std::vector<uint8_t> known(n, 0);
    std::vector<std::string> text(n);
    std::vector<std::vector<std::string>> lists(n);
    f_ = {num.data(), known.data(), text.data(), lists.data()};
    asOf_ = asOfDay;
    withReasons_ = false;
    beginRefine();
    // The slots the rules up to `rule` read: with every fact unknown, every
    // node of theirs is open (or decided whatever the facts are).
    run();
    memo_.assign(p_.nodes.size(), kNotDone);
    missingSlots_.assign(n, 0);
    for (size_t i = alone ? rule : 0; i <= rule; ++i)
        if (p_.rules[i].when >= 0) missing(static_cast<uint32_t>(p_.rules[i].when));
    relevant_.clear();
    for (uint32_t s = 0; s < n; ++s)
        if (missingSlots_[s] && !classesOf(s).empty()) relevant_.push_back(s);
    reachOpen_ = false;
    reachBudget_ =
        static_cast<uint32_t>(std::clamp<uint64_t>(kReachNodeVisits / std::max<size_t>(p_.nodes.size(), 1), 16, kReachPasses));
    // First one completion: every relevant slot at its first class in the
    // search's order (the class that leaves most rules possible), which fires
    // most reachable rules at once, however many facts they read.
    for (uint32_t s : relevant_) {
        const std::vector<uint32_t>& order = (*classOrder_)[s];
        setSlot(s, order.empty() ? 0 : order[0]);
    }
    bool fires = searchFiring(rule, alone, relevant_.size());
    for (uint32_t s : relevant_) rKnown_[s] = 0;
    if (!fires && !reachOpen_) fires = searchFiring(rule, alone, 0);
    endRefine();
    f_ = {nullptr, nullptr};
    nextGeneration();
    if (fires) return Reach::Fires;
    return reachOpen_ ? Reach::Unknown : Reach::Never;
}

// True when some completion of the relevant slots from `depth` on fires `rule`.
// A branch left open ends the whole search: the answer can no longer be
// Never, and only Never is acted on (a warning), so the rest of the search,
// which could only turn Unknown into Fires, is not made. In the generated 5 MB
// library (bench/bench_check.sh) every policy has a fact read in arithmetic
// (an output's `g_f0 - 10`), so no class settles its rules: their searches
// ran to exhaustion or to the bound, 1,300 Kleene passes a policy, 56% of
// `cpe check`'s instructions on the 1 MB file (callgrind).
bool Evaluator::searchFiring(size_t rule, bool alone, size_t depth) {
    if (reachOpen_) return false;
    if (++passes_ > reachBudget_) {
        reachOpen_ = true;
        return false;
    }
    Tri result;
    bool earlierOpen = false;
    if (alone) {
        nextGeneration();
        const CompiledRule& r = p_.rules[rule];
        result = r.entry != kNoSteps ? steps(r.entry) : bool_<false>(static_cast<uint32_t>(r.when));
    } else {
        run();
        if (rulesRun_ <= rule) return false;  // an earlier rule holds for every completion
        result = ruleResults_[rule];
        for (size_t i = 0; i < rule && !earlierOpen; ++i) earlierOpen = ruleResults_[i] == Tri::Unknown;
    }
    if (result == Tri::False) return false;
    if (result == Tri::True && !earlierOpen) return true;
    if (depth == relevant_.size()) {
        reachOpen_ = true;  // open only through slots without classes
        return false;
    }
    const uint32_t s = relevant_[depth];
    const size_t classes = classesOf(s).size();
    const std::vector<uint32_t>& order = (*classOrder_)[s];
    bool fires = false;
    for (uint32_t c = firstClass(relevant_, depth); c < classes && !fires && !reachOpen_ && passes_ <= reachBudget_; ++c) {
        setSlot(s, order.empty() ? c : order[c]);
        fires = searchFiring(rule, alone, depth + 1);
    }
    rKnown_[s] = 0;
    return fires;
}

}  // namespace cpe
