#include "server/serve.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/storage/postgres.h"
#include "server/access_log.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/decision_log.h"
#include "server/facts_hash.h"
#include "server/fd_limit.h"
#include "server/http_service.h"
#include "server/library_holder.h"
#include "server/metrics.h"
#include "server/signals.h"
#include "server/tls_credentials.h"

namespace cpe::server {

bool isLoopbackHost(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0 || host == "::ffff:127.0.0.1";
}

unsigned defaultThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

std::string effectiveSaltFile(const ServeOptions& o) {
    if (!o.saltFile.empty()) return o.saltFile;
    // Several instances share a PostgreSQL log, and must share its salt: no
    // default beside a connection string.
    if (pg::isConnectionString(o.dbPath))
        throw std::runtime_error("--db " + pg::redacted(o.dbPath) +
                                 " needs --salt-file: the salt every instance writing that log uses");
    return o.dbPath + ".salt";
}

namespace {

void logTlsIdentity(const char* what, const TlsCredentials& tls) {
    const TlsIdentity id = tls.identity();
    spdlog::info("{} {}: {}, valid until {}, SHA-256 fingerprint {}", what, tls.certFile(), id.subject, id.notAfter,
                 id.sha256Fingerprint);
    if (id.expired)
        spdlog::warn("the TLS certificate in {} expired on {}: clients will refuse it; renew it and send SIGHUP", tls.certFile(),
                     id.notAfter);
}

// SIGHUP: the new pair serves new connections; open ones keep theirs.
void reloadTls(TlsCredentials& tls) {
    std::string error;
    if (tls.reload(error)) return logTlsIdentity("TLS certificate reloaded from", tls);
    spdlog::error("TLS reload refused, the certificate in service stays: {}", error);
}

}  // namespace

int runServe(const ServeOptions& given) {
    // Before any thread exists, so that they all inherit the mask.
    blockServerSignals();
    const FdLimits fds = raiseFdLimit();
    ServeOptions options = given;
    options.maxConnections = connectionCap(given.maxConnections, fds.soft);
    if (given.maxConnections > options.maxConnections)
        spdlog::warn(
            "--max-connections {} lowered to {}: the file-descriptor limit is {}, of which {} are kept back "
            "for the decision log and the rest",
            given.maxConnections, options.maxConnections, fds.soft, fdReserve(fds.soft));
    // A file-size limit (RLIMIT_FSIZE) reached by the log is a write error
    // to refuse decisions over, not a reason to die.
    std::signal(SIGXFSZ, SIG_IGN);

    // The certificate first: a wrong file is an operator's typo, told before
    // anything else is loaded (exit 2, as for a bad option).
    std::unique_ptr<TlsCredentials> tls;
    if (given.tlsCertFile.empty() != given.tlsKeyFile.empty()) {
        spdlog::error("cpe serve: --tls-cert and --tls-key go together: give both (HTTPS) or neither (plain HTTP)");
        return 2;
    }
    if (!given.tlsCertFile.empty()) {
        try {
            tls = std::make_unique<TlsCredentials>(given.tlsCertFile, given.tlsKeyFile);
            struct stat key {};
            if (::stat(given.tlsKeyFile.c_str(), &key) == 0 && (key.st_mode & S_IROTH))
                spdlog::warn("the TLS private key {} is readable by any user of this machine: chmod 600 it", given.tlsKeyFile);
        } catch (const TlsError& e) {
            spdlog::error("cpe serve: {}", e.what());
            return 2;
        }
    }

    std::optional<ClientTokens> clients;
    std::unique_ptr<DecisionLog> log;
    std::unique_ptr<AccessLog> accessLog;
    LibraryHolder library(options.policyPaths, options.registryPath);
    try {
        if (!options.tokenFile.empty()) clients = ClientTokens::load(options.tokenFile);
        ReloadResult loaded = library.reload();
        if (!loaded.ok) {
            std::fputs(loaded.errors.c_str(), stderr);
            spdlog::error("cpe serve: the policy library has errors; not starting");
            return 1;
        }
        std::string salt = loadOrCreateSalt(effectiveSaltFile(options));
        DecisionLog::Options logOptions;
        logOptions.path = options.dbPath;
        logOptions.salt = std::move(salt);
        logOptions.keepFacts = options.logFacts;
        logOptions.durability = options.durablePowerLoss ? Durability::PowerLoss : Durability::ProcessCrash;
        logOptions.lockTimeout = std::chrono::milliseconds(static_cast<long long>(options.logLockTimeoutSeconds * 1000));
        log = std::make_unique<DecisionLog>(std::move(logOptions));
        accessLog = std::make_unique<AccessLog>(options.accessLog);
    } catch (const std::exception& e) {
        spdlog::error("cpe serve: {}", e.what());
        return 1;
    }

    Metrics metrics;
    Api api(library, metrics, log.get());
    api.useFastReader(!options.referenceReader);
    HttpService http(options, api, metrics, *accessLog, clients, tls.get());
    int port = 0;
    try {
        port = http.bind();
    } catch (const std::exception& e) {
        spdlog::error("cpe serve: {}", e.what());
        return 1;
    }

    std::atomic<bool> stopping{false}, finished{false};
    {
        SignalThread signals(
            [&] {
                api.reload("SIGHUP");
                if (tls) reloadTls(*tls);
            },
            [&] {
                if (stopping.exchange(true)) return;
                spdlog::info("stopping: no new connections; finishing requests in flight");
                // stop() is a no-op until the listener runs,
                // so repeat it until run() has returned.
                while (!finished.load()) {
                    http.stop();
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            });
        const unsigned threads = options.threads ? options.threads : defaultThreads();
        // The one line on stdout: scripts and tests wait for it (and read the
        // port from it when started with --port 0).
        if (!clients && !isLoopbackHost(options.host))
            spdlog::warn(
                "listening on {} beyond loopback without --token-file: anyone who can reach this port can ask "
                "for decisions and read the policies; give --token-file, or --host 127.0.0.1",
                options.host);
        std::printf("cpe serve: listening on %s://%s:%d\n", tls ? "https" : "http", options.host.c_str(), port);
        std::fflush(stdout);
        spdlog::info("{} policies from {}, {} I/O threads, body limit {} bytes, decision log {}{}{}",
                     library.current()->policyIds().size(), library.origin(), threads, options.maxBodyBytes, log->name(),
                     options.logFacts ? " (with facts)" : "",
                     clients ? fmt::format(", bearer token required ({} client{})", clients->clients().size(),
                                           clients->clients().size() == 1 ? "" : "s")
                             : std::string());
        if (tls) logTlsIdentity("HTTPS (TLS 1.2 and 1.3) with the certificate in", *tls);
        spdlog::info("at most {} connections (file descriptors: soft limit {}{}, hard {})", options.maxConnections, fds.soft,
                     fds.soft != fds.before ? fmt::format(", raised from {}", fds.before) : std::string(), fds.hard);
        http.run();
        finished.store(true);
    }  // the signal thread stops here

    // Every answered decision is committed by now (an answer waits for its
    // commit), so close() has nothing of a client's left to write.
    const bool logReady = log->ready();
    const std::string problem = log->problem();
    log->close();
    accessLog->flush();
    spdlog::info("stopped; {} decisions in the decision log this run", log->written());
    if (!logReady) {
        spdlog::error(
            "stopped while the decision log could not be written ({}); decisions were refused meanwhile, "
            "none answered is missing from it",
            problem);
        return 3;
    }
    return 0;
}

}  // namespace cpe::server
