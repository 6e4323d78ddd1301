#pragma once
// The audit's coding-rule matcher. Each EBI policy's checked `coding` tree
// (engine/check/model.h) compiles once into a small flat program over packed
// codes and episode fields; per row nothing is allocated and nothing is
// looked up by name.
//
// Most rows are not EBI activity, so the matcher first narrows the rules a
// row could satisfy: every rule that needs some procedure (a primary one, or
// one in any position) is indexed by the first three characters of the codes
// that could satisfy it. A row then looks up its dominant procedure and its
// other procedures and evaluates only the rules found (plus any rule with no
// procedure requirement, which is evaluated for every row).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/read/code_pack.h"
#include "audit/read/episode.h"
#include "engine/base/compare_op.h"
#include "engine/check/model.h"

namespace cpe {
class SourceSet;
}

namespace cpe::audit {

// One policy's coding rule, as the checker left it.
struct RuleSpec {
    std::string intervention;                      // the policy id, e.g. "ebi.tonsillectomy"
    std::string title;                             // for the report
    std::string version, effective;                // the policy version the rule is from, for versions.csv
    const NamedExpr* coding = nullptr;             // PolicyModel::coding
    const CodesetInfo* cancerExclusion = nullptr;  // null: the rule opts out
};

// Finds a named codeset (`any diagnosis in cancer_exclusion`).
using CodesetLookup = std::function<const CodesetInfo*(const std::string& name)>;

// The codes of one row, packed.
struct EpisodeCodes {
    PackedCode primaryProcedure = 0;
    const PackedCode* procedures = nullptr;  // the procedures column, dominant first
    size_t procedureCount = 0;
    const PackedCode* diagnoses = nullptr;  // primary first
    size_t diagnosisCount = 0;
};

// A set of rule indexes (a bitset sized for the rule count).
class CandidateSet {
public:
    void resize(size_t rules) { words_.assign((rules + 63) / 64, 0); }
    void clear() {
        for (auto& w : words_) w = 0;
    }
    void add(size_t i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
    bool empty() const {
        for (auto w : words_)
            if (w) return false;
        return true;
    }
    template <typename F>
    void forEach(F&& f) const {
        for (size_t w = 0; w < words_.size(); ++w)
            for (uint64_t bits = words_[w]; bits; bits &= bits - 1) f(w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
    }

private:
    std::vector<uint64_t> words_;
};

class Matcher {
public:
    // Compiles every rule. Problems (a construct the audit cannot evaluate on
    // activity data, an unknown codeset, a code longer than 8 characters) are
    // appended to `errors`, each naming the policy and source location;
    // returns null if there were any.
    static std::unique_ptr<Matcher> compile(const std::vector<RuleSpec>& rules, const CodesetLookup& codesets,
                                            const SourceSet* sources, std::vector<std::string>& errors);

    size_t size() const { return rules_.size(); }
    const std::string& intervention(size_t rule) const { return rules_[rule].intervention; }
    const std::string& title(size_t rule) const { return rules_[rule].title; }
    const std::string& version(size_t rule) const { return rules_[rule].version; }
    const std::string& effective(size_t rule) const { return rules_[rule].effective; }

    // Whether any rule could count this row, judged by its procedures only:
    // a quick test on the first two characters of each code that rejects
    // most rows (which are not EBI activity) before `candidates`.
    bool mayMatch(const EpisodeCodes& codes) const {
        if (!alwaysRules_.empty()) return true;
        if (codes.primaryProcedure && interesting(codes.primaryProcedure)) return true;
        for (size_t i = 0; i < codes.procedureCount; ++i)
            if (interesting(codes.procedures[i])) return true;
        return false;
    }
    // The same test with the procedures column still as text, so that the
    // rows it rejects pack none of their codes. A code's first two bytes are
    // looked up as they are: every byte that packing changes or drops (lower
    // case, a dot, a space), like the separator after a one-character code,
    // is of the class "other" (see codeBucket), and the table marks such
    // pairs wherever a rule's code could begin that way. So this lets
    // through every row mayMatch would.
    // Empty codes are skipped, as packing skips them; 8 bytes from any
    // position in `procedures` must be readable (fields are padded).
    bool mayMatchText(PackedCode primaryProcedure, std::string_view procedures) const {
        if (!alwaysRules_.empty()) return true;
        if (primaryProcedure && interesting(primaryProcedure)) return true;
        const char* p = procedures.data();
        const char* const end = p + procedures.size();
        while (p < end) {
            const char* q = p;
            while (q < end && *q != '|') ++q;
            const auto first = static_cast<unsigned char>(p[0]), second = static_cast<unsigned char>(p[1]);
            if (q != p && interesting(PackedCode{first} << 56 | PackedCode{second} << 48)) return true;
            p = q + 1;
        }
        return false;
    }
    // The rules this row could satisfy, judged by its procedures only.
    void candidates(const EpisodeCodes& codes, CandidateSet& out) const;
    // Whether rule `rule` counts the episode: its expression holds, and it is
    // not an excluded emergency or cancer episode.
    bool matches(size_t rule, const Episode& e, const EpisodeCodes& codes) const;

    // Human-readable form of a compiled rule, for tests and `--explain`-style
    // debugging of why an episode did or did not count.
    std::string describe(size_t rule) const;

    // The compiled form, for other back ends (the benchmark's SQL).
    enum class Op : uint8_t { Const, And, Or, Not, Code, Age, Enum };
    struct Node {
        Op op = Op::Const;
        bool value = false;                         // Const
        CodePosition position = CodePosition::Any;  // Code
        CodeKind kind = CodeKind::Procedure;        // Code
        CompareOp cmp = CompareOp::Eq;              // Age
        uint8_t field = 0;                          // Enum: 1 sex, 2 setting, 3 admission (EpisodeField)
        uint8_t mask = 0;                           // Enum: bit per allowed ordinal
        double number = 0;                          // Age
        uint32_t first = 0, count = 0;              // And/Or/Not: children in childList; Code: set index in `first`
    };
    struct Rule {
        std::string intervention, title, version, effective;
        uint32_t root = 0;
        bool excludeEmergencies = true;
        int32_t cancerSet = -1;  // index into sets, or -1
    };
    const std::vector<Rule>& rules() const { return rules_; }
    const std::vector<Node>& nodes() const { return nodes_; }
    const std::vector<uint32_t>& children() const { return childList_; }
    const std::vector<PackedCodeSet>& sets() const { return sets_; }

private:
    friend struct MatcherCompiler;
    // Whether some index bucket starting with the code's first two characters lists a rule.
    bool interesting(PackedCode c) const {
        const auto prefix = static_cast<size_t>(c >> 48);
        return (prefixBits_[prefix >> 6] >> (prefix & 63)) & 1;
    }
    bool eval(uint32_t node, const Episode& e, const EpisodeCodes& codes) const;

    std::vector<Rule> rules_;
    std::vector<Node> nodes_;
    std::vector<uint32_t> childList_;
    std::vector<PackedCodeSet> sets_;
    std::vector<uint32_t> alwaysRules_;  // rules with no procedure requirement
    // Bucket (first three characters) -> rules, as offsets into ruleIds.
    std::vector<uint32_t> primaryStart_, anyStart_;
    std::vector<uint16_t> primaryIds_, anyIds_;
    // Bit per first two bytes of a code (65,536 bits): set when a code
    // beginning with them could be in a rule's required ranges (see
    // MatcherCompiler::markPrefixes).
    std::vector<uint64_t> prefixBits_ = std::vector<uint64_t>(65536 / 64, 0);
};

// The index bucket of a code: its first three characters, each folded to 37
// classes (digit, letter, anything else).
size_t codeBucket(PackedCode c);
inline constexpr size_t kBucketCount = 37 * 37 * 37;

}  // namespace cpe::audit
