#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "audit/read/code_pack.h"
#include "audit/read/episode.h"

using namespace cpe::audit;

static PackedRange range(const char* lo, const char* hi = "") {
    PackedRange r;
    std::string error;
    REQUIRE(makeRange(lo, hi, r, error));
    return r;
}

TEST_CASE("codes pack dot-less and upper case") {
    CHECK(packCode("F34.1") == packCode("F341"));
    CHECK(packCode("f341") == packCode("F341"));
    CHECK(packCode(" J03.9 ") == packCode("J039"));
    CHECK(packCode("") == 0);
    CHECK(packCode("..") == 0);
    CHECK(unpackCode(packCode("m65.30")) == "M6530");
    CHECK(packedLength(packCode("M6530")) == 5);
    // Order of packed codes is the codes' lexicographic order.
    CHECK(packCode("F341") < packCode("F349"));
    CHECK(packCode("F34") < packCode("F341"));
    CHECK(packCode("C97") < packCode("D00"));
}

TEST_CASE("a listed code matches itself and every longer code that starts with it") {
    PackedRange f34 = range("F34");
    CHECK(f34.matches(packCode("F34")));
    CHECK(f34.matches(packCode("F341")));
    CHECK(f34.matches(packCode("F34.9")));
    CHECK_FALSE(f34.matches(packCode("F35")));
    CHECK_FALSE(f34.matches(packCode("F3")));
    CHECK_FALSE(f34.matches(packCode("F")));
    CHECK_FALSE(f34.matches(0));
    PackedRange m653 = range("M653");
    CHECK(m653.matches(packCode("M6530")));
    CHECK(m653.matches(packCode("M65.3")));
    CHECK_FALSE(m653.matches(packCode("M654")));
    CHECK_FALSE(m653.matches(packCode("M65")));  // shorter than the rule code
}

TEST_CASE("ranges compare a code's first characters") {
    PackedRange cancer = range("C00", "C97");
    CHECK(cancer.matches(packCode("C00")));
    CHECK(cancer.matches(packCode("C509")));
    CHECK(cancer.matches(packCode("C97")));
    CHECK(cancer.matches(packCode("C979")));
    CHECK_FALSE(cancer.matches(packCode("C98")));
    CHECK_FALSE(cancer.matches(packCode("B99")));
    CHECK_FALSE(cancer.matches(packCode("C1")));  // too short to lie in C00-C97
    PackedRange tonsil = range("F341", "F349");
    CHECK(tonsil.matches(packCode("F341")));
    CHECK(tonsil.matches(packCode("F3490")));
    CHECK_FALSE(tonsil.matches(packCode("F340")));
    CHECK_FALSE(tonsil.matches(packCode("F34")));
    CHECK_FALSE(tonsil.matches(packCode("F361")));
    PackedRange veins = range("L84", "L88");
    CHECK(veins.matches(packCode("L881")));
    CHECK(veins.matches(packCode("L84.1")));
    CHECK_FALSE(veins.matches(packCode("L891")));
}

TEST_CASE("bad rule codes are refused with a reason") {
    PackedRange r;
    std::string error;
    CHECK_FALSE(makeRange("", "", r, error));
    CHECK(error == "empty code");
    CHECK_FALSE(makeRange("ABCDEFGHI", "", r, error));
    CHECK(error.find("longer than 8") != std::string::npos);
    CHECK_FALSE(makeRange("F349", "F341", r, error));
    CHECK(error.find("empty") != std::string::npos);
}

TEST_CASE("codes longer than 8 characters keep their first 8") {
    CHECK(packCode("ABCDEFGHIJ") == packCode("ABCDEFGH"));
    CHECK(range("ABCDEFGH").matches(packCode("ABCDEFGHIJ")));
}

TEST_CASE("packing a word at a time gives exactly packCode's result, whatever the bytes") {
    // packPaddedCode and packPaddedCodeList take shortcuts for plain codes;
    // the byte-at-a-time packCode is their definition.
    std::mt19937 rng(11);
    const std::string alphabet = std::string("AZaz09.| -`{~") + '\0' + "\x7f\x80\xe0\xff";
    for (int round = 0; round < 20000; ++round) {
        std::string text(rng() % 14, ' ');
        for (char& c : text) c = alphabet[rng() % alphabet.size()];
        std::string padded = text + std::string(16, '\0');
        CAPTURE(text);
        if (text.find('|') == std::string::npos) CHECK(packPaddedCode(padded.data(), text.size()) == packCode(text));
        std::vector<PackedCode> expected, got;
        size_t from = 0;
        while (from <= text.size()) {
            size_t bar = text.find('|', from);
            if (bar == std::string::npos) bar = text.size();
            if (PackedCode c = packCode(std::string_view(text).substr(from, bar - from))) expected.push_back(c);
            from = bar + 1;
        }
        packCodeList(text, got);
        CHECK(got == expected);
        packPaddedCodeList(std::string_view(padded.data(), text.size()), got);
        CHECK(got == expected);
    }
}
