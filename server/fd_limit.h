#pragma once
// File descriptors for connections: the soft limit raised to the hard one at
// start, and a reserve kept for everything else the server opens (the
// decision log and its checkpointer, the access log, a reload's policy
// files), so that a crowd of idle or slow clients can never take the
// descriptors the log needs, nor make accept() fail for everyone after them.
#include <cstddef>
#include <cstdint>

namespace cpe::server {

struct FdLimits {
    std::uint64_t before = 0, soft = 0, hard = 0;  // soft limit at start, soft and hard now
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit (capped at what the
// kernel allows a process). Never lowers it.
FdLimits raiseFdLimit();

// Descriptors kept back from connections out of a soft limit of `soft`.
std::size_t fdReserve(std::uint64_t soft);

// The connection cap: `requested` (0: no cap asked for) but never more than
// the soft limit less the reserve. At least 1.
std::size_t connectionCap(std::size_t requested, std::uint64_t soft);

}  // namespace cpe::server
