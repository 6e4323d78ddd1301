#include "server/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

namespace cpe::server {

FdLimits raiseFdLimit() {
    FdLimits out;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
    out.before = out.soft = limit.rlim_cur;
    out.hard = limit.rlim_max;
    rlim_t target = limit.rlim_max;
    // RLIM_INFINITY is refused for RLIMIT_NOFILE: the kernel's ceiling is nr_open.
    if (target == RLIM_INFINITY) {
        std::ifstream nrOpen("/proc/sys/fs/nr_open");
        unsigned long long n = 0;
        target = (nrOpen >> n) ? static_cast<rlim_t>(n) : static_cast<rlim_t>(1) << 20;
    }
    if (target > limit.rlim_cur) {
        rlimit raised{target, limit.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) out.soft = target;
    }
    return out;
}

std::size_t fdReserve(std::uint64_t soft) { return static_cast<std::size_t>(std::max<std::uint64_t>(32, soft / 16)); }

std::size_t connectionCap(std::size_t requested, std::uint64_t soft) {
    const std::size_t reserve = fdReserve(soft);
    const std::size_t fromLimit = soft > reserve ? static_cast<std::size_t>(soft - reserve) : 1;
    return std::max<std::size_t>(1, requested == 0 ? fromLimit : std::min(requested, fromLimit));
}

}  // namespace cpe::server
