#pragma once
// A bare TCP connection, for clients that misbehave in ways an HTTP client
// library will not: stalling mid-request, sending garbage.
#include <chrono>
#include <string>
#include <string_view>

namespace cpe::server::e2e {

class RawConnection {
public:
    explicit RawConnection(int port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    void send(std::string_view bytes);
    // Reads until the server closes the connection or `timeout` passes;
    // `closed` says which.
    std::string readUntilClosed(std::chrono::milliseconds timeout, bool& closed);

private:
    int fd_ = -1;
};

}  // namespace cpe::server::e2e
