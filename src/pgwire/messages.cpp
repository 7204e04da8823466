#include "pgwire/messages.h"

#include <climits>
#include <stdexcept>

namespace ducklings::pgwire {
namespace {
void expect_end(ReadBuffer& in, const char* what) {
  if (!in.at_end()) throw ProtocolError(std::string("unexpected bytes after ") + what + " message");
}
// Counts on the wire are Int16: more entries cannot be described, so refuse before writing
// anything instead of sending a wrapped (negative) count.
void check_count(size_t n, const char* what) {
  if (n > static_cast<size_t>(INT16_MAX)) {
    throw SqlError("54011", std::string(what) + " has " + std::to_string(n) +
                                " entries; the protocol allows at most 32767");
  }
}
int16_t get_count(ReadBuffer& in, const char* what) {
  int16_t n = in.get_i16();
  if (n < 0) throw ProtocolError(std::string("negative count in ") + what + " message");
  return n;
}
}  // namespace

StartupPacket decode_startup(std::string_view body) {
  ReadBuffer in(body);
  int32_t code = in.get_i32();
  if (code == kSslRequestCode) {
    expect_end(in, "SSLRequest");
    return SslRequest{};
  }
  if (code == kGssEncRequestCode) {
    expect_end(in, "GSSENCRequest");
    return GssEncRequest{};
  }
  if (code == kCancelRequestCode) {
    CancelRequest c{in.get_i32(), in.get_i32()};
    expect_end(in, "CancelRequest");
    return c;
  }
  if (code == kWorkerCancelCode) {
    WorkerCancel c{in.get_i32(), in.get_i32(), static_cast<uint64_t>(in.get_i64())};
    expect_end(in, "worker cancel");
    return c;
  }
  if (code == kTrustedStartupCode || code == kWorkerControlCode) {
    std::map<std::string, std::string> params;
    while (true) {
      std::string_view name = in.get_cstring();
      if (name.empty()) break;
      params[std::string(name)] = std::string(in.get_cstring());
    }
    expect_end(in, "worker startup");
    if (code == kTrustedStartupCode) return TrustedStartup{std::move(params)};
    return WorkerControl{std::move(params)};
  }
  if ((code >> 16) != 3) {
    throw SqlError("0A000", "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                                std::to_string(code & 0xffff) + ": server supports 3.0 to 3.0");
  }
  StartupMessage m;
  m.protocol = code;
  while (true) {
    std::string_view name = in.get_cstring();
    if (name.empty()) break;
    std::string_view value = in.get_cstring();
    if (name.substr(0, 5) == "_pq_.") {
      m.unknown_options.emplace_back(name);
    } else {
      m.parameters[std::string(name)] = std::string(value);
    }
  }
  expect_end(in, "startup");
  return m;
}

std::string encode_startup_packet(int32_t code, const std::map<std::string, std::string>& params) {
  WriteBuffer body;
  body.put_i32(0);  // length, patched below
  body.put_i32(code);
  for (const auto& [name, value] : params) {
    body.put_cstring(name);
    body.put_cstring(value);
  }
  body.put_u8(0);
  std::string out = std::move(body.data());
  uint32_t len = static_cast<uint32_t>(out.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((len >> (24 - 8 * i)) & 0xff);
  return out;
}

std::string encode_cancel_request(int32_t process_id, int32_t secret_key) {
  WriteBuffer out;
  out.put_i32(16);
  out.put_i32(kCancelRequestCode);
  out.put_i32(process_id);
  out.put_i32(secret_key);
  return std::move(out.data());
}

std::string encode_worker_cancel(const WorkerCancel& cancel) {
  WriteBuffer out;
  out.put_i32(24);
  out.put_i32(kWorkerCancelCode);
  out.put_i32(cancel.process_id);
  out.put_i32(cancel.secret_key);
  out.put_i64(static_cast<int64_t>(cancel.until_ready));
  return std::move(out.data());
}

QueryMessage decode_query(std::string_view body) {
  ReadBuffer in(body);
  QueryMessage m{std::string(in.get_cstring())};
  expect_end(in, "Query");
  return m;
}

ParseMessage decode_parse(std::string_view body) {
  ReadBuffer in(body);
  ParseMessage m;
  m.statement = in.get_cstring();
  m.query = in.get_cstring();
  int16_t n = get_count(in, "Parse");
  m.parameter_types.reserve(n);
  for (int i = 0; i < n; ++i) m.parameter_types.push_back(in.get_i32());
  expect_end(in, "Parse");
  return m;
}

BindMessage decode_bind(std::string_view body) {
  ReadBuffer in(body);
  BindMessage m;
  m.portal = in.get_cstring();
  m.statement = in.get_cstring();
  int16_t nf = get_count(in, "Bind");
  for (int i = 0; i < nf; ++i) m.parameter_formats.push_back(in.get_i16());
  int16_t np = get_count(in, "Bind");
  m.parameters.reserve(np);
  for (int i = 0; i < np; ++i) {
    int32_t len = in.get_i32();
    if (len == -1) {
      m.parameters.emplace_back(std::nullopt);
    } else if (len < 0) {
      throw ProtocolError("invalid parameter length in Bind message");
    } else {
      m.parameters.emplace_back(std::string(in.get_bytes(static_cast<size_t>(len))));
    }
  }
  int16_t nr = get_count(in, "Bind");
  for (int i = 0; i < nr; ++i) m.result_formats.push_back(in.get_i16());
  expect_end(in, "Bind");
  for (int16_t f : m.parameter_formats) {
    if (f != 0 && f != 1) throw ProtocolError("invalid parameter format code " + std::to_string(f));
  }
  for (int16_t f : m.result_formats) {
    if (f != 0 && f != 1) throw ProtocolError("invalid result format code " + std::to_string(f));
  }
  if (nf > 1 && nf != np) {
    throw ProtocolError("bind message has " + std::to_string(nf) + " parameter formats but " +
                        std::to_string(np) + " parameters");
  }
  return m;
}

DescribeMessage decode_describe(std::string_view body) {
  ReadBuffer in(body);
  DescribeMessage m{static_cast<char>(in.get_u8()), std::string(in.get_cstring())};
  expect_end(in, "Describe");
  if (m.kind != 'S' && m.kind != 'P') throw ProtocolError("invalid DESCRIBE message subtype");
  return m;
}

ExecuteMessage decode_execute(std::string_view body) {
  ReadBuffer in(body);
  ExecuteMessage m;
  m.portal = in.get_cstring();
  m.max_rows = in.get_i32();
  expect_end(in, "Execute");
  return m;
}

CloseMessage decode_close(std::string_view body) {
  ReadBuffer in(body);
  CloseMessage m{static_cast<char>(in.get_u8()), std::string(in.get_cstring())};
  expect_end(in, "Close");
  if (m.kind != 'S' && m.kind != 'P') throw ProtocolError("invalid CLOSE message subtype");
  return m;
}

CopyFailMessage decode_copy_fail(std::string_view body) {
  ReadBuffer in(body);
  CopyFailMessage m{std::string(in.get_cstring())};
  return m;
}

SaslInitialResponse decode_sasl_initial(std::string_view body) {
  ReadBuffer in(body);
  SaslInitialResponse m;
  m.mechanism = in.get_cstring();
  int32_t len = in.get_i32();
  if (len >= 0) {
    m.data = std::string(in.get_bytes(static_cast<size_t>(len)));
  } else if (len != -1) {
    throw ProtocolError("invalid SASL response length");
  }
  expect_end(in, "SASLInitialResponse");
  return m;
}

std::string decode_password(std::string_view body) {
  ReadBuffer in(body);
  std::string p(in.get_cstring());
  expect_end(in, "PasswordMessage");
  return p;
}

void write_authentication_ok(WriteBuffer& out) {
  size_t at = out.begin_message('R');
  out.put_i32(0);
  out.end_message(at);
}
void write_authentication_cleartext(WriteBuffer& out) {
  size_t at = out.begin_message('R');
  out.put_i32(3);
  out.end_message(at);
}
void write_authentication_sasl(WriteBuffer& out, const std::vector<std::string>& mechanisms) {
  size_t at = out.begin_message('R');
  out.put_i32(10);
  for (const auto& m : mechanisms) out.put_cstring(m);
  out.put_u8(0);
  out.end_message(at);
}
void write_authentication_sasl_continue(WriteBuffer& out, std::string_view data) {
  size_t at = out.begin_message('R');
  out.put_i32(11);
  out.put_bytes(data);
  out.end_message(at);
}
void write_authentication_sasl_final(WriteBuffer& out, std::string_view data) {
  size_t at = out.begin_message('R');
  out.put_i32(12);
  out.put_bytes(data);
  out.end_message(at);
}
void write_parameter_status(WriteBuffer& out, std::string_view name, std::string_view value) {
  size_t at = out.begin_message('S');
  out.put_cstring(name);
  out.put_cstring(value);
  out.end_message(at);
}
void write_backend_key_data(WriteBuffer& out, int32_t pid, int32_t key) {
  size_t at = out.begin_message('K');
  out.put_i32(pid);
  out.put_i32(key);
  out.end_message(at);
}
void write_negotiate_protocol_version(WriteBuffer& out, int32_t newest_minor,
                                      const std::vector<std::string>& unsupported) {
  size_t at = out.begin_message('v');
  out.put_i32(newest_minor);
  out.put_i32(static_cast<int32_t>(unsupported.size()));
  for (const auto& o : unsupported) out.put_cstring(o);
  out.end_message(at);
}
void write_ready_for_query(WriteBuffer& out, char status) {
  size_t at = out.begin_message('Z');
  out.put_u8(static_cast<uint8_t>(status));
  out.end_message(at);
}
void write_row_description(WriteBuffer& out, const std::vector<FieldDescription>& fields) {
  check_count(fields.size(), "result row");
  size_t at = out.begin_message('T');
  out.put_i16(static_cast<int16_t>(fields.size()));
  for (const auto& f : fields) {
    out.put_cstring(f.name);
    out.put_i32(f.table_oid);
    out.put_i16(f.column);
    out.put_i32(f.type_oid);
    out.put_i16(f.type_size);
    out.put_i32(f.type_modifier);
    out.put_i16(f.format);
  }
  out.end_message(at);
}
void write_parameter_description(WriteBuffer& out, const std::vector<int32_t>& types) {
  check_count(types.size(), "parameter list");
  size_t at = out.begin_message('t');
  out.put_i16(static_cast<int16_t>(types.size()));
  for (int32_t t : types) out.put_i32(t);
  out.end_message(at);
}
void write_command_complete(WriteBuffer& out, std::string_view tag) {
  size_t at = out.begin_message('C');
  out.put_cstring(tag);
  out.end_message(at);
}
void write_empty_query_response(WriteBuffer& out) {
  write_simple(out, 'I');
}
void write_error(WriteBuffer& out, const ErrorFields& f, bool notice) {
  size_t at = out.begin_message(notice ? 'N' : 'E');
  out.put_u8('S');
  out.put_cstring(f.severity);
  out.put_u8('V');
  out.put_cstring(f.severity);
  out.put_u8('C');
  out.put_cstring(f.sqlstate);
  out.put_u8('M');
  out.put_cstring(f.message);
  if (!f.detail.empty()) {
    out.put_u8('D');
    out.put_cstring(f.detail);
  }
  if (!f.hint.empty()) {
    out.put_u8('H');
    out.put_cstring(f.hint);
  }
  if (f.position > 0) {
    out.put_u8('P');
    out.put_cstring(std::to_string(f.position));
  }
  out.put_u8(0);
  out.end_message(at);
}

ErrorFields decode_error_response(std::string_view body) {
  ErrorFields f;
  f.severity.clear();
  size_t i = 0;
  while (i < body.size() && body[i] != '\0') {
    char code = body[i++];
    size_t end = body.find('\0', i);
    if (end == std::string_view::npos) break;
    std::string value(body.substr(i, end - i));
    switch (code) {
      case 'S':
        f.severity = value;
        break;
      case 'C':
        f.sqlstate = value;
        break;
      case 'M':
        f.message = value;
        break;
      case 'D':
        f.detail = value;
        break;
      case 'H':
        f.hint = value;
        break;
      case 'P':
        f.position = std::atoi(value.c_str());
        break;
      default:
        break;
    }
    i = end + 1;
  }
  return f;
}

void write_simple(WriteBuffer& out, char type) {
  size_t at = out.begin_message(type);
  out.end_message(at);
}
void write_copy_response(WriteBuffer& out, char type, bool binary, int columns) {
  if (columns < 0) throw std::invalid_argument("negative COPY column count");
  check_count(static_cast<size_t>(columns), "COPY column list");
  size_t at = out.begin_message(type);
  out.put_u8(binary ? 1 : 0);
  out.put_i16(static_cast<int16_t>(columns));
  for (int i = 0; i < columns; ++i) out.put_i16(binary ? 1 : 0);
  out.end_message(at);
}
void write_copy_data(WriteBuffer& out, std::string_view data) {
  size_t at = out.begin_message('d');
  out.put_bytes(data);
  out.end_message(at);
}

}  // namespace ducklings::pgwire
