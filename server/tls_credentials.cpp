#include "server/tls_credentials.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace cpe::server {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" configuration (server side TLS guidelines, 5.7):
// forward-secret AEAD suites only for TLS 1.2; TLS 1.3 keeps OpenSSL's three
// suites, which are the same list.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

// A certificate or key is a few KiB; more than this is not one (and
// --tls-cert /dev/zero must not read forever).
constexpr std::size_t kMaxPemBytes = 1 << 20;

std::string readPem(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TlsError("cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
    std::string text;
    text.resize(kMaxPemBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw TlsError("cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxPemBytes)
        throw TlsError(path + ": not a PEM " + what + " (larger than " + std::to_string(kMaxPemBytes) + " bytes)");
    return text;
}

// OpenSSL's reason for the last failure, e.g. "no start line".
std::string opensslReason(const boost::system::error_code& ec) {
    std::string reason = ec.message();
    ERR_clear_error();
    return reason;
}

std::string bioText(BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

TlsIdentity identityOf(SSL_CTX* ctx) {
    TlsIdentity id;
    X509* cert = SSL_CTX_get0_certificate(ctx);
    if (!cert) return id;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    id.subject = bioText(bio.get());
    BIO_reset(bio.get());
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert));
    id.notAfter = bioText(bio.get());
    id.expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, EVP_sha256(), digest, &length) == 1) {
        static constexpr char hex[] = "0123456789ABCDEF";
        for (unsigned int i = 0; i < length; ++i) {
            if (i) id.sha256Fingerprint += ':';
            id.sha256Fingerprint += hex[digest[i] >> 4];
            id.sha256Fingerprint += hex[digest[i] & 15];
        }
    }
    return id;
}

std::shared_ptr<ssl::context> loadContext(const std::string& certFile, const std::string& keyFile) {
    const std::string certPem = readPem(certFile, "certificate");
    const std::string keyPem = readPem(keyFile, "private key");

    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* ctx = context->native_handle();
    // Protocol floor and ceiling: TLS 1.2 and 1.3 (SSLv3, TLS 1.0 and 1.1 have
    // known weaknesses and no supported client needs them).
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    // No compression (CRIME), no renegotiation (a client could make the
    // server redo the expensive half of a handshake at will), no session
    // tickets (their key would live unrotated for the whole process).
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_SSLv3 |
                                 SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
    if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1 || SSL_CTX_set1_groups_list(ctx, kGroups) != 1)
        throw TlsError("OpenSSL refused the cipher list or groups");
    SSL_CTX_set_dh_auto(ctx, 1);  // the DHE suites use the RFC 7919 groups
    // An encrypted key would otherwise make OpenSSL ask for its passphrase on
    // the terminal: a server that hangs at start. Refuse it instead.
    context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

    // OpenSSL's reason for a file that is not PEM at all is "PEM lib": say
    // what is missing instead.
    if (certPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw TlsError(certFile + ": not a PEM certificate (no -----BEGIN CERTIFICATE----- line)");
    if (keyPem.find("-----BEGIN") == std::string::npos || keyPem.find("PRIVATE KEY-----") == std::string::npos)
        throw TlsError(keyFile + ": not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line)");
    boost::system::error_code ec;
    context->use_certificate_chain(boost::asio::buffer(certPem), ec);
    if (ec) throw TlsError(certFile + ": not a PEM certificate (chain): " + opensslReason(ec));
    context->use_private_key(boost::asio::buffer(keyPem), ssl::context::pem, ec);
    if (ec) {
        if (keyPem.find("ENCRYPTED") != std::string::npos)
            throw TlsError(keyFile +
                           ": the private key is protected by a passphrase, which cpe serve cannot be given; "
                           "write it out unencrypted (openssl pkey -in KEY -out KEY.plain) and keep it 0600");
        throw TlsError(keyFile + ": not a PEM private key: " + opensslReason(ec));
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        throw TlsError(keyFile + ": the private key does not match the certificate in " + certFile);
    }
    return context;
}

}  // namespace

TlsCredentials::TlsCredentials(std::string certFile, std::string keyFile)
    : certFile_(std::move(certFile)), keyFile_(std::move(keyFile)), context_(loadContext(certFile_, keyFile_)),
      identity_(identityOf(context_->native_handle())) {}

std::shared_ptr<ssl::context> TlsCredentials::current() const {
    std::lock_guard lock(mutex_);
    return context_;
}

TlsIdentity TlsCredentials::identity() const {
    std::lock_guard lock(mutex_);
    return identity_;
}

bool TlsCredentials::reload(std::string& error) {
    std::shared_ptr<ssl::context> fresh;
    try {
        fresh = loadContext(certFile_, keyFile_);
    } catch (const TlsError& e) {
        error = e.what();
        return false;
    }
    TlsIdentity id = identityOf(fresh->native_handle());
    std::lock_guard lock(mutex_);
    context_ = std::move(fresh);
    identity_ = std::move(id);
    return true;
}

}  // namespace cpe::server
