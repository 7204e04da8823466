// TLS for the front door through OpenSSL: a server context and one encrypted connection.
#pragma once
#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>

namespace ducklings::pgwire {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const;
};
struct SslDeleter {
  void operator()(SSL* ssl) const;
};

// A server SSL_CTX (TLS 1.2+, forward-secret AEAD ciphers) holding our certificate and key.
// Immutable once created, so any thread may open connections on it concurrently.
class TlsContext {
 public:
  // Loads cert_file/key_file (PEM). When both are empty, uses <data_dir>/server.crt and
  // server.key, generating a self-signed certificate (CN=duckgres, SAN localhost, 127.0.0.1,
  // ::1, 10 years) the first time. Throws ConfigError naming tls_cert/tls_key on any problem.
  static TlsContext create(const std::string& cert_file, const std::string& key_file,
                           const std::string& data_dir);

  TlsContext(TlsContext&&) noexcept = default;
  TlsContext& operator=(TlsContext&&) noexcept = default;
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* native() const { return ctx_.get(); }
  const std::string& cert_file() const { return cert_file_; }
  const std::string& key_file() const { return key_file_; }
  // SCRAM's tls-server-end-point channel binding data (RFC 5929): the hash of our certificate
  // with its signature's hash algorithm (SHA-256 for MD5 and SHA-1); empty when it has none
  // (e.g. Ed25519), and then SCRAM-SHA-256-PLUS is not offered.
  const std::string& server_end_point() const { return server_end_point_; }
  // The operator configured the certificate (it is not our self-signed one).
  bool configured() const { return configured_; }

 private:
  TlsContext(std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx, std::string cert_file,
             std::string key_file);
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx_;
  std::string cert_file_;
  std::string key_file_;
  std::string server_end_point_;
  bool configured_ = false;
};

// The server side of TLS on one connected, blocking socket, after we answered SSLRequest
// with 'S'. Does not own the fd (the caller closes it). Used by one thread at a time.
// Writes use MSG_NOSIGNAL, so a vanished peer is an error, never SIGPIPE.
class TlsConnection {
 public:
  // The context must outlive the connection.
  TlsConnection(const TlsContext& context, int fd);

  TlsConnection(TlsConnection&&) noexcept = default;
  TlsConnection& operator=(TlsConnection&&) noexcept = default;
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // Runs the TLS handshake; throws std::runtime_error with OpenSSL's reason.
  void handshake();
  // Reads up to len decrypted bytes, blocking for at least one; 0 on EOF. Throws on error.
  size_t read_some(char* buf, size_t len);
  // Writes all len bytes; throws std::runtime_error on error (e.g. the peer is gone).
  void write_all(const char* buf, size_t len);
  // Decrypted bytes already buffered, readable without touching the socket.
  size_t pending() const;
  // Sends close_notify, best effort: never throws, does not wait for the peer's.
  void shutdown();

  // Negotiated protocol and cipher, e.g. "TLSv1.3" and "TLS_AES_256_GCM_SHA384", for logs.
  std::string protocol_version() const;
  std::string cipher_name() const;

 private:
  std::unique_ptr<SSL, SslDeleter> ssl_;
};

}  // namespace ducklings::pgwire
