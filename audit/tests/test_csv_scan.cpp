#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "audit/read/csv_index.h"
#include "audit/read/csv_scan.h"

using namespace cpe::audit;

namespace {

// Runs `f` once with each version of stage one this processor supports,
// then goes back to the best.
template <typename F>
void forEachIsa(F&& f) {
    const std::vector<IndexIsa> isas = supportedIndexIsas();
    for (IndexIsa isa : isas) {
        const std::string name = isaName(isa);
        CAPTURE(name);
        useIndexIsa(isa);
        f();
    }
    useIndexIsa(isas.back());
}

struct Scanned {
    std::vector<std::string> fields;
    size_t fieldCount;
    uint64_t line;
    std::string error;
};

// Scans `text` as one chunk (with the padding the scanner needs).
std::vector<Scanned> scanAll(const std::string& text, uint64_t* newlines = nullptr) {
    std::string buf = text + std::string(kScanPadding, '\0');
    std::string scratch;
    RecordScanner s(buf.data(), buf.data() + text.size(), scratch);
    std::vector<Scanned> out;
    Record r;
    while (s.next(r)) {
        Scanned x;
        for (size_t i = 0; i < r.fieldCount && i < kMaxRecordFields; ++i) x.fields.emplace_back(r.field(i));
        x.fieldCount = r.fieldCount;
        x.line = r.line;
        x.error = r.error ? r.error : "";
        out.push_back(x);
    }
    if (newlines) *newlines = s.newlines();
    return out;
}

// Scans `text` cut into pieces the way the reader cuts blocks: each piece
// ends at the last record boundary of what is available.
std::vector<Scanned> scanInPieces(const std::string& text, size_t block) {
    std::vector<Scanned> out;
    std::string carry;
    size_t pos = 0;
    uint64_t lineBase = 0;
    while (pos < text.size() || !carry.empty()) {
        std::string data = carry + text.substr(pos, block);
        pos += std::min(block, text.size() - pos);
        bool eof = pos >= text.size();
        size_t cut = data.size();
        if (!eof) {
            cut = static_cast<size_t>(findLastBoundary(data.data(), data.data() + data.size()) - data.data());
            if (cut == 0) {
                // Like a block filling up: a record may be as long as the block
                // capacity (here at least 256 bytes, longer than any record).
                if (data.size() < std::max<size_t>(block * 4, 256)) {
                    carry = data;
                    continue;
                }
                size_t nl = data.find('\n');
                cut = nl == std::string::npos ? data.size() : nl + 1;
            }
        }
        carry = data.substr(cut);
        uint64_t lines = 0;
        for (Scanned s : scanAll(data.substr(0, cut), &lines)) {
            s.line += lineBase;
            out.push_back(s);
        }
        lineBase += lines;
        if (eof && carry.empty()) break;
        if (eof) {
            // the rest is one final chunk
            uint64_t more = 0;
            for (Scanned s : scanAll(carry, &more)) {
                s.line += lineBase;
                out.push_back(s);
            }
            break;
        }
    }
    return out;
}

}  // namespace

TEST_CASE("plain records split at commas and newlines") {
    auto r = scanAll("a,b,c\nd,,f\n");
    REQUIRE(r.size() == 2);
    CHECK(r[0].fields == std::vector<std::string>{"a", "b", "c"});
    CHECK(r[1].fields == std::vector<std::string>{"d", "", "f"});
    CHECK(r[1].line == 1);
    CHECK(r[0].error.empty());
}

TEST_CASE("long records cross the 16-byte scanning blocks") {
    std::string row = "EP1000000001,RAJ,06K,45,2,11,APC,F34.1,F341|Y534,J039|I10|E119,2024-05-06";
    auto r = scanAll(row + "\n" + row + "\r\n" + row);
    REQUIRE(r.size() == 3);
    for (const auto& x : r) {
        CHECK(x.fieldCount == 11);
        CHECK(x.fields[10] == "2024-05-06");  // CR stripped, last line without newline
        CHECK(x.fields[7] == "F34.1");
    }
}

TEST_CASE("quoted fields hold commas, doubled quotes and line breaks") {
    auto r = scanAll("id,\"RAJ, Luton\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,x,y,z,w\n");
    REQUIRE(r.size() == 2);
    CHECK(r[0].fields == std::vector<std::string>{"id", "RAJ, Luton", "say \"hi\"", "two\nlines", ""});
    CHECK(r[0].error.empty());
    CHECK(r[1].line == 2);  // the first record spans lines 0 and 1
    CHECK(r[1].fields[0] == "next");
}

TEST_CASE("CRLF line ends, blank lines and a missing final newline") {
    uint64_t lines = 0;
    auto r = scanAll("a,b\r\n\r\n\nc,\"d\"\r\ne,f", &lines);
    REQUIRE(r.size() == 3);
    CHECK(r[0].fields == std::vector<std::string>{"a", "b"});
    CHECK(r[1].fields == std::vector<std::string>{"c", "d"});
    CHECK(r[1].line == 3);
    CHECK(r[2].fields == std::vector<std::string>{"e", "f"});
    CHECK(lines == 4);
}

TEST_CASE("malformed quoting is reported, and the record still ends where it should") {
    auto r = scanAll("a,b\"c,d\nx,\"y\"z,w\nok,1,2\n");
    REQUIRE(r.size() == 3);
    CHECK(r[0].error.find("quote inside an unquoted field") != std::string::npos);
    CHECK(r[0].fieldCount == 3);
    CHECK(r[1].error.find("text after a closing quote") != std::string::npos);
    CHECK(r[2].error.empty());
    CHECK(r[2].fields[0] == "ok");
}

TEST_CASE("an unterminated quote rejects its line and scanning resumes on the next") {
    auto r = scanAll("a,\"open\nb,c\nd,e\n");
    REQUIRE(r.size() == 3);
    CHECK(r[0].error == "unterminated quoted field");
    CHECK(r[0].line == 0);
    CHECK(r[1].fields == std::vector<std::string>{"b", "c"});
    CHECK(r[1].line == 1);
    CHECK(r[2].line == 2);
}

TEST_CASE("field counts beyond the stored maximum are still counted") {
    std::string row;
    for (int i = 0; i < 40; ++i) row += (i ? "," : "") + std::to_string(i);
    auto r = scanAll(row + "\n");
    REQUIRE(r.size() == 1);
    CHECK(r[0].fieldCount == 40);
}

TEST_CASE("findFirstBoundary finds the end of the header row") {
    std::string t = "a,\"b\nc\",d\nrow\n";
    const char* end = findFirstBoundary(t.data(), t.data() + t.size());
    REQUIRE(end != nullptr);
    CHECK(std::string(static_cast<const char*>(t.data()), end) == "a,\"b\nc\",d\n");
    std::string partial = "a,b";
    CHECK(findFirstBoundary(partial.data(), partial.data() + partial.size()) == nullptr);
}

TEST_CASE("cutting at findLastBoundary scans exactly like one pass") {
    // Random CSV with quoted fields, embedded newlines, CRLF, blank lines
    // and malformed quotes: every way of cutting it gives the same records.
    std::mt19937 rng(42);
    const std::vector<std::string> pieces = {"abc", "\"q,uoted\"", "\"multi\nline\"", "\"x\"\"y\"", "", "bad\"q", "\"a\"b", "12"};
    std::string text;
    for (int row = 0; row < 400; ++row) {
        int fields = 1 + static_cast<int>(rng() % 5);
        for (int f = 0; f < fields; ++f) text += (f ? "," : "") + pieces[rng() % pieces.size()];
        text += rng() % 7 == 0 ? "\r\n" : "\n";
        if (rng() % 29 == 0) text += "\n";
    }
    text += "tail,\"unterminated\nstill,going\n";
    auto whole = scanAll(text);
    for (size_t block : {7u, 16u, 33u, 64u, 100u, 257u, 4096u}) {
        CAPTURE(block);
        auto cut = scanInPieces(text, block);
        REQUIRE(cut.size() == whole.size());
        for (size_t i = 0; i < whole.size(); ++i) {
            CAPTURE(i);
            CHECK(cut[i].fields == whole[i].fields);
            CHECK(cut[i].line == whole[i].line);
            CHECK(cut[i].error == whole[i].error);
        }
    }
}

TEST_CASE("the 64-byte fast path splits quote-free text exactly as reading line by line would") {
    // Random quote-free text: short and long lines (across 64-byte blocks),
    // many commas (beyond the stored maximum), CRs, blank lines, and maybe
    // no final newline. The reference splits lines at '\n', drops one CR
    // before it, skips blank lines and splits at commas.
    std::mt19937 rng(3);
    const std::string alphabet = "ab,,,,\r\n\n";
    for (int round = 0; round < 2000; ++round) {
        std::string text(rng() % 400, ' ');
        for (char& c : text) c = alphabet[rng() % alphabet.size()];
        if (round % 7 == 0) text = std::string(rng() % 200, ',') + "\n" + text;
        std::vector<Scanned> expected;
        size_t from = 0;
        uint64_t line = 0;
        while (from < text.size()) {
            size_t nl = text.find('\n', from);
            size_t end = nl == std::string::npos ? text.size() : nl;
            std::string row = text.substr(from, end - from);
            if (!row.empty() && row.back() == '\r') row.pop_back();
            if (!row.empty()) {
                Scanned x{{}, 0, line, ""};
                size_t f = 0;
                while (true) {
                    size_t comma = row.find(',', f);
                    if (x.fields.size() < kMaxRecordFields)
                        x.fields.push_back(row.substr(f, comma == std::string::npos ? std::string::npos : comma - f));
                    ++x.fieldCount;
                    if (comma == std::string::npos) break;
                    f = comma + 1;
                }
                expected.push_back(x);
            }
            ++line;
            from = end + 1;
        }
        CAPTURE(text);
        forEachIsa([&] {
            auto got = scanAll(text);
            REQUIRE(got.size() == expected.size());
            for (size_t i = 0; i < got.size(); ++i) {
                CHECK(got[i].fields == expected[i].fields);
                CHECK(got[i].fieldCount == expected[i].fieldCount);
                CHECK(got[i].line == expected[i].line);
                CHECK(got[i].error.empty());
            }
        });
    }
}

TEST_CASE("every version of stage one splits records identically, quotes and long lines included") {
    // Random CSV: quoted fields (with commas, newlines, doubled quotes),
    // malformed quotes, CRLF, blank lines, runs of commas and lines longer
    // than a 4 KiB window; each version must give the portable one's records.
    std::mt19937 rng(8);
    const std::vector<std::string> pieces = {"abc",    "\"q,uoted\"", "\"multi\nline\"",    "\"x\"\"y\"",         "",
                                             "bad\"q", "F341|Y534",   std::string(70, 'x'), std::string(30, ','), "\r"};
    for (int round = 0; round < 40; ++round) {
        std::string text;
        const int rows = 50 + static_cast<int>(rng() % 200);
        for (int row = 0; row < rows; ++row) {
            const int fields = rng() % 50 == 0 ? 600 : 1 + static_cast<int>(rng() % 12);
            for (int f = 0; f < fields; ++f) text += (f ? "," : "") + pieces[rng() % pieces.size()];
            text += rng() % 7 == 0 ? "\r\n" : "\n";
            if (rng() % 29 == 0) text += "\n";
        }
        if (round % 2) text += "no,final,newline";
        CAPTURE(round);
        useIndexIsa(IndexIsa::Portable);
        const auto reference = scanAll(text);
        forEachIsa([&] {
            const auto got = scanAll(text);
            REQUIRE(got.size() == reference.size());
            for (size_t i = 0; i < got.size(); ++i) {
                CHECK(got[i].fields == reference[i].fields);
                CHECK(got[i].fieldCount == reference[i].fieldCount);
                CHECK(got[i].line == reference[i].line);
                CHECK(got[i].error == reference[i].error);
            }
        });
    }
}
