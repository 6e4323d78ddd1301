#pragma once
// Three-valued (Kleene) evaluation of a compiled policy. Booleans are
// true/false/unknown; numbers are intervals, so `count of ... >= 2` is decided
// as soon as two members are known to match whatever the others are.
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/compile/program.h"
#include "engine/decision/decision.h"

namespace cpe {

// The facts of one case, in a policy's local slots. Reused across decisions:
// `prepare()` sizes it once, `clear()` forgets values without freeing memory.
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

// What the evaluator reads: one case's slots, wherever they are stored (a
// FactValues, or rows of a flat array in a batch or a benchmark).
struct FactView {
    const double* num;
    const uint8_t* known;
    const std::string* text = nullptr;
    const std::vector<std::string>* lists = nullptr;

    static FactView of(const FactValues& f) { return {f.num.data(), f.known.data(), f.text.data(), f.lists.data()}; }
};

struct Interval {
    double lo, hi;
    bool point() const { return lo == hi; }
};

// Evaluates one compiled policy for case after case. Keeps its scratch space
// between calls, so deciding allocates nothing once warm. Not thread-safe: use
// one per thread.
class Evaluator {
public:
    explicit Evaluator(const Program& program);
    // Works out once, into the program, what every evaluator of it would
    // otherwise work out when constructed (orderClasses, kleeneIsExact).
    static void analyse(Program& program);

    struct Verdict {
        Outcome outcome;
        Route route;
        // The rule whose condition held; -1 when undetermined, or when the
        // exact refinement decided (every completion gives the outcome, by
        // different rules).
        int decidingRule;
    };
    // The hot path: outcome and route only.
    Verdict verdict(const FactView& facts, int asOfDay);
    // Everything the contract asks for: reasons, missing facts and outputs.
    // `out`'s vectors are cleared and refilled, keeping their capacity.
    void decide(const FactView& facts, int asOfDay, Decision& out);

    // How often decisions needed the exact refinement (refine.cpp), and how
    // often it reached its bound and kept the three-valued answer. Process-wide.
    struct RefineCounters {
        std::atomic<uint64_t> runs{0};
        std::atomic<uint64_t> boundHits{0};
    };
    static RefineCounters& refineCounters();

    // Threshold coverage (engine/library/coverage.cpp, probe.cpp): what each
    // comparison of a value with constants read in one case, each named
    // criterion's value, and the rule that decided. Not for the hot path.
    struct Reading {
        uint32_t node;
        bool known;       // the compared value is known (a point)
        double value;     // a date as its day number
        double edges[2];  // the constants: one, or two for `between`
        uint8_t edgeCount;
        CompareOp cmp;  // for `between` Ge (the low edge), for `within` Ge (the earliest day)
    };
    struct Probe {
        std::vector<Reading> readings;
        // Per Program::criteria: its Tri, or kNotRead for one read only inside `count of`.
        std::vector<uint8_t> criteria;
        int decidingRule = -1;
    };
    static constexpr uint8_t kNotRead = 3;
    void probe(const FactView& facts, int asOfDay, Probe& out);
    // Whether decide rule `rule` can ever decide a case: some completion of
    // the facts makes every earlier rule false and this one true
    // (reachability.cpp, for `cpe check`'s warning). `alone`: whether its
    // condition can be true at all, whatever the earlier rules say. Unknown
    // when the search reached its bound or a fact without boundary classes
    // keeps it open (then the search stops: it may also be able to fire).
    enum class Reach : uint8_t { Fires, Never, Unknown };
    Reach canFire(size_t rule, int asOfDay, bool alone);
    // The three-valued answer alone, without the refinement: sound but not
    // always exact. Only the benchmark's reference for what exactness costs.
    void threeValuedOnly() { exact_ = false; }
    // Whether this policy's shape makes the three-valued pass exact, so that
    // deciding never searches (refine.cpp, kleeneIsExact).
    bool kleeneExact() const { return kleeneExact_; }

private:
    template <bool Memo>
    Tri bool_(uint32_t node);
    template <bool Memo>
    Interval num_(uint32_t node);
    Tri memoised(uint32_t node);
    Tri memoKid(uint32_t kid);
    template <bool Memo>
    Tri leaf(uint32_t node);
    template <bool Memo, int Depth>
    Tri allOrAny(const Node& n, const uint32_t* kids);
    bool quick(uint32_t node, Tri& out);
    template <bool Memo>
    Tri boolRare_(const Node& n, const uint32_t* k);
    template <bool Memo>
    Interval numRare_(const Node& n, const uint32_t* k);
    Interval unknownRange(uint32_t slot) const;
    bool allows(uint32_t slot, double ordinal) const;
    int earliestDay(uint32_t unit, int amount);
    double elapsed(uint32_t unit, int from) const;
    Verdict run();
    void nextGeneration();
    Tri steps(uint32_t entry);
    const std::string* text(uint32_t node);
    void explain(uint32_t node, std::vector<Reason>& out);
    void addReason(const Node& n, Tri result, std::vector<Reason>& out);
    void missing(uint32_t node);
    void missingNumber(uint32_t node);
    bool hasCodes(const std::vector<std::string>& list, const std::vector<CodeRange>& ranges) const;

    // ---- the exact refinement (refine.cpp)
    // A completion the decision search recorded (one of each outcome found).
    struct Base {
        std::vector<uint8_t> known;
        std::vector<uint32_t> chosen;
        std::pair<Outcome, Route> verdict;  // what this completion decides
    };
    struct ExactOutput {
        enum State : uint8_t { Unseen, Same, Varies } state = Unseen;
        double value = 0;
    };
    struct Refined {
        bool decided = false;
        Outcome outcome = Outcome::Undetermined;
        Route route = Route::None;
        std::vector<uint32_t> missing;  // slots, in reading order, when not decided
        std::vector<ExactOutput> outputs;
    };
    // False when there is nothing to search or the bound was reached: the
    // three-valued answer stands. Leaves the rule results of the facts as given.
    bool refine(const Verdict& v, bool withOutputs, bool withMissing, Refined& out);
    void orderClasses();
    bool kleeneIsExact();
    void missingIn();
    void beginRefine();
    void findRelevant(bool withOutputs);
    bool extremesDisagree();
    uint32_t permissiveClass(uint32_t slot) const;
    void endRefine();
    Verdict pass();
    uint32_t firstClass(const std::vector<uint32_t>& order, size_t depth) const;
    // A slot's boundary classes: the program's, or for a date this decision's.
    const std::vector<double>& classesOf(uint32_t slot) const;
    void setSlot(uint32_t slot, uint32_t cls);
    bool recordOutputs(Outcome outcome, bool last);
    template <bool Memo>
    bool outputValue(const CompiledOutput& o, double& value);
    bool searchDone() const;
    bool recordLeaf(const Verdict& v, bool last);
    uint32_t draw(size_t n);
    void sampleDecision();
    bool slotFlips(uint32_t slot, const Base* base);
    bool sampleDependence(uint32_t slot, const std::vector<uint32_t>& others);
    void searchDecision(size_t depth);
    bool searchDependence(uint32_t slot, const std::vector<uint32_t>& others, size_t depth);
    bool searchFiring(size_t rule, bool alone, size_t depth);  // reachability.cpp
    bool reachOpen_ = false;                                   // a completion the search could not settle
    uint32_t reachBudget_ = 0;                                 // Kleene passes this rule's search may spend
    FactView original_{nullptr, nullptr};
    std::vector<double> rNum_;
    std::vector<uint8_t> rKnown_;
    std::vector<std::string> rText_;
    std::vector<std::vector<std::string>> rLists_;
    std::vector<uint8_t> ruleSlots_;
    std::vector<uint32_t> candidates_, others_;  // refine(): scratch of the missing-fact search
    std::vector<int8_t> bySymmetry_;
    std::vector<Tri> givenResults_;  // beginRefine(): the rule results of the facts as given, for endRefine()
    size_t givenRulesRun_ = 0;
    bool memoOfGiven_ = false;                      // memo_ holds the facts as given (findRelevant()), not yet read by decide()
    std::vector<Tri> savedResults_;                 // extremesDisagree(): the rule results of the facts as given
    std::vector<std::vector<double>> dateClasses_;  // per slot, for dates read against the decision date
    int dateClassesDay_ = -1;
    std::vector<uint32_t> relevant_;
    // Per slot: the decision search's order of its classes (empty: natural);
    // the program's when analysed, else ownClassOrder_.
    const std::vector<std::vector<uint32_t>>* classOrder_ = nullptr;
    std::vector<std::vector<uint32_t>> ownClassOrder_;
    std::vector<uint32_t> chosen_;
    std::vector<ExactOutput> exactOutputs_;
    std::vector<std::pair<bool, double>> outputScratch_;  // recordOutputs: this completion's values
    bool exact_ = true;
    bool kleeneExact_ = false;  // kleeneIsExact(): the three-valued pass needs no search
    uint64_t rng_ = 0;
    uint32_t passes_ = 0;
    bool withOutputs_ = false;
    bool withReasons_ = false;  // called from decide(), which explains the rules afterwards
    bool rulesDecided_ = false;
    Outcome rootOutcome_ = Outcome::Undetermined;
    int distinct_ = 0;
    bool undetermined_ = false;
    std::pair<Outcome, Route> first_{};
    Base bases_[2];

    const Program& p_;
    FactView f_{nullptr, nullptr};
    int asOf_ = 0;
    Interval it_{0, 0};
    Tri itBool_ = Tri::Unknown;
    double outcome_ = -1;           // for `outcome` in outputs; -1 while undecided
    std::vector<Tri> ruleResults_;  // per rule, for rules [0, rulesRun_) of the last run
    size_t rulesRun_ = 0;
    std::vector<uint8_t> seenCriteria_;
    std::vector<uint8_t> missingSlots_;
    static constexpr uint8_t kNotDone = 3;
    std::vector<uint8_t> memo_;           // Tri per boolean node while explaining one decision
    std::vector<uint8_t> explains_;       // per node: what explain() can say beneath it (0, 1, 2: see the constructor)
    std::vector<uint8_t> groupOfGroups_;  // per node: a group (all of, not, a criterion...) with a group among its kids
    int countDepth_ = 0;
    // Named values are computed once per decision: generation-stamped cache.
    uint32_t generation_ = 0;
    std::vector<uint32_t> cacheGen_;
    std::vector<Interval> cacheValue_;
    std::vector<uint32_t> histGen_;              // same stamps for Program::histograms
    std::vector<int> histCounts_;                // histograms that are not packed: levels known counts, then levels open
    std::vector<std::uint64_t> histLanes_;       // packed: known lanes, open lanes per histogram
    std::vector<std::uint64_t> slotLevelLanes_;  // packed: the levels a member may take, one lane each
    void fillLevelCounts(uint32_t histogram);
    Interval levelCount(const Node& countNode);
    bool cached(uint32_t node, Interval& out);
    int withinKey_[3] = {-1, -1, -1};
    int withinValue_ = 0;
};

}  // namespace cpe
