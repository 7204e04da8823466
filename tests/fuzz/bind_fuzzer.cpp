// libFuzzer target for Bind parameters: every type's text and binary decoder, driven through a
// real Session. The input picks a parameter type OID (from every scalar and array type pg_types
// knows, or any OID), the parameter's format (text or binary) and the result's, whether the
// statement casts the parameter (`SELECT $1::int4[]`) or not (`SELECT $1`); the rest of the
// input is the parameter's bytes. The client sends Parse (typed), Bind, Describe, Execute,
// Sync, then `SELECT 1`, over one session logged in for the whole run: the session must answer
// both, with at most an ErrorResponse for the parameter, and never crash (sanitizers), hang (a
// deadline) or close the connection.
//
// Input: OID (4 bytes, big-endian) | flags (1 byte) | parameter bytes. An OID the server does
// not know is mapped onto the list (OID modulo its size) unless flags bit 4 keeps it as sent.
//
// The environment, client and SCRAM login are those of session_fuzzer.cpp.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
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
#include <thread>

#include "common/config.h"
#include "control/config_store.h"
#include "control/control_plane.h"
#include "control/migrations.h"
#include "pgwire/buffer.h"
#include "pgwire/messages.h"
#include "pgwire/pg_types.h"
#include "pgwire/scram.h"
#include "pgwire/session.h"
#include "warehouse/warehouse.h"

namespace {
using namespace ducklings;
using namespace ducklings::pgwire;

// A session that neither answers nor closes within this time is a hang.
constexpr auto kDeadline = std::chrono::seconds(20);

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bind_fuzzer: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string hmac(std::string_view key, std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string base64(std::string_view in) {
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

  Environment() {
    char tmpl[] = "/tmp/duckgres_bind_fuzz.XXXXXX";
    if (!::mkdtemp(tmpl)) die("mkdtemp failed");
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
    // One thread: DuckDB runs every query on the session's thread, so nothing of a query is
    // still in flight on a worker thread when libFuzzer looks for leaks after an input.
    limits.threads = 1;
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

Environment& environment() {
  static Environment env;
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

std::string message(char type, std::string_view body) {
  WriteBuffer out;
  size_t at = out.begin_message(type);
  out.put_bytes(body);
  out.end_message(at);
  return out.data();
}

std::string expect_auth(Client& c, int32_t code) {
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
void login(Client& c, const Environment& env) {
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

// Every type OID pg_types decodes or names, with the name a statement casts to.
struct ParamType {
  int32_t oid;
  const char* name;  // nullptr: no cast (unknown)
};
constexpr ParamType kTypes[] = {
    {oid::kBool, "bool"},
    {oid::kBytea, "bytea"},
    {oid::kChar, "\"char\""},
    {oid::kName, "name"},
    {oid::kInt8, "int8"},
    {oid::kInt2, "int2"},
    {oid::kInt4, "int4"},
    {oid::kText, "text"},
    {oid::kOid, "oid"},
    {oid::kJson, "json"},
    {oid::kFloat4, "float4"},
    {oid::kFloat8, "float8"},
    {oid::kUnknown, nullptr},
    {oid::kBpchar, "bpchar"},
    {oid::kVarchar, "varchar"},
    {oid::kDate, "date"},
    {oid::kTime, "time"},
    {oid::kTimestamp, "timestamp"},
    {oid::kTimestamptz, "timestamptz"},
    {oid::kInterval, "interval"},
    {oid::kTimetz, "timetz"},
    {oid::kNumeric, "numeric"},
    {oid::kUuid, "uuid"},
    {oid::kJsonb, "jsonb"},
    {oid::kBoolArray, "bool[]"},
    {oid::kByteaArray, "bytea[]"},
    {oid::kCharArray, "\"char\"[]"},
    {oid::kNameArray, "name[]"},
    {oid::kInt2Array, "int2[]"},
    {oid::kInt4Array, "int4[]"},
    {oid::kTextArray, "text[]"},
    {oid::kBpcharArray, "bpchar[]"},
    {oid::kVarcharArray, "varchar[]"},
    {oid::kInt8Array, "int8[]"},
    {oid::kFloat4Array, "float4[]"},
    {oid::kFloat8Array, "float8[]"},
    {oid::kOidArray, "oid[]"},
    {oid::kTimestampArray, "timestamp[]"},
    {oid::kDateArray, "date[]"},
    {oid::kTimeArray, "time[]"},
    {oid::kTimestamptzArray, "timestamptz[]"},
    {oid::kIntervalArray, "interval[]"},
    {oid::kNumericArray, "numeric[]"},
    {oid::kTimetzArray, "timetz[]"},
    {oid::kUuidArray, "uuid[]"},
    {oid::kJsonArray, "json[]"},
    {oid::kJsonbArray, "jsonb[]"},
    {0, nullptr},  // unspecified: the server infers it
};
constexpr size_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);

enum Flags : uint8_t {
  kBinaryParam = 1,
  kBinaryResult = 2,
  kCast = 4,
  kNullParam = 8,
  kRawOid = 16,
  kDescribeStatement = 32,
};

// The frontend messages for one input: the extended-protocol round, then a plain query that
// must still work.
std::string messages_for(int32_t type_oid, const char* cast, uint8_t flags,
                         std::string_view value) {
  std::string sql = "SELECT $1";
  if ((flags & kCast) && cast) sql += std::string("::") + cast;
  WriteBuffer parse;
  parse.put_cstring("");
  parse.put_cstring(sql);
  parse.put_i16(1);
  parse.put_i32(type_oid);
  WriteBuffer bind;
  bind.put_cstring("");
  bind.put_cstring("");
  bind.put_i16(1);
  bind.put_i16((flags & kBinaryParam) ? 1 : 0);
  bind.put_i16(1);
  if (flags & kNullParam) {
    bind.put_i32(-1);
  } else {
    bind.put_i32(static_cast<int32_t>(value.size()));
    bind.put_bytes(value);
  }
  bind.put_i16(1);
  bind.put_i16((flags & kBinaryResult) ? 1 : 0);
  WriteBuffer describe_statement;
  describe_statement.put_u8('S');
  describe_statement.put_cstring("");
  WriteBuffer describe_portal;
  describe_portal.put_u8('P');
  describe_portal.put_cstring("");
  WriteBuffer execute;
  execute.put_cstring("");
  execute.put_i32(0);
  WriteBuffer query;
  query.put_cstring("SELECT 1");

  std::string out = message('P', parse.data());
  if (flags & kDescribeStatement) out += message('D', describe_statement.data());
  out += message('B', bind.data()) + message('D', describe_portal.data()) +
         message('E', execute.data()) + message('S', "") + message('Q', query.data()) +
         message('S', "");
  return out;
}

// The 'S' (severity) and 'C' (SQLSTATE) fields of an ErrorResponse.
std::pair<std::string, std::string> error_fields(std::string_view body) {
  std::string severity, code;
  size_t i = 0;
  while (i < body.size() && body[i] != '\0') {
    char field = body[i++];
    size_t end = body.find('\0', i);
    if (end == std::string_view::npos) break;
    std::string value(body.substr(i, end - i));
    if (field == 'S') severity = value;
    if (field == 'C') code = value;
    i = end + 1;
  }
  return {severity, code};
}

}  // namespace

// One logged-in session for the whole run: a login per input (a Session, its connection and
// catalog) would cost most of the time. Each input ends with Sync and a plain query, which
// leave the session as it was; the unnamed statement and portal are replaced by the next. At
// exit the session is told to Terminate and joined before the environment goes away.
struct Connection {
  int fds[2];
  std::thread server;
  std::optional<Client> client;
  std::atomic<bool> closing{false};
};

Connection* the_connection = nullptr;

void close_connection() {
  Connection& c = *the_connection;
  c.closing = true;
  c.client->restart_deadline();
  c.client->send_all(message('X', ""));
  if (!c.client->stream("")) die("session did not close after Terminate (hang)");
  c.server.join();
  ::close(c.fds[0]);
}

Connection& connection_state() {
  if (the_connection) return *the_connection;
  Environment& env = environment();
  the_connection = new Connection;
  Connection& c = *the_connection;
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c.fds) != 0) die("socketpair failed");
  c.server = std::thread([&env, &c] {
    ServerServices services{env.config, &*env.control, *env.warehouses, nullptr, env.registry};
    {
      // The session owns fds[1] and closes it when it ends.
      Session session(services, c.fds[1]);
      session.run();
    }
    if (!c.closing) die("the session ended before Terminate");
  });
  c.client.emplace(c.fds[0]);
  login(*c.client, env);
  // Runs before the environment's destructor, which was registered before it.
  std::atexit(close_connection);
  return c;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Every rejected input logs at info; warnings (internal errors) are worth seeing.
  spdlog::set_level(spdlog::level::warn);
  connection_state();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return -1;  // not an input of this format
  uint32_t raw =
      (uint32_t{data[0]} << 24) | (uint32_t{data[1]} << 16) | (uint32_t{data[2]} << 8) | data[3];
  uint8_t flags = data[4];
  std::string_view value(reinterpret_cast<const char*>(data + 5), size - 5);
  int32_t type_oid = static_cast<int32_t>(raw);
  const char* cast = nullptr;
  bool known = false;
  for (const ParamType& t : kTypes) {
    if (t.oid == type_oid) {
      cast = t.name;
      known = true;
    }
  }
  if (!known && !(flags & kRawOid)) {
    const ParamType& t = kTypes[raw % kTypeCount];
    type_oid = t.oid;
    cast = t.name;
  }

  Client& client = *connection_state().client;
  client.restart_deadline();
  client.send_all(messages_for(type_oid, cast, flags, value));
  // Sync's ReadyForQuery, then SELECT 1's row and ReadyForQuery: a session that closes or fails
  // before them has been taken down by the parameter. The last Sync's ReadyForQuery says the
  // session is done with SELECT 1: what it allocated is freed before libFuzzer looks for leaks.
  int ready = 0;
  bool one = false;
  while (ready < 3) {
    char type;
    std::string body;
    client.read_message(type, body);
    if (type == 'Z') ready++;
    if (type == 'D' && ready == 1) one = body == std::string("\0\1\0\0\0\0011", 7);
    if (type == 'E') {
      auto [severity, code] = error_fields(body);
      if (severity == "FATAL" || severity == "PANIC")
        die("oid " + std::to_string(type_oid) + ": " + severity + " " + code);
      if (ready == 1) die("SELECT 1 failed after the parameter: " + code);
    }
  }
  if (!one) die("SELECT 1 did not answer 1 after the parameter");
  return 0;
}
