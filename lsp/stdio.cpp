// The server's loop over two file descriptors: read what has arrived, answer
// every complete message, and re-check only when no more input is waiting.
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "lsp/server.h"
#include "lsp/transport.h"

namespace cpe::lsp {

static bool writeAll(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

static bool inputWaiting(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
}

int runStdio(int in, int out) {
    Server server;
    FrameReader reader;
    char buf[65536];
    bool eof = false;
    while (!server.exited() && !eof) {
        ssize_t n = ::read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) eof = true;
        else reader.feed(std::string_view(buf, static_cast<size_t>(n)));
        while (auto f = reader.next()) {
            std::vector<nlohmann::json> replies;
            if (!f->error.empty())
                replies.push_back({{"jsonrpc", "2.0"},
                                   {"id", nullptr},
                                   {"error", {{"code", -32700}, {"message", "bad message framing: " + f->error}}}});
            else replies = server.handle(f->body);
            for (const auto& r : replies)
                if (!writeAll(out, frame(r))) return 1;
            if (server.exited()) break;
        }
        if (!server.exited() && !inputWaiting(in))
            for (const auto& r : server.idle())
                if (!writeAll(out, frame(r))) return 1;
    }
    return server.exitCode();
}

}  // namespace cpe::lsp
