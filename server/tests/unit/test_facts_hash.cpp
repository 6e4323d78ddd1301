#include <sys/stat.h>

#include <filesystem>

#include <doctest/doctest.h>

#include "server/facts_hash.h"
#include "temp_dir.h"

using namespace cpe::server;

TEST_CASE("canonical facts sort members and drop nulls") {
    auto a = nlohmann::json::parse(R"({"b": 2, "a": [ "x" ], "c": null})");
    auto b = nlohmann::json::parse(R"({"a":["x"],"b":2})");
    CHECK(canonicalFacts(a) == R"({"a":["x"],"b":2})");
    CHECK(canonicalFacts(a) == canonicalFacts(b));
}

TEST_CASE("facts hash is HMAC-SHA-256 (RFC 4231 test case 2)") {
    CHECK(factsHash("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(factsHash("salt-1", "{}") != factsHash("salt-2", "{}"));
    CHECK(saltId("salt-1").size() == 16);
    CHECK(saltId("salt-1") != saltId("salt-2"));
}

TEST_CASE("a salt file is created once, private, and then reused") {
    test::TempDir dir;
    std::string path = dir.file("log.db.salt");
    std::string first = loadOrCreateSalt(path);
    CHECK(first.size() == 64);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(loadOrCreateSalt(path) == first);
    CHECK(loadSalt(path) == first);
    CHECK_THROWS(loadSalt(dir.file("missing.salt")));
    // A salt others may read is refused, naming the fix.
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                           std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    CHECK_THROWS_WITH(loadSalt(path), doctest::Contains("chmod 600"));
    CHECK_THROWS_WITH(loadOrCreateSalt(path), doctest::Contains("0644"));
}

TEST_CASE("the reusable hasher gives the one-shot hash, call after call") {
    FactsHasher hasher("Jefe");
    for (int i = 0; i < 3; ++i)
        CHECK(hasher("what do ya want for nothing?") == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hasher("{}") == factsHash("Jefe", "{}"));
}
