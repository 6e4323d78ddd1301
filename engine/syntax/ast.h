#pragma once
// The engine's own syntax tree for CPL. Built from the ANTLR parse tree by
// syntax/ast_builder, annotated by check/checker (the `Resolved` fields), and
// read by the compiler, the formatter, `explain` and the audit matcher. Nothing
// downstream of the builder ever sees an ANTLR type.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/base/compare_op.h"
#include "engine/source/span.h"

namespace cpe {

struct FactInfo;
struct EnumInfo;
struct NamedExpr;
struct GroupInfo;
struct CodesetInfo;

// ------------------------------------------------------------------ types

enum class TypeKind { Error, Bool, Int, Dec, Date, Text, Enum, CodeList, TextList, Set };

// A checked type. Enums and ordered levels share a kind: `EnumInfo::ordered`
// says which. Units only matter for Int/Dec.
struct Type {
    TypeKind kind = TypeKind::Error;
    const EnumInfo* enumInfo = nullptr;
    std::string unit;

    static Type of(TypeKind k) { return Type{k, nullptr, {}}; }
    bool numeric() const { return kind == TypeKind::Int || kind == TypeKind::Dec; }
    bool operator==(const Type& o) const { return kind == o.kind && enumInfo == o.enumInfo && unit == o.unit; }
};

// ------------------------------------------------------------------ expressions

enum class ExprKind : uint8_t {
    Number,   // number, unit
    Date,     // text "YYYY-MM-DD"; checker fills number (days since 1970-01-01)
    String,   // text
    Bool,     // boolValue
    Name,     // text; a fact, criterion, value, group, codeset, enum member or episode field
    It,       // the member being counted in `count of G where ...`
    Call,     // text = function name, args
    Negate,   // -args[0]
    Arith,    // args[0] op args[1], op in + - * /
    Not,      // not args[0]
    And,      // args...
    Or,       // args...
    AllOf,    // all of (args...)
    AnyOf,    // any of (args...)
    AtLeast,  // at least `count` of (args...)
    Compare,  // args[0] op args[1], op in < <= > >= == !=
    Is,       // args[0] is [not] args[1]
    In,       // args[0] [not] in set
    Between,  // args[0] between args[1] and args[2] (inclusive)
    Within,   // args[0] within args[1] <text: days|weeks|months|years> (before as_of)
    Has,      // args[0] has set
    CodeAt,   // position/codeKind in set (coding rules)
    CountOf,  // count of <text: group> where args[0]
    If,       // if args[0] then args[1] else args[2]
};

enum class CodePosition : uint8_t { Primary, Secondary, Any };
enum class CodeKind : uint8_t { Procedure, Diagnosis };

struct SetItem {
    Span span;
    enum class Kind { Name, String, Number } kind = Kind::Name;
    std::string lo;  // the item, or the first of a range
    std::string hi;  // last of a range ("" when not a range)
    double number = 0;
};

struct SetExpr {
    Span span;
    std::string ref;                       // a named codeset when non-empty
    std::vector<SetItem> items;            // an inline set otherwise
    const CodesetInfo* codeset = nullptr;  // checker: `ref` resolved
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One per name, literal and operator of a library (78,652 in the 5 MB bench
// file), so the one-byte fields sit together after the span, and the set, only
// `in`, `has` and code tests have, is out of line: 216 bytes, from 328 (the
// 5 MB `cpe check`'s peak RSS: 231 MB before, 221 MB after, /usr/bin/time).
struct Expr {
    Span span;
    ExprKind kind;
    CompareOp compareOp = CompareOp::Eq;  // Compare: its operator
    bool boolValue = false;
    bool negated = false;  // `is not`, `not in`
    CodePosition position = CodePosition::Any;
    CodeKind codeKind = CodeKind::Procedure;
    int enumOrdinal = -1;  // checker: Name resolved to an enum member
    std::string text;      // name, string, function, arithmetic op, date text, time unit
    std::string unit;      // for number literals: "kg/m2"
    double number = 0;     // number literal, date in days, at-least count
    std::vector<ExprPtr> args;
    std::unique_ptr<SetExpr> set;  // In, Has, CodeAt

    // ---- filled by the checker
    Type type;
    const FactInfo* fact = nullptr;    // Name resolved to a fact
    const NamedExpr* named = nullptr;  // Name resolved to a criterion/value/coding fragment
    const GroupInfo* group = nullptr;  // CountOf resolved to its group
    int episodeField = -1;             // Name resolved to an episode field (coding scope)
    int builtin = -1;                  // Call resolved to a builtin

    Expr(ExprKind k, Span s) : span(s), kind(k) {}
    ExprPtr clone() const;
};

// ------------------------------------------------------------------ declarations

struct Comments {
    std::vector<std::string> leading;  // whole-line comments before the item, verbatim
    std::string trailing;              // a comment after the item on its last line
};

struct TypeRef {
    Span span;
    enum class Kind { Bool, Int, Dec, Date, Text, Enum, Levels, List, Named } kind = Kind::Bool;
    std::string unit;
    std::optional<double> min, max;    // `integer in 1..4`
    std::string minText, maxText;      // as written (`2.0` stays `2.0` when formatted)
    std::vector<std::string> members;  // enum / levels members, or `except` list for Named
    std::string name;                  // Named: the type; List: the element kind
    std::string upTo;                  // Named levels: highest allowed
};

struct HeaderItem {
    Span span;
    enum class Kind { Title, Version, Effective, Owner, Source, Route, Ifr, Variant, NextStep } kind;
    std::string value;  // title/version/owner/source/next step text; effective from; route kind; "allowed"/"none"
    std::string key;    // next step KEY "...": an outcome or a route
    Span keySpan;
    std::string until;  // effective ... until
    std::string variantOf;
    ExprPtr condition;  // variant of X when <condition>
};

struct UseDecl {
    Span span;
    std::string module;
};
struct TypeDecl {
    Span span;
    std::string name;
    TypeRef type;
};
struct FactDecl {
    Span span;
    std::string name;
    TypeRef type;
    std::string description;
};
struct CodeItem {
    Span span;
    std::string lo, hi;
};
struct CodesetDecl {
    Span span;
    std::string name;
    std::string description;
    std::vector<CodeItem> items;
};
struct GroupDecl {
    Span span;
    std::string name;
    std::vector<std::pair<std::string, Span>> members;
};

struct NamedExpr {
    enum class Kind { Criterion, Value, Output, Coding };
    Kind kind = Kind::Criterion;
    Span span;         // the name
    std::string name;  // "" for a policy's own coding rule
    std::string text;  // the wording a person reads (criterion), or description
    bool isOverride = false;
    bool includesEmergencies = false;     // coding only
    bool withoutCancerExclusion = false;  // coding only
    ExprPtr expr;
    std::string origin;  // set by the checker: the unit that declared it
};

struct Rule {
    Span span;
    Comments comments;
    std::string outcome;  // eligible | not_eligible | review | exempt | undetermined
    Span outcomeSpan;
    std::string route;  // explicit route, "" for the policy's default
    Span routeSpan;
    ExprPtr when;  // null for `otherwise`
};

struct DecideBlock {
    Span span;
    bool isOverride = false;
    std::vector<Rule> rules;
    std::vector<std::string> trailingComments;
};

using MemberBody = std::variant<HeaderItem, UseDecl, TypeDecl, FactDecl, CodesetDecl, GroupDecl, std::shared_ptr<NamedExpr>,
                                std::shared_ptr<DecideBlock>>;

struct Member {
    Comments comments;
    MemberBody body;
};

struct Unit {
    enum class Kind { Module, Policy } kind = Kind::Policy;
    Span span;  // the id
    std::string id;
    std::string extends;
    Span extendsSpan;
    std::vector<Member> members;
    std::vector<std::string> trailingComments;  // before the closing brace
};

// ------------------------------------------------------------------ tests

struct FactValue {
    Span span;
    enum class Kind { Number, Date, String, Bool, Unknown, List, Name } kind = Kind::Unknown;
    double number = 0;
    bool isInteger = false;
    std::string text;
    bool boolValue = false;
    std::vector<FactValue> items;
};

struct Binding {
    Span span;
    std::string name;
    FactValue value;
};

struct TestItem {
    Span span;
    Comments comments;
    enum class Kind { AsOf, Given, ExpectError, ExpectMissing, ExpectReasons, ExpectOutput, ExpectOutcome } kind;
    std::string text;                                 // as-of date, error substring, outcome, output name
    std::string route;                                // expected route ("" = not asserted)
    std::vector<Binding> bindings;                    // given
    std::vector<std::pair<std::string, Span>> names;  // missing / reasons
    FactValue value;                                  // expected output
};

struct TestDecl {
    Span span;
    std::string name;
    std::string policy;
    Span policySpan;
    std::string like;  // name of the test whose facts and date this one starts from
    Span likeSpan;
    std::vector<TestItem> items;
    std::vector<std::string> trailingComments;
};

// ------------------------------------------------------------------ file

struct TopDecl {
    Comments comments;
    std::variant<std::shared_ptr<Unit>, std::shared_ptr<TestDecl>> body;
};

struct SourceFileAst {
    uint32_t file = 0;
    std::vector<TopDecl> decls;
    std::vector<std::string> trailingComments;  // after the last declaration
};

}  // namespace cpe
