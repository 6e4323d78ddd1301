// Reading cases from outside: lines in blocks with a length bound
// (engine/base/line_reader.h), JSON within a nesting bound and with number
// texts kept where a double would hide them (engine/decision/json_input.h),
// and bounded quoting of bad values (engine/decision/json_quote.h). Each fast
// path is checked against a simple reference (std::getline, dump()).
#include <doctest/doctest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/line_reader.h"
#include "engine/decision/json_input.h"
#include "engine/decision/json_quote.h"
#include "engine/source/utf8.h"

using namespace cpe;

namespace {

// The lines std::getline gives (blank ones included), as the reader's reference.
std::vector<std::string> getlineLines(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) out.push_back(line);
    return out;
}

std::vector<std::string> readerLines(const std::string& text, std::size_t maxLine, std::size_t block,
                                     std::vector<std::size_t>* tooLong = nullptr) {
    std::istringstream in(text);
    LineReader reader(in, maxLine, block);
    std::vector<std::string> out;
    Line line;
    while (reader.next(line)) {
        CHECK(line.number == out.size() + 1);
        if (line.tooLong && tooLong) tooLong->push_back(line.number);
        out.push_back(line.tooLong ? "<too long " + std::to_string(line.length) + ">" : std::string(line.text));
    }
    return out;
}

JsonInput parsed(std::string_view text) {
    auto r = parseJsonInput(text);
    REQUIRE(std::holds_alternative<JsonInput>(r));
    return std::get<JsonInput>(std::move(r));
}

InputError refused(std::string_view text, std::size_t maxDepth = kDefaultMaxDepth) {
    auto r = parseJsonInput(text, maxDepth);
    REQUIRE(std::holds_alternative<InputError>(r));
    return std::get<InputError>(r);
}

}  // namespace

TEST_CASE("the line reader gives the lines std::getline gives, whatever the block size") {
    std::mt19937 rng(19);
    for (int round = 0; round < 200; ++round) {
        std::string text;
        int lines = static_cast<int>(rng() % 20);
        for (int i = 0; i < lines; ++i) {
            text += std::string(rng() % 40, static_cast<char>('a' + i % 26));
            if (rng() % 5 == 0) text += '\r';
            if (i + 1 < lines || rng() % 2) text += '\n';
        }
        std::size_t block = 16 + rng() % 50;
        CAPTURE(text);
        CAPTURE(block);
        CHECK(readerLines(text, 1000, block) == getlineLines(text));
    }
}

TEST_CASE("a line over the limit is reported with its length and skipped; the next line is read") {
    for (std::size_t block : {16u, 100u, 4096u}) {
        CAPTURE(block);
        std::string text = "short\n" + std::string(250, 'x') + "\nnext\n" + std::string(11, 'y') + "\n" + std::string(300, 'z');
        std::vector<std::size_t> tooLong;
        std::vector<std::string> lines = readerLines(text, 10, block, &tooLong);
        CHECK(lines == std::vector<std::string>{"short", "<too long 250>", "next", "<too long 11>", "<too long 300>"});
        CHECK(tooLong == std::vector<std::size_t>{2, 4, 5});
        // Exactly at the limit is not too long.
        CHECK(readerLines(std::string(10, 'q') + "\n", 10, block) == std::vector<std::string>{std::string(10, 'q')});
    }
}

TEST_CASE("a number's text decides whether it is a whole number") {
    for (const char* yes : {"27", "-27", "27.0", "27.000", "2.7e1", "2.7E+1", "700e-2", "0", "-0.0", "0e-400", "0.000e999",
                            "1e400", "123456789012345678901234567890"})
        CHECK_MESSAGE(isExactIntegerText(yes), yes);
    for (const char* no : {"27.5", "27.0000000000000001", "1e-400", "2.75e1", "0.1", "7.00000000000000000001e0", "5e-1"})
        CHECK_MESSAGE(!isExactIntegerText(no), no);
}

TEST_CASE("parsed JSON is nlohmann's document, with the hidden number texts kept") {
    const char* text = R"({"id": 1, "facts": {"a": 27.0000000000000001, "b": 1e-400, "c": 27.0, "d": 7.5, "e": [1e-400]},)"
                       R"( "top": 3.00000000000000001, "a": {"a": 1, "a": 2}})";
    JsonInput in = parsed(text);
    CHECK(in.value == nlohmann::json::parse(text));
    REQUIRE(in.inexact.size() == 3);  // 27.0 is exact, 7.5 is refused on its double, list items are not facts
    CHECK(in.inexact[0].field == "facts.a");
    CHECK(in.inexact[0].text == "27.0000000000000001");
    CHECK(in.inexact[1].field == "facts.b");
    CHECK(in.inexact[1].text == "1e-400");
    CHECK(in.inexact[2].field == "top");
    CHECK(in.value["a"]["a"] == 2);  // a repeated key: the last wins, as nlohmann::json::parse
}

TEST_CASE("bad JSON is one bad_json error, valid UTF-8 whatever the bytes") {
    InputError e = refused("{\"x\": \"\xff\xfe\"}");
    CHECK(e.code == "bad_json");
    CHECK(e.message.rfind("invalid JSON: ", 0) == 0);
    CHECK(e.message.find("json.exception") == std::string::npos);
    CHECK_FALSE(firstInvalidUtf8(e.message));
    CHECK(e.message.find("\\xFF") != std::string::npos);
    CHECK(refused("{\"score\": 1e400}").message.find("number overflow") != std::string::npos);
    CHECK(refused("").code == "bad_json");
    CHECK(refused("{\"a\":1}{").code == "bad_json");
}

TEST_CASE("nesting beyond the limit is refused before it is built, naming the fact when it is one") {
    std::string deep = R"({"facts": {"quinsy": )" + std::string(100000, '[') + std::string(100000, ']') + "}}";
    InputError fact = refused(deep);
    CHECK(fact.code == "bad_fact");
    CHECK(fact.field == "facts.quinsy");
    CHECK(fact.message == "'quinsy' is nested deeper than 64 levels of arrays and objects (--max-depth)");
    InputError id = refused(R"({"id": )" + std::string(100, '[') + std::string(100, ']') + "}");
    CHECK(id.code == "bad_json");
    CHECK(id.field == "id");
    CHECK(refused(std::string(100000, '[')).code == "bad_json");
    // The limit is the number of levels allowed.
    std::string levels = std::string(5, '[') + std::string(5, ']');
    CHECK(std::holds_alternative<JsonInput>(parseJsonInput(levels, 5)));
    CHECK(std::holds_alternative<InputError>(parseJsonInput(levels, 4)));
}

TEST_CASE("a quoted value is dump() when short, and bounded when long or deep") {
    for (const char* text : {R"({"a":[1,2.5,"x\"y"],"b":null})", "true", "1e-05", R"("caf\u00e9")", "[]", "{}", "-0.0"}) {
        nlohmann::json v = nlohmann::json::parse(text);
        CHECK(quoteJson(v) == v.dump());
    }
    nlohmann::json longString = std::string(1000, 'a');
    CHECK(quoteJson(longString) == "\"" + std::string(119, 'a') + "…");
    nlohmann::json deep = nlohmann::json::array();
    for (int i = 0; i < 5000; ++i) deep = nlohmann::json::array({std::move(deep)});
    CHECK(quoteJson(deep) == std::string(120, '[') + "…");
    CHECK(quoteText("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(quoteText(std::string(59, 'x') + "\xc3\xa9" + std::string(100, 'y'), 60) == std::string(59, 'x') + "…");
    CHECK(quoteText("\xff") == "\\xFF");
    CHECK(validUtf8("a\xe2\x82z") == "a\\xE2\\x82z");
}
