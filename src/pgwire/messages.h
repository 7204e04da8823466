// PostgreSQL protocol v3 messages: decoding what clients send, encoding what the server sends.
// Each frontend message is a small value type decoded from one message body; every decoder
// checks bounds and throws ProtocolError (08P01) on malformed input.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pgwire/buffer.h"

namespace ducklings::pgwire {

constexpr int32_t kProtocolV3 = 196608;  // 3.0
constexpr int32_t kSslRequestCode = 80877103;
constexpr int32_t kGssEncRequestCode = 80877104;
constexpr int32_t kCancelRequestCode = 80877102;
// Between the control plane and a `duckgres worker` over its private Unix socket only (the
// worker accepts nothing else there; a TCP port refuses them as unsupported protocols).
constexpr int32_t kTrustedStartupCode = (1234 << 16) | 5700;  // an authenticated session
constexpr int32_t kWorkerControlCode = (1234 << 16) | 5701;   // configure / status
constexpr int32_t kWorkerCancelCode = (1234 << 16) | 5702;    // a relayed CancelRequest

// ---- the startup phase (messages without a type byte) ----
struct SslRequest {};
struct GssEncRequest {};
struct CancelRequest {
  int32_t process_id;
  int32_t secret_key;
};
struct StartupMessage {
  int32_t protocol;  // major << 16 | minor
  std::map<std::string, std::string> parameters;
  std::vector<std::string> unknown_options;  // "_pq_." protocol options, for negotiation
};
// A session the control plane already authenticated, handed to a worker with the client's
// startup parameters and the identity it settled (see Session::startup).
struct TrustedStartup {
  std::map<std::string, std::string> parameters;
};
struct WorkerControl {
  std::map<std::string, std::string> parameters;
};
// A CancelRequest the control plane relays to a worker, naming the statement it stops by the
// ReadyForQuery that will end it (the session's n-th, counting the one after startup): the
// relay knows it even when the statement has not reached the worker's session yet.
struct WorkerCancel {
  int32_t process_id;
  int32_t secret_key;
  uint64_t until_ready;
};
using StartupPacket = std::variant<SslRequest, GssEncRequest, CancelRequest, StartupMessage,
                                   TrustedStartup, WorkerControl, WorkerCancel>;
// `body` is the packet after its length word.
StartupPacket decode_startup(std::string_view body);
// A whole startup-phase packet (length word included) with `code` and name/value pairs.
std::string encode_startup_packet(int32_t code, const std::map<std::string, std::string>& params);
std::string encode_cancel_request(int32_t process_id, int32_t secret_key);
std::string encode_worker_cancel(const WorkerCancel& cancel);

// ---- typed frontend messages ----
struct QueryMessage {
  std::string sql;
};
struct ParseMessage {
  std::string statement;
  std::string query;
  std::vector<int32_t> parameter_types;
};
struct BindMessage {
  std::string portal;
  std::string statement;
  std::vector<int16_t> parameter_formats;
  std::vector<std::optional<std::string>> parameters;  // nullopt = NULL
  std::vector<int16_t> result_formats;
};
struct DescribeMessage {
  char kind;  // 'S' statement, 'P' portal
  std::string name;
};
struct ExecuteMessage {
  std::string portal;
  int32_t max_rows;  // 0 = all
};
struct CloseMessage {
  char kind;
  std::string name;
};
struct CopyFailMessage {
  std::string message;
};
struct SaslInitialResponse {
  std::string mechanism;
  std::optional<std::string> data;
};

QueryMessage decode_query(std::string_view body);
ParseMessage decode_parse(std::string_view body);
BindMessage decode_bind(std::string_view body);
DescribeMessage decode_describe(std::string_view body);
ExecuteMessage decode_execute(std::string_view body);
CloseMessage decode_close(std::string_view body);
CopyFailMessage decode_copy_fail(std::string_view body);
SaslInitialResponse decode_sasl_initial(std::string_view body);
std::string decode_password(std::string_view body);  // cleartext PasswordMessage

// ---- backend messages ----
struct FieldDescription {
  std::string name;
  int32_t table_oid = 0;
  int16_t column = 0;
  int32_t type_oid;
  int16_t type_size;
  int32_t type_modifier;
  int16_t format;
};

// Fields of ErrorResponse / NoticeResponse.
struct ErrorFields {
  std::string severity = "ERROR";  // ERROR, FATAL, WARNING, NOTICE…
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;
};

void write_authentication_ok(WriteBuffer& out);
void write_authentication_cleartext(WriteBuffer& out);
void write_authentication_sasl(WriteBuffer& out, const std::vector<std::string>& mechanisms);
void write_authentication_sasl_continue(WriteBuffer& out, std::string_view data);
void write_authentication_sasl_final(WriteBuffer& out, std::string_view data);
void write_parameter_status(WriteBuffer& out, std::string_view name, std::string_view value);
void write_backend_key_data(WriteBuffer& out, int32_t pid, int32_t key);
void write_negotiate_protocol_version(WriteBuffer& out, int32_t newest_minor,
                                      const std::vector<std::string>& unsupported);
void write_ready_for_query(WriteBuffer& out, char status);
void write_row_description(WriteBuffer& out, const std::vector<FieldDescription>& fields);
void write_parameter_description(WriteBuffer& out, const std::vector<int32_t>& types);
void write_command_complete(WriteBuffer& out, std::string_view tag);
void write_empty_query_response(WriteBuffer& out);
void write_error(WriteBuffer& out, const ErrorFields& fields, bool notice = false);
// The fields of an ErrorResponse/NoticeResponse body, as far as it holds whole fields (a
// truncated body gives what it has; never throws): for the relay and the server's own clients.
ErrorFields decode_error_response(std::string_view body);
void write_simple(WriteBuffer& out, char type);  // ParseComplete '1', BindComplete '2', …
void write_copy_response(WriteBuffer& out, char type, bool binary, int columns);
void write_copy_data(WriteBuffer& out, std::string_view data);

}  // namespace ducklings::pgwire
