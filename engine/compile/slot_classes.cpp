// The boundary classes of each slot, for the evaluator's exact refinement
// (engine/eval/refine.cpp). See Program::slotClasses.
//
// A slot's classes are a finite set of values such that every value the fact
// may take behaves, in every node of the program, exactly like one of them:
// - a boolean: false and true; an enum or levels: every member the fact allows;
// - a number read only by comparisons with constants (`bmi >= 30`,
//   `bmi between 19 and 30`, `x in {1, 2}`, `count of G where it >= 2`): each
//   constant, a value strictly between each two neighbouring constants, and a
//   value beyond each end, inside the declared range. Two values that no
//   constant separates give the same result in every such comparison;
// - an integer with at most kMaxEnumeratedRange values read any other way
//   (arithmetic, `min`, comparisons with other facts): every value.
// - a date read only against constant days, by `within N months` and by
//   `years_since` / `months_since` / `days_since` compared with constants:
//   each constant, each window's ends and each day where the elapsed count
//   crosses a constant, with the day before and the day after. These end on
//   the decision date, so the classes are worked out per decision
//   (Program::slotDates, refine.cpp).
// - text compared only with constants: each constant and one other value;
// - a list of text read only by `has`: one list per set of tests it can pass
//   (listClasses), likewise a list of codes.
// Any other slot (a decimal in arithmetic, a date in arithmetic or compared
// with another fact, text compared with another fact) gets none: the refinement leaves it unknown,
// which is sound (the three-valued pass decides nothing a value of it could
// overturn) though not always exact.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "engine/compile/fact_range.h"
#include "engine/compile/program.h"

namespace cpe {
namespace {

constexpr double kMaxEnumeratedRange = 64;

struct SlotUse {
    std::set<double> thresholds;
    std::set<std::pair<uint32_t, int>> windows;   // `within N units` (dates)
    std::set<std::pair<uint32_t, double>> since;  // `years_since(d) >= c` and the like: (unit, c)
    std::set<std::string> texts;                  // text: the constants it is compared with
    std::vector<uint32_t> hasText;                // a list of text: its `has` nodes
    std::vector<uint32_t> hasCodes;               // a list of codes: its `has` nodes
    bool general = false;                         // read some way other than against a constant
    std::set<uint32_t> directReads;               // nodes that read the slot itself
    std::set<uint32_t> countReads;                // count nodes that count it as a member
};

bool isConst(const Program& p, uint32_t node, double& value) {
    const Node& n = p.nodes[node];
    if (n.op == Op::NConst) {
        value = n.imm;
        return true;
    }
    if (n.op == Op::NNeg && p.nodes[p.kidsOf(n)[0]].op == Op::NConst) {
        value = -p.nodes[p.kidsOf(n)[0]].imm;
        return true;
    }
    return false;
}

// The slot a numeric leaf reads, when the node is just that fact.
bool factSlot(const Program& p, uint32_t node, uint32_t& slot) {
    const Node& n = p.nodes[node];
    if (n.op != Op::NFact || n.a == kOutcomeSlot) return false;
    slot = n.a;
    return true;
}

// A named value stands for its expression (`value age = years_since(dob)`).
uint32_t throughValues(const Program& p, uint32_t node) {
    while (p.nodes[node].op == Op::NValue) node = p.kidsOf(p.nodes[node])[0];
    return node;
}

// The date slot an elapsed count reads (`years_since(referral_date)`), with its unit.
bool sinceSlot(const Program& p, uint32_t node, uint32_t& slot, uint32_t& unit) {
    const Node& n = p.nodes[node];
    if (n.op != Op::NSince || !factSlot(p, p.kidsOf(n)[0], slot)) return false;
    unit = n.b;
    return true;
}

// A numeric node that is a * v + b for one variable v: a numeric fact, or an
// elapsed count of a date fact (`half = dx / 2`, `years_since(dob) - 1`).
struct Affine {
    uint32_t slot = 0;
    bool since = false;
    uint32_t unit = 0;  // of the elapsed count
    double a = 1, b = 0;
};
bool affine(const Program& p, uint32_t node, Affine& out) {
    node = throughValues(p, node);
    const Node& n = p.nodes[node];
    const uint32_t* k = p.kidsOf(n);
    double c = 0;
    switch (n.op) {
        case Op::NFact: out = {}; return factSlot(p, node, out.slot);
        case Op::NSince:
            out = {};
            out.since = true;
            return sinceSlot(p, node, out.slot, out.unit);
        case Op::NNeg:
            if (!affine(p, k[0], out)) return false;
            out.a = -out.a;
            out.b = -out.b;
            return true;
        case Op::NArith: {
            const char op = static_cast<char>(n.cmp);
            if (isConst(p, k[1], c) && affine(p, k[0], out)) {  // v op c
                if (op == '+') out.b += c;
                else if (op == '-') out.b -= c;
                else if (op == '*' && c != 0) out.a *= c, out.b *= c;
                else if (op == '/' && c != 0) out.a /= c, out.b /= c;
                else return false;
                return true;
            }
            if (isConst(p, k[0], c) && affine(p, k[1], out)) {  // c op v
                if (op == '+') out.b += c;
                else if (op == '-') out.a = -out.a, out.b = c - out.b;
                else if (op == '*' && c != 0) out.a *= c, out.b *= c;
                else return false;
                return true;
            }
            return false;
        }
        default: return false;
    }
}

// The kid through which an affine node reads its variable (the other kid, if
// any, is a constant); -1 for any other node.
int64_t affineKid(const Program& p, uint32_t node) {
    const Node& n = p.nodes[node];
    const uint32_t* k = p.kidsOf(n);
    double c = 0;
    if (n.op == Op::NValue || n.op == Op::NSince || n.op == Op::NNeg) return k[0];
    if (n.op != Op::NArith) return -1;
    Affine ignored;
    if (!affine(p, node, ignored)) return -1;
    return isConst(p, k[1], c) ? k[0] : k[1];
}

std::vector<SlotUse> collectUses(const Program& p) {
    std::vector<SlotUse> uses(p.slots.size());
    // Fact leaves reached through a parent that compares them with constants;
    // every other NFact is a general read.
    std::vector<uint32_t> comparedLeaf(p.nodes.size(), 0);
    // A numeric leaf compared with constant `c`: affine in one fact or one
    // elapsed count of a date fact, a * v + b = c at v = (c - b) / a. A
    // decimal also takes the doubles either side, where rounding in a * v + b
    // may put the boundary. False for any other leaf.
    auto threshold = [&](uint32_t leaf, double c) {
        Affine f;
        if (!affine(p, leaf, f)) return false;
        const double t = (c - f.b) / f.a;
        if (f.since) {
            uses[f.slot].since.insert({f.unit, t});
            return true;
        }
        const TypeKind kind = p.slots[f.slot]->type.kind;
        if (kind == TypeKind::Date && (std::fabs(f.a) != 1 || f.b != std::floor(f.b))) return false;  // days are whole
        uses[f.slot].thresholds.insert(t);
        if (kind == TypeKind::Dec && (f.a != 1 || f.b != 0)) {
            uses[f.slot].thresholds.insert(std::nextafter(t, -INFINITY));
            uses[f.slot].thresholds.insert(std::nextafter(t, INFINITY));
        }
        return true;
    };
    for (uint32_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        const uint32_t* k = p.kidsOf(n);
        uint32_t slot = 0;
        double c = 0;
        switch (n.op) {
            case Op::BFact:
            case Op::TFact: uses[n.a].directReads.insert(i); break;
            case Op::BHasCodes:
                uses[n.a].directReads.insert(i);
                uses[n.a].hasCodes.push_back(i);
                break;
            case Op::BHasText:
                uses[n.a].directReads.insert(i);
                uses[n.a].hasText.push_back(i);
                break;
            case Op::BTextEq:
                for (int side = 0; side < 2; ++side)
                    if (p.nodes[k[side]].op == Op::TFact && p.nodes[k[1 - side]].op == Op::TConst) {
                        uses[p.nodes[k[side]].a].texts.insert(p.texts[p.nodes[k[1 - side]].b]);
                        ++comparedLeaf[k[side]];
                    }
                break;
            case Op::BInText:
                if (p.nodes[k[0]].op == Op::TFact) {
                    for (const std::string& t : p.textSets[n.b]) uses[p.nodes[k[0]].a].texts.insert(t);
                    ++comparedLeaf[k[0]];
                }
                break;
            case Op::BCmpSlotConst:
                uses[n.a].thresholds.insert(n.imm);
                uses[n.a].directReads.insert(i);
                break;
            case Op::BBetweenSlotConst:
                uses[n.a].thresholds.insert(n.imm);
                uses[n.a].thresholds.insert(p.consts[n.b]);
                uses[n.a].directReads.insert(i);
                break;
            case Op::BCmpConst:
                if (threshold(k[0], n.imm)) ++comparedLeaf[k[0]];
                break;
            case Op::BCmp:
                for (int side = 0; side < 2; ++side)
                    if (isConst(p, k[1 - side], c) && threshold(k[side], c)) ++comparedLeaf[k[side]];
                break;
            case Op::BInNum: {
                bool read = true;
                for (double v : p.numSets[n.b]) read = threshold(k[0], v);
                if (read) ++comparedLeaf[k[0]];
                break;
            }
            case Op::BBetween: {
                double lo = 0, hi = 0;
                if (isConst(p, k[1], lo) && isConst(p, k[2], hi) && threshold(k[0], lo) && threshold(k[0], hi))
                    ++comparedLeaf[k[0]];
                break;
            }
            case Op::BWithin: {
                double amount = 0;
                if (factSlot(p, k[0], slot) && isConst(p, k[1], amount)) {
                    uses[slot].windows.insert({n.b, static_cast<int>(amount)});
                    ++comparedLeaf[k[0]];
                }
                break;
            }
            case Op::NSince:
            case Op::NValue:
            case Op::NNeg:
            case Op::NArith: {
                // An affine node reads its variable through this kid alone;
                // whether the node itself is read only that way is settled below.
                int64_t kid = affineKid(p, i);
                if (kid >= 0) ++comparedLeaf[static_cast<uint32_t>(kid)];
                break;
            }
            case Op::NCountCmp:
                for (uint16_t m = 0; m < n.nkids; ++m) {
                    uses[k[m]].thresholds.insert(n.imm);
                    uses[k[m]].countReads.insert(i);
                }
                break;
            case Op::NCount:
                // kids[0] is the predicate over `it`; the members' own leaf nodes
                // belong to this count alone. A numeric member's values are
                // tested through the predicate, whose constants are not
                // gathered here: only finite kinds (booleans, enums) get classes.
                for (uint16_t m = 1; m < n.nkids; ++m) {
                    uint32_t member = p.nodes[k[m]].a;
                    uses[member].countReads.insert(i);
                    ++comparedLeaf[k[m]];
                    if (p.nodes[k[m]].op != Op::BFact) uses[member].general = true;
                }
                break;
            default: break;
        }
    }
    // A fact leaf is read only against constants when every reference to it
    // is one of those above (nodes can be shared, and an output or a rule may
    // be the leaf itself).
    std::vector<uint32_t> refs(p.nodes.size(), 0);
    for (const Node& n : p.nodes)
        if (n.op != Op::NCountCmp)  // whose kids are slots, not nodes
            for (uint16_t m = 0; m < n.nkids; ++m) ++refs[p.kidsOf(n)[m]];
    for (const CompiledOutput& o : p.outputs) {
        ++refs[o.node];
        if (o.bareSlot >= 0) ++comparedLeaf[o.node];  // varies whenever its fact is unknown (refine.cpp)
    }
    for (const CompiledRule& r : p.rules)
        if (r.when >= 0) ++refs[static_cast<uint32_t>(r.when)];
    // A named value or elapsed count read some other way than above reads
    // its leaf that way too. Kids come before their parents, so one pass
    // from the last node settles chains of them.
    for (uint32_t i = static_cast<uint32_t>(p.nodes.size()); i-- > 0;) {
        const int64_t kid = affineKid(p, i);
        if (kid >= 0 && comparedLeaf[i] < refs[i]) --comparedLeaf[static_cast<uint32_t>(kid)];
    }
    for (uint32_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        uint32_t slot = 0, unit = 0;
        if (sinceSlot(p, i, slot, unit)) {
            uses[slot].directReads.insert(i);
            if (comparedLeaf[i] < refs[i]) uses[slot].general = true;  // `years_since(d) + 1`, `years_since(d) > other`
            continue;
        }
        if ((n.op != Op::NFact && n.op != Op::TFact) || n.a == kOutcomeSlot) continue;
        uses[n.a].directReads.insert(i);
        if (comparedLeaf[i] < refs[i]) uses[n.a].general = true;
    }
    // Rule steps only re-test nodes above (flatten.cpp), so they add nothing.
    return uses;
}

std::vector<double> numberClasses(const FactInfo& fact, const SlotUse& use) {
    ValueRange r = possibleValues(fact);
    const bool integer = fact.type.kind == TypeKind::Int;
    if (use.general) {
        if (!integer || !std::isfinite(r.lo) || !std::isfinite(r.hi) || r.hi - r.lo + 1 > kMaxEnumeratedRange) return {};
        std::vector<double> all;
        for (double v = std::ceil(r.lo); v <= r.hi; ++v) all.push_back(v);
        return all;
    }
    std::set<double> points;
    auto add = [&](double v) {
        if (v >= r.lo && v <= r.hi && std::isfinite(v)) points.insert(v);
    };
    if (integer) {
        for (double t : use.thresholds) {
            for (double v : {std::floor(t) - 1, std::floor(t), std::ceil(t), std::ceil(t) + 1}) add(v);
        }
        add(std::ceil(r.lo));
        add(std::floor(r.hi));
        if (points.empty()) add(std::isfinite(r.lo) ? std::ceil(r.lo) : std::isfinite(r.hi) ? std::floor(r.hi) : 0);
        return {points.begin(), points.end()};
    }
    std::set<double> marks(use.thresholds.begin(), use.thresholds.end());
    for (double t : use.thresholds) add(t);
    if (std::isfinite(r.lo)) marks.insert(r.lo);
    if (std::isfinite(r.hi)) marks.insert(r.hi);
    std::vector<double> sorted(marks.begin(), marks.end());
    for (double m : sorted) add(m);
    for (size_t i = 1; i < sorted.size(); ++i) add((sorted[i - 1] + sorted[i]) / 2);
    if (!sorted.empty()) {
        add(sorted.front() - 1);
        add(sorted.back() + 1);
    } else {
        add(0);
    }
    return {points.begin(), points.end()};
}

// A text read only against constants: each constant, and one value that is none of them.
std::vector<std::string> textClasses(const SlotUse& use) {
    std::vector<std::string> values(use.texts.begin(), use.texts.end());
    std::string other;
    while (use.texts.count(other)) other += '~';
    values.push_back(other);
    return values;
}

// A list read only by `has`: one list per set of `has` tests it can pass.
// Every item behaves like one of the candidates (each passes a set of tests),
// so the lists are the empty list (which passes none) and the unions of
// candidates' passes, each made of the fewest candidates found first.
constexpr size_t kMaxListClasses = 256;
std::vector<std::vector<std::string>> unionsOfPasses(const std::vector<std::string>& candidates,
                                                     const std::function<uint64_t(const std::string&)>& passes) {
    std::map<uint64_t, std::vector<std::string>> lists{{0, {}}};
    for (const std::string& item : candidates) {
        const uint64_t mask = passes(item);
        if (!mask) continue;
        std::vector<std::pair<uint64_t, std::vector<std::string>>> grown;
        for (const auto& [have, items] : lists)
            if (!lists.count(have | mask)) {
                grown.emplace_back(have | mask, items);
                grown.back().second.push_back(item);
            }
        for (auto& [passed, items] : grown) lists.emplace(passed, std::move(items));
        if (lists.size() > kMaxListClasses) return {};
    }
    std::vector<std::vector<std::string>> out;
    for (auto& [passed, items] : lists) out.push_back(std::move(items));
    return out;
}

// Lists of text: an item passes test j when it (or its part before sep_j) is
// in set j. With one separator at most, the candidates are every constant and
// each constant followed by the separator and a tail (an item such as
// "37/41", whose part before "/" is "37"); any other item passes nothing.
std::vector<std::vector<std::string>> textListClasses(const Program& p, const std::vector<uint32_t>& reads) {
    char separator = 0;
    std::set<std::string> constants;
    for (uint32_t node : reads) {
        const Node& n = p.nodes[node];
        if (n.c && separator && static_cast<char>(n.c) != separator) return {};
        if (n.c) separator = static_cast<char>(n.c);
        constants.insert(p.textSets[n.b].begin(), p.textSets[n.b].end());
    }
    std::vector<std::string> candidates(constants.begin(), constants.end());
    if (separator)
        for (const std::string& c : constants) {
            std::string item = c + separator + "x";
            while (constants.count(item)) item += 'x';
            candidates.push_back(item);
        }
    return unionsOfPasses(candidates, [&](const std::string& item) {
        uint64_t mask = 0;
        for (size_t j = 0; j < reads.size(); ++j) {
            const Node& n = p.nodes[reads[j]];
            std::string_view v = item;
            if (n.c) v = v.substr(0, v.find(static_cast<char>(n.c)));
            const auto& set = p.textSets[n.b];
            if (std::find(set.begin(), set.end(), v) != set.end()) mask |= uint64_t{1} << j;
        }
        return mask;
    });
}

// Lists of codes (CodeRange): a range whose `lo` has L characters compares a
// code's first L characters, so a code behaves like its first l characters,
// l the longest such L it has, and among codes of one length each range is an
// interval in byte order (prefixes are ordered as the codes are). For each
// such length the candidates are the least code, and each interval's least
// code and the code just after its greatest: every region the intervals cut
// begins with one of these.
bool increment(std::string& s) {  // the next string of the same length in byte order
    for (size_t i = s.size(); i-- > 0;) {
        if (static_cast<unsigned char>(s[i]) != 0xFF) {
            s[i] = static_cast<char>(static_cast<unsigned char>(s[i]) + 1);
            return true;
        }
        s[i] = '\0';
    }
    return false;
}
bool decrement(std::string& s) {
    for (size_t i = s.size(); i-- > 0;) {
        if (s[i] != '\0') {
            s[i] = static_cast<char>(static_cast<unsigned char>(s[i]) - 1);
            return true;
        }
        s[i] = static_cast<char>(0xFF);
    }
    return false;
}
// The greatest string of `len` characters that is at most `hi`; false if none.
bool greatestUpTo(const std::string& hi, size_t len, std::string& out) {
    if (hi.size() >= len) {
        out = hi.substr(0, len);
        return true;
    }
    out = hi;  // a longer string beginning with hi is above it
    if (!decrement(out)) return false;
    out += std::string(len - hi.size(), static_cast<char>(0xFF));
    return true;
}
std::vector<std::vector<std::string>> codeListClasses(const Program& p, const std::vector<uint32_t>& reads) {
    std::set<size_t> lengths;
    for (uint32_t node : reads)
        for (const CodeRange& r : p.codeSets[p.nodes[node].b]) lengths.insert(r.lo.size());
    std::set<std::string> candidates;
    for (size_t len : lengths) {
        candidates.insert(std::string(len, '\0'));
        for (uint32_t node : reads)
            for (const CodeRange& r : p.codeSets[p.nodes[node].b]) {
                const size_t L = r.lo.size();
                if (L > len) continue;
                const std::string tail(len - L, '\0');
                candidates.insert(r.lo + tail);
                std::string top;
                if (r.hi.empty()) top = r.lo;
                else if (!greatestUpTo(r.hi, L, top)) continue;
                if (increment(top)) candidates.insert(top + tail);
            }
    }
    return unionsOfPasses({candidates.begin(), candidates.end()}, [&](const std::string& code) {
        uint64_t mask = 0;
        for (size_t j = 0; j < reads.size(); ++j)
            for (const CodeRange& r : p.codeSets[p.nodes[reads[j]].b])
                if (r.matches(code)) mask |= uint64_t{1} << j;
        return mask;
    });
}

std::vector<std::vector<std::string>> listClasses(const Program& p, const SlotUse& use) {
    if (use.hasText.size() + use.hasCodes.size() > 64) return {};  // one bit per test
    if (!use.hasCodes.empty())
        return use.hasText.empty() ? codeListClasses(p, use.hasCodes) : std::vector<std::vector<std::string>>{};
    return textListClasses(p, use.hasText);
}

std::vector<double> indices(size_t n) {
    std::vector<double> out(n);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(i);
    return out;
}

}  // namespace

void computeSlotClasses(Program& p) {
    // An output affine in one fact (or an elapsed count of one) is open
    // exactly when the fact is unknown: the refinement need not search it.
    for (CompiledOutput& o : p.outputs) {
        Affine f;
        if (!o.isText && affine(p, o.node, f) && f.a != 0) o.bareSlot = static_cast<int32_t>(f.slot);
    }
    std::vector<SlotUse> uses = collectUses(p);
    p.slotClasses.assign(p.slots.size(), {});
    p.slotSymmetry.assign(p.slots.size(), 0);
    p.slotDates.assign(p.slots.size(), {});
    p.slotTexts.assign(p.slots.size(), {});
    p.slotLists.assign(p.slots.size(), {});
    for (uint32_t s = 0; s < p.slots.size(); ++s) {
        const FactInfo& fact = *p.slots[s];
        std::vector<double>& classes = p.slotClasses[s];
        switch (p.slotKinds[s]) {
            case SlotKind::Bool: classes = {0, 1}; break;
            case SlotKind::Number:
                if (fact.type.kind == TypeKind::Enum) {
                    for (size_t m = 0; m < fact.type.enumInfo->members.size(); ++m)
                        if (mayTake(fact, static_cast<double>(m))) classes.push_back(static_cast<double>(m));
                } else if (fact.type.kind == TypeKind::Int || fact.type.kind == TypeKind::Dec) {
                    classes = numberClasses(fact, uses[s]);
                } else if (fact.type.kind == TypeKind::Date && !uses[s].general) {
                    Program::DateReads& d = p.slotDates[s];
                    d.classable = true;
                    d.thresholds.assign(uses[s].thresholds.begin(), uses[s].thresholds.end());
                    d.windows.assign(uses[s].windows.begin(), uses[s].windows.end());
                    d.since.assign(uses[s].since.begin(), uses[s].since.end());
                }
                break;
            case SlotKind::Text:
                if (uses[s].general) break;
                p.slotTexts[s] = textClasses(uses[s]);
                classes = indices(p.slotTexts[s].size());
                break;
            case SlotKind::List:
                p.slotLists[s] = listClasses(p, uses[s]);
                classes = indices(p.slotLists[s].size());
                break;
        }
    }
    for (uint32_t s = 0; s < p.slots.size(); ++s) p.refinesValues |= !p.slotTexts[s].empty() || !p.slotLists[s].empty();
    // Interchangeable slots: members read only by the same counts, with the
    // same classes. Swapping two of them changes no node's value, so the
    // refinement tries their values in non-decreasing order only.
    std::map<std::pair<std::set<uint32_t>, std::vector<double>>, uint32_t> groups;
    uint32_t next = 1;
    for (uint32_t s = 0; s < p.slots.size(); ++s) {
        const SlotUse& u = uses[s];
        if (u.countReads.empty() || !u.directReads.empty() || p.slotClasses[s].empty()) {
            p.slotSymmetry[s] = next++;
            continue;
        }
        auto [it, fresh] = groups.try_emplace({u.countReads, p.slotClasses[s]}, next);
        if (fresh) ++next;
        p.slotSymmetry[s] = it->second;
    }
}

}  // namespace cpe
