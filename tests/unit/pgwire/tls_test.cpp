#include "pgwire/tls.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>

#include "common/errors.h"

namespace ducklings::pgwire {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "tls_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string expect_config_error(const std::string& cert, const std::string& key,
                                  const std::string& data_dir) {
    try {
      TlsContext::create(cert, key, data_dir);
    } catch (const ConfigError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected ConfigError";
    return "";
  }

  fs::path dir_;
};

struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void close_client() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

// A plain OpenSSL client that trusts only our certificate and checks the host name, as
// libpq's sslmode=verify-full would.
struct TestClient {
  TestClient(const std::string& trusted_cert, int fd) {
    ctx.reset(SSL_CTX_new(TLS_client_method()));
    EXPECT_TRUE(ctx);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    EXPECT_EQ(SSL_CTX_load_verify_locations(ctx.get(), trusted_cert.c_str(), nullptr), 1);
    ssl.reset(SSL_new(ctx.get()));
    EXPECT_EQ(SSL_set1_host(ssl.get(), "localhost"), 1);
    SSL_set_fd(ssl.get(), fd);
  }
  bool connect() {
    if (SSL_connect(ssl.get()) == 1) return true;
    ERR_print_errors_fp(stderr);
    return false;
  }
  void write(const std::string& data) {
    size_t n = 0;
    ASSERT_EQ(SSL_write_ex(ssl.get(), data.data(), data.size(), &n), 1);
    ASSERT_EQ(n, data.size());
  }
  std::string read_exactly(size_t len) {
    std::string out(len, '\0');
    size_t done = 0;
    while (done < len) {
      size_t n = 0;
      if (SSL_read_ex(ssl.get(), out.data() + done, len - done, &n) != 1) break;
      done += n;
    }
    out.resize(done);
    return out;
  }
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx;
  std::unique_ptr<SSL, SslDeleter> ssl;
};

std::string read_exactly(TlsConnection& conn, size_t len) {
  std::string out(len, '\0');
  size_t done = 0;
  while (done < len) {
    size_t n = conn.read_some(out.data() + done, len - done);
    if (n == 0) break;
    done += n;
  }
  out.resize(done);
  return out;
}

TEST_F(TlsTest, GeneratesSelfSignedCertificateIntoDataDir) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  EXPECT_EQ(ctx.cert_file(), (dir_ / "server.crt").string());
  EXPECT_EQ(ctx.key_file(), (dir_ / "server.key").string());
  ASSERT_TRUE(fs::exists(dir_ / "server.crt"));
  ASSERT_TRUE(fs::exists(dir_ / "server.key"));
  EXPECT_FALSE(fs::exists(dir_ / "server.key.tmp"));

  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen((dir_ / "server.crt").c_str(), "r"),
                                          &std::fclose);
  ASSERT_TRUE(f);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                              &X509_free);
  ASSERT_TRUE(cert);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "duckgres");
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  // Valid for about ten years.
  int days = 0, secs = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert.get())), 1);
  EXPECT_GT(days, 3640);
  EXPECT_LE(days, 3651);
}

TEST_F(TlsTest, ServerEndPointIsTheCertificatesSha256) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  EXPECT_FALSE(ctx.configured());
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen((dir_ / "server.crt").c_str(), "r"),
                                          &std::fclose);
  ASSERT_TRUE(f);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                              &X509_free);
  ASSERT_TRUE(cert);
  // The generated certificate is signed with SHA-256: RFC 5929 hashes it with SHA-256.
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASSERT_EQ(X509_digest(cert.get(), EVP_sha256(), hash, &len), 1);
  EXPECT_EQ(ctx.server_end_point(), std::string(reinterpret_cast<char*>(hash), len));
  TlsContext named = TlsContext::create((dir_ / "server.crt").string(),
                                        (dir_ / "server.key").string(), dir_.string());
  EXPECT_TRUE(named.configured());
  EXPECT_EQ(named.server_end_point(), ctx.server_end_point());
}

TEST_F(TlsTest, ReusesGeneratedCertificateOnRestart) {
  TlsContext::create("", "", dir_.string());
  std::string cert = read_file(dir_ / "server.crt");
  std::string key = read_file(dir_ / "server.key");
  TlsContext again = TlsContext::create("", "", dir_.string());
  EXPECT_EQ(read_file(dir_ / "server.crt"), cert);
  EXPECT_EQ(read_file(dir_ / "server.key"), key);
}

TEST_F(TlsTest, LoadsExplicitFiles) {
  TlsContext::create("", "", dir_.string());
  fs::path other = dir_ / "other";
  TlsContext ctx = TlsContext::create((dir_ / "server.crt").string(),
                                      (dir_ / "server.key").string(), other.string());
  EXPECT_NE(ctx.native(), nullptr);
  EXPECT_FALSE(fs::exists(other));  // nothing generated when files are given

  TlsContext moved = std::move(ctx);
  EXPECT_NE(moved.native(), nullptr);
}

TEST_F(TlsTest, MissingFilesNameTheSetting) {
  TlsContext::create("", "", dir_.string());
  std::string cert = (dir_ / "server.crt").string();
  std::string key = (dir_ / "server.key").string();
  std::string missing = (dir_ / "missing.pem").string();

  std::string e = expect_config_error(missing, key, dir_.string());
  EXPECT_NE(e.find("tls_cert"), std::string::npos) << e;
  EXPECT_NE(e.find(missing), std::string::npos) << e;

  e = expect_config_error(cert, missing, dir_.string());
  EXPECT_NE(e.find("tls_key"), std::string::npos) << e;

  e = expect_config_error(cert, "", dir_.string());
  EXPECT_NE(e.find("tls_key"), std::string::npos) << e;
}

TEST_F(TlsTest, UnparsableOrMismatchedFilesNameTheSetting) {
  fs::path a = dir_ / "a";
  fs::path b = dir_ / "b";
  TlsContext::create("", "", a.string());
  TlsContext::create("", "", b.string());

  std::string e = expect_config_error((a / "server.crt").string(), (b / "server.key").string(), "");
  EXPECT_NE(e.find("tls_key"), std::string::npos) << e;
  EXPECT_NE(e.find("does not match"), std::string::npos) << e;

  std::ofstream((dir_ / "junk.pem").string()) << "not a certificate\n";
  e = expect_config_error((dir_ / "junk.pem").string(), (a / "server.key").string(), "");
  EXPECT_NE(e.find("tls_cert"), std::string::npos) << e;
  e = expect_config_error((a / "server.crt").string(), (dir_ / "junk.pem").string(), "");
  EXPECT_NE(e.find("tls_key"), std::string::npos) << e;
}

TEST_F(TlsTest, RefusesToRegenerateHalfAPair) {
  TlsContext::create("", "", dir_.string());
  fs::remove(dir_ / "server.crt");
  std::string e = expect_config_error("", "", dir_.string());
  EXPECT_NE(e.find("tls_cert"), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(dir_ / "server.crt"));
}

TEST_F(TlsTest, HandshakeAndDataBothWaysOverSocketpair) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  SocketPair sp;
  // Larger than socket buffers and TLS records, so partial reads and writes happen.
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);

  auto server = std::async(std::launch::async, [&] {
    TlsConnection conn(ctx, sp.fds[0]);
    conn.handshake();
    EXPECT_EQ(conn.protocol_version(), "TLSv1.3");
    EXPECT_FALSE(conn.cipher_name().empty());
    EXPECT_EQ(read_exactly(conn, 4), "ping");
    conn.write_all("pong", 4);
    std::string got = read_exactly(conn, big.size());
    EXPECT_TRUE(got == big);
    conn.write_all(got.data(), got.size());
    char c;
    EXPECT_EQ(conn.read_some(&c, 1), 0u);  // the client's close_notify
    conn.shutdown();
  });

  TestClient client((dir_ / "server.crt").string(), sp.fds[1]);
  ASSERT_TRUE(client.connect());
  client.write("ping");
  EXPECT_EQ(client.read_exactly(4), "pong");
  client.write(big);
  EXPECT_TRUE(client.read_exactly(big.size()) == big);
  SSL_shutdown(client.ssl.get());
  server.get();
}

TEST_F(TlsTest, Tls12ClientIsAccepted) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  SocketPair sp;
  auto server = std::async(std::launch::async, [&] {
    TlsConnection conn(ctx, sp.fds[0]);
    conn.handshake();
    EXPECT_EQ(conn.protocol_version(), "TLSv1.2");
    conn.write_all("hi", 2);
  });
  TestClient client((dir_ / "server.crt").string(), sp.fds[1]);
  SSL_set_max_proto_version(client.ssl.get(), TLS1_2_VERSION);
  ASSERT_TRUE(client.connect());
  EXPECT_EQ(client.read_exactly(2), "hi");
  server.get();
}

TEST_F(TlsTest, VanishedPeerIsAnErrorNotSigpipe) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  SocketPair sp;
  TestClient client((dir_ / "server.crt").string(), sp.fds[1]);
  auto server = std::async(std::launch::async, [&] {
    TlsConnection conn(ctx, sp.fds[0]);
    conn.handshake();
    return conn;
  });
  ASSERT_TRUE(client.connect());
  TlsConnection conn = server.get();
  sp.close_client();  // no close_notify: the peer just disappears

  char c;
  EXPECT_EQ(conn.read_some(&c, 1), 0u);
  std::string data(1 << 16, 'x');
  // SIGPIPE is not ignored in the test binary, so reaching the EXPECT proves MSG_NOSIGNAL.
  EXPECT_THROW(
      {
        for (int i = 0; i < 64; ++i) conn.write_all(data.data(), data.size());
      },
      std::runtime_error);
  conn.shutdown();
}

TEST_F(TlsTest, HandshakeWithNonTlsPeerThrowsWithReason) {
  TlsContext ctx = TlsContext::create("", "", dir_.string());
  SocketPair sp;
  std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(sp.fds[1], request.data(), request.size()),
            static_cast<ssize_t>(request.size()));
  sp.close_client();
  TlsConnection conn(ctx, sp.fds[0]);
  try {
    conn.handshake();
    ADD_FAILURE() << "handshake should fail";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("TLS handshake failed"), std::string::npos) << what;
    EXPECT_NE(what.find("http request"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace ducklings::pgwire
