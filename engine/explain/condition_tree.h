#pragma once
// The presented structure of a condition: what `cpe doc` (Markdown and HTML),
// `cpe explain` (text and JSON) and GET /v1/policies/{id} all show of a rule's
// condition. It is derived once, by conditionTree(), from the checked
// expression, and every renderer is a rendering of it, so a page can never
// show a structure other than the one the engine decides on: every group
// stays a group, nested where it is written (an `any of` inside an `all of`
// is a child of it, never spliced into it).
//
//   all of / `and`     -> All, one child per item
//   any of / `or`      -> Any, one child per item
//   at least N of      -> AtLeast (count N), one child per item
//   not X              -> Not, one child (X)
//   a criterion's name -> Criterion (its id and wording), one child: its body
//   anything else      -> Test: a comparison, a fact, a value, `if`, ... as one
//                         condition in plain English (conditionInEnglish)
#include <string>
#include <vector>

#include "engine/check/model.h"

namespace cpe {

enum class ConditionKind { All, Any, AtLeast, Not, Criterion, Test };

struct ConditionNode {
    ConditionKind kind = ConditionKind::Test;
    int count = 0;  // AtLeast: N
    // Criterion: its wording as written. Test and Not: the condition in plain
    // English (conditionInEnglish). Groups: empty.
    std::string text;
    std::string criterion;                // Criterion: its id
    Span span;                            // Criterion: where it is declared; otherwise where the expression is written
    const Expr* expr = nullptr;           // the expression it came from (Criterion: the name that refers to it)
    const NamedExpr* named = nullptr;     // Criterion: its declaration
    std::vector<ConditionNode> children;  // groups: the items; Not: one; Criterion: one, its body; Test: none

    bool isGroup() const { return kind == ConditionKind::All || kind == ConditionKind::Any || kind == ConditionKind::AtLeast; }
};

// The presented structure of a checked boolean expression.
ConditionNode conditionTree(const Expr& condition);

// Conventions every renderer shares.
//
// A criterion whose body only reads a boolean fact: its wording stands for
// the fact, so the text renderings (doc, explain) show no body under it.
bool bodyIsPlainFact(const ConditionNode& criterion);
// What reads as one line: a test, a criterion (by its wording, not expanded),
// or `not` of one of those. A `not` of a group is shown as a group under "not".
bool readsAsOneLine(const ConditionNode& node);

}  // namespace cpe
