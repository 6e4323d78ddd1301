#include <fstream>

#include <doctest/doctest.h>

#include "server/auth.h"
#include "temp_dir.h"

using namespace cpe::server;

TEST_CASE("bearer tokens are matched exactly") {
    CHECK(bearerMatches("Bearer s3cret", "s3cret"));
    CHECK_FALSE(bearerMatches("Bearer s3cre", "s3cret"));
    CHECK_FALSE(bearerMatches("Bearer s3cretx", "s3cret"));
    CHECK(bearerMatches("bearer s3cret", "s3cret"));  // the scheme is case-insensitive
    CHECK(bearerMatches("BEARER s3cret", "s3cret"));
    CHECK_FALSE(bearerMatches("Bearer S3CRET", "s3cret"));  // the token is not
    CHECK_FALSE(bearerMatches("Basic s3cret", "s3cret"));
    CHECK_FALSE(bearerMatches("Bearers3cret", "s3cret"));
    CHECK_FALSE(bearerMatches("s3cret", "s3cret"));
    CHECK_FALSE(bearerMatches("", "s3cret"));
    CHECK_FALSE(bearerMatches("Bearer ", "s3cret"));
}

namespace {
std::string loadError(const std::string& path) {
    try {
        ClientTokens::load(path);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("a token file names its clients, one \"NAME TOKEN\" a line") {
    test::TempDir dir;
    std::ofstream(dir.file("tokens")) << "# referral systems\n\n  ers-referrals  tokA123 \ntriage.team tokB456\n";
    ClientTokens clients = ClientTokens::load(dir.file("tokens"));
    REQUIRE(clients.clients().size() == 2);
    CHECK(clients.match("Bearer tokA123") == "ers-referrals");
    CHECK(clients.match("bearer tokB456") == "triage.team");
    CHECK(clients.match("Bearer tokB45") == "");
    CHECK(clients.match("Bearer ers-referrals") == "");  // a name is not a token
    CHECK(clients.match("") == "");
}

TEST_CASE("a line holding only a token is the client 'default', as token files were before names") {
    test::TempDir dir;
    std::ofstream(dir.file("token")) << "  abc123 \n";
    ClientTokens clients = ClientTokens::load(dir.file("token"));
    REQUIRE(clients.clients().size() == 1);
    CHECK(clients.match("Bearer abc123") == "default");
}

TEST_CASE("a token file that cannot be trusted is refused, naming its line") {
    test::TempDir dir;
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir.file(name)) << text;
        return dir.file(name);
    };
    CHECK(loadError(write("empty", "\n# only a comment\n")).find("holds no token") != std::string::npos);
    CHECK(loadError(dir.file("missing")).find("cannot read token file") != std::string::npos);
    CHECK(loadError(write("three", "a b c\n")) ==
          "token file " + dir.file("three") + ":1: expected \"NAME TOKEN\" (or only a token), found 3 words");
    CHECK(loadError(write("twice", "a t1\nb t2\na t3\n")).find(":3: the client 'a' is named twice") != std::string::npos);
    CHECK(loadError(write("two_bare", "t1\nt2\n")).find(":2: the client 'default' is named twice") != std::string::npos);
    CHECK(loadError(write("shared", "a t1\nb t1\n")).find(":2: this token is already another client's") != std::string::npos);
    CHECK(loadError(write("badname", "Jane/Doe t1\n")).find(":1: a client's name is letters") != std::string::npos);
}
