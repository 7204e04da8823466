// What the session-level fuzzers share: one environment per process (a temporary data dir
// with a config store holding the login "duckgres", password "pw", and the warehouse
// "duckgres"; SCRAM keys derived once, so a login costs two HMACs, not a PBKDF2), the client
// end of a socketpair with a deadline on every read, and a SCRAM login up to ReadyForQuery.
// Each fuzzer defines fuzzer_name() (for messages and the temporary directory).
#pragma once
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/config.h"
#include "control/config_store.h"
#include "control/control_plane.h"
#include "control/migrations.h"
#include "pgwire/buffer.h"
#include "pgwire/messages.h"
#include "pgwire/scram.h"
#include "pgwire/session.h"
#include "warehouse/warehouse.h"

namespace ducklings::fuzz {
using namespace ducklings::pgwire;

const char* fuzzer_name();

// A session that neither answers nor closes within this time is a hang.
constexpr auto kDeadline = std::chrono::seconds(20);

[[noreturn]] inline void die(const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", fuzzer_name(), why.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string hmac(std::string_view key, std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

inline std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

inline std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

struct Environment {
  std::filesystem::path dir;
  ServerConfig config;
  std::unique_ptr<control::ConfigStore> store;
  std::optional<control::ControlPlane> control;
  std::optional<warehouse::WarehouseRegistry> warehouses;
  SessionRegistry registry;
  std::string client_key;  // SCRAM ClientKey of "pw"
  std::string stored_key;  // SCRAM StoredKey = H(ClientKey)

  explicit Environment(int threads) {
    std::string tmpl = std::string("/tmp/duckgres_") + fuzzer_name() + ".XXXXXX";
    if (!::mkdtemp(tmpl.data())) die("mkdtemp failed");
    dir = tmpl;
    config.data_dir = dir.string();
    config.tls = "off";
    config.max_message_size = 1 << 20;
    store = control::ConfigStore::open("", dir.string());
    control::migrate(*store);
    control.emplace(*store, control::Endpoint{});
    std::string verifier_text = make_scram_verifier("pw", 4096);
    control->put_login("duckgres", verifier_text, true);
    std::optional<ScramVerifier> verifier = ScramVerifier::parse(verifier_text);
    if (!verifier) die("cannot parse our own verifier");
    std::string salted(SHA256_DIGEST_LENGTH, '\0');
    PKCS5_PBKDF2_HMAC("pw", 2, reinterpret_cast<const unsigned char*>(verifier->salt.data()),
                      static_cast<int>(verifier->salt.size()), verifier->iterations, EVP_sha256(),
                      SHA256_DIGEST_LENGTH, reinterpret_cast<unsigned char*>(salted.data()));
    client_key = hmac(salted, "Client Key");
    stored_key = sha256(client_key);
    if (stored_key != verifier->stored_key) die("derived StoredKey does not match the verifier");

    warehouse::ComputeLimits limits;
    limits.threads = threads;
    limits.memory_limit = "1GB";
    warehouses.emplace(dir.string(), limits);
    auto w = warehouses->create("duckgres");
    // Fuzzed SQL must not read or write files outside the database (COPY TO, read_csv, ATTACH).
    w->connect()->query("SET enable_external_access = false");
  }
  ~Environment() {
    warehouses.reset();
    control.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// The process's environment; the first call decides DuckDB's threads.
inline Environment& environment(int threads = 2) {
  static Environment env(threads);
  return env;
}

// The client end of the socketpair, with a deadline on every read.
class Client {
 public:
  explicit Client(int fd) : fd_(fd), deadline_(std::chrono::steady_clock::now() + kDeadline) {}

  // Each input gets the whole deadline.
  void restart_deadline() { deadline_ = std::chrono::steady_clock::now() + kDeadline; }

  void send_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        die(std::string("send during login failed: ") + std::strerror(errno));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads one backend message; dies on EOF or timeout.
  void read_message(char& type, std::string& body) {
    std::string header = read_exact(5);
    type = header[0];
    int32_t len = ReadBuffer(std::string_view(header).substr(1)).get_i32();
    if (len < 4) die("bad backend message length");
    body = read_exact(static_cast<size_t>(len) - 4);
  }

  // Writes `input` while draining whatever the session answers, then half-closes and drains
  // until the session closes its end. Returns false if the deadline passed.
  bool stream(std::string_view input) {
    bool write_open = true;
    if (input.empty()) {
      ::shutdown(fd_, SHUT_WR);
      write_open = false;
    }
    char buf[64 * 1024];
    while (true) {
      pollfd p{fd_, static_cast<short>(POLLIN | (write_open ? POLLOUT : 0)), 0};
      int rc = ::poll(&p, 1, remaining_ms());
      if (rc < 0) {
        if (errno == EINTR) continue;
        die("poll failed");
      }
      if (rc == 0) return false;
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t n = ::recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0) return true;  // the session closed its end
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
          if (errno == ECONNRESET) return true;
          die(std::string("recv failed: ") + std::strerror(errno));
        }
      }
      if (write_open && (p.revents & POLLOUT)) {
        ssize_t n = ::send(fd_, input.data(), input.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) input.remove_prefix(static_cast<size_t>(n));
        // EPIPE/ECONNRESET: the session already left (Terminate or a FATAL error).
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || input.empty()) {
          ::shutdown(fd_, SHUT_WR);
          write_open = false;
        }
      }
    }
  }

 private:
  int remaining_ms() const {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
  }
  std::string read_exact(size_t n) {
    std::string out;
    out.resize(n);
    size_t got = 0;
    while (got < n) {
      pollfd p{fd_, POLLIN, 0};
      int rc = ::poll(&p, 1, remaining_ms());
      if (rc == 0) die("timed out waiting for the session");
      if (rc < 0) {
        if (errno == EINTR) continue;
        die("poll failed");
      }
      ssize_t r = ::recv(fd_, out.data() + got, n - got, 0);
      if (r == 0) die("the session closed the connection");
      if (r < 0) {
        if (errno == EINTR) continue;
        die(std::string("recv failed: ") + std::strerror(errno));
      }
      got += static_cast<size_t>(r);
    }
    return out;
  }

  int fd_;
  std::chrono::steady_clock::time_point deadline_;
};

inline std::string message(char type, std::string_view body) {
  WriteBuffer out;
  size_t at = out.begin_message(type);
  out.put_bytes(body);
  out.end_message(at);
  return out.data();
}

inline std::string expect_auth(Client& c, int32_t code) {
  char type;
  std::string body;
  c.read_message(type, body);
  if (type == 'E') die("login failed: " + body);
  if (type != 'R') die(std::string("expected an authentication message, got ") + type);
  ReadBuffer in(body);
  if (in.get_i32() != code) die("unexpected authentication code");
  return std::string(in.rest());
}

// Startup + SCRAM-SHA-256 + everything up to the first ReadyForQuery.
inline void login(Client& c, const Environment& env) {
  WriteBuffer startup;
  startup.put_i32(0);
  startup.put_i32(kProtocolV3);
  startup.put_cstring("user");
  startup.put_cstring("duckgres");
  startup.put_cstring("database");
  startup.put_cstring("duckgres");
  startup.put_u8(0);
  startup.patch_i32(0, static_cast<int32_t>(startup.size()));
  c.send_all(startup.data());

  expect_auth(c, 10);
  const std::string client_first_bare = "n=,r=fuzzclientnonce";
  const std::string client_first = "n,," + client_first_bare;
  WriteBuffer init;
  init.put_cstring(kScramMechanism);
  init.put_i32(static_cast<int32_t>(client_first.size()));
  init.put_bytes(client_first);
  c.send_all(message('p', init.data()));

  std::string server_first = expect_auth(c, 11);
  size_t r = server_first.find("r=");
  size_t comma = server_first.find(',', r);
  if (r != 0 || comma == std::string::npos) die("malformed server-first-message");
  std::string final_without_proof = "c=biws," + server_first.substr(0, comma);
  std::string auth_message = client_first_bare + "," + server_first + "," + final_without_proof;
  std::string signature = hmac(env.stored_key, auth_message);
  std::string proof = env.client_key;
  for (size_t i = 0; i < proof.size(); ++i) proof[i] ^= signature[i];
  c.send_all(message('p', final_without_proof + ",p=" + base64(proof)));

  expect_auth(c, 12);
  expect_auth(c, 0);
  while (true) {
    char type;
    std::string body;
    c.read_message(type, body);
    if (type == 'E') die("startup failed: " + body);
    if (type == 'Z') return;
  }
}

}  // namespace ducklings::fuzz
