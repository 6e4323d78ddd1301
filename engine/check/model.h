#pragma once
// The checked library: what the checker makes of the parsed files. Every name
// in every expression is resolved (Expr::fact, Expr::named, ...) and every
// expression has a type. The compiler, `explain`, `doc`, `diff` and the audit
// matcher read this; none of them resolves names again.
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/civil_date.h"
#include "engine/source/source_set.h"
#include "engine/syntax/ast.h"

namespace cpe {

struct EnumInfo {
    std::string name;
    std::vector<std::string> members;
    bool ordered = false;  // `levels (no < low < ...)`: comparable with < and >
    int index(const std::string& member) const {
        for (size_t i = 0; i < members.size(); ++i)
            if (members[i] == member) return static_cast<int>(i);
        return -1;
    }
};

enum class ListKind { Opcs, Icd10, Text };

struct FactInfo {
    std::string name;
    Type type;
    std::string description;
    Span span;
    uint32_t id = 0;                     // index in CheckedLibrary::facts
    std::optional<double> min, max;      // allowed range for numbers
    std::vector<bool> allowed;           // allowed enum members (empty: all)
    ListKind listKind = ListKind::Text;  // for lists
    bool isInteger() const { return type.kind == TypeKind::Int; }
};

// A code set item, normalised: upper case, no dots. `hi` empty: every code
// starting with `lo`. Otherwise the codes whose first |lo| characters lie in
// [lo, hi] (C00-C97 covers C00..C97 and all their extensions).
struct CodeRange {
    std::string lo, hi;
    bool matches(std::string_view code) const;
};

struct CodesetInfo {
    std::string name;
    std::string description;
    Span span;
    std::vector<CodeRange> ranges;
    bool matches(std::string_view normalisedCode) const;
};

// Upper-cases and removes dots: "j03.9" -> "J039".
std::string normaliseCode(std::string_view code);

struct GroupInfo {
    std::string name;
    Span span;
    std::vector<const FactInfo*> members;
    Type type;
};

// Fields of an activity episode that coding rules may read.
enum class EpisodeField { Age = 0, Sex = 1, Setting = 2, Admission = 3 };
const EnumInfo& episodeSexEnum();        // male, female, unknown   (activity 1, 2, 9)
const EnumInfo& episodeSettingEnum();    // APC, OP
const EnumInfo& episodeAdmissionEnum();  // elective, emergency, other
const EnumInfo& outcomeEnum();           // eligible, not_eligible, review, undetermined

enum class Builtin { YearsSince, MonthsSince, DaysSince, Min, Max, Before, Outcome };

enum class Outcome : uint8_t { Eligible, NotEligible, Review, Undetermined };
enum class Route : uint8_t { None, PriorApproval, Ifr, Panel, FastTrack };
const char* outcomeName(Outcome o);
const char* routeName(Route r);
std::optional<Route> parseRoute(const std::string& s);
std::optional<Outcome> parseOutcome(const std::string& s);

struct CheckedRule {
    Span span;
    std::string outcomeWord;  // as written: eligible | not_eligible | review | exempt
    Outcome outcome;
    Route route;                 // explicit or the policy's default for the outcome
    const Expr* when = nullptr;  // null for `otherwise`
};

struct PolicyModel {
    std::string id;
    Span span;
    uint32_t file = 0;
    std::string title, version, owner;
    std::string effective, until;  // YYYY-MM-DD; until "" = open-ended
    int effectiveDay = 0;          // days since 1970-01-01
    std::optional<int> untilDay;
    std::vector<std::string> sources;
    std::string accessRoute = "criteria_based";  // criteria_based | prior_approval | not_routinely_commissioned
    bool ifrAllowed = true;
    std::string extends;
    std::string variantOf;  // `variant of ID when ...`
    const Expr* variantWhen = nullptr;

    // Criteria, values and outputs in declaration order (inherited first),
    // owned here: inherited ones are clones resolved in this policy's scope.
    std::vector<std::shared_ptr<NamedExpr>> criteria, values, outputs;
    std::vector<CheckedRule> rules;
    std::shared_ptr<NamedExpr> coding;             // the audit coding rule, if any
    const CodesetInfo* cancerExclusion = nullptr;  // applied to `coding` unless it opts out
    std::vector<const FactInfo*> factsRead;        // in the order the policy reads them
    // `next step KEY "words"` (KEY an outcome or a route name): the policy's
    // own and inherited, then the modules it uses, then the `board` module's.
    std::map<std::string, std::string> nextSteps;

    const NamedExpr* criterion(const std::string& name) const;
    const NamedExpr* output(const std::string& name) const;
};

struct ModuleModel {
    std::string id;
    Span span;
    std::vector<std::shared_ptr<NamedExpr>> named;  // criteria, values, coding fragments
};

// A bare name that is both a value of the enumeration it is compared with and
// the name of a criterion or value: it is read as the enumeration's value (a
// criterion or value could not be compared with it), and `cpe check` warns.
struct ShadowedValue {
    Span at;                // the name, where it is read as the value
    std::string name;       // e.g. female
    std::string enumName;   // e.g. Sex
    Span declared;          // the criterion or value of that name
    bool inItself = false;  // read inside that criterion's or value's own definition
};

struct CheckedLibrary {
    std::shared_ptr<SourceSet> sources;
    std::vector<SourceFileAst> files;
    std::deque<FactInfo> facts;  // global: one fact, one meaning, one type
    std::map<std::string, const FactInfo*> factsByName;
    std::deque<EnumInfo> enums;
    std::deque<CodesetInfo> codesets;
    std::deque<GroupInfo> groups;
    std::deque<ModuleModel> modules;
    std::deque<PolicyModel> policies;  // every version and variant
    std::vector<const TestDecl*> tests;
    // Inherited criteria and decide blocks are cloned per policy; they live here.
    std::vector<std::shared_ptr<NamedExpr>> ownedNamed;
    std::vector<std::shared_ptr<DecideBlock>> ownedDecideBlocks;
    std::vector<ShadowedValue> shadowedValues;

    const FactInfo* fact(const std::string& name) const {
        auto it = factsByName.find(name);
        return it == factsByName.end() ? nullptr : it->second;
    }
    std::vector<std::string> factNames() const;
};

}  // namespace cpe
