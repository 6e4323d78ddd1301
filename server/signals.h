#pragma once
// SIGHUP, SIGTERM and SIGINT, handled on one ordinary thread (sigwait) rather
// than in an async signal handler, so that reacting to them can take locks,
// log and compile a library.
#include <atomic>
#include <functional>
#include <thread>

namespace cpe::server {

// Blocks the three signals in the calling thread, and so in every thread it
// starts afterwards; ignores SIGPIPE (a client that hangs up mid-response must
// not kill the server). Call before starting any thread.
void blockServerSignals();

class SignalThread {
public:
    SignalThread(std::function<void()> onReload, std::function<void()> onStop);
    ~SignalThread();  // stops waiting and joins
    SignalThread(const SignalThread&) = delete;
    SignalThread& operator=(const SignalThread&) = delete;

private:
    std::atomic<bool> done_{false};
    std::thread thread_;
};

}  // namespace cpe::server
