#include <doctest/doctest.h>

#include "server/fd_limit.h"

using namespace cpe::server;

TEST_CASE("the connection cap keeps descriptors back for the log and the rest") {
    CHECK(fdReserve(64) == 32);
    CHECK(fdReserve(1024) == 64);
    CHECK(fdReserve(1 << 20) == 65536);
    CHECK(connectionCap(0, 1024) == 960);
    CHECK(connectionCap(100, 1024) == 100);
    CHECK(connectionCap(5000, 1024) == 960);  // never beyond the limit less the reserve
    CHECK(connectionCap(0, 64) == 32);
    CHECK(connectionCap(0, 16) == 1);  // a limit below the reserve still serves one
}
