#pragma once
// The certificate and private key `cpe serve --tls-cert --tls-key` serves
// HTTPS with, as an OpenSSL server context: TLS 1.2 and 1.3 only, Mozilla's
// "intermediate" cipher list, no compression, no renegotiation, no session
// tickets. SIGHUP re-reads both files; a new pair is taken only when it loads
// whole and the key matches the certificate, else the pair in service stays.
// Connections hold the context they started with, so a reload never touches
// an open connection.
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace cpe::server {

// A pair that cannot serve: the message names the file and what is wrong.
struct TlsError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What a loaded certificate says of itself, for the log and for comparing
// with `openssl x509 -fingerprint -sha256`.
struct TlsIdentity {
    std::string subject;
    std::string notAfter;
    std::string sha256Fingerprint;  // "AB:CD:..." as openssl prints it
    bool expired = false;
};

class TlsCredentials {
public:
    // Loads the pair; throws TlsError naming the file when it cannot serve.
    TlsCredentials(std::string certFile, std::string keyFile);

    // The context a new connection is to use (shared: it outlives a reload
    // for the connections that hold it).
    std::shared_ptr<boost::asio::ssl::context> current() const;
    TlsIdentity identity() const;

    // Re-reads both files. True when the new pair is in service; false (and
    // the old pair stays) when it cannot serve, with the reason in `error`.
    bool reload(std::string& error);

    const std::string& certFile() const { return certFile_; }
    const std::string& keyFile() const { return keyFile_; }

private:
    std::string certFile_, keyFile_;
    mutable std::mutex mutex_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    TlsIdentity identity_;
};

}  // namespace cpe::server
