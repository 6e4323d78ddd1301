// textDocument/completion. The line before the cursor says what is wanted:
// after `FACT is`, `FACT in {` or `FACT not in {` the fact's enumeration
// values; after `FACT <` (and the other comparisons) on an ordered fact its
// levels; after `given FACT =` in a test its values; inside `[` a unit;
// otherwise the facts, criteria, values, outputs and code sets in scope where
// the cursor is (the unit, what it extends, the modules it uses), then the
// language's keywords. Works on half-typed text: it reads the line, and names
// come from the last version of the library that parsed.
#include <cctype>
#include <map>
#include <set>

#include "engine/syntax/printer.h"
#include "lsp/handlers.h"

namespace cpe::lsp {

namespace {

// LSP CompletionItemKind values.
enum Kind {
    Function = 3,
    Field = 5,
    Variable = 6,
    Module = 9,
    Property = 10,
    Unit_ = 11,
    Value = 12,
    Keyword = 14,
    EnumMember = 20
};

const char* const kKeywords[] = {"policy",       "module",
                                 "test",         "for",
                                 "like",         "extends",
                                 "use",          "fact",
                                 "criterion",    "value",
                                 "output",       "coding",
                                 "codeset",      "group",
                                 "type",         "decide",
                                 "when",         "otherwise",
                                 "eligible",     "not_eligible",
                                 "review",       "exempt",
                                 "undetermined", "route",
                                 "none",         "prior_approval",
                                 "ifr",          "panel",
                                 "fast_track",   "title",
                                 "next",         "step",
                                 "version",      "effective",
                                 "until",        "owner",
                                 "source",       "criteria",
                                 "based",        "prior",
                                 "approval",     "not",
                                 "routinely",    "commissioned",
                                 "allowed",      "variant",
                                 "of",           "override",
                                 "boolean",      "integer",
                                 "decimal",      "date",
                                 "text",         "enum",
                                 "levels",       "list",
                                 "up",           "to",
                                 "except",       "and",
                                 "or",           "is",
                                 "in",           "all",
                                 "any",          "at",
                                 "least",        "between",
                                 "within",       "days",
                                 "weeks",        "months",
                                 "years",        "has",
                                 "count",        "where",
                                 "it",           "if",
                                 "then",         "else",
                                 "true",         "false",
                                 "unknown",      "given",
                                 "expect",       "error",
                                 "missing",      "reasons",
                                 "as",           "primary",
                                 "secondary",    "procedure",
                                 "diagnosis",    "including",
                                 "emergencies",  "without",
                                 "cancer",       "exclusion",
                                 "years_since",  "months_since",
                                 "days_since",   "min",
                                 "max",          "before"};

const char* const kUnits[] = {"kg", "kg/m2", "cm", "m", "mmHg", "mmol/L", "mg", "ml", "%", "days", "weeks", "months", "years"};

bool identChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Words and operators of one line, in order (strings and comments dropped).
std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        char c = s[i];
        if (identChar(c)) {
            size_t j = i;
            while (j < s.size() && identChar(s[j])) ++j;
            out.push_back(s.substr(i, j - i));
            i = j;
        } else if (c == '"') {
            size_t j = s.find('"', i + 1);
            out.push_back("\"\"");
            i = j == std::string::npos ? s.size() : j + 1;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') {
            break;
        } else if ((c == '<' || c == '>' || c == '=' || c == '!') && i + 1 < s.size() && s[i + 1] == '=') {
            out.push_back(s.substr(i, 2));
            i += 2;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else {
            out.push_back(std::string(1, c));
            ++i;
        }
    }
    return out;
}

struct Items {
    std::map<std::string, nlohmann::json> byLabel;
    void add(const std::string& label, int kind, const std::string& detail = "", const std::string& doc = "") {
        if (label.empty() || byLabel.count(label)) return;
        nlohmann::json item{{"label", label}, {"kind", kind}};
        if (!detail.empty()) item["detail"] = detail;
        if (!doc.empty()) item["documentation"] = doc;
        byLabel.emplace(label, std::move(item));
    }
    nlohmann::json list() const {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& [label, item] : byLabel) out.push_back(item);
        return out;
    }
};

const Unit* findUnit(const CheckedLibrary& lib, Unit::Kind kind, const std::string& id) {
    for (const SourceFileAst& f : lib.files)
        for (const TopDecl& d : f.decls)
            if (auto* u = std::get_if<std::shared_ptr<Unit>>(&d.body))
                if ((*u)->kind == kind && (*u)->id == id) return u->get();
    return nullptr;
}

// The names a unit can use, as the checker looks them up: its own, those of
// the policies it extends and those of every module used along the way.
void inScope(const CheckedLibrary& lib, const Unit* u, std::set<const Unit*>& seen, Items& out) {
    if (!u || !seen.insert(u).second) return;
    for (const Member& m : u->members) {
        const MemberBody& b = m.body;
        if (auto* f = std::get_if<FactDecl>(&b)) out.add(f->name, Field, printTypeRef(f->type), f->description);
        else if (auto* n = std::get_if<std::shared_ptr<NamedExpr>>(&b)) {
            const NamedExpr& ne = **n;
            int kind = ne.kind == NamedExpr::Kind::Criterion ? Function
                       : ne.kind == NamedExpr::Kind::Output  ? Property
                                                             : Variable;
            const char* what = symbolKindName(kindOf(ne));
            out.add(ne.name, kind, what, ne.text);
        } else if (auto* c = std::get_if<CodesetDecl>(&b)) {
            out.add(c->name, Value, "codeset", c->description);
        } else if (auto* g = std::get_if<GroupDecl>(&b)) {
            out.add(g->name, Value, "group");
        } else if (auto* use = std::get_if<UseDecl>(&b)) {
            inScope(lib, findUnit(lib, Unit::Kind::Module, use->module), seen, out);
        }
    }
    if (!u->extends.empty()) inScope(lib, findUnit(lib, Unit::Kind::Policy, u->extends), seen, out);
}

void enumValues(const FactInfo& f, bool levelsOnly, Items& out) {
    if (f.type.kind != TypeKind::Enum || !f.type.enumInfo) return;
    const EnumInfo& e = *f.type.enumInfo;
    if (levelsOnly && !e.ordered) return;
    for (size_t i = 0; i < e.members.size(); ++i)
        if (f.allowed.empty() || (i < f.allowed.size() && f.allowed[i]))
            out.add(e.members[i], EnumMember, (e.ordered ? "level of " : "value of ") + f.name);
}

}  // namespace

nlohmann::json completion(Workspace& ws, const nlohmann::json& params) {
    Located at = ws.locate(params, true);
    const std::string& text = at.doc->text;
    size_t lineStart = at.offset == 0 ? 0 : text.rfind('\n', at.offset - 1);
    lineStart = lineStart == std::string::npos ? 0 : (at.offset == 0 ? 0 : lineStart + 1);
    std::string prefix = text.substr(lineStart, at.offset - lineStart);
    size_t w = prefix.size();
    while (w > 0 && identChar(prefix[w - 1])) --w;
    std::string before = prefix.substr(0, w);
    Items items;
    const CheckedLibrary& lib = *at.analysis->checked;

    // A unit: inside an unclosed '['.
    size_t open = before.rfind('[');
    if (open != std::string::npos && before.find(']', open) == std::string::npos) {
        std::set<std::string> units(std::begin(kUnits), std::end(kUnits));
        for (const FactInfo& f : lib.facts)
            if (!f.type.unit.empty()) units.insert(f.type.unit);
        for (const std::string& u : units) items.add(u, Unit_, "unit");
        return items.list();
    }

    // An enumeration value or level: after `F is`, `F is not`, `F in {..`, `F not in {..`, `F <`, `given F =`.
    std::vector<std::string> t = words(before);
    size_t brace = before.rfind('{');
    if (brace != std::string::npos && before.find('}', brace) == std::string::npos) {
        t = words(before.substr(0, brace));
        t.push_back("{");
    }
    auto at_ = [&](size_t back) -> std::string { return t.size() >= back ? t[t.size() - back] : ""; };
    std::string subject;
    bool levelsOnly = false, testValue = false;
    if (at_(1) == "is") subject = at_(2);
    else if (at_(1) == "not" && at_(2) == "is") subject = at_(3);
    else if (at_(1) == "{" && at_(2) == "in") subject = at_(3) == "not" ? at_(4) : at_(3);
    else if (at_(1) == "in") subject = at_(2) == "not" ? at_(3) : at_(2);
    else if (at_(1) == "=" && (at_(3) == "given" || at_(3) == ",")) {
        subject = at_(2);
        testValue = true;
    } else if (at_(1) == "<" || at_(1) == "<=" || at_(1) == ">" || at_(1) == ">=" || at_(1) == "==" || at_(1) == "!=") {
        subject = at_(2);
        levelsOnly = true;
    }
    // A module after `use`, a policy after `extends` or a test's `for`.
    if (at_(1) == "use" || at_(1) == "extends" || at_(1) == "for") {
        if (at_(1) == "use")
            for (const ModuleModel& m : lib.modules) items.add(m.id, Module, "module");
        else
            for (const PolicyModel& p : lib.policies) items.add(p.id, Module, "policy", p.title);
        return items.list();
    }
    if (!subject.empty()) {
        if (const FactInfo* f = lib.fact(subject)) {
            enumValues(*f, levelsOnly, items);
            if (testValue && f->type.kind == TypeKind::Bool) {
                items.add("true", Keyword);
                items.add("false", Keyword);
            }
            if (testValue) items.add("unknown", Keyword);
            if (!items.byLabel.empty()) return items.list();
        }
    }

    // Names in scope where the cursor is, then keywords.
    if (at.file != UINT32_MAX) {
        const SourceFileAst* file = nullptr;
        for (const SourceFileAst& f : lib.files)
            if (f.file == at.file) file = &f;
        const TopDecl* here = nullptr;
        if (file)
            for (const TopDecl& d : file->decls) {
                uint32_t line = 0;
                if (auto* u = std::get_if<std::shared_ptr<Unit>>(&d.body)) line = (*u)->span.line;
                if (auto* te = std::get_if<std::shared_ptr<TestDecl>>(&d.body)) line = (*te)->span.line;
                if (line <= at.line) here = &d;
            }
        std::set<const Unit*> seen;
        if (here) {
            if (auto* u = std::get_if<std::shared_ptr<Unit>>(&here->body)) inScope(lib, u->get(), seen, items);
            if (auto* te = std::get_if<std::shared_ptr<TestDecl>>(&here->body)) {
                inScope(lib, findUnit(lib, Unit::Kind::Policy, (*te)->policy), seen, items);
                for (const FactInfo& f : lib.facts) items.add(f.name, Field, "fact", f.description);
            }
        }
    }
    for (const char* k : kKeywords) items.add(k, Keyword);
    return items.list();
}

}  // namespace cpe::lsp
