// The exact refinement of a three-valued decision (docs/language.md, "Unknown
// facts"). The Kleene pass in evaluator.cpp is sound: what it decides holds
// for every value the unknown facts could take. It is not always exact: it
// treats `a_count` and `b_count` as independent although one domain cannot be
// both, and it lists every unknown fact beneath an unknown rule although some
// cannot change the outcome. When it leaves a decision open, this file settles
// it by searching the unknown facts' boundary classes (Program::slotClasses):
//
// - the decision: depth first over the relevant unknown slots, giving each
//   its classes in turn and running the Kleene pass again at every step; a
//   branch stops as soon as that pass decides it (and its outputs), so most
//   branches end after one or two slots. Interchangeable slots
//   (Program::slotSymmetry: members that only the same counts read) take
//   their classes in non-decreasing order only, which visits each multiset of
//   values once: 28 leaves instead of 729 for six unknown checklist domains;
// - the missing facts, when it stays undetermined: a fact is missing exactly
//   when some values of the others make its own value change the outcome or
//   route. Searched the same way, one fact (or one set of interchangeable
//   facts) at a time;
// - before each exhaustive search, a few cheap completions (extremesDisagree,
//   sampleDecision, sampleDependence) that settle most cases at once, and a
//   class order that reaches an open rule's completion first (orderClasses);
// - the outputs: the value every completion gives, else unknown.
//
// A policy whose rule conditions are trees over separate facts needs none of
// it: its three-valued answer is exact (kleeneIsExact, missingIn). What can
// be known of a program's shape is worked out once (Evaluator::analyse).
//
// Each search is bounded (kRefineBudget Kleene passes per decision). Past the
// bound the three-valued answer stands — sound, if cautious — and the hit is
// counted (refineCounters(), in /metrics and the bench).
#include <algorithm>
#include <cmath>
#include <functional>

#include "engine/base/civil_date.h"
#include "engine/eval/evaluator.h"

namespace cpe {
namespace {

// Kleene passes one decision may spend refining. The policies in policies/
// never come near it (the exact property test counts hits); a policy built
// to explode (dozens of interacting unknown numbers) stops here.
constexpr uint32_t kRefineBudget = 1u << 15;

struct BudgetSpent {};

// Completions tried before each exhaustive search (sampleDecision, sampleDependence).
// The decision's three are the extremes and the permissive completion
// (permissiveClass; callgrind, IVF with reasons at 20% unknown, 20,000
// decisions: 161 M instructions with the extremes alone, 154 M with it).
// Random ones after them saved nothing once the search orders its classes
// (orderClasses; callgrind, IVF bench: 4.14 G instructions with two random
// ones, 4.06 G without).
constexpr int kDecisionSamples = 3;
constexpr int kDependenceSamples = 2;

}  // namespace

Evaluator::RefineCounters& Evaluator::refineCounters() {
    static RefineCounters counters;
    return counters;
}

// Whether the three-valued pass is already exact, so that no search is
// needed (and none is made): every rule condition is a tree of `all of`,
// `any of`, `at least N of` and `not` over leaves that each read one fact
// against constants, no fact is read by two leaves (in one rule or across
// rules), and each leaf can come out both true and false. Then the Kleene
// pass decides exactly when every completion does: the rules' conditions
// share no facts, so each open one can be made true or false whatever the
// others are. And a fact is missing exactly when it lies beneath open nodes
// of an open rule that some later possible rule would overrule with another
// outcome or route: in a tree over separate facts each such fact can be made
// to turn its rule (missingIn). Many EBI policies have this shape;
// tonsillectomy at 50% unknown with reasons ran 1.0 M decisions/s searching,
// 5.15 M/s without (17 of the 30 policies in policies/ have this shape).
bool Evaluator::kleeneIsExact() {
    if (p_.rules.empty() || p_.rules.back().when >= 0) return false;  // needs `otherwise`
    std::vector<uint8_t> seenNode(p_.nodes.size(), 0), seenSlot(p_.slots.size(), 0);
    std::vector<std::pair<uint32_t, uint32_t>> leaves;  // (node, slot)
    std::function<bool(uint32_t)> tree = [&](uint32_t index) {
        if (seenNode[index]++) return false;  // shared: read twice
        const Node& n = p_.nodes[index];
        const uint32_t* k = p_.kidsOf(n);
        auto oneFact = [&](uint32_t slot) {
            if (seenSlot[slot]++ || p_.slotClasses[slot].size() < 2 || p_.slotDates[slot].classable) return false;
            leaves.emplace_back(index, slot);
            return true;
        };
        auto numericLeaf = [&](uint32_t first, uint32_t count) {  // one NFact among constants
            int32_t slot = -1;
            for (uint32_t i = first; i < first + count; ++i) {
                const Node& kid = p_.nodes[k[i]];
                if (kid.op == Op::NFact && kid.a != kOutcomeSlot && slot < 0) slot = static_cast<int32_t>(kid.a);
                else if (kid.op != Op::NConst) return false;
            }
            return slot >= 0 && oneFact(static_cast<uint32_t>(slot));
        };
        switch (n.op) {
            case Op::BAnd:
            case Op::BOr:
            case Op::BAtLeast:
            case Op::BNot:
            case Op::BCriterion:
                for (uint16_t i = 0; i < n.nkids; ++i)
                    if (!tree(k[i])) return false;
                return true;
            case Op::BConst: return true;
            case Op::BFact:
            case Op::BCmpSlotConst:
            case Op::BBetweenSlotConst: return oneFact(n.a);
            case Op::BCmpConst:
            case Op::BInNum: return numericLeaf(0, 1);
            case Op::BCmp: return numericLeaf(0, 2);
            case Op::BBetween: return numericLeaf(0, 3);
            default: return false;
        }
    };
    for (const CompiledRule& r : p_.rules)
        if (r.when >= 0 && !tree(static_cast<uint32_t>(r.when))) return false;
    // Each leaf, its fact alone known, takes both values over the fact's classes.
    const size_t n = p_.slots.size();
    std::vector<double> num(n, 0);
    std::vector<uint8_t> known(n, 0);
    f_ = {num.data(), known.data()};
    asOf_ = 0;
    bool both = true;
    for (const auto& [node, slot] : leaves) {
        bool seen[2] = {false, false};
        for (double value : p_.slotClasses[slot]) {
            num[slot] = value;
            known[slot] = 1;
            nextGeneration();
            Tri t = bool_<false>(node);
            if (t != Tri::Unknown) seen[static_cast<int>(t)] = true;
        }
        known[slot] = 0;
        both = both && seen[0] && seen[1];
    }
    f_ = {nullptr, nullptr};
    nextGeneration();
    return both;
}

// The missing facts when kleeneIsExact(): those beneath the open nodes of each
// open rule that a later possible rule (open, or the first that holds) would
// overrule with another outcome or route.
void Evaluator::missingIn() {
    for (size_t i = 0; i < rulesRun_; ++i) {
        if (ruleResults_[i] != Tri::Unknown) continue;
        const CompiledRule& r = p_.rules[i];
        for (size_t j = i + 1; j < rulesRun_; ++j)
            if (ruleResults_[j] != Tri::False && (p_.rules[j].outcome != r.outcome || p_.rules[j].route != r.route)) {
                missing(static_cast<uint32_t>(r.when));
                break;
            }
    }
}

// The order the decision search gives a slot's classes: those that leave
// more rule conditions possible (not false with that slot alone known)
// first. A class that makes a condition false ends its branch after one pass,
// so the search goes straight down to a completion of an open rule: IVF's
// eligible completion of a twelve-way conjunction is then the first leaf
// instead of the one after every failing class (callgrind, IVF bench:
// searchDecision 656 M -> 537 M instructions). Interchangeable slots keep
// the natural order, which the symmetry pruning relies on; dates' classes are
// per decision and keep theirs.
void Evaluator::orderClasses() {
    const size_t n = p_.slots.size();
    ownClassOrder_.assign(n, {});
    std::vector<double> num(n, 0);
    std::vector<uint8_t> known(n, 0);
    std::vector<std::string> text(n);
    std::vector<std::vector<std::string>> lists(n);
    std::vector<uint32_t> sharing;  // slots per symmetry number
    for (uint32_t s = 0; s < n; ++s) {
        if (p_.slotSymmetry[s] >= sharing.size()) sharing.resize(p_.slotSymmetry[s] + 1, 0);
        ++sharing[p_.slotSymmetry[s]];
    }
    // Between classes that leave as many rules possible, those that make
    // more criteria hold come first: a fact in an `any of` (IVF's
    // infertility_years, iui_cycles, cause diagnosed) leaves the rule possible
    // at every value alone, but only its holding values make the any of hold
    // once the others are set (callgrind, IVF at 50% unknown, outcome only,
    // 20,000 decisions: 116 M instructions -> 42 M, every open one then
    // settled by extremesDisagree). Only the criteria that can read a slot
    // are counted for it: one missing() walk per criterion with every fact
    // unknown lists them, and the others hold or not whatever its value
    // (counting every criterion was 5% of checking a generated 1 MB library,
    // callgrind).
    f_ = {num.data(), known.data(), text.data(), lists.data()};
    asOf_ = 0;
    nextGeneration();
    std::vector<std::vector<uint32_t>> criteriaReading(n);
    memo_.assign(p_.nodes.size(), kNotDone);  // every fact unknown throughout these walks
    for (uint32_t i = 0; i < p_.nodes.size(); ++i) {
        if (!p_.nodes[i].criterion) continue;
        missingSlots_.assign(n, 0);
        missing(i);
        for (uint32_t slot = 0; slot < n; ++slot)
            if (missingSlots_[slot]) criteriaReading[slot].push_back(i);
    }
    for (uint32_t s = 0; s < n; ++s) {
        const std::vector<double>& classes = p_.slotClasses[s];
        if (classes.size() < 2 || p_.slotDates[s].classable || sharing[p_.slotSymmetry[s]] > 1) continue;
        std::vector<std::pair<std::pair<int, int>, uint32_t>> scored;  // ((rules left possible, criteria true), class)
        for (uint32_t c = 0; c < classes.size(); ++c) {
            num[s] = classes[c];
            known[s] = 1;
            if (p_.slotKinds[s] == SlotKind::Text) text[s] = p_.slotTexts[s][c];
            if (p_.slotKinds[s] == SlotKind::List) lists[s] = p_.slotLists[s][c];
            nextGeneration();
            int possible = 0;
            for (const CompiledRule& r : p_.rules)
                if (r.when >= 0)
                    possible +=
                        (r.entry != kNoSteps ? steps(r.entry) : bool_<false>(static_cast<uint32_t>(r.when))) != Tri::False;
            int holding = 0;
            for (uint32_t node : criteriaReading[s]) holding += bool_<false>(node) == Tri::True;
            scored.push_back({{possible, holding}, c});
        }
        known[s] = 0;
        std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [possible, c] : scored) ownClassOrder_[s].push_back(c);
    }
    f_ = {nullptr, nullptr};
    nextGeneration();
}

// Copies the facts into scratch the search may write.
void Evaluator::beginRefine() {
    const size_t n = p_.slots.size();
    original_ = f_;
    rNum_.assign(f_.num, f_.num + n);
    rKnown_.assign(f_.known, f_.known + n);
    f_.num = rNum_.data();
    f_.known = rKnown_.data();
    if (p_.refinesValues) {  // text and lists the search sets: scratch copies too
        rText_.resize(n);
        rLists_.resize(n);
        for (size_t s = 0; s < n; ++s) {
            if (original_.text) rText_[s] = original_.text[s];
            if (original_.lists) rLists_[s] = original_.lists[s];
        }
        f_.text = rText_.data();
        f_.lists = rLists_.data();
    }
    passes_ = 0;
    chosen_.assign(n, 0);
    if (withReasons_) {  // decide() reads the rule results of the facts as given afterwards: endRefine() puts them back
        givenResults_.assign(ruleResults_.begin(), ruleResults_.begin() + static_cast<std::ptrdiff_t>(rulesRun_));
        givenRulesRun_ = rulesRun_;
    }
    // A date's classes end on the decision date: worked out once per date.
    if (dateClassesDay_ != asOf_ || dateClasses_.size() != n) {
        dateClasses_.assign(n, {});
        for (uint32_t s = 0; s < n; ++s) {
            const Program::DateReads& d = p_.slotDates[s];
            if (!d.classable) continue;
            std::vector<double> marks(d.thresholds);
            for (const auto& [unit, amount] : d.windows) {
                marks.push_back(earliestDay(unit, amount));
                marks.push_back(asOf_);
            }
            // `years_since(d) >= c`: the days where the count crosses a
            // whole number next to c. The count falls as d moves later, so
            // the last day with a count of at least k is found by bisection.
            for (const auto& [unit, c] : d.since)
                for (double k : {std::floor(c) - 1, std::floor(c), std::ceil(c), std::ceil(c) + 1}) {
                    int lo = daysFromCivil(kFirstDateYear, 1, 1), hi = daysFromCivil(kLastDateYear, 12, 31);
                    if (elapsed(unit, lo) < k || elapsed(unit, hi) >= k) continue;  // no day, or every day
                    while (hi - lo > 1) {                                           // elapsed(lo) >= k > elapsed(hi)
                        int mid = lo + (hi - lo) / 2;
                        (elapsed(unit, mid) >= k ? lo : hi) = mid;
                    }
                    marks.push_back(lo);
                }
            std::vector<double>& days = dateClasses_[s];
            for (double t : marks)
                for (double day : {t - 1, t, t + 1}) days.push_back(day);
            if (days.empty()) days.push_back(asOf_);
            std::sort(days.begin(), days.end());
            days.erase(std::unique(days.begin(), days.end()), days.end());
        }
        dateClassesDay_ = asOf_;
    }
}

// The unknown slots the open rules (and the open outputs) read: only those can
// change anything (a node the Kleene pass decided is decided for every completion).
void Evaluator::findRelevant(bool withOutputs) {
    const size_t n = p_.slots.size();
    memo_.assign(p_.nodes.size(), kNotDone);
    memoOfGiven_ = true;  // the search never memoises (bool_<false>), so decide() explains with these
    missingSlots_.assign(n, 0);
    for (size_t i = 0; i < rulesRun_; ++i)
        if (ruleResults_[i] == Tri::Unknown) missing(static_cast<uint32_t>(p_.rules[i].when));
    ruleSlots_ = missingSlots_;
    if (withOutputs) {
        outcome_ = rulesDecided_ ? static_cast<double>(rootOutcome_) : -1;
        double value = 0;
        for (const CompiledOutput& o : p_.outputs)
            if (!o.isText && o.bareSlot < 0 && !outputValue<true>(o, value)) missingNumber(o.node);
        outcome_ = -1;
    }
    // Slots without classes stay unknown through the search.
    relevant_.clear();
    for (uint32_t s = 0; s < n; ++s)
        if (missingSlots_[s] && !classesOf(s).empty()) relevant_.push_back(s);
}

// The outcome alone, cheaply: every unknown slot at its lowest class, then at
// its highest, then at its permissive class. Two completions that disagree
// settle that the decision stays open, before the relevant slots are worked
// out (most open decisions end here: at 50% unknown, outcome only, the
// checklist went from 1.31 to 3.58 M decisions/s and tonsillectomy from 4.67
// to 7.62; IVF, whose extremes mostly agree, needs the permissive one).
bool Evaluator::extremesDisagree() {
    // The rule results of the facts as given are what findRelevant() reads.
    const size_t rulesRun = rulesRun_;
    savedResults_.assign(ruleResults_.begin(), ruleResults_.begin() + static_cast<std::ptrdiff_t>(rulesRun));
    auto restore = [&] {
        for (uint32_t s = 0; s < p_.slots.size(); ++s) rKnown_[s] = original_.known[s];
        std::copy(savedResults_.begin(), savedResults_.end(), ruleResults_.begin());
        rulesRun_ = rulesRun;
        nextGeneration();  // the named values and level counts cached by the last pass are of the extremes
    };
    std::pair<Outcome, Route> seen[3];
    for (int k = 0; k < 3; ++k) {
        for (uint32_t s = 0; s < p_.slots.size(); ++s) {
            const size_t classes = classesOf(s).size();
            if (!original_.known[s] && classes)
                setSlot(s, k == 0 ? 0 : k == 1 ? static_cast<uint32_t>(classes - 1) : permissiveClass(s));
        }
        Verdict w = pass();
        if (w.decidingRule < 0) {
            restore();
            return false;
        }
        seen[k] = {w.outcome, w.route};
        if (k > 0 && seen[k] != seen[0]) {
            restore();
            return true;
        }
    }
    restore();
    return false;
}

// The class of a slot most likely to leave the rules possible: the first of
// the decision search's order (orderClasses), or for a date the middle one
// (its classes surround the thresholds and windows, so the middle falls
// inside a `within`). With the extremes, the third completion extremesDisagree
// and sampleDecision try: the extremes of a conjunction such as IVF's twelve
// criteria both fail (the lowest and the highest age are out of range), the
// permissive completion passes (callgrind, IVF at 50% unknown, outcome only,
// 20,000 decisions: 157 M instructions -> 115 M).
uint32_t Evaluator::permissiveClass(uint32_t slot) const {
    const std::vector<uint32_t>& order = (*classOrder_)[slot];
    if (!order.empty()) return order[0];
    return p_.slotDates[slot].classable ? static_cast<uint32_t>(classesOf(slot).size() / 2) : 0;
}

// Back to the facts as given, with their rule results for the reasons: put
// back rather than worked out again by run(), and the memo of the facts as
// given kept for explain() (callgrind, IVF with reasons at 20% unknown,
// instructions in decide() for 20,000 decisions: 155 M -> 146 M).
void Evaluator::endRefine() {
    f_ = original_;
    if (!withReasons_) return;  // verdict(): nothing reads the rule results
    std::copy(givenResults_.begin(), givenResults_.end(), ruleResults_.begin());
    rulesRun_ = givenRulesRun_;
    nextGeneration();  // the named values and level counts cached by the search are a completion's
}

Evaluator::Verdict Evaluator::pass() {
    if (++passes_ > kRefineBudget) throw BudgetSpent{};
    return run();
}

const std::vector<double>& Evaluator::classesOf(uint32_t slot) const {
    return p_.slotDates[slot].classable ? dateClasses_[slot] : p_.slotClasses[slot];
}

// The first class index a slot may take: interchangeable slots take their
// classes in non-decreasing order, so each multiset of values is tried once.
uint32_t Evaluator::firstClass(const std::vector<uint32_t>& order, size_t depth) const {
    const uint32_t s = order[depth];
    for (size_t d = depth; d-- > 0;)
        if (p_.slotSymmetry[order[d]] == p_.slotSymmetry[s]) return chosen_[order[d]];
    return 0;
}

void Evaluator::setSlot(uint32_t slot, uint32_t cls) {
    chosen_[slot] = cls;
    rNum_[slot] = classesOf(slot)[cls];
    rKnown_[slot] = 1;
    if (p_.slotKinds[slot] == SlotKind::Text) rText_[slot] = p_.slotTexts[slot][cls];
    else if (p_.slotKinds[slot] == SlotKind::List) rLists_[slot] = p_.slotLists[slot][cls];
}

// The outputs this completion (or settled branch) gives, each worked out once
// and recorded. When one is still open and `last` is false, the branch is not
// settled: nothing is recorded and the answer is false.
bool Evaluator::recordOutputs(Outcome outcome, bool last) {
    outcome_ = outcome == Outcome::Undetermined ? -1 : static_cast<double>(outcome);
    outputScratch_.resize(p_.outputs.size());
    bool settled = true;
    for (size_t i = 0; i < p_.outputs.size() && (settled || last); ++i) {
        const CompiledOutput& o = p_.outputs[i];
        if (o.isText || exactOutputs_[i].state == ExactOutput::Varies) continue;
        auto& [known, value] = outputScratch_[i];
        known = outputValue<false>(o, value);
        settled &= known;
    }
    outcome_ = -1;
    if (!settled && !last) return false;
    for (size_t i = 0; i < p_.outputs.size(); ++i) {
        ExactOutput& x = exactOutputs_[i];
        if (p_.outputs[i].isText || x.state == ExactOutput::Varies) continue;
        const auto& [known, value] = outputScratch_[i];
        if (!known) x.state = ExactOutput::Varies;  // open through slots without classes
        else if (x.state == ExactOutput::Unseen) x = {ExactOutput::Same, value};
        else if (x.value != value) x.state = ExactOutput::Varies;
    }
    return true;
}

bool Evaluator::searchDone() const {
    if (!(undetermined_ || distinct_ > 1)) return false;
    for (size_t i = 0; i < p_.outputs.size(); ++i)
        if (withOutputs_ && !p_.outputs[i].isText && exactOutputs_[i].state != ExactOutput::Varies) return false;
    return true;
}

// One completion (or a branch the Kleene pass has settled): its outcome and
// route, and its outputs. False when the branch is still open.
bool Evaluator::recordLeaf(const Verdict& v, bool last) {
    if (v.decidingRule >= 0) {
        if (withOutputs_ && !recordOutputs(v.outcome, last)) return false;
        const bool fresh = distinct_ == 0 || (distinct_ == 1 && (first_.first != v.outcome || first_.second != v.route));
        if (distinct_ == 0) {
            first_ = {v.outcome, v.route};
            distinct_ = 1;
        } else if (first_.first != v.outcome || first_.second != v.route) {
            distinct_ = 2;
        }
        // A completion of each outcome found is where the missing-fact search
        // looks first: next to the completion where everything else passes,
        // every fact of a deciding criterion changes the outcome.
        if (fresh) {
            Base& base = bases_[distinct_ - 1];
            base.known.assign(rKnown_.begin(), rKnown_.end());
            base.chosen = chosen_;
            base.verdict = {v.outcome, v.route};
        }
        return true;
    }
    if (!last) return false;
    undetermined_ = true;  // open only through slots without classes
    if (withOutputs_) recordOutputs(Outcome::Undetermined, true);
    return true;
}

// A cheap look before the exhaustive searches: a few completions (the
// extremes, the ones the decision search found, random ones). Two that disagree settle that the decision stays open (most open
// decisions do); a completion of the others under which `slot`'s value changes the outcome settles that it is missing. Only when
// they find nothing does the exhaustive search run. The random draws are the same for the same facts, and answers never depend on
// them, only how soon they come.
uint32_t Evaluator::draw(size_t n) {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return static_cast<uint32_t>(rng_ % n);
}

void Evaluator::sampleDecision() {
    // The two extremes first (every slot at its lowest class, then at its
    // highest: thresholds and levels are ordered, so they are the completions
    // most likely to disagree), then, with kDecisionSamples > 2, random ones.
    for (int k = 0; k < kDecisionSamples && !searchDone(); ++k) {
        for (uint32_t s : relevant_) {
            const size_t n = classesOf(s).size();
            setSlot(s, k == 0 ? 0 : k == 1 ? static_cast<uint32_t>(n - 1) : k == 2 ? permissiveClass(s) : draw(n));
        }
        recordLeaf(pass(), true);
    }
    for (uint32_t s : relevant_) rKnown_[s] = 0;
}

// Whether `slot`'s classes, the other slots as they stand, give two decided
// verdicts that differ. With the others set from `base`, a completion the
// search recorded, its own verdict is known at the slot's class there (the
// completion itself), and nothing can differ if the base left the slot unset:
// the pass decided it without the slot. Those passes saved (callgrind, with
// reasons, 20,000 decisions): the checklist at 20% unknown 234 M
// instructions -> 203 M, IVF 144 M -> 127 M; at 50% 486 M -> 418 M and
// 463 M -> 384 M.
bool Evaluator::slotFlips(uint32_t slot, const Base* base) {
    const size_t classes = classesOf(slot).size();
    bool have = false;
    std::pair<Outcome, Route> seen{};
    uint32_t skip = static_cast<uint32_t>(classes);
    if (base) {
        if (!base->known[slot]) return false;
        skip = base->chosen[slot];
        seen = base->verdict;
        have = true;
    }
    for (uint32_t c = 0; c < classes; ++c) {
        if (c == skip) continue;
        setSlot(slot, c);
        Verdict w = pass();
        if (w.decidingRule < 0) continue;
        if (!have) {
            seen = {w.outcome, w.route};
            have = true;
        } else if (seen.first != w.outcome || seen.second != w.route) {
            return true;
        }
    }
    return false;
}

bool Evaluator::sampleDependence(uint32_t slot, const std::vector<uint32_t>& others) {
    bool found = false;
    auto setOthers = [&](const Base* base) {
        for (uint32_t t : others) setSlot(t, base && base->known[t] ? base->chosen[t] : draw(classesOf(t).size()));
    };
    // The completions the decision search found (one of each outcome), the
    // later-found first: it is usually the outcome that is harder to reach,
    // like IVF's eligible completion, where every open criterion's fact
    // changes the outcome (callgrind, IVF bench: sampleDependence 771 M
    // instructions -> 504 M). A slot a base left unset takes a random class.
    for (int k = distinct_ - 1; k >= 0 && !found; --k) {
        setOthers(&bases_[static_cast<size_t>(k)]);
        found = slotFlips(slot, &bases_[static_cast<size_t>(k)]);
    }
    // Then random completions.
    for (int k = 0; k < kDependenceSamples && !found; ++k) {
        setOthers(nullptr);
        found = slotFlips(slot, nullptr);
    }
    for (uint32_t t : others) rKnown_[t] = 0;
    rKnown_[slot] = 0;
    return found;
}

// Every completion of the relevant slots from `depth` on: the outcomes and
// routes they reach, and (withOutputs_) the outputs' values.
void Evaluator::searchDecision(size_t depth) {
    Verdict v = pass();
    if (recordLeaf(v, depth == relevant_.size())) return;
    const uint32_t s = relevant_[depth];
    const size_t classes = classesOf(s).size();
    const std::vector<uint32_t>& order = (*classOrder_)[s];
    for (uint32_t c = firstClass(relevant_, depth); c < classes && !searchDone(); ++c) {
        setSlot(s, order.empty() ? c : order[c]);
        searchDecision(depth + 1);
    }
    rKnown_[s] = 0;
}

// Whether some values of `others` (from `depth` on) make `slot`'s value change
// the outcome or route. Where slots without classes keep it open, the answer
// is yes: the fact may matter.
bool Evaluator::searchDependence(uint32_t slot, const std::vector<uint32_t>& others, size_t depth) {
    Verdict v = pass();
    if (v.decidingRule >= 0) return false;  // decided whatever `slot` is
    // `slot`'s own classes are tried where the others are all unknown (a
    // cheap witness) and where they are all set; in between, one pass says
    // whether the branch is still open. Tried at every node as well, IVF
    // with reasons at 50% unknown ran at 0.09 M decisions/s, against 0.16.
    if (depth == 0 || depth == others.size()) {
        bool open = false;
        bool have = false;
        std::pair<Outcome, Route> seen{};
        const size_t classes = classesOf(slot).size();
        for (uint32_t c = 0; c < classes; ++c) {
            setSlot(slot, c);
            Verdict w = pass();
            if (w.decidingRule < 0) {
                open = true;
                continue;
            }
            if (!have) {
                seen = {w.outcome, w.route};
                have = true;
            } else if (seen.first != w.outcome || seen.second != w.route) {
                rKnown_[slot] = 0;
                return true;
            }
        }
        rKnown_[slot] = 0;
        if (!open) return false;
        if (depth == others.size()) return true;  // open through slots without classes: it may matter
    }
    const uint32_t s = others[depth];
    const size_t classes = classesOf(s).size();
    bool found = false;
    for (uint32_t c = firstClass(others, depth); c < classes && !found; ++c) {
        setSlot(s, c);
        found = searchDependence(slot, others, depth + 1);
    }
    rKnown_[s] = 0;
    return found;
}

bool Evaluator::refine(const Verdict& v, bool withOutputs, bool withMissing, Refined& out) {
    if (!exact_) return false;
    RefineCounters& counters = refineCounters();
    counters.runs.fetch_add(1, std::memory_order_relaxed);
    withOutputs_ = withOutputs && !p_.outputs.empty();
    withReasons_ = withOutputs || withMissing;
    rulesDecided_ = v.decidingRule >= 0;
    rootOutcome_ = v.outcome;
    beginRefine();
    out.missing.clear();
    if (!withOutputs_ && !withMissing) {
        try {
            if (extremesDisagree()) {
                endRefine();
                out.decided = false;
                return true;
            }
        } catch (const BudgetSpent&) {  // two passes: never
        }
    }
    findRelevant(withOutputs_);
    if (relevant_.empty()) {
        endRefine();
        return false;  // nothing to search: the three-valued answer is the exact one
    }
    exactOutputs_.assign(p_.outputs.size(), ExactOutput{});
    for (size_t i = 0; i < p_.outputs.size(); ++i)  // just an unknown fact: its values differ
        if (p_.outputs[i].bareSlot >= 0 && !original_.known[p_.outputs[i].bareSlot]) exactOutputs_[i].state = ExactOutput::Varies;
    distinct_ = 0;
    undetermined_ = false;
    rng_ = 0x9E3779B97F4A7C15ull;
    try {
        sampleDecision();
        if (!searchDone()) searchDecision(0);
        out.decided = !undetermined_ && distinct_ == 1;
        if (out.decided) {
            out.outcome = first_.first;
            out.route = first_.second;
        } else if (withMissing) {
            // Only what the rules read can change the outcome. Interchangeable
            // slots depend alike: one search per set.
            std::vector<uint32_t>& candidates = candidates_;
            std::vector<uint32_t>& others = others_;
            candidates.clear();
            for (uint32_t s : relevant_)
                if (ruleSlots_[s]) candidates.push_back(s);
            std::vector<int8_t>& bySymmetry = bySymmetry_;  // per symmetry number: -1 not searched, 0 no, 1 yes
            bySymmetry.clear();
            for (uint32_t s : candidates) {
                uint32_t sym = p_.slotSymmetry[s];
                if (sym >= bySymmetry.size()) bySymmetry.resize(sym + 1, -1);
                if (bySymmetry[sym] < 0) {
                    others.clear();
                    for (uint32_t t : candidates)
                        if (t != s) others.push_back(t);
                    bySymmetry[sym] = sampleDependence(s, others) || searchDependence(s, others, 0) ? 1 : 0;
                }
                if (bySymmetry[sym] == 1) out.missing.push_back(s);
            }
            // Slots without classes stay listed: they may matter.
            for (uint32_t s = 0; s < p_.slots.size(); ++s)
                if (ruleSlots_[s] && classesOf(s).empty()) out.missing.push_back(s);
            std::sort(out.missing.begin(), out.missing.end());
        }
        out.outputs = exactOutputs_;
    } catch (const BudgetSpent&) {
        counters.boundHits.fetch_add(1, std::memory_order_relaxed);
        endRefine();
        return false;
    }
    endRefine();
    return true;
}

}  // namespace cpe
