#pragma once
// JSON-RPC framing over a byte stream: "Content-Length: N\r\n\r\n" then N
// bytes of JSON. Reading is split from the file descriptor so the fuzzer and
// the tests can feed bytes straight in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cpe::lsp {

// A message body larger than this is refused (and its bytes skipped), so a
// bad header cannot make the server hold gigabytes.
inline constexpr size_t kMaxMessageBytes = 64 * 1024 * 1024;

struct Frame {
    std::string body;   // the JSON text, when `error` is empty
    std::string error;  // a framing problem: the header was bad or the body too large
};

class FrameReader {
public:
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next complete frame, or nullopt until more bytes arrive.
    std::optional<Frame> next();
    // True when bytes of a partial frame are waiting.
    bool pending() const { return !buffer_.empty() || skip_ > 0; }

private:
    std::string buffer_;
    size_t skip_ = 0;  // bytes of a refused body still to drop
};

// The frame for one outgoing message.
std::string frame(const nlohmann::json& message);

}  // namespace cpe::lsp
