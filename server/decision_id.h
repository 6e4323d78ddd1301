#pragma once
// Decision ids (X-Decision-Id, the log's decision_id): 32 lower-case hex
// digits. The first 8 are the instance number the decision log gave this
// process (log_store.h: drawn from the log when it is opened, so no two
// processes writing one log share it); the other 24 are 96 random bits. Two
// instances behind a load balancer can therefore never make the same id,
// and within one instance two equal ids need 2^48 decisions on average.
#include <cstdint>
#include <string>

namespace cpe::server {

std::string newDecisionId(std::uint32_t instance);
// The id from its parts: `instance`, the low 32 bits of `high`, all 64 of `low`.
std::string formatDecisionId(std::uint32_t instance, std::uint64_t high, std::uint64_t low);

}  // namespace cpe::server
