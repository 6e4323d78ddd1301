// Checked AST -> Program. Facts become local slots numbered in the order the
// policy reads them (so `missing_facts` can be sorted by slot), named values
// are compiled once and shared, criteria keep an index for reasons.
#include <algorithm>
#include <map>
#include <optional>

#include "engine/answer/answer_guide.h"
#include "engine/compile/program.h"
#include "engine/decision/json_writer.h"
#include "engine/syntax/printer.h"

namespace cpe {

CompiledPolicy::CompiledPolicy() = default;
CompiledPolicy::~CompiledPolicy() = default;
namespace {

class Compiler {
public:
    Compiler(const CheckedLibrary& lib, const PolicyModel& model, Program& out) : lib_(lib), model_(model), p_(out) {}

    void run() {
        p_.slotOfFact.assign(lib_.facts.size(), -1);
        for (const FactInfo* f : model_.factsRead) slot(f);
        for (const CheckedRule& r : model_.rules) {
            CompiledRule cr;
            cr.outcome = r.outcome;
            cr.route = r.route;
            cr.exempt = r.outcomeWord == "exempt";
            cr.at = lib_.sources->libraryLocation(r.span);
            if (r.when) {
                cr.when = static_cast<int32_t>(boolean(*r.when));
                cr.conditionText = printExpr(*r.when);
                cr.jsonHead = reasonJsonHead(cr.conditionText, cr.conditionText);
                cr.jsonTail = reasonJsonTail(cr.at);
            }
            p_.rules.push_back(std::move(cr));
        }
        for (const auto& o : model_.outputs) {
            CompiledOutput co;
            co.name = o->name;
            co.type = o->expr->type;
            co.isBool = co.type.kind == TypeKind::Bool;
            co.isText = co.type.kind == TypeKind::Text;
            co.node = co.isBool ? boolean(*o->expr) : co.isText ? text(*o->expr) : number(*o->expr);
            p_.outputs.push_back(std::move(co));
        }
        keepReadSpan();
    }

private:
    const CheckedLibrary& lib_;
    const PolicyModel& model_;
    Program& p_;
    std::map<const NamedExpr*, uint32_t> namedNodes_;
    std::map<const NamedExpr*, uint32_t> criterionIndex_;

    // Cuts slotOfFact, built over every fact of the library while compiling,
    // down to the span of ids the program reads (Program::slotOf).
    void keepReadSpan() {
        if (p_.slots.empty()) {
            p_.slotOfFact = {};
            return;
        }
        uint32_t lo = p_.slots[0]->id, hi = lo;
        for (const FactInfo* f : p_.slots) {
            lo = std::min(lo, f->id);
            hi = std::max(hi, f->id);
        }
        p_.slotOfFact = std::vector<int32_t>(p_.slotOfFact.begin() + lo, p_.slotOfFact.begin() + hi + 1);
        p_.slotOfFactBase = lo;
    }

    uint32_t slot(const FactInfo* f) {
        int32_t& s = p_.slotOfFact[f->id];
        if (s >= 0) return static_cast<uint32_t>(s);
        s = static_cast<int32_t>(p_.slots.size());
        p_.slots.push_back(f);
        SlotKind kind = f->type.kind == TypeKind::Bool                                             ? SlotKind::Bool
                        : f->type.kind == TypeKind::Text                                           ? SlotKind::Text
                        : f->type.kind == TypeKind::CodeList || f->type.kind == TypeKind::TextList ? SlotKind::List
                                                                                                   : SlotKind::Number;
        p_.slotKinds.push_back(kind);
        return static_cast<uint32_t>(s);
    }

    // 1 + the index of the level histogram over these slots (one per group).
    uint32_t histogram(const Type& type, const std::vector<uint32_t>& slots) {
        for (size_t i = 0; i < p_.histograms.size(); ++i)
            if (p_.histograms[i].slots == slots) return static_cast<uint32_t>(i + 1);
        uint32_t offset = 0;
        for (const auto& h : p_.histograms) offset += 2 * h.levels;
        auto levels = static_cast<uint32_t>(type.enumInfo->members.size());
        p_.histograms.push_back({slots, levels, offset, levels <= 8 && slots.size() < 256});
        return static_cast<uint32_t>(p_.histograms.size());
    }

    uint32_t emit(Node n, const std::vector<uint32_t>& kids = {}) {
        n.firstKid = static_cast<uint32_t>(p_.kids.size());
        n.nkids = static_cast<uint16_t>(kids.size());
        p_.kids.insert(p_.kids.end(), kids.begin(), kids.end());
        p_.nodes.push_back(n);
        return static_cast<uint32_t>(p_.nodes.size() - 1);
    }

    // Each boolean node remembers the expression it was compiled from (the
    // innermost, when a named criterion's body is reused), so coverage can
    // name a comparison by its text and place.
    uint32_t boolean(const Expr& e) {
        uint32_t node = booleanNode(e);
        if (p_.nodeExprs.size() < p_.nodes.size()) p_.nodeExprs.resize(p_.nodes.size(), nullptr);
        if (!p_.nodeExprs[node]) p_.nodeExprs[node] = &e;
        return node;
    }

    uint32_t booleanNode(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Bool: return emit(Node{Op::BConst, 0, 0, 0, 0, 0, 0, 0, e.boolValue ? 1.0 : 0.0});
            case ExprKind::It: return emit(Node{Op::BIt});
            case ExprKind::Name: {
                if (e.fact) return emit(Node{Op::BFact, 0, 0, slot(e.fact)});
                if (e.named) return named(*e.named);
                break;
            }
            case ExprKind::Not: return emit(Node{Op::BNot}, {boolean(*e.args[0])});
            case ExprKind::And:
            case ExprKind::AllOf: return emit(Node{Op::BAnd}, booleans(e));
            case ExprKind::Or:
            case ExprKind::AnyOf: return emit(Node{Op::BOr}, booleans(e));
            case ExprKind::AtLeast: {
                Node n{Op::BAtLeast};
                n.imm = e.number;
                return emit(n, booleans(e));
            }
            case ExprKind::Compare:
            case ExprKind::Is: {
                CompareOp cmp = e.kind == ExprKind::Is ? (e.negated ? CompareOp::Ne : CompareOp::Eq) : e.compareOp;
                const Type& t = e.args[0]->type;
                if (auto fused = slotConstCompare(*e.args[0], *e.args[1], cmp)) return *fused;
                if (auto fused = slotConstCompare(*e.args[1], *e.args[0], flip(cmp))) return *fused;
                if (t.numeric() || t.kind == TypeKind::Enum || t.kind == TypeKind::Date) {
                    const Expr* value = constant(*e.args[1]) ? e.args[1].get() : constant(*e.args[0]) ? e.args[0].get() : nullptr;
                    if (value) {
                        Node n{Op::BCmpConst};
                        n.cmp = static_cast<uint8_t>(value == e.args[1].get() ? cmp : flip(cmp));
                        n.imm = *constant(*value);
                        return emit(n, {number(value == e.args[1].get() ? *e.args[0] : *e.args[1])});
                    }
                }
                Node n{t.kind == TypeKind::Bool ? Op::BBoolEq : t.kind == TypeKind::Text ? Op::BTextEq : Op::BCmp};
                n.cmp = static_cast<uint8_t>(cmp);
                if (t.kind == TypeKind::Bool) return emit(n, {boolean(*e.args[0]), boolean(*e.args[1])});
                if (t.kind == TypeKind::Text) return emit(n, {text(*e.args[0]), text(*e.args[1])});
                return emit(n, {number(*e.args[0]), number(*e.args[1])});
            }
            case ExprKind::In: {
                const Type& t = e.args[0]->type;
                Node n{t.kind == TypeKind::Text ? Op::BInText : Op::BInNum};
                n.cmp = static_cast<uint8_t>(e.negated ? CompareOp::Ne : CompareOp::Eq);
                if (t.kind == TypeKind::Text) {
                    std::vector<std::string> values;
                    for (const SetItem& i : e.set->items) values.push_back(i.lo);
                    n.b = static_cast<uint32_t>(p_.textSets.size());
                    p_.textSets.push_back(std::move(values));
                    return emit(n, {text(*e.args[0])});
                }
                std::vector<double> values;
                for (const SetItem& i : e.set->items) values.push_back(i.number);
                n.b = static_cast<uint32_t>(p_.numSets.size());
                p_.numSets.push_back(std::move(values));
                return emit(n, {number(*e.args[0])});
            }
            case ExprKind::Between:
                if (numericFact(*e.args[0]) && constant(*e.args[1]) && constant(*e.args[2])) {
                    Node n{Op::BBetweenSlotConst};
                    n.a = slot(e.args[0]->fact);
                    n.imm = *constant(*e.args[1]);
                    n.b = static_cast<uint32_t>(p_.consts.size());
                    p_.consts.push_back(*constant(*e.args[2]));
                    return emit(n);
                }
                return emit(Node{Op::BBetween}, {number(*e.args[0]), number(*e.args[1]), number(*e.args[2])});
            case ExprKind::Within: {
                Node n{Op::BWithin};
                n.b = e.text == "days" ? 0 : e.text == "weeks" ? 1 : e.text == "months" ? 2 : 3;
                return emit(n, {number(*e.args[0]), number(*e.args[1])});
            }
            case ExprKind::Has: return has(e);
            case ExprKind::If: return emit(Node{Op::BIf}, {boolean(*e.args[0]), boolean(*e.args[1]), boolean(*e.args[2])});
            default: break;
        }
        throw std::logic_error("compiler: not a boolean expression at " + lib_.sources->location(e.span));
    }

    static bool numericFact(const Expr& e) {
        return e.kind == ExprKind::Name && e.fact &&
               (e.fact->type.numeric() || e.fact->type.kind == TypeKind::Enum || e.fact->type.kind == TypeKind::Date);
    }
    static std::optional<double> constant(const Expr& e) {
        if (e.kind == ExprKind::Number || e.kind == ExprKind::Date) return e.number;
        if (e.kind == ExprKind::Name && e.enumOrdinal >= 0) return e.enumOrdinal;
        if (e.kind == ExprKind::Negate && e.args[0]->kind == ExprKind::Number) return -e.args[0]->number;
        return std::nullopt;
    }
    std::optional<uint32_t> slotConstCompare(const Expr& fact, const Expr& value, CompareOp cmp) {
        if (!numericFact(fact) || !constant(value)) return std::nullopt;
        Node n{Op::BCmpSlotConst};
        n.cmp = static_cast<uint8_t>(cmp);
        n.a = slot(fact.fact);
        n.imm = *constant(value);
        return emit(n);
    }

    std::vector<uint32_t> booleans(const Expr& e) {
        std::vector<uint32_t> kids;
        for (const auto& a : e.args) kids.push_back(boolean(*a));
        return kids;
    }

    uint32_t has(const Expr& e) {
        const Expr* list = e.args[0].get();
        Node n{Op::BHasText};
        if (list->kind == ExprKind::Call) {  // before(list, "/")
            n.c = static_cast<uint8_t>(list->args[1]->text[0]);
            list = list->args[0].get();
        }
        if (!list->fact) throw std::logic_error("compiler: 'has' needs a list fact");
        n.a = slot(list->fact);
        if (list->type.kind == TypeKind::CodeList) {
            n.op = Op::BHasCodes;
            std::vector<CodeRange> ranges;
            if (e.set->codeset) ranges = e.set->codeset->ranges;
            for (const SetItem& i : e.set->items) ranges.push_back(CodeRange{normaliseCode(i.lo), normaliseCode(i.hi)});
            n.b = static_cast<uint32_t>(p_.codeSets.size());
            p_.codeSets.push_back(std::move(ranges));
        } else {
            std::vector<std::string> values;
            for (const SetItem& i : e.set->items) values.push_back(i.lo);
            n.b = static_cast<uint32_t>(p_.textSets.size());
            p_.textSets.push_back(std::move(values));
        }
        return emit(n);
    }

    // Named criteria and values compile once; every reference shares the node.
    uint32_t named(const NamedExpr& n) {
        if (auto it = namedNodes_.find(&n); it != namedNodes_.end()) return it->second;
        uint32_t body = n.expr->type.kind == TypeKind::Bool   ? boolean(*n.expr)
                        : n.expr->type.kind == TypeKind::Text ? text(*n.expr)
                                                              : number(*n.expr);
        uint32_t result = body;
        if (n.kind == NamedExpr::Kind::Value && n.expr->type.kind != TypeKind::Bool && n.expr->type.kind != TypeKind::Text &&
            p_.nodes[body].op != Op::NConst && p_.nodes[body].op != Op::NFact &&
            !(p_.nodes[body].op == Op::NCountCmp && p_.nodes[body].b)) {  // a histogram count is cached already
            Node v{Op::NValue};
            v.b = p_.valueCaches++;
            result = emit(v, {body});
        }
        if (n.kind == NamedExpr::Kind::Criterion) {
            // The body node itself carries the criterion (no extra hop on the hot
            // path) unless it already stands for another criterion.
            auto index = static_cast<uint32_t>(p_.criteria.size()) + 1;
            std::string at = lib_.sources->libraryLocation(n.span);
            p_.criteria.push_back({n.name, n.text, at, reasonJsonHead(n.name, n.text), reasonJsonTail(at)});
            if (p_.nodes[body].criterion == 0) {
                p_.nodes[body].criterion = index;
            } else {
                Node c{Op::BCriterion};
                c.criterion = index;
                result = emit(c, {body});
            }
        }
        namedNodes_[&n] = result;
        return result;
    }

    uint32_t number(const Expr& e) {
        switch (e.kind) {
            case ExprKind::Number:
            case ExprKind::Date: return emit(Node{Op::NConst, 0, 0, 0, 0, 0, 0, 0, e.number});
            case ExprKind::It: return emit(Node{Op::NIt});
            case ExprKind::Name:
                if (e.enumOrdinal >= 0) return emit(Node{Op::NConst, 0, 0, 0, 0, 0, 0, 0, static_cast<double>(e.enumOrdinal)});
                if (e.fact) return emit(Node{Op::NFact, 0, 0, slot(e.fact)});
                if (e.named) return named(*e.named);
                if (e.builtin == static_cast<int>(Builtin::Outcome)) return emit(Node{Op::NFact, 0, 0, kOutcomeSlot});
                break;
            case ExprKind::Negate: return emit(Node{Op::NNeg}, {number(*e.args[0])});
            case ExprKind::Arith: {
                Node n{Op::NArith};
                n.cmp = static_cast<uint8_t>(e.text[0]);
                return emit(n, {number(*e.args[0]), number(*e.args[1])});
            }
            case ExprKind::If: return emit(Node{Op::NIf}, {boolean(*e.args[0]), number(*e.args[1]), number(*e.args[2])});
            case ExprKind::Call: {
                auto b = static_cast<Builtin>(e.builtin);
                if (b == Builtin::Min || b == Builtin::Max) {
                    std::vector<uint32_t> kids;
                    for (const auto& a : e.args) kids.push_back(number(*a));
                    return emit(Node{b == Builtin::Min ? Op::NMin : Op::NMax}, kids);
                }
                Node n{Op::NSince};
                n.b = b == Builtin::YearsSince ? 0 : b == Builtin::MonthsSince ? 1 : 2;
                return emit(n, {number(*e.args[0])});
            }
            case ExprKind::CountOf: {
                bool boolMembers = e.group->type.kind == TypeKind::Bool;
                // `count of G where it <op> CONSTANT`: compare the member slots directly.
                const Expr& pred = *e.args[0];
                if (!boolMembers && (pred.kind == ExprKind::Compare || pred.kind == ExprKind::Is)) {
                    const Expr* it = pred.args[0]->kind == ExprKind::It ? pred.args[0].get() : pred.args[1].get();
                    const Expr* value = it == pred.args[0].get() ? pred.args[1].get() : pred.args[0].get();
                    if (it->kind == ExprKind::It && constant(*value)) {
                        CompareOp cmp =
                            pred.kind == ExprKind::Is ? (pred.negated ? CompareOp::Ne : CompareOp::Eq) : pred.compareOp;
                        if (it != pred.args[0].get()) cmp = flip(cmp);
                        Node n{Op::NCountCmp};
                        n.cmp = static_cast<uint8_t>(cmp);
                        n.imm = *constant(*value);
                        std::vector<uint32_t> slots;
                        for (const FactInfo* f : e.group->members) slots.push_back(slot(f));
                        if (cmp == CompareOp::Eq && e.group->type.kind == TypeKind::Enum) n.b = histogram(e.group->type, slots);
                        return emit(n, slots);
                    }
                }
                std::vector<uint32_t> kids{boolean(*e.args[0])};
                for (const FactInfo* f : e.group->members)
                    kids.push_back(emit(Node{boolMembers ? Op::BFact : Op::NFact, 0, 0, slot(f)}));
                return emit(Node{Op::NCount}, kids);
            }
            default: break;
        }
        throw std::logic_error("compiler: not a numeric expression at " + lib_.sources->location(e.span));
    }

    uint32_t text(const Expr& e) {
        if (e.kind == ExprKind::String) {
            Node n{Op::TConst};
            n.b = static_cast<uint32_t>(p_.texts.size());
            p_.texts.push_back(e.text);
            return emit(n);
        }
        if (e.kind == ExprKind::Name && e.fact) return emit(Node{Op::TFact, 0, 0, slot(e.fact)});
        if (e.kind == ExprKind::Name && e.named) return named(*e.named);
        throw std::logic_error("compiler: not a text expression at " + lib_.sources->location(e.span));
    }
};

}  // namespace

void compilePolicy(const CheckedLibrary& lib, const PolicyModel& model, CompiledPolicy& out) {
    out.model = &model;
    Compiler(lib, model, out.program).run();
    flattenRules(out.program);
    computeSlotClasses(out.program);
}

}  // namespace cpe
