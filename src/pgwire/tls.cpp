#include "pgwire/tls.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "common/errors.h"

namespace ducklings::pgwire {

void SslCtxDeleter::operator()(SSL_CTX* ctx) const {
  SSL_CTX_free(ctx);
}
void SslDeleter::operator()(SSL* ssl) const {
  SSL_free(ssl);
}

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BigNumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BioMethodPtr = std::unique_ptr<BIO_METHOD, Deleter<BIO_METHOD, BIO_meth_free>>;

// Mozilla "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are
// OpenSSL's defaults, which are all fine.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

constexpr long kCertificateDays = 3650;

// Drains this thread's OpenSSL error queue into one message (empty if the queue was empty).
std::string openssl_errors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

std::string openssl_reason(const char* fallback) {
  std::string errors = openssl_errors();
  return errors.empty() ? std::string(fallback) : errors;
}

[[noreturn]] void throw_openssl(const std::string& what) {
  throw std::runtime_error(what + ": " + openssl_reason("unknown OpenSSL error"));
}

// Turns a failed SSL_* I/O call into an exception carrying OpenSSL's or the kernel's reason.
[[noreturn]] void throw_io_error(SSL* ssl, int ret, const char* what) {
  int saved_errno = errno;
  int err = SSL_get_error(ssl, ret);
  std::string reason;
  switch (err) {
    case SSL_ERROR_SYSCALL:
      reason = openssl_errors();
      if (reason.empty()) {
        reason = saved_errno != 0 ? std::strerror(saved_errno) : "connection closed by peer";
      }
      break;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      // Only a socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) gets here on a blocking socket.
      reason = "timed out";
      ERR_clear_error();
      break;
    case SSL_ERROR_ZERO_RETURN:
      reason = "connection closed by peer";
      break;
    default:
      reason = openssl_reason("unknown OpenSSL error");
  }
  throw std::runtime_error(std::string(what) + ": " + reason);
}

// --- A socket BIO whose writes use MSG_NOSIGNAL, so a vanished peer never raises SIGPIPE ---

int nosignal_sock_write(BIO* bio, const char* data, int len) {
  int fd = static_cast<int>(BIO_get_fd(bio, nullptr));
  BIO_clear_retry_flags(bio);
  ssize_t n;
  do {
    n = ::send(fd, data, static_cast<size_t>(len), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int nosignal_sock_read(BIO* bio, char* data, int len) {
  int fd = static_cast<int>(BIO_get_fd(bio, nullptr));
  BIO_clear_retry_flags(bio);
  ssize_t n;
  do {
    n = ::recv(fd, data, static_cast<size_t>(len), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_read(bio);
  if (n == 0) BIO_set_flags(bio, BIO_FLAGS_IN_EOF);
  return static_cast<int>(n);
}

int nosignal_sock_puts(BIO* bio, const char* str) {
  return nosignal_sock_write(bio, str, static_cast<int>(std::strlen(str)));
}

// Built once: BIO_s_socket's bookkeeping (fd, ctrl, create, destroy) with our read and write.
const BIO_METHOD* nosignal_socket_method() {
  static const BioMethodPtr method = [] {
    const BIO_METHOD* base = BIO_s_socket();
    BioMethodPtr m(BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                "duckgres socket"));
    if (!m || BIO_meth_set_write(m.get(), nosignal_sock_write) != 1 ||
        BIO_meth_set_read(m.get(), nosignal_sock_read) != 1 ||
        BIO_meth_set_puts(m.get(), nosignal_sock_puts) != 1 ||
        BIO_meth_set_ctrl(m.get(), BIO_meth_get_ctrl(base)) != 1 ||
        BIO_meth_set_create(m.get(), BIO_meth_get_create(base)) != 1 ||
        BIO_meth_set_destroy(m.get(), BIO_meth_get_destroy(base)) != 1 ||
        BIO_meth_set_callback_ctrl(m.get(), BIO_meth_get_callback_ctrl(base)) != 1) {
      throw_openssl("cannot create socket BIO method");
    }
    return m;
  }();
  return method.get();
}

// --- Self-signed certificate for a data dir with no configured one ---

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) throw_openssl("cannot add extension");
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

struct GeneratedPem {
  std::string cert;
  std::string key;
};

GeneratedPem generate_self_signed() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw_openssl("cannot generate EC P-256 key");

  X509Ptr cert(X509_new());
  if (!cert) throw_openssl("cannot allocate certificate");
  // A random 127-bit positive serial: required unique per issuer, and we are the issuer.
  BigNumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    throw_openssl("cannot set certificate serial number");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      // An hour of slack for clients whose clocks run behind ours.
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), kCertificateDays, 0, nullptr) == nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("duckgres"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    throw_openssl("cannot build certificate");
  }
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) throw_openssl("cannot sign certificate");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1) {
    throw_openssl("cannot encode certificate");
  }
  return {bio_contents(cert_bio.get()), bio_contents(key_bio.get())};
}

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Writes through a temporary file and rename, so a crash never leaves a half-written PEM.
void write_file_atomically(const std::string& path, const std::string& contents, mode_t mode) {
  std::string tmp = path + ".tmp";
  auto fail = [&](const std::string& step) {
    std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw ConfigError("tls_cert/tls_key are not set and the self-signed certificate cannot be " +
                      step + " '" + path + "': " + reason);
  };
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (fd.get() < 0) fail("written to");
  // The umask may have dropped bits we want, and a stale tmp file may have had more.
  if (::fchmod(fd.get(), mode) != 0) fail("written to");
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("written to");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) fail("written to");
  if (::close(fd.release()) != 0) fail("written to");
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renamed to");
}

void generate_if_missing(const std::string& cert_path, const std::string& key_path,
                         const std::string& data_dir) {
  namespace fs = std::filesystem;
  bool have_cert = fs::exists(cert_path);
  bool have_key = fs::exists(key_path);
  if (have_cert && have_key) return;
  if (have_cert != have_key) {
    // Regenerating would silently replace the half that is there; let the operator decide.
    throw ConfigError("tls_cert/tls_key are not set and only one of '" + cert_path + "' and '" +
                      key_path + "' exists; remove it to regenerate, or set tls_cert and tls_key");
  }
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    throw ConfigError("tls_cert/tls_key are not set and data_dir '" + data_dir +
                      "' cannot be created: " + ec.message());
  }
  GeneratedPem pem = generate_self_signed();
  // Key first: a crash between the renames leaves a key without certificate, which the
  // check above reports, never a certificate whose key is lost.
  write_file_atomically(key_path, pem.key, 0600);
  write_file_atomically(cert_path, pem.cert, 0600);
}

// RFC 5929's tls-server-end-point, as PostgreSQL computes it (be_tls_get_certificate_hash).
std::string certificate_hash(X509* cert) {
  if (cert == nullptr) return "";
  int md_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, nullptr, nullptr, nullptr) != 1) return "";
  if (md_nid == NID_md5 || md_nid == NID_sha1) md_nid = NID_sha256;
  const EVP_MD* md = EVP_get_digestbynid(md_nid);
  if (md == nullptr) return "";
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, hash, &len) != 1) return "";
  return std::string(reinterpret_cast<const char*>(hash), len);
}

void check_readable(const std::string& setting, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw ConfigError(setting + ": cannot read '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace

TlsContext::TlsContext(std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx, std::string cert_file,
                       std::string key_file)
    : ctx_(std::move(ctx)), cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

TlsContext TlsContext::create(const std::string& cert_file, const std::string& key_file,
                              const std::string& data_dir) {
  std::string cert_path = cert_file;
  std::string key_path = key_file;
  if (cert_file.empty() != key_file.empty()) {
    throw ConfigError(cert_file.empty() ? "tls_cert: must be set when tls_key is set"
                                        : "tls_key: must be set when tls_cert is set");
  }
  if (cert_file.empty()) {
    cert_path = (std::filesystem::path(data_dir) / "server.crt").string();
    key_path = (std::filesystem::path(data_dir) / "server.key").string();
    generate_if_missing(cert_path, key_path, data_dir);
  }
  check_readable("tls_cert", cert_path);
  check_readable("tls_key", key_path);

  ERR_clear_error();
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw_openssl("cannot create TLS context");
  // No session cache or tickets: each connection is short-lived relative to its handshake, and
  // tickets would need keys shared across control-plane replicas. No renegotiation (a DoS
  // lever), and a missing close_notify reads as plain EOF: PostgreSQL framing detects truncation.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1) {
    throw_openssl("cannot configure TLS context");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_path.c_str()) != 1) {
    throw ConfigError("tls_cert: cannot load certificate '" + cert_path +
                      "': " + openssl_reason("not a PEM certificate"));
  }
  // Parsed apart from SSL_CTX_use_PrivateKey so an unreadable key and a key that belongs to
  // another certificate get different messages.
  BioPtr key_bio(BIO_new_file(key_path.c_str(), "r"));
  EvpPkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr)
                         : nullptr);
  if (!key) {
    throw ConfigError("tls_key: cannot load private key '" + key_path +
                      "': " + openssl_reason("not a PEM private key"));
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    throw ConfigError("tls_key: private key '" + key_path +
                      "' does not match the tls_cert certificate '" + cert_path +
                      "': " + openssl_reason("key mismatch"));
  }
  std::string end_point = certificate_hash(SSL_CTX_get0_certificate(ctx.get()));
  ERR_clear_error();
  TlsContext context(std::move(ctx), std::move(cert_path), std::move(key_path));
  context.server_end_point_ = std::move(end_point);
  context.configured_ = !cert_file.empty();
  return context;
}

TlsConnection::TlsConnection(const TlsContext& context, int fd) {
  ERR_clear_error();
  ssl_.reset(SSL_new(context.native()));
  if (!ssl_) throw_openssl("cannot create TLS connection");
  BIO* bio = BIO_new(nosignal_socket_method());
  if (bio == nullptr) throw_openssl("cannot create socket BIO");
  BIO_set_fd(bio, fd, BIO_NOCLOSE);
  SSL_set_bio(ssl_.get(), bio, bio);  // the SSL owns the BIO from here
}

void TlsConnection::handshake() {
  ERR_clear_error();
  errno = 0;
  int ret = SSL_accept(ssl_.get());
  if (ret != 1) throw_io_error(ssl_.get(), ret, "TLS handshake failed");
}

size_t TlsConnection::read_some(char* buf, size_t len) {
  if (len == 0) return 0;
  ERR_clear_error();
  errno = 0;
  size_t n = 0;
  int ret = SSL_read_ex(ssl_.get(), buf, len, &n);
  if (ret == 1) return n;
  if (SSL_get_error(ssl_.get(), ret) == SSL_ERROR_ZERO_RETURN) return 0;
  throw_io_error(ssl_.get(), ret, "TLS read failed");
}

void TlsConnection::write_all(const char* buf, size_t len) {
  while (len > 0) {
    ERR_clear_error();
    errno = 0;
    size_t n = 0;
    int ret = SSL_write_ex(ssl_.get(), buf, len, &n);
    if (ret != 1) throw_io_error(ssl_.get(), ret, "TLS write failed");
    buf += n;
    len -= n;
  }
}

size_t TlsConnection::pending() const {
  return static_cast<size_t>(SSL_pending(ssl_.get()));
}

void TlsConnection::shutdown() {
  if (!ssl_) return;
  // A peer that is already gone makes this fail; the connection is closing either way.
  SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

std::string TlsConnection::protocol_version() const {
  return SSL_get_version(ssl_.get());
}

std::string TlsConnection::cipher_name() const {
  const char* name = SSL_get_cipher_name(ssl_.get());
  return name != nullptr ? name : "";
}

}  // namespace ducklings::pgwire
