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
#include "fuzz_session.h"
#include "pgwire/buffer.h"
#include "pgwire/messages.h"
#include "pgwire/pg_types.h"
#include "pgwire/scram.h"
#include "pgwire/session.h"
#include "warehouse/warehouse.h"

const char* ducklings::fuzz::fuzzer_name() {
  return "bind_fuzzer";
}

namespace {
using namespace ducklings;
using namespace ducklings::pgwire;
using namespace ducklings::fuzz;

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
  // One thread: DuckDB runs every query on the session's thread, so nothing of a query is
  // still in flight on a worker thread when libFuzzer looks for leaks after an input.
  Environment& env = environment(1);
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
