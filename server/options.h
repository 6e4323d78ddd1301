#pragma once
// Everything `cpe serve` can be told on its command line. The defaults here
// are the ones `cpe serve --help` shows, so they live in one place.
#include <cstddef>
#include <string>
#include <vector>

namespace cpe::server {

// The most a request's start line and headers may take (431 beyond).
inline constexpr std::size_t kRequestHeaderLimit = 16 * 1024;

struct ServeOptions {
    std::vector<std::string> policyPaths{"policies/"};
    std::string registryPath;        // "": serve policyPaths; else the policies published there (cpe publish)
    std::string host = "127.0.0.1";  // loopback unless told otherwise
    int port = 8080;                 // 0: any free port (printed on stdout)
    unsigned threads = 0;            // 0: defaultThreads()
    std::size_t maxBodyBytes = 64 * 1024;
    double readTimeoutSeconds = 5.0;   // a client that stalls mid-request is cut off after this
    double writeTimeoutSeconds = 5.0;  // a client that stops reading its response likewise
    int keepAliveSeconds = 5;          // an idle keep-alive connection is closed after this
    std::string dbPath = "cpe-decisions.db";
    std::string saltFile;  // "": dbPath + ".salt"
    bool logFacts = false;
    bool durablePowerLoss = false;       // --durable power-loss: fsync every commit (synchronous=FULL)
    double logLockTimeoutSeconds = 2.0;  // the log locked longer than this: decisions refused (503)
    std::string tokenFile;               // "": no authentication, HTTP reload disabled
    std::string allowOrigin;             // CORS for a page served elsewhere (cpe page): "*" or one origin; "": none
    std::string accessLog = "-";         // "-": stderr, "off": none, else a file
    std::size_t maxConnections = 0;      // 0: as many as the descriptor limit allows, less a reserve (fd_limit.h)
    std::string tlsCertFile;             // with tlsKeyFile: serve HTTPS (PEM, leaf first, chain after); "": plain HTTP
    std::string tlsKeyFile;              // the certificate's private key (PEM, unencrypted)
    bool referenceReader = false;        // every request body by the reference reader (benchmarks)
};

// One I/O thread per core: connections are served asynchronously, so an idle
// keep-alive connection holds no thread, and deciding is CPU work.
unsigned defaultThreads();

std::string effectiveSaltFile(const ServeOptions& o);

// 127.0.0.0/8, ::1, localhost: reachable from this machine only.
bool isLoopbackHost(const std::string& host);

}  // namespace cpe::server
