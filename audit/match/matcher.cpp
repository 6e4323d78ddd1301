#include "audit/match/matcher.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "engine/source/source_set.h"

namespace cpe::audit {

namespace {

constexpr uint8_t kOther = 36;

constexpr std::array<uint8_t, 256> makeClassTable() {
    std::array<uint8_t, 256> t{};
    for (auto& v : t) v = kOther;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(c - '0');
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = static_cast<uint8_t>(10 + c - 'A');
    return t;
}
constexpr std::array<uint8_t, 256> kClass = makeClassTable();

// Field names and member names of the episode enums, in the engine's order.
const std::vector<std::string> kSexMembers = {"male", "female", "unknown"};
const std::vector<std::string> kSettingMembers = {"APC", "OP"};
const std::vector<std::string> kAdmissionMembers = {"elective", "emergency", "other"};
const std::vector<std::string>& membersOf(int field) {
    return field == 1 ? kSexMembers : field == 2 ? kSettingMembers : kAdmissionMembers;
}
int fieldFromName(const std::string& name) {
    if (name == "age") return 0;
    if (name == "sex") return 1;
    if (name == "setting") return 2;
    if (name == "admission") return 3;
    return -1;
}

// The procedure codes a rule needs at least one of (a necessary condition,
// used only to narrow the rules to evaluate).
struct Requirement {
    bool primaryOnly = true;
    std::vector<PackedRange> ranges;
};

}  // namespace

size_t codeBucket(PackedCode c) {
    return (static_cast<size_t>(kClass[(c >> 56) & 0xFF]) * 37 + kClass[(c >> 48) & 0xFF]) * 37 + kClass[(c >> 40) & 0xFF];
}

struct MatcherCompiler {
    Matcher& m;
    const CodesetLookup& lookup;
    const SourceSet* sources;
    std::vector<std::string>& errors;
    std::string policy;
    std::map<const CodesetInfo*, int32_t> setOfCodeset;
    std::vector<const NamedExpr*> fragmentStack;

    std::string where(const Span& span) const {
        std::string at = sources && span.valid() && span.file < sources->size() ? sources->location(span) + ": " : "";
        return at + "policy " + policy + ": ";
    }
    void error(const Span& span, const std::string& message) { errors.push_back(where(span) + message); }

    uint32_t add(Matcher::Node n) {
        m.nodes_.push_back(n);
        return static_cast<uint32_t>(m.nodes_.size() - 1);
    }
    uint32_t constant(bool v) {
        Matcher::Node n;
        n.op = Matcher::Op::Const;
        n.value = v;
        return add(n);
    }
    uint32_t combine(Matcher::Op op, const std::vector<uint32_t>& kids) {
        Matcher::Node n;
        n.op = op;
        n.first = static_cast<uint32_t>(m.childList_.size());
        n.count = static_cast<uint32_t>(kids.size());
        m.childList_.insert(m.childList_.end(), kids.begin(), kids.end());
        return add(n);
    }

    int32_t codesetIndex(const CodesetInfo& cs, const Span& span) {
        auto it = setOfCodeset.find(&cs);
        if (it != setOfCodeset.end()) return it->second;
        PackedCodeSet set;
        for (const CodeRange& r : cs.ranges) {
            PackedRange pr;
            std::string why;
            if (!makeRange(r.lo, r.hi, pr, why)) {
                error(span, "codeset " + cs.name + ": " + why);
                continue;
            }
            set.ranges.push_back(pr);
        }
        m.sets_.push_back(std::move(set));
        int32_t index = static_cast<int32_t>(m.sets_.size() - 1);
        setOfCodeset[&cs] = index;
        return index;
    }

    int32_t setIndex(const SetExpr& s) {
        if (!s.ref.empty()) {
            // The checker resolves the name in the policy's scope; the lookup
            // by name serves trees built without the checker.
            const CodesetInfo* cs = s.codeset ? s.codeset : lookup ? lookup(s.ref) : nullptr;
            if (!cs) {
                error(s.span, "unknown codeset '" + s.ref + "'");
                return -1;
            }
            return codesetIndex(*cs, s.span);
        }
        PackedCodeSet set;
        for (const SetItem& item : s.items) {
            if (item.kind == SetItem::Kind::Number) {
                error(item.span, "'" + item.lo + "' is a number, not a clinical code");
                continue;
            }
            PackedRange pr;
            std::string why;
            if (!makeRange(item.lo, item.hi, pr, why)) {
                error(item.span, why);
                continue;
            }
            set.ranges.push_back(pr);
        }
        m.sets_.push_back(std::move(set));
        return static_cast<int32_t>(m.sets_.size() - 1);
    }

    // The episode field a name stands for, or -1.
    static int episodeFieldOf(const Expr& e) {
        if (e.kind != ExprKind::Name) return -1;
        if (e.episodeField >= 0) return e.episodeField;
        if (!e.fact && !e.named && e.enumOrdinal < 0) return fieldFromName(e.text);
        return -1;
    }
    int ordinalOf(const Expr& e, int field) {
        if (e.kind == ExprKind::Name && e.enumOrdinal >= 0) return e.enumOrdinal;
        if (e.kind == ExprKind::Name || e.kind == ExprKind::String) return ordinalOfText(e.text, field, e.span);
        error(e.span, "expected one of " + join(membersOf(field)));
        return -1;
    }
    int ordinalOfText(const std::string& text, int field, const Span& span) {
        const auto& members = membersOf(field);
        for (size_t i = 0; i < members.size(); ++i)
            if (members[i] == text) return static_cast<int>(i);
        error(span, "'" + text + "' is not one of " + join(members));
        return -1;
    }
    static std::string join(const std::vector<std::string>& v) {
        std::string out;
        for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
        return out;
    }

    uint32_t ageCompare(CompareOp cmp, double number) {
        Matcher::Node n;
        n.op = Matcher::Op::Age;
        n.cmp = cmp;
        n.number = number;
        return add(n);
    }
    uint32_t enumTest(int field, uint8_t mask) {
        Matcher::Node n;
        n.op = Matcher::Op::Enum;
        n.field = static_cast<uint8_t>(field);
        n.mask = mask;
        return add(n);
    }

    uint32_t compileCompare(const Expr& e) {
        CompareOp cmp = e.compareOp;
        const Expr* fieldSide = e.args[0].get();
        const Expr* valueSide = e.args[1].get();
        if (episodeFieldOf(*fieldSide) < 0 && episodeFieldOf(*valueSide) >= 0) {
            std::swap(fieldSide, valueSide);
            cmp = flip(cmp);
        }
        int field = episodeFieldOf(*fieldSide);
        if (field < 0) return unsupported(e, "a comparison that is not between an episode field and a value");
        if (field == 0) {
            if (valueSide->kind != ExprKind::Number) return unsupported(e, "age compared with something other than a number");
            return ageCompare(cmp, valueSide->number);
        }
        if (!isEquality(cmp))
            return unsupported(e, "ordering comparison on " + std::string(field == 1   ? "sex"
                                                                          : field == 2 ? "setting"
                                                                                       : "admission"));
        int ord = ordinalOf(*valueSide, field);
        if (ord < 0) return constant(false);
        uint8_t mask = static_cast<uint8_t>(1u << ord);
        if (cmp == CompareOp::Ne) mask = static_cast<uint8_t>(~mask & 0x7);
        return enumTest(field, mask);
    }

    uint32_t unsupported(const Expr& e, const std::string& what) {
        error(e.span, "the audit cannot evaluate " + what + " on coded activity");
        return constant(false);
    }

    uint32_t compile(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Bool: return constant(e.boolValue);
            case ExprKind::And:
            case ExprKind::AllOf:
            case ExprKind::Or:
            case ExprKind::AnyOf: {
                std::vector<uint32_t> kids;
                for (const auto& a : e.args) kids.push_back(compile(*a));
                bool isAnd = e.kind == ExprKind::And || e.kind == ExprKind::AllOf;
                return combine(isAnd ? Matcher::Op::And : Matcher::Op::Or, kids);
            }
            case ExprKind::Not: return combine(Matcher::Op::Not, {compile(*e.args[0])});
            case ExprKind::CodeAt: {
                if (!e.set) return unsupported(e, "a code test without a code set");
                int32_t set = setIndex(*e.set);
                if (set < 0) return constant(false);
                Matcher::Node n;
                n.op = Matcher::Op::Code;
                n.position = e.position;
                n.kind = e.codeKind;
                n.first = static_cast<uint32_t>(set);
                return add(n);
            }
            case ExprKind::Name: {
                if (e.named && e.named->kind == NamedExpr::Kind::Coding && e.named->expr) {
                    if (std::find(fragmentStack.begin(), fragmentStack.end(), e.named) != fragmentStack.end()) {
                        error(e.span, "coding fragment '" + e.text + "' refers to itself");
                        return constant(false);
                    }
                    fragmentStack.push_back(e.named);
                    uint32_t out = compile(*e.named->expr);
                    fragmentStack.pop_back();
                    return out;
                }
                if (e.fact) return unsupported(e, "the fact '" + e.text + "' (activity data holds no facts)");
                return unsupported(e, "the name '" + e.text + "'");
            }
            case ExprKind::Compare: return compileCompare(e);
            case ExprKind::Is: {
                int field = episodeFieldOf(*e.args[0]);
                if (field <= 0) return unsupported(e, "'is' on something other than sex, setting or admission");
                int ord = ordinalOf(*e.args[1], field);
                if (ord < 0) return constant(false);
                uint8_t mask = static_cast<uint8_t>(1u << ord);
                if (e.negated) mask = static_cast<uint8_t>(~mask & 0x7);
                return enumTest(field, mask);
            }
            case ExprKind::In: {
                int field = episodeFieldOf(*e.args[0]);
                if (field < 0 || !e.set) return unsupported(e, "'in' on something other than an episode field");
                if (!e.set->ref.empty()) return unsupported(e, "an episode field in a named set");
                uint32_t out;
                if (field == 0) {
                    std::vector<uint32_t> kids;
                    for (const SetItem& item : e.set->items) {
                        if (item.kind != SetItem::Kind::Number) {
                            error(item.span, "age compared with '" + item.lo + "', which is not a number");
                            continue;
                        }
                        kids.push_back(ageCompare(CompareOp::Eq, item.number));
                    }
                    out = combine(Matcher::Op::Or, kids);
                } else {
                    uint8_t mask = 0;
                    for (const SetItem& item : e.set->items) {
                        int ord = ordinalOfText(item.lo, field, item.span);
                        if (ord >= 0) mask = static_cast<uint8_t>(mask | (1u << ord));
                    }
                    out = enumTest(field, mask);
                }
                return e.negated ? combine(Matcher::Op::Not, {out}) : out;
            }
            case ExprKind::Between: {
                if (episodeFieldOf(*e.args[0]) != 0 || e.args[1]->kind != ExprKind::Number || e.args[2]->kind != ExprKind::Number)
                    return unsupported(e, "'between' other than age between two numbers");
                return combine(Matcher::Op::And,
                               {ageCompare(CompareOp::Ge, e.args[1]->number), ageCompare(CompareOp::Le, e.args[2]->number)});
            }
            default: return unsupported(e, "this kind of expression");
        }
    }

    // ---- the procedure index

    std::optional<Requirement> requirement(uint32_t node) const {
        const Matcher::Node& n = m.nodes_[node];
        switch (n.op) {
            case Matcher::Op::Code:
                if (n.kind != CodeKind::Procedure) return std::nullopt;
                return Requirement{n.position == CodePosition::Primary, m.sets_[n.first].ranges};
            case Matcher::Op::And: {
                // Any conjunct's requirement will do; a primary one narrows most.
                std::optional<Requirement> best;
                for (uint32_t i = 0; i < n.count; ++i) {
                    auto r = requirement(m.childList_[n.first + i]);
                    if (!r) continue;
                    if (!best || (r->primaryOnly && !best->primaryOnly) ||
                        (r->primaryOnly == best->primaryOnly && r->ranges.size() < best->ranges.size()))
                        best = std::move(r);
                }
                return best;
            }
            case Matcher::Op::Or: {
                if (n.count == 0) return std::nullopt;
                Requirement all;
                for (uint32_t i = 0; i < n.count; ++i) {
                    auto r = requirement(m.childList_[n.first + i]);
                    if (!r) return std::nullopt;
                    all.primaryOnly = all.primaryOnly && r->primaryOnly;
                    all.ranges.insert(all.ranges.end(), r->ranges.begin(), r->ranges.end());
                }
                return all;
            }
            default: return std::nullopt;
        }
    }

    // A bucket's first three character classes as a packed code prefix, and
    // the position of its first "other" class (3 if none). Decoded once per
    // bucket rather than once per bucket and range.
    struct BucketKey {
        PackedCode prefix = 0;
        uint8_t firstOther = 3;
    };
    static std::vector<BucketKey> bucketKeys() {
        auto charOf = [](size_t cls) { return static_cast<PackedCode>(cls < 10 ? '0' + cls : 'A' + cls - 10); };
        std::vector<BucketKey> keys(kBucketCount);
        size_t b = 0;
        for (size_t c0 = 0; c0 < 37; ++c0)
            for (size_t c1 = 0; c1 < 37; ++c1)
                for (size_t c2 = 0; c2 < 37; ++c2, ++b) {
                    BucketKey& key = keys[b];
                    if (c0 == kOther) {
                        key.firstOther = 0;
                    } else if (c1 == kOther) {
                        key = {charOf(c0) << 56, 1};
                    } else if (c2 == kOther) {
                        key = {charOf(c0) << 56 | charOf(c1) << 48, 2};
                    } else {
                        key = {charOf(c0) << 56 | charOf(c1) << 48 | charOf(c2) << 40, 3};
                    }
                }
        return keys;
    }

    // A range cut to its first three characters, the most a bucket knows.
    struct RangeHead {
        PackedCode lo = 0, hi = 0, mask = 0;
        uint8_t length = 0;  // characters compared, at most 3
    };
    static RangeHead headOf(const PackedRange& range) {
        RangeHead h;
        h.length = static_cast<uint8_t>(std::min<size_t>(range.length, 3));
        h.mask = ~(~PackedCode{0} >> (8 * h.length));
        h.lo = range.lo & h.mask;
        h.hi = range.hi & h.mask;
        return h;
    }

    // Whether a code whose first three characters fall in the bucket could be
    // in the range. Conservative: an "other" character class says yes.
    static bool overlaps(const RangeHead& range, const BucketKey& bucket) {
        if (bucket.firstOther < range.length) return true;
        PackedCode prefix = bucket.prefix & range.mask;
        return prefix >= range.lo && prefix <= range.hi;
    }

    void buildIndex() {
        const std::vector<BucketKey> keys = bucketKeys();
        // (bucket, rule) pairs in rule order; a stable counting sort by bucket
        // below keeps each bucket's rules in rule order.
        std::vector<std::pair<uint32_t, uint16_t>> primary, any;
        std::vector<RangeHead> heads;
        for (size_t r = 0; r < m.rules_.size(); ++r) {
            auto req = requirement(m.rules_[r].root);
            if (!req) {
                m.alwaysRules_.push_back(static_cast<uint32_t>(r));
                continue;
            }
            markPrefixes(req->ranges);
            auto& target = req->primaryOnly ? primary : any;
            heads.clear();
            for (const PackedRange& range : req->ranges) heads.push_back(headOf(range));
            // Only buckets whose first character could be in a range, or is
            // "other", can overlap it: test those.
            std::vector<bool> firstClass(37, false);
            firstClass[kOther] = true;
            for (const PackedRange& range : req->ranges)
                for (size_t c = kClass[(range.lo >> 56) & 0xFF]; c <= kClass[(range.hi >> 56) & 0xFF] && c < 37; ++c)
                    firstClass[c] = true;
            for (size_t c0 = 0; c0 < 37; ++c0) {
                if (!firstClass[c0]) continue;
                for (size_t b = c0 * 37 * 37; b < (c0 + 1) * 37 * 37; ++b)
                    for (const RangeHead& head : heads)
                        if (overlaps(head, keys[b])) {
                            target.emplace_back(static_cast<uint32_t>(b), static_cast<uint16_t>(r));
                            break;
                        }
            }
        }
        auto flatten = [](const std::vector<std::pair<uint32_t, uint16_t>>& pairs, std::vector<uint32_t>& start,
                          std::vector<uint16_t>& ids) {
            start.assign(kBucketCount + 1, 0);
            for (const auto& [bucket, rule] : pairs) ++start[bucket + 1];
            for (size_t b = 0; b < kBucketCount; ++b) start[b + 1] += start[b];
            ids.assign(pairs.size(), 0);
            std::vector<uint32_t> next(start.begin(), start.end() - 1);
            for (const auto& [bucket, rule] : pairs) ids[next[bucket]++] = rule;
        };
        flatten(primary, m.primaryStart_, m.primaryIds_);
        flatten(any, m.anyStart_, m.anyIds_);
        if (m.alwaysRules_.size() < m.rules_.size()) markOtherFirstBytes();
    }

    // The prefilter (Matcher::mayMatch): marks the first two bytes of every
    // code that could be in one of a rule's required ranges. A code in a
    // range of two or more characters begins with a pair between the first
    // two characters of its ends (codes order as their prefixes do); one in a
    // range of one character begins with any pair whose first byte lies
    // between its ends. Pairs that packing never produces from such a code,
    // but raw text can (mayMatchText reads the column before packing), are
    // marked too: a first byte of the class "other" (lower case, a dot, a
    // space), and a second byte of that class after a first byte that could
    // begin a range (what follows a one-character code is of it too).
    void markPair(size_t pair) { m.prefixBits_[pair >> 6] |= uint64_t{1} << (pair & 63); }
    void markOtherFirstBytes() {
        for (size_t first = 0; first < 256; ++first)
            if (kClass[first] == kOther)
                for (size_t second = 0; second < 256; ++second) markPair(first << 8 | second);
    }
    void markPrefixes(const std::vector<PackedRange>& ranges) {
        for (const PackedRange& range : ranges) {
            const auto lo = static_cast<size_t>(range.lo >> 48), hi = static_cast<size_t>(range.hi >> 48);
            for (size_t first = lo >> 8; first <= hi >> 8; ++first)
                for (size_t second = 0; second < 256; ++second)
                    if (range.length == 1 || kClass[second] == kOther) markPair(first << 8 | second);
            if (range.length >= 2)
                for (size_t pair = lo; pair <= hi; ++pair) markPair(pair);
        }
    }
};

std::unique_ptr<Matcher> Matcher::compile(const std::vector<RuleSpec>& specs, const CodesetLookup& codesets,
                                          const SourceSet* sources, std::vector<std::string>& errors) {
    auto m = std::unique_ptr<Matcher>(new Matcher());
    size_t before = errors.size();
    if (specs.size() > 65535) {
        errors.push_back("too many coding rules (" + std::to_string(specs.size()) + "; at most 65535)");
        return nullptr;
    }
    MatcherCompiler c{*m, codesets, sources, errors, {}, {}, {}};
    for (const RuleSpec& spec : specs) {
        c.policy = spec.intervention;
        Rule rule;
        rule.intervention = spec.intervention;
        rule.title = spec.title;
        rule.version = spec.version;
        rule.effective = spec.effective;
        if (!spec.coding || !spec.coding->expr) {
            errors.push_back("policy " + spec.intervention + ": has no coding rule");
            continue;
        }
        rule.root = c.compile(*spec.coding->expr);
        rule.excludeEmergencies = !spec.coding->includesEmergencies;
        if (spec.cancerExclusion) rule.cancerSet = c.codesetIndex(*spec.cancerExclusion, spec.coding->span);
        m->rules_.push_back(std::move(rule));
    }
    if (errors.size() != before) return nullptr;
    c.buildIndex();
    return m;
}

void Matcher::candidates(const EpisodeCodes& codes, CandidateSet& out) const {
    out.clear();
    for (uint32_t r : alwaysRules_) out.add(r);
    auto addBucket = [&](const std::vector<uint32_t>& start, const std::vector<uint16_t>& ids, PackedCode code) {
        size_t b = codeBucket(code);
        for (uint32_t i = start[b]; i < start[b + 1]; ++i) out.add(ids[i]);
    };
    if (codes.primaryProcedure) {
        addBucket(primaryStart_, primaryIds_, codes.primaryProcedure);
        addBucket(anyStart_, anyIds_, codes.primaryProcedure);
    }
    for (size_t i = 0; i < codes.procedureCount; ++i) addBucket(anyStart_, anyIds_, codes.procedures[i]);
}

namespace {
bool anyMatch(const PackedCodeSet& set, const PackedCode* codes, size_t from, size_t count) {
    for (size_t i = from; i < count; ++i)
        if (set.matches(codes[i])) return true;
    return false;
}
}  // namespace

bool Matcher::eval(uint32_t index, const Episode& e, const EpisodeCodes& codes) const {
    const Node& n = nodes_[index];
    switch (n.op) {
        case Op::Const: return n.value;
        case Op::And:
            for (uint32_t i = 0; i < n.count; ++i)
                if (!eval(childList_[n.first + i], e, codes)) return false;
            return true;
        case Op::Or:
            for (uint32_t i = 0; i < n.count; ++i)
                if (eval(childList_[n.first + i], e, codes)) return true;
            return false;
        case Op::Not: return !eval(childList_[n.first], e, codes);
        case Op::Code: {
            const PackedCodeSet& set = sets_[n.first];
            if (n.kind == CodeKind::Procedure) {
                switch (n.position) {
                    case CodePosition::Primary: return codes.primaryProcedure && set.matches(codes.primaryProcedure);
                    case CodePosition::Secondary: return anyMatch(set, codes.procedures, 1, codes.procedureCount);
                    case CodePosition::Any:
                        return (codes.primaryProcedure && set.matches(codes.primaryProcedure)) ||
                               anyMatch(set, codes.procedures, 0, codes.procedureCount);
                }
            } else {
                switch (n.position) {
                    case CodePosition::Primary: return codes.diagnosisCount > 0 && set.matches(codes.diagnoses[0]);
                    case CodePosition::Secondary: return anyMatch(set, codes.diagnoses, 1, codes.diagnosisCount);
                    case CodePosition::Any: return anyMatch(set, codes.diagnoses, 0, codes.diagnosisCount);
                }
            }
            return false;
        }
        case Op::Age: return cpe::compare(n.cmp, static_cast<double>(e.age), n.number);
        case Op::Enum: {
            unsigned ordinal = n.field == 1   ? static_cast<unsigned>(e.sex)
                               : n.field == 2 ? static_cast<unsigned>(e.setting)
                                              : static_cast<unsigned>(e.admission);
            return (n.mask >> ordinal) & 1u;
        }
    }
    return false;
}

bool Matcher::matches(size_t rule, const Episode& e, const EpisodeCodes& codes) const {
    const Rule& r = rules_[rule];
    if (r.excludeEmergencies && e.admission == Admission::Emergency) return false;
    if (!eval(r.root, e, codes)) return false;
    if (r.cancerSet >= 0 && anyMatch(sets_[static_cast<size_t>(r.cancerSet)], codes.diagnoses, 0, codes.diagnosisCount))
        return false;
    return true;
}

std::string Matcher::describe(size_t rule) const {
    std::function<std::string(uint32_t)> show = [&](uint32_t index) -> std::string {
        const Node& n = nodes_[index];
        auto kids = [&](const char* sep) {
            std::string out = "(";
            for (uint32_t i = 0; i < n.count; ++i) out += (i ? sep : "") + show(childList_[n.first + i]);
            return out + ")";
        };
        switch (n.op) {
            case Op::Const: return n.value ? "true" : "false";
            case Op::And: return kids(" and ");
            case Op::Or: return kids(" or ");
            case Op::Not: return "not " + show(childList_[n.first]);
            case Op::Code: {
                std::string out = n.position == CodePosition::Primary     ? "primary "
                                  : n.position == CodePosition::Secondary ? "secondary "
                                                                          : "any ";
                out += n.kind == CodeKind::Procedure ? "procedure in {" : "diagnosis in {";
                const auto& ranges = sets_[n.first].ranges;
                for (size_t i = 0; i < ranges.size(); ++i) {
                    out += (i ? ", " : "") + unpackCode(ranges[i].lo);
                    if (ranges[i].hi != ranges[i].lo) out += "-" + unpackCode(ranges[i].hi);
                }
                return out + "}";
            }
            case Op::Age: {
                char num[32];
                std::snprintf(num, sizeof num, "%g", n.number);
                return "age " + std::string(spelling(n.cmp)) + " " + num;
            }
            case Op::Enum: {
                const auto& members = membersOf(n.field);
                std::string out = n.field == 1 ? "sex in {" : n.field == 2 ? "setting in {" : "admission in {";
                bool firstMember = true;
                for (size_t i = 0; i < members.size(); ++i)
                    if ((n.mask >> i) & 1u) {
                        out += (firstMember ? "" : ", ") + members[i];
                        firstMember = false;
                    }
                return out + "}";
            }
        }
        return "?";
    };
    const Rule& r = rules_[rule];
    std::string out = show(r.root);
    if (r.excludeEmergencies) out += " [emergencies excluded]";
    if (r.cancerSet >= 0) out += " [cancer exclusion]";
    return out;
}

}  // namespace cpe::audit
