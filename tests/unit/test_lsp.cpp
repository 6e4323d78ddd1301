// lsp/: message framing, positions (UTF-16 columns), incremental document
// changes pinned to a simple reference (rebuilding the text from its lines).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lsp/documents.h"
#include "lsp/text_position.h"
#include "lsp/transport.h"

using namespace cpe::lsp;

TEST_CASE("lsp framing: messages split anywhere, bad headers reported, large bodies refused") {
    std::string one = frame(nlohmann::json{{"a", 1}});
    std::string two = frame(nlohmann::json{{"b", "é"}});
    std::string bytes = one + two;
    for (size_t cut = 0; cut <= bytes.size(); ++cut) {
        FrameReader r;
        std::vector<std::string> bodies;
        r.feed(std::string_view(bytes).substr(0, cut));
        while (auto f = r.next()) bodies.push_back(f->body);
        r.feed(std::string_view(bytes).substr(cut));
        while (auto f = r.next()) bodies.push_back(f->body);
        REQUIRE(bodies.size() == 2);
        CHECK(nlohmann::json::parse(bodies[0])["a"] == 1);
        CHECK(nlohmann::json::parse(bodies[1])["b"] == "é");
    }
    FrameReader r;
    r.feed("Content-Type: x\r\n\r\n");
    auto f = r.next();
    REQUIRE(f);
    CHECK(f->error == "a message without a Content-Length header");
    r.feed("Content-Length: 12x\r\n\r\n");
    CHECK(r.next()->error == "Content-Length is not a number");
    r.feed("content-length: 999999999999\r\n\r\n");
    CHECK(r.next()->error.find("the limit is") != std::string::npos);
    r.feed("abc");  // part of the refused body: dropped
    CHECK(!r.next());
}

TEST_CASE("lsp positions: UTF-16 columns, spans as ranges, URIs") {
    std::string text = "ab\n\xF0\x9F\x98\x80x = \xC3\xA9y\r\nlast";
    CHECK(lineOf(text, 1) == "\xF0\x9F\x98\x80x = \xC3\xA9y");
    CHECK(lineOf(text, 2) == "last");
    CHECK(lineOf(text, 9).empty());
    // The emoji is one code point, two UTF-16 units.
    CHECK(offsetOf(text, 1, 2) == 7);
    CHECK(offsetOf(text, 1, 3) == 8);
    CHECK(offsetOf(text, 1, 999) == text.find('\r'));
    CHECK(offsetOf(text, 99, 0) == text.size());
    CHECK(utf16Column(lineOf(text, 1), 2) == 3);
    CHECK(codePointColumn(lineOf(text, 1), 3) == 2);
    // Engine span line 2, columns 2..3 (code points, 1-based) = the x.
    auto r = rangeOf(text, cpe::Span{0, 2, 2, 2, 3});
    CHECK(r["start"]["line"] == 1);
    CHECK(r["start"]["character"] == 2);
    CHECK(r["end"]["character"] == 3);
    CHECK(pathFromUri("file:///a%20b/c.cpl") == "/a b/c.cpl");
    CHECK(pathFromUri("file://localhost/x") == "/x");
    CHECK(pathFromUri("untitled:1").empty());
    CHECK(pathFromUri(uriFromPath("/tmp/é x#.cpl")) == "/tmp/é x#.cpl");
}

// The reference: the text as lines, an edit applied by splicing line strings
// with columns counted in UTF-16 units the slow way.
static std::string reference(const std::string& text, uint32_t l0, uint32_t c0, uint32_t l1, uint32_t c1, const std::string& in) {
    std::vector<std::string> lines{""};
    for (char ch : text) {
        if (ch == '\n') lines.emplace_back();
        else lines.back() += ch;
    }
    auto byteAt = [&](uint32_t l, uint32_t c) {
        if (l >= lines.size()) return std::pair<uint32_t, size_t>{static_cast<uint32_t>(lines.size() - 1), lines.back().size()};
        const std::string& s = lines[l];
        size_t i = 0;
        uint32_t units = 0;
        while (i < s.size() && units < c) {
            unsigned char b = static_cast<unsigned char>(s[i]);
            size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            units += len == 4 ? 2 : 1;
            i += len;
        }
        return std::pair<uint32_t, size_t>{l, i};
    };
    auto [la, ba] = byteAt(l0, c0);
    auto [lb, bb] = byteAt(l1, c1);
    std::string out;
    for (uint32_t i = 0; i < la; ++i) out += lines[i] + "\n";
    out += lines[la].substr(0, ba) + in + lines[lb].substr(bb);
    for (size_t i = lb + 1; i < lines.size(); ++i) out += "\n" + lines[i];
    return out;
}

TEST_CASE("lsp documents: incremental changes agree with the line-splicing reference") {
    std::string text = "policy p {\n    fact \xC3\xA9t\xF0\x9F\x98\x80: boolean\n}\n";
    Documents docs;
    docs.open("file:///t.cpl", text, 1);
    uint32_t seed = 7;
    auto next = [&](uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 16) % n;
    };
    const std::vector<std::string> inserts = {"", "x", "\n", "\xC3\xA9", "\xF0\x9F\x98\x80", "ab\ncd"};
    for (int i = 0; i < 500; ++i) {
        uint32_t l0 = next(5), c0 = next(12), l1 = l0 + next(2), c1 = next(12);
        if (l1 == l0 && c1 < c0) std::swap(c0, c1);
        std::string in = inserts[next(static_cast<uint32_t>(inserts.size()))];
        nlohmann::json change = nlohmann::json::array(
            {{{"range", {{"start", {{"line", l0}, {"character", c0}}}, {"end", {{"line", l1}, {"character", c1}}}}},
              {"text", in}}});
        std::string want = reference(text, l0, c0, l1, c1, in);
        // An emoji split in half by a position is not a case the reference models.
        if (offsetOf(text, l1, c1) < offsetOf(text, l0, c0)) continue;
        text = docs.change("file:///t.cpl", change, i + 2).text;
        REQUIRE(text == want);
    }
    CHECK_THROWS_AS(docs.change("file:///nope.cpl", nlohmann::json::array(), 1), std::invalid_argument);
    CHECK_THROWS_AS(docs.change("file:///t.cpl", nlohmann::json::array({{{"range", 1}}}), 1), std::invalid_argument);
}
