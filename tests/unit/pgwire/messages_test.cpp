// Frontend decoders from hand-built bytes (and every truncation of them), backend writers byte
// for byte against the layouts in the PostgreSQL documentation ("Message Formats", protocol 3.0).
#include "pgwire/messages.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "pgwire/buffer.h"

namespace ducklings::pgwire {
namespace {

using namespace std::string_literals;

// ---- independent byte builders (do not use WriteBuffer, which is under test) ----

std::string be16(int16_t v) {
  auto u = static_cast<uint16_t>(v);
  return {static_cast<char>(u >> 8), static_cast<char>(u & 0xff)};
}
std::string be32(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xff),
          static_cast<char>((u >> 8) & 0xff), static_cast<char>(u & 0xff)};
}
std::string cstr(std::string_view s) {
  return std::string(s) + '\0';
}

template <typename F>
void expect_protocol_error(F&& f, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << what << ": no exception";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.sqlstate(), "08P01") << what;
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": unexpected exception " << e.what();
  }
}

// Every strict prefix of a valid body must be rejected as a protocol violation.
void expect_all_prefixes_fail(const std::function<void(std::string_view)>& decode,
                              const std::string& body, const std::string& what) {
  for (size_t n = 0; n < body.size(); ++n) {
    std::string prefix = body.substr(0, n);  // own allocation so ASan sees overreads
    expect_protocol_error([&] { decode(prefix); }, what + " truncated to " + std::to_string(n));
  }
}

// Trailing garbage after a complete message.
void expect_trailing_fails(const std::function<void(std::string_view)>& decode,
                           const std::string& body, const std::string& what) {
  expect_protocol_error([&] { decode(body + "x"); }, what + " with a trailing byte");
}

// ================= ReadBuffer / WriteBuffer =================

TEST(WriteBufferTest, IntegersAreBigEndian) {
  WriteBuffer out;
  out.put_u8(0xAB);
  out.put_i16(0x0102);
  out.put_i16(-2);
  out.put_i32(0x01020304);
  out.put_i32(-1);
  out.put_i64(0x0102030405060708LL);
  out.put_i64(-2);
  EXPECT_EQ(out.data(),
            "\xAB\x01\x02\xFF\xFE\x01\x02\x03\x04\xFF\xFF\xFF\xFF"
            "\x01\x02\x03\x04\x05\x06\x07\x08"
            "\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFE"s);
  EXPECT_EQ(out.size(), 1u + 2 + 2 + 4 + 4 + 8 + 8);
}

TEST(WriteBufferTest, StringsAndBytes) {
  WriteBuffer out;
  out.put_cstring("ab");
  out.put_cstring("");
  out.put_bytes("c\0d"s);
  EXPECT_EQ(out.data(), "ab\0\0c\0d"s);
  out.clear();
  EXPECT_EQ(out.size(), 0u);
}

TEST(WriteBufferTest, MessageLengthIsBackFilledAndIncludesItself) {
  WriteBuffer out;
  out.put_bytes("pre");
  size_t at = out.begin_message('X');
  EXPECT_EQ(at, 4u);
  out.put_bytes("hello");
  out.end_message(at);
  EXPECT_EQ(out.data(), "preX\0\0\0\x09hello"s);
  // Two messages back to back each get their own length.
  size_t at2 = out.begin_message('Y');
  out.end_message(at2);
  EXPECT_EQ(out.data(), "preX\0\0\0\x09helloY\0\0\0\x04"s);
}

TEST(WriteBufferTest, PatchI32) {
  WriteBuffer out;
  out.put_i32(0);
  out.put_u8(7);
  out.patch_i32(0, -3);
  EXPECT_EQ(out.data(), "\xFF\xFF\xFF\xFD\x07"s);
}

TEST(ReadBufferTest, ReadsBigEndianValues) {
  std::string bytes = "\xAB\xFF\xFE\x80\x00\x00\x00\x01\x02\x03\x04\x05\x06\x07\x08"s;
  ReadBuffer in(bytes);
  EXPECT_EQ(in.remaining(), bytes.size());
  EXPECT_EQ(in.get_u8(), 0xAB);
  EXPECT_EQ(in.get_i16(), -2);
  EXPECT_EQ(in.get_i32(), INT32_MIN);
  EXPECT_EQ(in.get_i64(), 0x0102030405060708LL);
  EXPECT_TRUE(in.at_end());
  EXPECT_EQ(in.remaining(), 0u);
}

TEST(ReadBufferTest, StringsBytesAndRest) {
  std::string bytes = "abc\0\0xyz123"s;
  ReadBuffer in(bytes);
  EXPECT_EQ(in.get_cstring(), "abc");
  EXPECT_EQ(in.get_cstring(), "");
  EXPECT_EQ(in.get_bytes(3), "xyz");
  EXPECT_EQ(in.get_bytes(0), "");
  EXPECT_FALSE(in.at_end());
  EXPECT_EQ(in.rest(), "123");
  EXPECT_TRUE(in.at_end());
  EXPECT_EQ(in.rest(), "");
}

TEST(ReadBufferTest, OverreadsThrowProtocolError) {
  expect_protocol_error([] { ReadBuffer("").get_u8(); }, "u8 of empty");
  expect_protocol_error([] { ReadBuffer("a").get_i16(); }, "i16 of 1 byte");
  expect_protocol_error([] { ReadBuffer("abc").get_i32(); }, "i32 of 3 bytes");
  expect_protocol_error([] { ReadBuffer("abcdefg").get_i64(); }, "i64 of 7 bytes");
  expect_protocol_error([] { ReadBuffer("ab").get_bytes(3); }, "bytes past end");
  expect_protocol_error([] { ReadBuffer("ab").get_bytes(SIZE_MAX); }, "huge get_bytes");
  expect_protocol_error([] { ReadBuffer("abc").get_cstring(); }, "unterminated string");
  // A failed read consumes nothing.
  ReadBuffer in("ab");
  expect_protocol_error([&] { in.get_i32(); }, "i32 of 2 bytes");
  EXPECT_EQ(in.remaining(), 2u);
  EXPECT_EQ(in.get_i16(), 0x6162);
}

TEST(ReadBufferTest, RoundTripsWriteBuffer) {
  WriteBuffer out;
  out.put_i16(INT16_MIN);
  out.put_i32(INT32_MAX);
  out.put_i64(INT64_MIN);
  out.put_cstring("name");
  ReadBuffer in(out.data());
  EXPECT_EQ(in.get_i16(), INT16_MIN);
  EXPECT_EQ(in.get_i32(), INT32_MAX);
  EXPECT_EQ(in.get_i64(), INT64_MIN);
  EXPECT_EQ(in.get_cstring(), "name");
  EXPECT_TRUE(in.at_end());
}

TEST(ProtocolErrorTest, IsASqlErrorWith08P01) {
  ProtocolError e("bad");
  const SqlError& s = e;
  EXPECT_EQ(s.sqlstate(), "08P01");
  EXPECT_STREQ(s.what(), "bad");
}

// ================= startup packets =================

TEST(DecodeStartupTest, SslRequest) {
  std::string body = be32(80877103);
  EXPECT_TRUE(std::holds_alternative<SslRequest>(decode_startup(body)));
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "SSLRequest");
  expect_trailing_fails([](std::string_view b) { decode_startup(b); }, body, "SSLRequest");
}

TEST(DecodeStartupTest, GssEncRequest) {
  std::string body = be32(80877104);
  EXPECT_TRUE(std::holds_alternative<GssEncRequest>(decode_startup(body)));
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "GSSENCRequest");
  expect_trailing_fails([](std::string_view b) { decode_startup(b); }, body, "GSSENCRequest");
}

TEST(DecodeStartupTest, CancelRequest) {
  std::string body = be32(80877102) + be32(4242) + be32(-123456789);
  StartupPacket p = decode_startup(body);
  ASSERT_TRUE(std::holds_alternative<CancelRequest>(p));
  EXPECT_EQ(std::get<CancelRequest>(p).process_id, 4242);
  EXPECT_EQ(std::get<CancelRequest>(p).secret_key, -123456789);
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "CancelRequest");
  expect_trailing_fails([](std::string_view b) { decode_startup(b); }, body, "CancelRequest");
}

TEST(DecodeStartupTest, WorkerCancelRoundTrips) {
  std::string packet = encode_worker_cancel({4242, -123456789, (uint64_t{1} << 40) + 7});
  ASSERT_EQ(packet.size(), 24u);
  std::string body = packet.substr(4);
  StartupPacket p = decode_startup(body);
  ASSERT_TRUE(std::holds_alternative<WorkerCancel>(p));
  EXPECT_EQ(std::get<WorkerCancel>(p).process_id, 4242);
  EXPECT_EQ(std::get<WorkerCancel>(p).secret_key, -123456789);
  EXPECT_EQ(std::get<WorkerCancel>(p).until_ready, (uint64_t{1} << 40) + 7);
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "worker cancel");
  expect_trailing_fails([](std::string_view b) { decode_startup(b); }, body, "worker cancel");
}

TEST(DecodeStartupTest, StartupMessageV3) {
  std::string body = be32(196608) + cstr("user") + cstr("alice") + cstr("database") + cstr("db1") +
                     cstr("application_name") + cstr("") + cstr("options") +
                     cstr("-c search_path=x") + '\0';
  StartupPacket p = decode_startup(body);
  ASSERT_TRUE(std::holds_alternative<StartupMessage>(p));
  const auto& m = std::get<StartupMessage>(p);
  EXPECT_EQ(m.protocol, 196608);
  EXPECT_EQ(m.parameters.size(), 4u);
  EXPECT_EQ(m.parameters.at("user"), "alice");
  EXPECT_EQ(m.parameters.at("database"), "db1");
  EXPECT_EQ(m.parameters.at("application_name"), "");
  EXPECT_EQ(m.parameters.at("options"), "-c search_path=x");
  EXPECT_TRUE(m.unknown_options.empty());
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "startup");
  expect_trailing_fails([](std::string_view b) { decode_startup(b); }, body, "startup");
}

TEST(DecodeStartupTest, EmptyParameterList) {
  std::string body = be32(196608) + '\0';
  auto m = std::get<StartupMessage>(decode_startup(body));
  EXPECT_TRUE(m.parameters.empty());
}

TEST(DecodeStartupTest, ProtocolOptionsAreCollectedForNegotiation) {
  std::string body = be32(196608) + cstr("user") + cstr("u") + cstr("_pq_.compression") +
                     cstr("on") + cstr("_pq_.other") + cstr("1") + '\0';
  auto m = std::get<StartupMessage>(decode_startup(body));
  EXPECT_EQ(m.parameters.size(), 1u);
  EXPECT_EQ(m.parameters.at("user"), "u");
  EXPECT_EQ(m.unknown_options, (std::vector<std::string>{"_pq_.compression", "_pq_.other"}));
  expect_all_prefixes_fail([](std::string_view b) { decode_startup(b); }, body, "_pq_ startup");
}

TEST(DecodeStartupTest, MinorVersion31IsAccepted) {
  std::string body = be32((3 << 16) | 1) + cstr("user") + cstr("u") + '\0';
  auto m = std::get<StartupMessage>(decode_startup(body));
  EXPECT_EQ(m.protocol, 196609);
  EXPECT_EQ(m.protocol & 0xffff, 1);
}

TEST(DecodeStartupTest, ProtocolTwoIsRefusedAsUnsupported) {
  std::string body = be32(2 << 16) + cstr("user") + cstr("u") + '\0';
  try {
    decode_startup(body);
    FAIL() << "protocol 2.0 accepted";
  } catch (const ProtocolError& e) {
    FAIL() << "expected 0A000, got a protocol error: " << e.what();
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "0A000");
    EXPECT_NE(std::string(e.what()).find("2.0"), std::string::npos) << e.what();
  }
  // Protocol 4 and a garbage code are refused the same way.
  EXPECT_THROW(decode_startup(be32(4 << 16) + '\0'), SqlError);
  EXPECT_THROW(decode_startup(be32(-1) + '\0'), SqlError);
  EXPECT_THROW(decode_startup(be32(0)), SqlError);
}

TEST(DecodeStartupTest, MissingValueOrTerminatorIsRejected) {
  expect_protocol_error([] { decode_startup(be32(196608) + cstr("user")); }, "name only");
  expect_protocol_error([] { decode_startup(be32(196608) + cstr("user") + cstr("u")); },
                        "no final terminator");
  expect_protocol_error([] { decode_startup(be32(196608)); }, "no parameter list");
}

// ================= typed frontend messages =================

TEST(DecodeQueryTest, Valid) {
  std::string body = cstr("SELECT 1; SELECT 2");
  EXPECT_EQ(decode_query(body).sql, "SELECT 1; SELECT 2");
  EXPECT_EQ(decode_query(cstr("")).sql, "");
  expect_all_prefixes_fail([](std::string_view b) { decode_query(b); }, body, "Query");
  expect_trailing_fails([](std::string_view b) { decode_query(b); }, body, "Query");
}

TEST(DecodeParseTest, Valid) {
  std::string body = cstr("stmt1") + cstr("SELECT $1, $2") + be16(2) + be32(23) + be32(0);
  ParseMessage m = decode_parse(body);
  EXPECT_EQ(m.statement, "stmt1");
  EXPECT_EQ(m.query, "SELECT $1, $2");
  EXPECT_EQ(m.parameter_types, (std::vector<int32_t>{23, 0}));
  expect_all_prefixes_fail([](std::string_view b) { decode_parse(b); }, body, "Parse");
  expect_trailing_fails([](std::string_view b) { decode_parse(b); }, body, "Parse");
}

TEST(DecodeParseTest, NoParameterTypes) {
  ParseMessage m = decode_parse(cstr("") + cstr("SELECT 1") + be16(0));
  EXPECT_EQ(m.statement, "");
  EXPECT_TRUE(m.parameter_types.empty());
}

TEST(DecodeParseTest, BadCounts) {
  expect_protocol_error([] { decode_parse(cstr("") + cstr("q") + be16(-1)); }, "negative count");
  expect_protocol_error([] { decode_parse(cstr("") + cstr("q") + be16(3) + be32(23)); },
                        "count larger than the data");
  expect_protocol_error([] { decode_parse(cstr("") + cstr("q") + be16(32767)); },
                        "huge count without data");
}

std::string valid_bind() {
  return cstr("portal") + cstr("stmt") + be16(2) + be16(0) + be16(1) +  // parameter formats
         be16(2) + be32(3) + "abc" + be32(4) + "\0\0\0\x07"s +          // parameters
         be16(3) + be16(1) + be16(0) + be16(1);                         // result formats
}

TEST(DecodeBindTest, Valid) {
  std::string body = valid_bind();
  BindMessage m = decode_bind(body);
  EXPECT_EQ(m.portal, "portal");
  EXPECT_EQ(m.statement, "stmt");
  EXPECT_EQ(m.parameter_formats, (std::vector<int16_t>{0, 1}));
  ASSERT_EQ(m.parameters.size(), 2u);
  EXPECT_EQ(m.parameters[0], "abc");
  EXPECT_EQ(m.parameters[1], "\0\0\0\x07"s);
  EXPECT_EQ(m.result_formats, (std::vector<int16_t>{1, 0, 1}));
  expect_all_prefixes_fail([](std::string_view b) { decode_bind(b); }, body, "Bind");
  expect_trailing_fails([](std::string_view b) { decode_bind(b); }, body, "Bind");
}

TEST(DecodeBindTest, NullAndEmptyParameters) {
  std::string body =
      cstr("") + cstr("") + be16(0) + be16(3) + be32(-1) + be32(0) + be32(-1) + be16(0);
  BindMessage m = decode_bind(body);
  ASSERT_EQ(m.parameters.size(), 3u);
  EXPECT_FALSE(m.parameters[0].has_value());
  ASSERT_TRUE(m.parameters[1].has_value());
  EXPECT_EQ(*m.parameters[1], "");
  EXPECT_FALSE(m.parameters[2].has_value());
  EXPECT_TRUE(m.parameter_formats.empty());
  EXPECT_TRUE(m.result_formats.empty());
  expect_all_prefixes_fail([](std::string_view b) { decode_bind(b); }, body, "Bind with NULLs");
}

TEST(DecodeBindTest, OneFormatAppliesToAllParameters) {
  std::string body = cstr("") + cstr("") + be16(1) + be16(1) + be16(3) + be32(1) + "a" + be32(1) +
                     "b" + be32(1) + "c" + be16(1) + be16(1);
  BindMessage m = decode_bind(body);
  EXPECT_EQ(m.parameter_formats, (std::vector<int16_t>{1}));
  EXPECT_EQ(m.parameters.size(), 3u);
}

TEST(DecodeBindTest, FormatCountMismatch) {
  // Two formats for three parameters: only 0, 1 or exactly one per parameter is allowed.
  std::string body = cstr("") + cstr("") + be16(2) + be16(0) + be16(0) + be16(3) + be32(-1) +
                     be32(-1) + be32(-1) + be16(0);
  expect_protocol_error([&] { decode_bind(body); }, "2 formats for 3 parameters");
  // Formats but no parameters.
  std::string none = cstr("") + cstr("") + be16(2) + be16(0) + be16(0) + be16(0) + be16(0);
  expect_protocol_error([&] { decode_bind(none); }, "2 formats for 0 parameters");
}

TEST(DecodeBindTest, BadFormatCodes) {
  std::string bad_param =
      cstr("") + cstr("") + be16(1) + be16(2) + be16(1) + be32(1) + "x" + be16(0);
  expect_protocol_error([&] { decode_bind(bad_param); }, "parameter format 2");
  std::string neg_param = cstr("") + cstr("") + be16(1) + be16(-1) + be16(0) + be16(0);
  expect_protocol_error([&] { decode_bind(neg_param); }, "parameter format -1");
  std::string bad_result = cstr("") + cstr("") + be16(0) + be16(0) + be16(2) + be16(0) + be16(7);
  expect_protocol_error([&] { decode_bind(bad_result); }, "result format 7");
}

TEST(DecodeBindTest, NegativeLengthsAndCounts) {
  expect_protocol_error(
      [] { decode_bind(cstr("") + cstr("") + be16(0) + be16(1) + be32(-2) + be16(0)); },
      "parameter length -2");
  expect_protocol_error(
      [] { decode_bind(cstr("") + cstr("") + be16(0) + be16(1) + be32(INT32_MIN) + be16(0)); },
      "parameter length INT32_MIN");
  expect_protocol_error([] { decode_bind(cstr("") + cstr("") + be16(-1)); },
                        "negative format count");
  expect_protocol_error([] { decode_bind(cstr("") + cstr("") + be16(0) + be16(-5)); },
                        "negative parameter count");
  expect_protocol_error([] { decode_bind(cstr("") + cstr("") + be16(0) + be16(0) + be16(-1)); },
                        "negative result format count");
}

TEST(DecodeBindTest, LengthsLargerThanTheMessage) {
  expect_protocol_error(
      [] { decode_bind(cstr("") + cstr("") + be16(0) + be16(1) + be32(INT32_MAX) + "ab"); },
      "parameter length beyond the message");
  expect_protocol_error([] { decode_bind(cstr("") + cstr("") + be16(0) + be16(32767)); },
                        "huge parameter count without data");
}

TEST(DecodeDescribeTest, Valid) {
  std::string body = "S"s + cstr("stmt");
  DescribeMessage m = decode_describe(body);
  EXPECT_EQ(m.kind, 'S');
  EXPECT_EQ(m.name, "stmt");
  DescribeMessage p = decode_describe("P"s + cstr(""));
  EXPECT_EQ(p.kind, 'P');
  EXPECT_EQ(p.name, "");
  expect_all_prefixes_fail([](std::string_view b) { decode_describe(b); }, body, "Describe");
  expect_trailing_fails([](std::string_view b) { decode_describe(b); }, body, "Describe");
  expect_protocol_error([] { decode_describe("X"s + cstr("s")); }, "Describe kind X");
  expect_protocol_error([] { decode_describe("s"s + cstr("s")); }, "Describe kind s");
}

TEST(DecodeExecuteTest, Valid) {
  std::string body = cstr("portal") + be32(100);
  ExecuteMessage m = decode_execute(body);
  EXPECT_EQ(m.portal, "portal");
  EXPECT_EQ(m.max_rows, 100);
  EXPECT_EQ(decode_execute(cstr("") + be32(0)).max_rows, 0);
  expect_all_prefixes_fail([](std::string_view b) { decode_execute(b); }, body, "Execute");
  expect_trailing_fails([](std::string_view b) { decode_execute(b); }, body, "Execute");
}

TEST(DecodeCloseTest, Valid) {
  std::string body = "P"s + cstr("portal");
  CloseMessage m = decode_close(body);
  EXPECT_EQ(m.kind, 'P');
  EXPECT_EQ(m.name, "portal");
  EXPECT_EQ(decode_close("S"s + cstr("s1")).kind, 'S');
  expect_all_prefixes_fail([](std::string_view b) { decode_close(b); }, body, "Close");
  expect_trailing_fails([](std::string_view b) { decode_close(b); }, body, "Close");
  expect_protocol_error([] { decode_close("Q"s + cstr("s")); }, "Close kind Q");
}

TEST(DecodeCopyFailTest, Valid) {
  std::string body = cstr("client gave up");
  EXPECT_EQ(decode_copy_fail(body).message, "client gave up");
  expect_all_prefixes_fail([](std::string_view b) { decode_copy_fail(b); }, body, "CopyFail");
}

TEST(DecodeSaslInitialTest, WithData) {
  std::string data = "n,,n=,r=abcdef";
  std::string body = cstr("SCRAM-SHA-256") + be32(static_cast<int32_t>(data.size())) + data;
  SaslInitialResponse m = decode_sasl_initial(body);
  EXPECT_EQ(m.mechanism, "SCRAM-SHA-256");
  ASSERT_TRUE(m.data.has_value());
  EXPECT_EQ(*m.data, data);
  expect_all_prefixes_fail([](std::string_view b) { decode_sasl_initial(b); }, body,
                           "SASLInitialResponse");
  expect_trailing_fails([](std::string_view b) { decode_sasl_initial(b); }, body,
                        "SASLInitialResponse");
}

TEST(DecodeSaslInitialTest, WithoutDataAndEmptyData) {
  std::string body = cstr("SCRAM-SHA-256") + be32(-1);
  SaslInitialResponse m = decode_sasl_initial(body);
  EXPECT_FALSE(m.data.has_value());
  expect_all_prefixes_fail([](std::string_view b) { decode_sasl_initial(b); }, body,
                           "SASLInitialResponse without data");
  SaslInitialResponse e = decode_sasl_initial(cstr("SCRAM-SHA-256") + be32(0));
  ASSERT_TRUE(e.data.has_value());
  EXPECT_EQ(*e.data, "");
}

TEST(DecodeSaslInitialTest, BadLengths) {
  expect_protocol_error([] { decode_sasl_initial(cstr("M") + be32(-2)); }, "length -2");
  expect_protocol_error([] { decode_sasl_initial(cstr("M") + be32(10) + "short"); },
                        "length beyond message");
  expect_protocol_error([] { decode_sasl_initial(cstr("M") + be32(2) + "abc"); },
                        "data longer than length");
}

TEST(DecodePasswordTest, Valid) {
  std::string body = cstr("s3cr3t");
  EXPECT_EQ(decode_password(body), "s3cr3t");
  expect_all_prefixes_fail([](std::string_view b) { decode_password(b); }, body, "Password");
  expect_trailing_fails([](std::string_view b) { decode_password(b); }, body, "Password");
}

// ================= backend messages =================

std::string written(const std::function<void(WriteBuffer&)>& write) {
  WriteBuffer out;
  write(out);
  return out.data();
}

TEST(BackendMessagesTest, Authentication) {
  EXPECT_EQ(written(write_authentication_ok), "R\0\0\0\x08\0\0\0\0"s);
  EXPECT_EQ(written(write_authentication_cleartext), "R\0\0\0\x08\0\0\0\x03"s);
  // AuthenticationSASL: Int32(10), then mechanism names, then an empty terminator.
  EXPECT_EQ(written([](WriteBuffer& o) { write_authentication_sasl(o, {"SCRAM-SHA-256"}); }),
            "R\0\0\0\x17\0\0\0\x0aSCRAM-SHA-256\0\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) {
              write_authentication_sasl(o, {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"});
            }),
            "R\0\0\0\x2a\0\0\0\x0aSCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0"s);
  // SASLContinue / SASLFinal: Int32(11|12) then the raw data, no terminator.
  EXPECT_EQ(written([](WriteBuffer& o) { write_authentication_sasl_continue(o, "r=ab,s=cd"); }),
            "R\0\0\0\x11\0\0\0\x0br=ab,s=cd"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_authentication_sasl_final(o, "v=xyz"); }),
            "R\0\0\0\x0d\0\0\0\x0cv=xyz"s);
}

TEST(BackendMessagesTest, ParameterStatusAndBackendKeyData) {
  EXPECT_EQ(written([](WriteBuffer& o) { write_parameter_status(o, "client_encoding", "UTF8"); }),
            "S\0\0\0\x19"
            "client_encoding\0UTF8\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_parameter_status(o, "a", ""); }),
            "S\0\0\0\x07"
            "a\0\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_backend_key_data(o, 0x01020304, -2); }),
            "K\0\0\0\x0c\x01\x02\x03\x04\xff\xff\xff\xfe"s);
}

TEST(BackendMessagesTest, NegotiateProtocolVersion) {
  EXPECT_EQ(written([](WriteBuffer& o) { write_negotiate_protocol_version(o, 0, {}); }),
            "v\0\0\0\x0c\0\0\0\0\0\0\0\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) {
              write_negotiate_protocol_version(o, 0, {"_pq_.a", "_pq_.bc"});
            }),
            "v\0\0\0\x1b\0\0\0\0\0\0\0\x02_pq_.a\0_pq_.bc\0"s);
}

TEST(BackendMessagesTest, ReadyForQuery) {
  EXPECT_EQ(written([](WriteBuffer& o) { write_ready_for_query(o, 'I'); }), "Z\0\0\0\x05I"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_ready_for_query(o, 'T'); }), "Z\0\0\0\x05T"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_ready_for_query(o, 'E'); }),
            "Z\0\0\0\x05"
            "E"s);
}

TEST(BackendMessagesTest, RowDescription) {
  std::vector<FieldDescription> fields = {
      {"id", 16384, 1, 23, 4, -1, 0},
      {"name", 0, 0, 25, -1, -1, 1},
  };
  std::string expected =
      "T"s + be32(4 + 2 + (3 + 18) + (5 + 18)) + be16(2) +                            //
      cstr("id") + be32(16384) + be16(1) + be32(23) + be16(4) + be32(-1) + be16(0) +  //
      cstr("name") + be32(0) + be16(0) + be32(25) + be16(-1) + be32(-1) + be16(1);
  EXPECT_EQ(written([&](WriteBuffer& o) { write_row_description(o, fields); }), expected);
  EXPECT_EQ(written([](WriteBuffer& o) { write_row_description(o, {}); }), "T\0\0\0\x06\0\0"s);
  // Field layout spelled out once, literally: name, table OID, column, type OID, size, typmod,
  // format.
  EXPECT_EQ(written([](WriteBuffer& o) {
              write_row_description(o, {{"a", 1, 2, 3, 4, 5, 1}});
            }),
            "T\0\0\0\x1a\0\x01"
            "a\0\0\0\0\x01\0\x02\0\0\0\x03\0\x04\0\0\0\x05\0\x01"s);
}

TEST(BackendMessagesTest, ParameterDescription) {
  EXPECT_EQ(written([](WriteBuffer& o) {
              write_parameter_description(o, {23, 25});
            }),
            "t\0\0\0\x0e\0\x02\0\0\0\x17\0\0\0\x19"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_parameter_description(o, {}); }),
            "t\0\0\0\x06\0\0"s);
}

TEST(BackendMessagesTest, CommandCompleteAndEmptyQuery) {
  EXPECT_EQ(written([](WriteBuffer& o) { write_command_complete(o, "SELECT 3"); }),
            "C\0\0\0\x0dSELECT 3\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_command_complete(o, "INSERT 0 1"); }),
            "C\0\0\0\x0fINSERT 0 1\0"s);
  EXPECT_EQ(written(write_empty_query_response), "I\0\0\0\x04"s);
}

TEST(BackendMessagesTest, ErrorResponseWithAllFields) {
  ErrorFields f;
  f.severity = "ERROR";
  f.sqlstate = "42P01";
  f.message = "relation \"t\" does not exist";
  f.detail = "some detail";
  f.hint = "a hint";
  f.position = 15;
  std::string fields =
      "SERROR\0VERROR\0C42P01\0Mrelation \"t\" does not exist\0"
      "Dsome detail\0Ha hint\0P15\0\0"s;
  std::string expected = "E"s + be32(static_cast<int32_t>(4 + fields.size())) + fields;
  EXPECT_EQ(written([&](WriteBuffer& o) { write_error(o, f); }), expected);
  EXPECT_EQ(written([&](WriteBuffer& o) { write_error(o, f, true); }), "N" + expected.substr(1));
}

TEST(BackendMessagesTest, ErrorResponseDecodesWhatWasWritten) {
  ErrorFields f;
  f.severity = "FATAL";
  f.sqlstate = "57P02";
  f.message = "worker ended";
  f.detail = "d";
  f.hint = "h";
  f.position = 7;
  WriteBuffer o;
  write_error(o, f);
  ErrorFields back = decode_error_response(std::string_view(o.data()).substr(5));
  EXPECT_EQ(back.severity, "FATAL");
  EXPECT_EQ(back.sqlstate, "57P02");
  EXPECT_EQ(back.message, "worker ended");
  EXPECT_EQ(back.detail, "d");
  EXPECT_EQ(back.hint, "h");
  EXPECT_EQ(back.position, 7);
  // A body cut short (the relay keeps only its start) gives the whole fields it holds.
  ErrorFields cut = decode_error_response("SERROR\0C42P01\0Mtrunc"s);
  EXPECT_EQ(cut.severity, "ERROR");
  EXPECT_EQ(cut.sqlstate, "42P01");
  EXPECT_EQ(cut.message, "");
}

TEST(BackendMessagesTest, ErrorResponseOmitsEmptyOptionalFields) {
  ErrorFields f;
  f.severity = "FATAL";
  f.sqlstate = "08P01";
  f.message = "bad";
  EXPECT_EQ(written([&](WriteBuffer& o) { write_error(o, f); }),
            "E\0\0\0\x1fSFATAL\0VFATAL\0C08P01\0Mbad\0\0"s);
  ErrorFields n;
  n.severity = "NOTICE";
  n.sqlstate = "00000";
  n.message = "hi";
  EXPECT_EQ(written([&](WriteBuffer& o) { write_error(o, n, true); }),
            "N\0\0\0\x20SNOTICE\0VNOTICE\0C00000\0Mhi\0\0"s);
}

TEST(BackendMessagesTest, SimpleMessages) {
  // ParseComplete, BindComplete, CloseComplete, NoData, PortalSuspended, CopyDone: no body.
  for (char type : {'1', '2', '3', 'n', 's', 'c'}) {
    EXPECT_EQ(written([&](WriteBuffer& o) { write_simple(o, type); }),
              std::string(1, type) + "\0\0\0\x04"s);
  }
}

TEST(BackendMessagesTest, CopyResponses) {
  // CopyInResponse: Int8 overall format, Int16 columns, Int16 per-column formats.
  EXPECT_EQ(written([](WriteBuffer& o) { write_copy_response(o, 'G', false, 2); }),
            "G\0\0\0\x0b\0\0\x02\0\0\0\0"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_copy_response(o, 'H', true, 3); }),
            "H\0\0\0\x0d\x01\0\x03\0\x01\0\x01\0\x01"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_copy_response(o, 'H', false, 0); }),
            "H\0\0\0\x07\0\0\0"s);
}

TEST(BackendMessagesTest, CopyData) {
  EXPECT_EQ(written([](WriteBuffer& o) { write_copy_data(o, "1\tx\n"); }),
            "d\0\0\0\x08"
            "1\tx\n"s);
  EXPECT_EQ(written([](WriteBuffer& o) { write_copy_data(o, ""); }), "d\0\0\0\x04"s);
  std::string big(70000, 'z');
  std::string out = written([&](WriteBuffer& o) { write_copy_data(o, big); });
  EXPECT_EQ(out.substr(0, 5), "d"s + be32(70004));
  EXPECT_EQ(out.size(), 70005u);
}

TEST(BackendMessagesTest, CountsBeyondInt16AreRefusedBeforeWriting) {
  // The wire counts are Int16; 40000 columns must not go out as a wrapped negative count.
  auto expect_54011 = [](const std::function<void(WriteBuffer&)>& write, const char* what) {
    WriteBuffer out;
    out.put_bytes("keep");
    try {
      write(out);
      ADD_FAILURE() << what << ": accepted";
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), "54011") << what;
    }
    EXPECT_EQ(out.data(), "keep") << what << ": partial message left in the buffer";
  };
  std::vector<FieldDescription> fields(32768, FieldDescription{"c", 0, 0, 23, 4, -1, 0});
  expect_54011([&](WriteBuffer& o) { write_row_description(o, fields); }, "RowDescription");
  std::vector<int32_t> types(32768, 23);
  expect_54011([&](WriteBuffer& o) { write_parameter_description(o, types); },
               "ParameterDescription");
  expect_54011([](WriteBuffer& o) { write_copy_response(o, 'H', false, 32768); }, "CopyOut");
  // Exactly 32767 is still fine.
  fields.pop_back();
  WriteBuffer out;
  write_row_description(out, fields);
  EXPECT_EQ(out.data().substr(5, 2), be16(32767));
}

TEST(BackendMessagesTest, MessagesAppendToExistingOutput) {
  WriteBuffer out;
  write_simple(out, '1');
  write_simple(out, '2');
  write_ready_for_query(out, 'I');
  EXPECT_EQ(out.data(),
            "1\0\0\0\x04"
            "2\0\0\0\x04Z\0\0\0\x05I"s);
}

}  // namespace
}  // namespace ducklings::pgwire
