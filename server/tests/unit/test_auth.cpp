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

TEST_CASE("the token is the first line of its file, trimmed") {
    test::TempDir dir;
    std::ofstream(dir.file("token")) << "  abc123 \nignored\n";
    CHECK(loadToken(dir.file("token")) == "abc123");
    std::ofstream(dir.file("empty")) << "\n";
    CHECK_THROWS(loadToken(dir.file("empty")));
    CHECK_THROWS(loadToken(dir.file("missing")));
}
