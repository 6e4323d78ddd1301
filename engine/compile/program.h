#pragma once
// The compiled form of one policy version: a flat array of nodes, facts
// resolved to local slots, code sets and text sets in side tables. No names
// are looked up and nothing is allocated while evaluating it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/base/compare_op.h"
#include "engine/check/model.h"

namespace cpe {

enum class Op : uint8_t {
    // ---- boolean nodes (evaluate to Tri)
    BConst,      // imm: 0 or 1
    BFact,       // a: slot
    BIt,         // the member being counted
    BNot,        // kids[0]
    BAnd,        // kids
    BOr,         // kids
    BAtLeast,    // imm: n; kids
    BCmp,        // cmp; kids[0], kids[1] numeric
    BBoolEq,     // kids[0], kids[1] boolean; cmp: Eq or Ne
    BTextEq,     // kids[0], kids[1] text; cmp: Eq or Ne
    BInNum,      // kids[0] numeric; b: numSet index; cmp: Eq (in) or Ne (not in)
    BInText,     // kids[0] text; b: textSet index; cmp: Eq or Ne
    BBetween,    // kids[0..2] numeric, inclusive
    BWithin,     // kids[0] date, kids[1] amount; b: 0 days 1 weeks 2 months 3 years
    BHasCodes,   // a: list slot; b: codeSet index
    BHasText,    // a: list slot; b: textSet index; c: separator char (0: none)
    BCriterion,  // kids[0]; used only when the body node already marks another criterion
    BIf,         // kids[0] cond, kids[1], kids[2]
    BOutcomeIs,  // imm: outcome
    // ---- fused forms of the commonest shapes, so the hot path avoids a call per leaf
    BCmpSlotConst,      // cmp; a: numeric slot; imm: constant            (age_years >= 23)
    BCmpConst,          // cmp; kids[0] numeric; imm: constant             (a_count >= 2)
    BBetweenSlotConst,  // a: numeric slot; imm: low; b: consts index of high (bmi between 19 and 30)
    // ---- numeric nodes (evaluate to an interval)
    NConst,  // imm
    NFact,   // a: slot
    NIt,
    NNeg,       // kids[0]
    NArith,     // cmp: '+', '-', '*', '/'; kids[0], kids[1]
    NIf,        // kids[0] cond, kids[1], kids[2]
    NMin,       // kids
    NMax,       // kids
    NCount,     // kids[0] predicate; kids[1..] members
    NSince,     // kids[0] date; b: 0 years 1 months 2 days
    NCountCmp,  // cmp; imm: constant; kids: member *slots*     (count of G where it is severe)
                // b: 1 + level-histogram index when cmp is Eq over an enum group, else 0
    NValue,     // kids[0]; b: cache index. A named value, computed once per decision
    // ---- text nodes
    TConst,  // b: text index
    TFact,   // a: slot
};

// `outcome` in an output reads this pseudo-slot: the decided outcome.
inline constexpr uint32_t kOutcomeSlot = 0xFFFFFFFFu;

struct Node {
    Op op;
    uint8_t cmp = 0;
    uint16_t nkids = 0;
    uint32_t a = 0;  // slot / criterion index
    uint32_t b = 0;  // side-table index
    uint32_t c = 0;
    uint32_t firstKid = 0;   // index into Program::kids
    uint32_t criterion = 0;  // 1 + index in Program::criteria when this node is a named criterion's body
    double imm = 0;
};

enum class SlotKind : uint8_t { Number, Bool, Text, List };

struct CompiledCriterion {
    std::string id;
    std::string text;
    std::string at;  // "file:line:col"
    // The criterion's reason as JSON, rendered once (json_writer.h: reasonJsonHead/Tail).
    std::string jsonHead, jsonTail;
};

// A rule's condition flattened into short-circuit jumps (flatten.cpp): each
// step tests one leaf and names where to go on each of its three results, so
// `all of` / `any of` / `not` cost no call, loop or recursion. The unknowns
// seen so far are part of where a step leads (a step may be emitted twice:
// before and after an unknown kid), so no state is kept while stepping.
inline constexpr uint32_t kStepDone = 0x80000000u;  // kStepDone | Tri: the condition's result
inline constexpr uint32_t kNoSteps = 0xFFFFFFFFu;   // condition not flattened: evaluate the tree
struct Step {
    enum class Kind : uint8_t {
        Slot,   // a: slot. Known: next[1] when lo <= value <= hi, else next[0]. Unknown: next[2]
        Level,  // a: histogram; shift: 8 * level. Count [known, known + open] inside [ilo, ihi]: next[1],
                // outside: next[0], across: next[2]
        Call,   // a: node, evaluated by the tree interpreter; next[Tri]
    };
    Kind kind;
    uint8_t shift = 0;
    uint32_t a = 0;
    uint32_t next[3] = {0, 0, 0};  // indexed by Tri: False, True, Unknown
    int32_t ilo = 0, ihi = 0;
    double lo = 0, hi = 0;
};

struct CompiledRule {
    Outcome outcome;
    Route route;
    bool exempt = false;
    int32_t when = -1;          // node; -1 for `otherwise`
    uint32_t entry = kNoSteps;  // first step of `when` in Program::steps, or kStepDone | Tri when constant
    std::string conditionText;  // the condition as written, for reasons without a named criterion
    std::string at;
    std::string jsonHead, jsonTail;  // that reason as JSON, rendered once (json_writer.h)
};

struct CompiledOutput {
    std::string name;
    Type type;
    uint32_t node;
    bool isBool;
    bool isText;
    int32_t bareSlot = -1;  // the output is affine in this slot's fact alone, or in an elapsed count of it (slot_classes.cpp)
};

struct Program {
    std::vector<Node> nodes;
    std::vector<uint32_t> kids;
    std::vector<std::vector<double>> numSets;
    std::vector<std::vector<std::string>> textSets;
    std::vector<std::vector<CodeRange>> codeSets;
    std::vector<std::string> texts;
    std::vector<double> consts;
    uint32_t valueCaches = 0;
    // Counts per level of one enum group (`count of G where it is X`), built in
    // one pass and shared by every count over that group in a decision.
    struct LevelHistogram {
        std::vector<uint32_t> slots;
        uint32_t levels;
        uint32_t offset;  // into the evaluator's scratch: levels known counts, then levels open counts
        bool packed;      // at most 8 levels and 255 members: counted in byte lanes of one uint64
    };
    std::vector<LevelHistogram> histograms;
    std::vector<Step> steps;  // every rule's flattened condition

    // The boundary classes of each slot (slot_classes.cpp), for the exact
    // refinement of decisions with unknown facts (engine/eval/refine.cpp):
    // values such that any value the fact may take behaves like one of them
    // in every node. Empty: the refinement leaves the slot unknown.
    std::vector<std::vector<double>> slotClasses;
    // Slots with the same number are interchangeable: members of a group that
    // only the same counts read, with the same classes.
    std::vector<uint32_t> slotSymmetry;
    // A date read only against constant days, by `within N units` and by
    // elapsed counts compared with constants: its classes depend on the
    // decision date, so the evaluator works them out per decision from these
    // (refine.cpp). `windows` holds (unit, amount); `since` holds (NSince
    // unit, the constant its count is compared with).
    struct DateReads {
        bool classable = false;
        std::vector<double> thresholds;
        std::vector<std::pair<uint32_t, int>> windows;
        std::vector<std::pair<uint32_t, double>> since;
    };
    std::vector<DateReads> slotDates;
    // Text and list slots with classes: the value class i stands for.
    std::vector<std::vector<std::string>> slotTexts;
    std::vector<std::vector<std::vector<std::string>>> slotLists;
    bool refinesValues = false;  // some text or list slot has classes
    // Filled by Evaluator::analyse() (refine.cpp): the decision search's order
    // of each slot's classes, and whether the three-valued pass is exact.
    bool analysed = false;
    bool kleeneExact = false;
    std::vector<std::vector<uint32_t>> classOrder;

    std::vector<const FactInfo*> slots;  // local slot -> fact, in the order the policy reads them
    std::vector<SlotKind> slotKinds;
    // Per node, the checked expression a boolean node was compiled from (null
    // for other nodes; may be shorter than `nodes`). Read by coverage only.
    std::vector<const Expr*> nodeExprs;
    // Global fact id -> local slot, or -1. The table holds only the span of
    // ids this program reads: one over all of a library's facts in every
    // policy grew with the square of the library (108 MB, 40% of the peak,
    // checking the generated 5 MB library: 14,059 facts x 1,925 policies).
    int32_t slotOf(uint32_t fact) const {
        const uint32_t i = fact - slotOfFactBase;  // wraps round below the base
        return i < slotOfFact.size() ? slotOfFact[i] : -1;
    }
    uint32_t slotOfFactBase = 0;
    std::vector<int32_t> slotOfFact;  // by fact id - slotOfFactBase
    std::vector<CompiledCriterion> criteria;
    std::vector<CompiledRule> rules;
    std::vector<CompiledOutput> outputs;

    const Node& node(uint32_t i) const { return nodes[i]; }
    const uint32_t* kidsOf(const Node& n) const { return kids.data() + n.firstKid; }
};

struct AnswerGuide;  // engine/answer/answer_guide.h

struct CompiledPolicy {
    const PolicyModel* model;
    Program program;
    std::unique_ptr<const AnswerGuide> guide;  // for the answer's additions, built at load
    CompiledPolicy();
    ~CompiledPolicy();
};

// Flattens each rule's condition into Program::steps (flatten.cpp).
void flattenRules(Program& p);
// Fills Program::slotClasses and slotSymmetry (slot_classes.cpp).
void computeSlotClasses(Program& p);

// Compiles a checked policy. The model must come from a library without errors.
void compilePolicy(const CheckedLibrary& lib, const PolicyModel& model, CompiledPolicy& out);

}  // namespace cpe
