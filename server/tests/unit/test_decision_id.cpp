#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "server/decision_id.h"
#include "server/decision_log.h"
#include "temp_dir.h"

using namespace cpe::server;
using cpe::server::test::TempDir;

TEST_CASE("a decision id is the instance in 8 hex digits, then 96 bits") {
    CHECK(formatDecisionId(0, 0, 0) == "00000000000000000000000000000000");
    CHECK(formatDecisionId(1, 0x0123456789abcdefull, 0xfedcba9876543210ull) == "0000000189abcdeffedcba9876543210");
    CHECK(formatDecisionId(0xffffffffu, ~0ull, ~0ull) == "ffffffffffffffffffffffffffffffff");
    const std::string id = newDecisionId(0x2a);
    CHECK(id.size() == 32);
    CHECK(id.substr(0, 8) == "0000002a");
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("ids made on many threads at once are all different") {
    std::vector<std::vector<std::string>> made(8);
    std::vector<std::thread> threads;
    for (auto& mine : made)
        threads.emplace_back([&mine] {
            for (int i = 0; i < 20000; ++i) mine.push_back(newDecisionId(7));
        });
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (const auto& mine : made) all.insert(mine.begin(), mine.end());
    CHECK(all.size() == 8u * 20000u);
}

TEST_CASE("each process opening a log gets its own instance number") {
    TempDir dir;
    const std::string db = dir.file("log.db");
    std::uint32_t first = 0, second = 0, third = 0;
    {
        DecisionLog a({db, "salt", false});
        DecisionLog b({db, "salt", false});  // two writers on one file at once
        first = a.instance();
        second = b.instance();
    }
    {
        DecisionLog c({db, "salt", false});
        third = c.instance();
    }
    CHECK(first == 1);
    CHECK(second == 2);
    CHECK(third == 3);
}
