// Parse stage: source text -> AST with spans. What the parser keeps (header,
// members, comments, tests) and where it says things are.
#include <doctest/doctest.h>

#include "engine/syntax/parse.h"

using namespace cpe;

namespace {

struct Parsed {
    SourceSet sources;
    Diagnostics diags;
    std::optional<SourceFileAst> ast;
};

std::unique_ptr<Parsed> parse(const std::string& text) {
    auto p = std::make_unique<Parsed>();
    uint32_t f = p->sources.add("t.cpl", text);
    p->ast = parseFile(p->sources, f, p->diags);
    return p;
}

}  // namespace

TEST_CASE("a policy parses to a unit whose members carry their spans") {
    auto p = parse(R"(// leading comment
policy ebi.demo {
    title "Demo"
    version "2026-04-01"
    effective 2026-04-01 until 2027-03-31
    route prior approval
    fact bmi: decimal [kg/m2] in 10..100 "Body mass index"
    criterion bmi_ok "BMI at most 30" = bmi <= 30 // the board's threshold
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}
)");
    REQUIRE_MESSAGE(p->ast, p->diags.render(p->sources));
    REQUIRE(p->ast->decls.size() == 1);
    const TopDecl& top = p->ast->decls[0];
    CHECK(top.comments.leading == std::vector<std::string>{"// leading comment"});
    const auto& unit = *std::get<std::shared_ptr<Unit>>(top.body);
    CHECK(unit.kind == Unit::Kind::Policy);
    CHECK(unit.id == "ebi.demo");
    CHECK(unit.span.line == 2);
    CHECK(unit.span.col == 8);

    const auto& effective = std::get<HeaderItem>(unit.members[2].body);
    CHECK(effective.kind == HeaderItem::Kind::Effective);
    CHECK(effective.value == "2026-04-01");
    CHECK(effective.until == "2027-03-31");
    CHECK(std::get<HeaderItem>(unit.members[3].body).value == "prior_approval");

    const auto& fact = std::get<FactDecl>(unit.members[4].body);
    CHECK(fact.name == "bmi");
    CHECK(fact.type.kind == TypeRef::Kind::Dec);
    CHECK(fact.type.unit == "kg/m2");
    CHECK(fact.description == "Body mass index");
    CHECK(fact.span.line == 7);

    const auto& criterion = *std::get<std::shared_ptr<NamedExpr>>(unit.members[5].body);
    CHECK(criterion.name == "bmi_ok");
    CHECK(criterion.text == "BMI at most 30");
    CHECK(unit.members[5].comments.trailing == "// the board's threshold");
    REQUIRE(criterion.expr);
    CHECK(criterion.expr->span.line == 8);
    CHECK(criterion.expr->span.col == 41);  // `bmi <= 30` starts here

    const auto& decide = *std::get<std::shared_ptr<DecideBlock>>(unit.members[6].body);
    REQUIRE(decide.rules.size() == 2);
    CHECK(decide.rules[0].outcome == "eligible");
    CHECK(decide.rules[0].when);
    CHECK(decide.rules[1].outcome == "not_eligible");
    CHECK_FALSE(decide.rules[1].when);
}

TEST_CASE("names, strings and comments after non-ASCII text are read exactly") {
    // The parser slices token text out of the UTF-8 source by code point
    // position; text after multi-byte characters must come out whole, and a
    // dotted name written with spaces and a comment inside is still `ebi.demo`.
    auto p = parse(R"(// Größe ≥ 30 – a comment
policy ebi . /* odd spacing */ demo {
    title "Größe ≥ 30"
    fact size: decimal [m²] "Größe"
    criterion big "≥ 30" = size >= 30 // trailing – comment
    decide {
        ok when big
        otherwise no
    }
}
)");
    REQUIRE_MESSAGE(p->ast, p->diags.render(p->sources));
    const TopDecl& top = p->ast->decls[0];
    CHECK(top.comments.leading == std::vector<std::string>{"// Größe ≥ 30 – a comment", "/* odd spacing */"});
    const auto& unit = *std::get<std::shared_ptr<Unit>>(top.body);
    CHECK(unit.id == "ebi.demo");
    const auto& title = std::get<HeaderItem>(unit.members[0].body);
    CHECK(title.value == "Größe ≥ 30");
    CHECK(title.span.col == 5);
    CHECK(title.span.endCol == 23);  // the string's start column plus its length in code points (not its 22 bytes)
    const auto& fact = std::get<FactDecl>(unit.members[1].body);
    CHECK(fact.type.unit == "m²");
    CHECK(fact.description == "Größe");
    const auto& criterion = *std::get<std::shared_ptr<NamedExpr>>(unit.members[2].body);
    CHECK(criterion.text == "≥ 30");
    CHECK(unit.members[2].comments.trailing == "// trailing – comment");
    REQUIRE(criterion.expr);
    CHECK(criterion.expr->span.col == 28);  // `size >= 30`, counted in code points
    CHECK(criterion.expr->span.endCol == 38);
    CHECK(criterion.expr->args[1]->text == "30");
}

TEST_CASE("a file that starts with a byte order mark reads the same as one without") {
    // The ANTLR input stream drops the mark, so token positions start after it.
    auto p = parse("\xEF\xBB\xBFmodule bom.demo { // note\n    fact x: boolean \"Ex\"\n}\n");
    REQUIRE_MESSAGE(p->ast, p->diags.render(p->sources));
    const auto& unit = *std::get<std::shared_ptr<Unit>>(p->ast->decls[0].body);
    CHECK(unit.id == "bom.demo");
    CHECK(p->ast->decls[0].comments.trailing == "// note");
    const auto& fact = std::get<FactDecl>(unit.members[0].body);
    CHECK(fact.name == "x");
    CHECK(fact.description == "Ex");
    CHECK(fact.span.line == 2);
    CHECK(fact.span.col == 10);
    CHECK(fact.span.endCol == 11);
}

TEST_CASE("tests parse with their facts, date and expectations") {
    auto p = parse(R"(test "an older woman" for fertility.ivf like "base" {
    as of 2026-06-01
    given age_years = 43, amh_test_date = 2025-06-01, smoker = unknown, sections = ["3", "37/41"]
    expect not_eligible, route ifr
    expect missing (bmi)
    expect output cycles_offered = 0
}
)");
    REQUIRE_MESSAGE(p->ast, p->diags.render(p->sources));
    const auto& test = *std::get<std::shared_ptr<TestDecl>>(p->ast->decls[0].body);
    CHECK(test.name == "an older woman");
    CHECK(test.policy == "fertility.ivf");
    CHECK(test.like == "base");
    REQUIRE(test.items.size() == 5);
    CHECK(test.items[0].kind == TestItem::Kind::AsOf);
    CHECK(test.items[0].text == "2026-06-01");
    const auto& given = test.items[1].bindings;
    REQUIRE(given.size() == 4);
    CHECK(given[0].value.kind == FactValue::Kind::Number);
    CHECK(given[0].value.number == 43);
    CHECK(given[1].value.kind == FactValue::Kind::Date);
    CHECK(given[2].value.kind == FactValue::Kind::Unknown);
    CHECK(given[3].value.kind == FactValue::Kind::List);
    CHECK(given[3].value.items.size() == 2);
    CHECK(test.items[2].kind == TestItem::Kind::ExpectOutcome);
    CHECK(test.items[2].text == "not_eligible");
    CHECK(test.items[2].route == "ifr");
    CHECK(test.items[3].names[0].first == "bmi");
    CHECK(test.items[4].kind == TestItem::Kind::ExpectOutput);
}

// What each syntax error says, and where, is the corpus under tests/check/syntax
// and tests/check/utf8. What only C++ can see is parseFile's contract: on any
// error it returns no AST at all, so the builder never walks a partial tree
// (the corpus builds whole libraries and sees only the diagnostics).
TEST_CASE("a file with a syntax error yields no AST") {
    for (const char* text : {"policy p {\n    title \"x\"\n",   // the parser: a missing brace
                             "policy p {\n    title \"x\n}\n",  // the lexer: an unterminated string
                             "policy p { title \"\xFF\" }",     // not UTF-8
                             "policy p { title \"\xE2\x89"}) {  // ends inside a character
        CAPTURE(text);
        auto p = parse(text);
        CHECK_FALSE(p->ast);
        CHECK(p->diags.hasErrors());
    }
    auto deep = parse("policy p { criterion c \"C\" = " + std::string(1000, '(') + "x" + std::string(1000, ')') + " }");
    CHECK_FALSE(deep->ast);
}

TEST_CASE("a large file parses in pieces to the AST a single parse gives: every declaration, span and comment") {
    // Some 90,000 tokens: parseFile cuts it between top-level declarations
    // (engine/syntax/lexer.h, topLevelPieces) and parses each piece alone.
    // 50 declarations parse in one piece: the same expectations hold for both.
    for (int n : {50, 1500}) {
        CAPTURE(n);
        std::string text;
        for (int i = 0; i < n; ++i) {
            text += "// policy " + std::to_string(i) + "\n/* block " + std::to_string(i) + " */\n";
            text += "policy p" + std::to_string(i) + " { title \"P\"\n    criterion c \"C\" = x >= " + std::to_string(i) +
                    " and y\n    // inside\n} // after " + std::to_string(i) + "\n";
            if (i % 7 == 0)
                text += "test \"t\" for p" + std::to_string(i) + " { expect eligible } policy q" + std::to_string(i) +
                        " { title \"Q\" }\n";
        }
        text += "// the end\n";
        auto p = parse(text);
        REQUIRE(p->ast);
        CHECK(p->diags.all().empty());
        size_t expected = n + 2 * ((n + 6) / 7);
        REQUIRE(p->ast->decls.size() == expected);
        size_t k = 0;
        uint32_t line = 1;
        for (int i = 0; i < n; ++i) {
            const TopDecl& d = p->ast->decls[k++];
            CAPTURE(i);
            auto unit = std::get<std::shared_ptr<Unit>>(d.body);
            CHECK(unit->id == "p" + std::to_string(i));
            CHECK(unit->span.line == line + 2);
            CHECK(unit->span.col == 8);
            // A comment after a closing brace leads the next declaration.
            std::vector<std::string> leading{"// policy " + std::to_string(i), "/* block " + std::to_string(i) + " */"};
            if (i > 0 && (i - 1) % 7 != 0) leading.insert(leading.begin(), "// after " + std::to_string(i - 1));
            CHECK(d.comments.leading == leading);
            CHECK(unit->trailingComments == std::vector<std::string>{"// inside"});
            line += 6;
            if (i % 7 == 0) {
                CHECK(p->ast->decls[k].comments.leading == std::vector<std::string>{"// after " + std::to_string(i)});
                CHECK(std::holds_alternative<std::shared_ptr<TestDecl>>(p->ast->decls[k++].body));
                CHECK(std::get<std::shared_ptr<Unit>>(p->ast->decls[k++].body)->id == "q" + std::to_string(i));
                line += 1;
            }
        }
        std::vector<std::string> trailing{"// the end"};
        if ((n - 1) % 7 != 0) trailing.insert(trailing.begin(), "// after " + std::to_string(n - 1));
        CHECK(p->ast->trailingComments == trailing);
    }
}

TEST_CASE("spans count code points, so a caret under text with accents or symbols is as wide as the text") {
    // The string "Café ≥ 30", quotes included, is 11 characters and 14 bytes;
    // the error is at it.
    auto p = parse("policy t.x \"Caf\xc3\xa9 \xe2\x89\xa5 30\" version \"1\"\n");
    CHECK_FALSE(p->ast);
    const std::string rendered = p->diags.render(p->sources);
    CHECK_MESSAGE(rendered.find("\n             ^~~~~~~~~~~\n") != std::string::npos, rendered);

    // A string value after non-ASCII text: its span ends after its closing
    // quote, counted in characters.
    auto q = parse("test \"\xe2\x89\xa5\" for t.x {\n    given note = \"Caf\xc3\xa9\xe2\x89\xa5\"\n}\n");
    REQUIRE_MESSAGE(q->ast, q->diags.render(q->sources));
    const auto& test = *std::get<std::shared_ptr<TestDecl>>(q->ast->decls[0].body);
    REQUIRE(!test.items.empty());
    REQUIRE(!test.items[0].bindings.empty());
    const FactValue& value = test.items[0].bindings[0].value;
    CHECK(value.span.line == 2);
    CHECK(value.span.col == 18);
    CHECK(value.span.endCol == 25);  // "Café≥" with its quotes: 7 characters (10 bytes)
}
