#include "server/signals.h"

#include <csignal>
#include <ctime>

namespace cpe::server {

namespace {
sigset_t serverSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}
}  // namespace

void blockServerSignals() {
    sigset_t set = serverSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

SignalThread::SignalThread(std::function<void()> onReload, std::function<void()> onStop) {
    thread_ = std::thread([this, onReload = std::move(onReload), onStop = std::move(onStop)] {
        sigset_t set = serverSignals();
        // Wake up now and then to notice the destructor.
        const timespec tick{0, 100'000'000};
        while (!done_.load()) {
            int sig = sigtimedwait(&set, nullptr, &tick);
            if (sig == SIGHUP) onReload();
            else if (sig == SIGTERM || sig == SIGINT) onStop();
        }
    });
}

SignalThread::~SignalThread() {
    done_.store(true);
    if (thread_.joinable()) thread_.join();
}

}  // namespace cpe::server
