// `cpe serve`: the HTTP decision service (shared/spec/decision.md, HTTP).
#include <memory>

#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "server/serve.h"

namespace cpe::cli {

void addServeCommand(CLI::App& app, Globals& g) {
    auto o = std::make_shared<server::ServeOptions>();
    o->threads = server::defaultThreads();
    CLI::App* cmd =
        app.add_subcommand("serve", "Serve decisions over HTTP or HTTPS, logging every decision to SQLite or PostgreSQL");
    cmd->footer(R"(Endpoints:
  POST /v1/decisions        {"policy": ID, "facts": {...}, "as_of": "YYYY-MM-DD"?} -> decision
                            (400 bad JSON or facts, 404 unknown policy, 413 body too large,
                             408 request not received within --read-timeout)
  GET  /v1/policies         policies with their title, version, kind and facts read (?as_of=)
  GET  /v1/policies/{id}    one policy with its criteria text (?as_of=)
  GET  /healthz             liveness (never needs the token)
  GET  /readyz              readiness: 503 while the decision log cannot record decisions
  GET  /metrics             Prometheus text: requests, decisions, latency
  POST /v1/admin/reload     recompile the library (needs --token-file); SIGHUP does the same
  GET  /                    the triage page for referral staff (server/page/README.md)
  GET  /v1/policies/{id}/form  the policy's facts as form fields, with what would decide each
  GET  /doc/{id}.html       the policy's published criteria (cpe doc), as /doc/index.html lists them
With --token-file, every endpoint but /healthz, /readyz, / and /doc/ needs "Authorization: Bearer <token>".
The token file names one client a line, "NAME TOKEN" (or holds only a token: the client "default");
each decision is logged with its client's name (cpe log --client NAME), never the token.
A library with errors is refused on reload and the one in service stays.
Every decision is committed to the decision log before it is answered; while the log cannot
be written (disk full, I/O error, locked past --log-lock-timeout, file deleted) decisions get
503 decision_log_unavailable with Retry-After, and serving resumes once it can be written.
Plain HTTP unless --tls-cert and --tls-key are given; SIGHUP re-reads the certificate and key too
(new connections get the new pair; one that does not load is refused and the old one stays).
SIGTERM or SIGINT: stop accepting, answer requests in flight, then exit: 0, or 3 when the
decision log could not be written at the end.
The decision log keeps a salted hash of the facts, not the facts (unless --log-facts);
the salt file is created on first use: keep it, and keep it apart from the database.
With --db postgresql://..., several instances (behind a load balancer) write one log; decision
ids carry each instance's number, so they never collide.
Query the log with `cpe log --db FILE` (or the same connection string).)");
    auto* policies =
        cmd->add_option("--policies", o->policyPaths, "Policy files or folders, searched recursively")->capture_default_str();
    cmd->add_option("--registry", o->registryPath,
                    "Serve the policies published in this registry (cpe publish) instead of --policies; "
                    "a reload re-reads it")
        ->excludes(policies);
    cmd->add_option("--host", o->host, "Address to listen on (loopback unless you mean otherwise)")->capture_default_str();
    cmd->add_option("--port", o->port, "TCP port; 0 picks a free one (printed on stdout)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    cmd->add_option("--threads", o->threads, "I/O threads that read, decide and answer (default: one per core)")
        ->check(CLI::Range(1u, 4096u))
        ->capture_default_str();
    cmd->add_option("--max-body", o->maxBodyBytes, "Largest request body in bytes; larger gets 413")
        ->check(CLI::Range(std::size_t{64}, std::size_t{64} << 20))
        ->capture_default_str();
    cmd->add_option("--max-connections", o->maxConnections,
                    "Open connections accepted at once; beyond, a connection gets 503 too_many_connections and is "
                    "closed (default 0: the file-descriptor limit, raised to its hard limit, less a reserve)")
        ->capture_default_str();
    cmd->add_option("--read-timeout", o->readTimeoutSeconds,
                    "Seconds a client may stall while sending a request before it is cut off")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    cmd->add_option("--write-timeout", o->writeTimeoutSeconds,
                    "Seconds a client may stall while receiving a response before it is cut off")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    cmd->add_option("--keep-alive", o->keepAliveSeconds, "Seconds an idle keep-alive connection is kept open")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    cmd->add_option("--db", o->dbPath,
                    "Decision log: a SQLite file (created if missing; WAL mode), or PostgreSQL "
                    "(postgresql://... or a libpq key=value string), which several instances can share")
        ->capture_default_str();
    cmd->add_option("--salt-file", o->saltFile,
                    "Secret salt for the facts hash (default: <db>.salt, created if missing; required with PostgreSQL, "
                    "the same file for every instance)");
    cmd->add_option_function<std::string>(
           "--durable", [o](const std::string& v) { o->durablePowerLoss = v == "power-loss"; },
           "What an answered decision survives: process-crash (default: kill -9, OOM, crash) or power-loss "
           "(an fsync per commit)")
        ->check(CLI::IsMember({"process-crash", "power-loss"}))
        ->default_str("process-crash");
    cmd->add_option("--log-lock-timeout", o->logLockTimeoutSeconds,
                    "Seconds to wait for another writer's lock on the decision log before refusing decisions (503)")
        ->check(CLI::Range(0.01, 600.0))
        ->capture_default_str();
    cmd->add_flag("--log-facts", o->logFacts, "Also store the facts in the decision log (they may identify a patient)");
    cmd->add_option("--token-file", o->tokenFile, "Bearer tokens clients must send: one \"NAME TOKEN\" a line, or only a token")
        ->check(CLI::ExistingFile);
    cmd->add_option("--allow-origin", o->allowOrigin,
                    "Let a triage page opened elsewhere (cpe page --server URL) ask this server: the origin it is "
                    "opened from (e.g. https://intranet.example.nhs.uk, 'null' for a file) or '*'");
    auto* tlsCert = cmd->add_option("--tls-cert", o->tlsCertFile,
                                    "Serve HTTPS (TLS 1.2 and 1.3) with this certificate: PEM, the server's certificate "
                                    "first, then any intermediate ones; re-read on SIGHUP. Needs --tls-key");
    auto* tlsKey = cmd->add_option("--tls-key", o->tlsKeyFile,
                                   "The certificate's private key (PEM, unencrypted, keep it 0600); re-read on SIGHUP");
    tlsCert->needs(tlsKey);
    tlsKey->needs(tlsCert);
    cmd->add_flag("--reference-reader", o->referenceReader,
                  "Read every request body with the reference reader, not the fast path (for benchmarks)")
        ->group("");
    cmd->add_option("--access-log", o->accessLog, "Access log: - for stderr, off, or a file (one JSON line a request)")
        ->capture_default_str();
    cmd->callback([o, &g] {
        // A service should say what it is doing without -v; -v still raises
        // it to debug.
        if (g.verbose == 0) spdlog::set_level(spdlog::level::info);
        g.exitCode = server::runServe(*o);
    });
}

}  // namespace cpe::cli
