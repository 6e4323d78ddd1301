#pragma once
// Test support: builds checked-style coding trees (engine/syntax/ast.h) from
// the CPL coding syntax, e.g.
//   primary procedure in {F324, F325} and not secondary diagnosis in {G473} and age >= 19
// so matcher tests read like policies without needing the whole engine. It
// fills the fields the checker would (episodeField, enumOrdinal, named).
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "audit/match/matcher.h"

namespace cpe::audit::test {

class CodingRules {
public:
    CodingRules();
    // Specs point into this object: it may move but not be copied.
    CodingRules(const CodingRules&) = delete;
    CodingRules& operator=(const CodingRules&) = delete;
    CodingRules(CodingRules&&) = default;
    CodingRules& operator=(CodingRules&&) = default;
    // A named codeset (e.g. cancer_exclusion) and a named coding fragment.
    void codeset(const std::string& name, const std::vector<std::pair<std::string, std::string>>& ranges);
    void fragment(const std::string& name, const std::string& text);
    // A policy's coding rule. Throws std::runtime_error on a syntax error.
    void rule(const std::string& id, const std::string& text, bool includingEmergencies = false,
              bool withoutCancerExclusion = false);

    const std::vector<RuleSpec>& specs() const { return specs_; }
    CodesetLookup lookup() const;
    // Compiles; fails the calling test (throws) when there are errors.
    std::unique_ptr<Matcher> compile() const;

private:
    std::deque<CodesetInfo> codesets_;
    std::map<std::string, std::shared_ptr<NamedExpr>> fragments_;
    std::vector<std::shared_ptr<NamedExpr>> owned_;
    std::vector<RuleSpec> specs_;
};

// The 17 EBI coding rules of shared/reference/criteria.md, in this syntax,
// with the global cancer exclusion.
CodingRules ebiRules();

}  // namespace cpe::audit::test
