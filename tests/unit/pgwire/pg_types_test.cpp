// Expected strings and bytes below were produced by a real PostgreSQL 15 (text output with
// DateStyle ISO, IntervalStyle postgres, extra_float_digits 1; binary via the *send functions).
#include "pgwire/pg_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "gateway/text_parameters.h"
#include "sql/catalog.h"
#include "warehouse/warehouse.h"
#include "sql/array_literal.h"

namespace ducklings::pgwire {
using gateway::decode_bytea_text;
using gateway::typed_text_value;
using gateway::varchar_list;
namespace {

duck::Connection& conn() {
  // Never destroyed: at exit DuckDB's thread-local allocator state is gone before statics
  // are, and closing the database then reads freed memory (AddressSanitizer).
  static auto* db = new duck::Database("", {});
  static auto* c = db->connect().release();
  return *c;
}

std::string hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    out.push_back(d[static_cast<uint8_t>(c) >> 4]);
    out.push_back(d[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

std::string unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

using Values = std::vector<std::optional<std::string>>;

// Encodes every row of the first column of a query's result.
Values encode_result(duck::Result& r, Format format, const EncodeOptions& options) {
  duck::LogicalType type = r.column_type(0);
  auto enc = make_encoder(type.get(), format, options);
  Values out;
  while (true) {
    duck::DataChunk chunk = r.fetch();
    if (!chunk) break;
    enc->set_vector(chunk.column(0));
    for (idx_t i = 0; i < chunk.size(); i++) {
      if (enc->is_null(i)) {
        out.emplace_back();
      } else {
        std::string s;
        enc->append_value(i, s);
        out.emplace_back(std::move(s));
      }
    }
  }
  return out;
}

Values encode_all(const std::string& sql, Format format, const EncodeOptions& options = {}) {
  duck::Result r = conn().query(sql);
  return encode_result(r, format, options);
}

std::string text_of(const std::string& expr, int32_t offset = 0) {
  EncodeOptions o;
  o.utc_offset_seconds = offset;
  Values v = encode_all("SELECT " + expr, Format::kText, o);
  return v.at(0).value_or("<NULL>");
}

std::string binary_of(const std::string& expr, int32_t offset = 0) {
  EncodeOptions o;
  o.utc_offset_seconds = offset;
  Values v = encode_all("SELECT " + expr, Format::kBinary, o);
  return v.at(0).value_or("<NULL>");
}

PgType type_of(const std::string& expr) {
  duck::Result r = conn().query("SELECT " + expr);
  return pg_type_of(r.column_type(0).get());
}

// Binds a decoded parameter to `SELECT ?` and returns the value's PostgreSQL text form.
std::string text_of_param(const duck::Value& v, int32_t offset = 0) {
  duck::PreparedStatement st = conn().prepare("SELECT ?");
  st.bind(0, v);
  duck::Result r = st.execute(false);
  EncodeOptions o;
  o.utc_offset_seconds = offset;
  Values out = encode_result(r, Format::kText, o);
  return out.at(0).value_or("<NULL>");
}

struct Case {
  const char* duck;  // DuckDB expression
  const char* text;  // PostgreSQL 15 text output
  const char* bin;   // PostgreSQL 15 *send output, hex
  int32_t offset;    // session UTC offset for timestamptz
};

const Case kCases[] = {
    {"0.1::DOUBLE", "0.1", "3fb999999999999a", 0},
    {"1e20::DOUBLE", "1e+20", "4415af1d78b58c40", 0},
    {"1e15::DOUBLE", "1e+15", "430c6bf526340000", 0},
    {"1e14::DOUBLE", "100000000000000", "42d6bcc41e900000", 0},
    {"1e-5::DOUBLE", "1e-05", "3ee4f8b588e368f1", 0},
    {"1.5e-5::DOUBLE", "1.5e-05", "3eef75104d551d69", 0},
    {"123456.789::DOUBLE", "123456.789", "40fe240c9fbe76c9", 0},
    {"'NaN'::DOUBLE", "NaN", "7ff8000000000000", 0},
    {"'Infinity'::DOUBLE", "Infinity", "7ff0000000000000", 0},
    {"'-Infinity'::DOUBLE", "-Infinity", "fff0000000000000", 0},
    {"'-0'::DOUBLE", "-0", "8000000000000000", 0},
    {"100::DOUBLE", "100", "4059000000000000", 0},
    {"0.0001::DOUBLE", "0.0001", "3f1a36e2eb1c432d", 0},
    {"5e-324::DOUBLE", "5e-324", "0000000000000001", 0},
    {"1.7976931348623157e308::DOUBLE", "1.7976931348623157e+308", "7fefffffffffffff", 0},
    {"-1.2345678901234567e25::DOUBLE", "-1.2345678901234566e+25", "c5246c993044fd54", 0},
    {"2.5::DOUBLE", "2.5", "4004000000000000", 0},
    {"0.3::DOUBLE", "0.3", "3fd3333333333333", 0},
    {"0.1::FLOAT", "0.1", "3dcccccd", 0},
    {"1e6::FLOAT", "1e+06", "49742400", 0},
    {"123456::FLOAT", "123456", "47f12000", 0},
    {"1.5e-5::FLOAT", "1.5e-05", "377ba882", 0},
    {"3.4e38::FLOAT", "3.4e+38", "7f7fc99e", 0},
    {"'NaN'::FLOAT", "NaN", "7fc00000", 0},
    {"'-Infinity'::FLOAT", "-Infinity", "ff800000", 0},
    {"1e-4::FLOAT", "0.0001", "38d1b717", 0},
    {"0.3::FLOAT", "0.3", "3e99999a", 0},
    {"16777216::FLOAT", "1.6777216e+07", "4b800000", 0},
    {"1.17549435e-38::FLOAT", "1.1754944e-38", "00800000", 0},
    {"0::DECIMAL(10,2)", "0.00", "0000000000000002", 0},
    {"-12345.678::DECIMAL(10,3)", "-12345.678", "0003000140000003000109291a7c", 0},
    {"1.50::DECIMAL(5,2)", "1.50", "000200000000000200011388", 0},
    {"-0.05::DECIMAL(4,2)", "-0.05", "0001ffff4000000201f4", 0},
    {"12345678901234567890.123456789::DECIMAL(38,9)", "12345678901234567890.123456789",
     "000800040000000904d2162e23340d801ed204d2162e2328", 0},
    {"0.00005::DECIMAL(10,5)", "0.00005", "0001fffe000000051388", 0},
    {"100000000::DECIMAL(18,0)", "100000000", "00010002000000000001", 0},
    {"99999999999999999999999999999999999999::DECIMAL(38,0)",
     "99999999999999999999999999999999999999",
     "000a0009000000000063270f270f270f270f270f270f270f270f270f", 0},
    {"-1.5::DECIMAL(2,1)", "-1.5", "000200004000000100011388", 0},
    {"123.4::DECIMAL(9,1)", "123.4", "0002000000000001007b0fa0", 0},
    {"18446744073709551615::UBIGINT", "18446744073709551615",
     "000500040000000007341a5802e103bb064f", 0},
    {"'-170141183460469231731687303715884105728'::HUGEINT",
     "-170141183460469231731687303715884105728",
     "000a00094000000000aa0583209a01d5090d0c601c871bf620da1660", 0},
    {"170141183460469231731687303715884105727::HUGEINT", "170141183460469231731687303715884105727",
     "000a00090000000000aa0583209a01d5090d0c601c871bf620da165f", 0},
    {"340282366920938463463374607431768211455::UHUGEINT", "340282366920938463463374607431768211455",
     "000a00090000000001540b071a2403aa121a18c111ff10dd1aa505af", 0},
    {"0::HUGEINT", "0", "0000000000000000", 0},
    {"-10000::HUGEINT", "-10000", "00010001400000000001", 0},
    {"'2024-01-02'::DATE", "2024-01-02", "0000223f", 0},
    {"'-0043-03-15'::DATE", "0044-03-15 BC", "fff49d7b", 0},
    {"'infinity'::DATE", "infinity", "7fffffff", 0},
    {"'-infinity'::DATE", "-infinity", "80000000", 0},
    {"'0001-01-01'::DATE", "0001-01-01", "fff4dbf9", 0},
    {"'2000-01-01'::DATE", "2000-01-01", "00000000", 0},
    {"'1970-01-01'::DATE", "1970-01-01", "ffffd533", 0},
    {"'9999-12-31'::DATE", "9999-12-31", "002c95d3", 0},
    {"'0000-12-31'::DATE", "0001-12-31 BC", "fff4dbf8", 0},
    {"'04:05:06'::TIME", "04:05:06", "000000036c8bc080", 0},
    {"'04:05:06.5'::TIME", "04:05:06.5", "000000036c9361a0", 0},
    {"'00:00:00'::TIME", "00:00:00", "0000000000000000", 0},
    {"'23:59:59.999999'::TIME", "23:59:59.999999", "000000141dd75fff", 0},
    {"'24:00:00'::TIME", "24:00:00", "000000141dd76000", 0},
    {"'12:00:00.000001'::TIME", "12:00:00.000001", "0000000a0eebb001", 0},
    {"'04:05:06+02'::TIMETZ", "04:05:06+02", "000000036c8bc080ffffe3e0", 0},
    {"'04:05:06.123-05:30'::TIMETZ", "04:05:06.123-05:30", "000000036c8da0f800004d58", 0},
    {"'00:00:00+00'::TIMETZ", "00:00:00+00", "000000000000000000000000", 0},
    {"'23:59:59.5-12'::TIMETZ", "23:59:59.5-12", "000000141dcfbee00000a8c0", 0},
    {"'10:00:00+05:45'::TIMETZ", "10:00:00+05:45", "0000000861c46800ffffaf24", 0},
    {"'2024-01-02 03:04:05.123'::TIMESTAMP", "2024-01-02 03:04:05.123", "0002b0ec8517d3b8", 0},
    {"'2024-01-02 03:04:05'::TIMESTAMP", "2024-01-02 03:04:05", "0002b0ec8515f340", 0},
    {"'-0043-03-15 03:04:05'::TIMESTAMP", "0044-03-15 03:04:05 BC", "ff1af9e17eb07340", 0},
    {"'infinity'::TIMESTAMP", "infinity", "7fffffffffffffff", 0},
    {"'-infinity'::TIMESTAMP", "-infinity", "8000000000000000", 0},
    {"'1999-12-31 23:59:59.999999'::TIMESTAMP", "1999-12-31 23:59:59.999999", "ffffffffffffffff",
     0},
    {"'2000-01-01 00:00:00'::TIMESTAMP", "2000-01-01 00:00:00", "0000000000000000", 0},
    {"'1900-02-28 12:00:00.000010'::TIMESTAMP", "1900-02-28 12:00:00.00001", "fff4ce874dc2f00a", 0},
    {"'2024-01-02 03:04:05'::TIMESTAMP_S", "2024-01-02 03:04:05", "0002b0ec8515f340", 0},
    {"'2024-01-02 03:04:05.123'::TIMESTAMP_MS", "2024-01-02 03:04:05.123", "0002b0ec8517d3b8", 0},
    {"'2024-01-02 03:04:05.123456789'::TIMESTAMP_NS", "2024-01-02 03:04:05.123456",
     "0002b0ec8517d580", 0},
    {"'2024-01-02 03:04:05.5+00'::TIMESTAMPTZ", "2024-01-02 03:04:05.5+00", "0002b0ec851d9460", 0},
    {"'2024-01-02 03:04:05.5+00'::TIMESTAMPTZ", "2024-01-01 19:04:05.5-08", "0002b0ec851d9460",
     -28800},
    {"'2024-01-02 03:04:05.5+00'::TIMESTAMPTZ", "2024-01-02 08:34:05.5+05:30", "0002b0ec851d9460",
     19800},
    {"'infinity'::TIMESTAMPTZ", "infinity", "7fffffffffffffff", 0},
    {"'2024-07-01 00:00:00+00'::TIMESTAMPTZ", "2024-07-01 02:00:00+02", "0002bf230c078000", 7200},
    {"(to_months(14) + to_days(3) + to_microseconds(14706500000))",
     "1 year 2 mons 3 days 04:05:06.5", "000000036c9361a0000000030000000e", 0},
    {"(to_months(0) + to_days(-1) + to_microseconds(0))", "-1 days",
     "0000000000000000ffffffff00000000", 0},
    {"(to_months(0) + to_days(0) + to_microseconds(0))", "00:00:00",
     "00000000000000000000000000000000", 0},
    {"(to_months(0) + to_days(1) + to_microseconds(-1000000))", "1 day -00:00:01",
     "fffffffffff0bdc00000000100000000", 0},
    {"(to_months(-10) + to_days(0) + to_microseconds(0))", "-10 mons",
     "000000000000000000000000fffffff6", 0},
    {"(to_months(-10) + to_days(0) + to_microseconds(0))", "-10 mons",
     "000000000000000000000000fffffff6", 0},
    {"(to_months(0) + to_days(-1) + to_microseconds(7200000000))", "-1 days +02:00:00",
     "00000001ad274800ffffffff00000000", 0},
    {"(to_months(1) + to_days(-1) + to_microseconds(0))", "1 mon -1 days",
     "0000000000000000ffffffff00000001", 0},
    {"(to_months(-14) + to_days(-3) + to_microseconds(-14706000000))",
     "-1 years -2 mons -3 days -04:05:06", "fffffffc93743f80fffffffdfffffff2", 0},
    {"(to_months(0) + to_days(0) + to_microseconds(360000000000))", "100:00:00",
     "00000053d1ac10000000000000000000", 0},
    {"(to_months(1) + to_days(0) + to_microseconds(0))", "1 mon",
     "00000000000000000000000000000001", 0},
    {"(to_months(0) + to_days(0) + to_microseconds(-1))", "-00:00:00.000001",
     "ffffffffffffffff0000000000000000", 0},
    {"(to_months(24) + to_days(0) + to_microseconds(0))", "2 years",
     "00000000000000000000000000000018", 0},
    {"(to_months(12) + to_days(1) + to_microseconds(0))", "1 year 1 day",
     "0000000000000000000000010000000c", 0},
    {"(to_months(-1) + to_days(1) + to_microseconds(-1000000))", "-1 mons +1 day -00:00:01",
     "fffffffffff0bdc000000001ffffffff", 0},
    {"(to_months(-12) + to_days(2) + to_microseconds(0))", "-1 years +2 days",
     "000000000000000000000002fffffff4", 0},
    {"(to_months(0) + to_days(2) + to_microseconds(3))", "2 days 00:00:00.000003",
     "00000000000000030000000200000000", 0},
    {"(to_months(-12) + to_months(2))", "-10 mons", "000000000000000000000000fffffff6", 0},
    {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
     "a0eebc999c0b4ef8bb6d6bb9bd380a11", 0},
    {"'00000000-0000-0000-0000-000000000000'::UUID", "00000000-0000-0000-0000-000000000000",
     "00000000000000000000000000000000", 0},
    {"'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff",
     "ffffffffffffffffffffffffffffffff", 0},
    {"'7fffffff-0000-0000-0000-000000000001'::UUID", "7fffffff-0000-0000-0000-000000000001",
     "7fffffff000000000000000000000001", 0},
    {"'\\x0A\\x0B'::BLOB", "\\x0a0b", "0a0b", 0},
    {"''::BLOB", "\\x", "", 0},
    {"'\\x00\\xFF\\x5C'::BLOB", "\\x00ff5c", "00ff5c", 0},
    {"true", "t", "01", 0},
    {"false", "f", "00", 0},
    {"(-5)::TINYINT", "-5", "fffb", 0},
    {"200::UTINYINT", "200", "00c8", 0},
    {"(-32768)::SMALLINT", "-32768", "8000", 0},
    {"65535::USMALLINT", "65535", "0000ffff", 0},
    {"2147483647::INTEGER", "2147483647", "7fffffff", 0},
    {"4294967295::UINTEGER", "4294967295", "00000000ffffffff", 0},
    {"(-9223372036854775808)::BIGINT", "-9223372036854775808", "8000000000000000", 0},
    {"'héllo'::VARCHAR", "héllo", "68c3a96c6c6f", 0},
    {"'{\"a\": [1, 2]}'::JSON", "{\"a\": [1, 2]}", "7b2261223a205b312c20325d7d", 0},
    {"[1, 2, NULL]::INTEGER[]", "{1,2,NULL}",
     "000000010000000100000017000000030000000100000004000000010000000400000002ffffffff", 0},
    {"[1, 2]::INTEGER[]", "{1,2}",
     "000000010000000000000017000000020000000100000004000000010000000400000002", 0},
    {"[]::INTEGER[]", "{}", "000000000000000000000017", 0},
    {"[[1, 2], [3, 4]]::INTEGER[][]", "{{1,2},{3,4}}",
     "000000020000000000000017000000020000000100000002000000010000000400000001000000040000000200000"
     "004000000030000000400000004",
     0},
    {"[[[1], [2]], [[3], [NULL]]]::BIGINT[][][]", "{{{1},{2}},{{3},{NULL}}}",
     "000000030000000100000014000000020000000100000002000000010000000100000001000000080000000000000"
     "001000000080000000000000002000000080000000000000003ffffffff",
     0},
    {"['a', 'b c', '', 'NULL', 'null', 'x\"y', 'a\\b', '{}', 'a,b', NULL, 'é', "
     "e'tab\\there']::VARCHAR[]",
     "{a,\"b c\",\"\",\"NULL\",\"null\",\"x\\\"y\",\"a\\\\b\",\"{}\",\"a,b\",NULL,é,\"tab\there\"}",
     "0000000100000001000000190000000c0000000100000001610000000362206300000000000000044e554c4c00000"
     "0046e756c6c0000000378227900000003615c62000000027b7d00000003612c62ffffffff00000002c3a900000008"
     "7461620968657265",
     0},
    {"[0.1, 1e20, 'NaN']::DOUBLE[]", "{0.1,1e+20,NaN}",
     "0000000100000000000002bd0000000300000001000000083fb999999999999a000000084415af1d78b58c4000000"
     "0087ff8000000000000",
     0},
    {"[0.5, 1e6]::FLOAT[]", "{0.5,1e+06}",
     "0000000100000000000002bc0000000200000001000000043f0000000000000449742400", 0},
    {"[true, false, NULL]::BOOLEAN[]", "{t,f,NULL}",
     "000000010000000100000010000000030000000100000001010000000100ffffffff", 0},
    {"['2024-01-02', '-0043-03-15']::DATE[]", "{2024-01-02,\"0044-03-15 BC\"}",
     "00000001000000000000043a0000000200000001000000040000223f00000004fff49d7b", 0},
    {"['2024-01-02 03:04:05.5']::TIMESTAMP[]", "{\"2024-01-02 03:04:05.5\"}",
     "00000001000000000000045a0000000100000001000000080002b0ec851d9460", 0},
    {"['\\x0A'::BLOB, ''::BLOB]", "{\"\\\\x0a\",\"\\\\x\"}",
     "0000000100000000000000110000000200000001000000010a00000000", 0},
    {"[to_days(1), to_months(14)]", "{\"1 day\",\"1 year 2 mons\"}",
     "0000000100000000000004a2000000020000000100000010000000000000000000000001000000000000001000000"
     "00000000000000000000000000e",
     0},
    {"[1.50, -2.25]::DECIMAL(5,2)[]", "{1.50,-2.25}",
     "0000000100000000000006a400000002000000010000000c0002000000000002000113880000000c0002000040000"
     "002000209c4",
     0},
    {"['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']::UUID[]", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
     "000000010000000000000b86000000010000000100000010a0eebc999c0b4ef8bb6d6bb9bd380a11", 0},
    {"[1, 2, 3]::SMALLINT[3]", "{1,2,3}",
     "0000000100000000000000150000000300000001000000020001000000020002000000020003", 0},
    {"[[1, 2], [3, 4]]::INTEGER[2][2]", "{{1,2},{3,4}}",
     "000000020000000000000017000000020000000100000002000000010000000400000001000000040000000200000"
     "004000000030000000400000004",
     0},
    {"['{\"a\":1}']::JSON[]", "{\"{\\\"a\\\":1}\"}",
     "0000000100000000000000720000000100000001000000077b2261223a317d", 0},
    {"['04:05:06']::TIME[]", "{04:05:06}",
     "00000001000000000000043b000000010000000100000008000000036c8bc080", 0},
    {"[['a b', NULL], ['c', 'd']]::VARCHAR[][]", "{{\"a b\",NULL},{c,d}}",
     "0000000200000001000000190000000200000001000000020000000100000003612062ffffffff000000016300000"
     "00164",
     0},
    {"['2024-01-02 03:04:05+00']::TIMESTAMPTZ[]", "{\"2024-01-02 04:04:05+01\"}",
     "0000000100000000000004a00000000100000001000000080002b0ec8515f340", 3600},
    {"['04:05:06+02']::TIMETZ[]", "{04:05:06+02}",
     "0000000100000000000004f200000001000000010000000c000000036c8bc080ffffe3e0", 0},
    {"[-1.5, 0, NULL]::DECIMAL(3,1)[]", "{-1.5,0.0,NULL}",
     "0000000100000001000006a400000003000000010000000c000200004000000100011388000000080000000000000"
     "001ffffffff",
     0},
    {"[18446744073709551615]::UBIGINT[]", "{18446744073709551615}",
     "0000000100000000000006a4000000010000000100000012000500040000000007341a5802e103bb064f", 0},
    {"['']::VARCHAR[]", "{\"\"}", "000000010000000000000019000000010000000100000000", 0},
    {"[' lead', 'trail ', e'new\\nline', 'Null', 'NULLS']::VARCHAR[]",
     "{\" lead\",\"trail \",\"new\nline\",\"Null\",NULLS}",
     "000000010000000000000019000000050000000100000005206c65616400000006747261696c20000000086e65770"
     "a6c696e65000000044e756c6c000000054e554c4c53",
     0},
    {"[1::TINYINT, NULL]", "{1,NULL}",
     "0000000100000001000000150000000200000001000000020001ffffffff", 0},
    {"1.0e-10::DOUBLE", "1e-10", "3ddb7cdfd9d7bdbb", 0},
    {"123456789012345.6::DOUBLE", "123456789012345.6", "42dc12218377de66", 0},
    {"9007199254740993::DOUBLE", "9.007199254740992e+15", "4340000000000000", 0},
    {"(-0.000123)::DOUBLE", "-0.000123", "bf201f31f46ed246", 0},
    {"(to_months(1) + to_microseconds(-1))", "1 mon -00:00:00.000001",
     "ffffffffffffffff0000000000000001", 0},
    {"(to_months(-25) + to_days(-1))", "-2 years -1 mons -1 days",
     "0000000000000000ffffffffffffffe7", 0},
    {"'a\\b c'::VARCHAR", "a\\b c", "615c622063", 0},
};

TEST(PgTypesPostgresParity, TextMatchesPostgres) {
  for (const Case& c : kCases) {
    try {
      EXPECT_EQ(text_of(c.duck, c.offset), c.text) << c.duck;
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.duck << ": " << e.what();
    }
  }
}

TEST(PgTypesPostgresParity, BinaryMatchesPostgres) {
  for (const Case& c : kCases) {
    try {
      EXPECT_EQ(hex(binary_of(c.duck, c.offset)), c.bin) << c.duck;
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.duck << ": " << e.what();
    }
  }
}

// Binary output decoded back as a Bind parameter prints the same text again.
TEST(PgTypesPostgresParity, BinaryRoundTrips) {
  for (const Case& c : kCases) {
    PgType t = type_of(c.duck);
    SCOPED_TRACE(c.duck);
    try {
      std::string bytes = binary_of(c.duck, c.offset);
      duck::Value v = decode_binary(t.oid, bytes);
      std::string back = text_of_param(v, c.offset);
      EXPECT_EQ(back, c.text);
      // And re-encoding that parameter in binary gives the same bytes.
      duck::PreparedStatement st = conn().prepare("SELECT ?");
      st.bind(0, v);
      duck::Result r = st.execute(false);
      Values again = encode_result(r, Format::kBinary, EncodeOptions{c.offset});
      // json[] comes back as text[] (DuckDB lists of JSON lose the alias); the elements agree.
      if (t.oid != oid::kJsonArray) {
        EXPECT_EQ(hex(again.at(0).value()), c.bin);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(PgTypesTypeOf, MapsDuckTypesToPostgres) {
  struct T {
    const char* expr;
    int32_t oid;
    int16_t len;
    int32_t typmod;
  } cases[] = {
      {"true", 16, 1, -1},
      {"1::TINYINT", 21, 2, -1},
      {"1::SMALLINT", 21, 2, -1},
      {"1::UTINYINT", 21, 2, -1},
      {"1::INTEGER", 23, 4, -1},
      {"1::USMALLINT", 23, 4, -1},
      {"1::BIGINT", 20, 8, -1},
      {"1::UINTEGER", 20, 8, -1},
      {"1::UBIGINT", 1700, -1, -1},
      {"1::HUGEINT", 1700, -1, -1},
      {"1::UHUGEINT", 1700, -1, -1},
      {"1::DECIMAL(10,2)", 1700, -1, ((10 << 16) | 2) + 4},
      {"1::FLOAT", 700, 4, -1},
      {"1::DOUBLE", 701, 8, -1},
      {"'a'", 25, -1, -1},
      {"'{}'::JSON", 114, -1, -1},
      {"''::BLOB", 17, -1, -1},
      {"DATE '2020-01-01'", 1082, 4, -1},
      {"TIME '01:02:03'", 1083, 8, -1},
      {"'01:02:03+00'::TIMETZ", 1266, 12, -1},
      {"TIMESTAMP '2020-01-01'", 1114, 8, -1},
      {"'2020-01-01'::TIMESTAMP_S", 1114, 8, -1},
      {"'2020-01-01'::TIMESTAMP_MS", 1114, 8, -1},
      {"'2020-01-01'::TIMESTAMP_NS", 1114, 8, -1},
      {"'2020-01-01'::TIMESTAMPTZ", 1184, 8, -1},
      {"INTERVAL 1 DAY", 1186, 16, -1},
      {"gen_random_uuid()", 2950, 16, -1},
      {"'a'::ENUM('a', 'b')", 25, -1, -1},
      {"[1, 2]", 1007, -1, -1},
      {"[[1, 2]]", 1007, -1, -1},
      {"[1, 2]::INTEGER[2]", 1007, -1, -1},
      {"['a']", 1009, -1, -1},
      {"[1.5::DECIMAL(4,1)]", 1231, -1, ((4 << 16) | 1) + 4},
      {"['{}'::JSON]", 199, -1, -1},
      {"[1::UTINYINT]", 1005, -1, -1},
      {"['01:02:03+00'::TIMETZ]", 1270, -1, -1},
      {"{'a': 1}", 25, -1, -1},
      {"MAP {'a': 1}", 25, -1, -1},
      {"[{'a': 1}]", 25, -1, -1},
      {"'101'::BIT", 1560, -1, -1},  // bit, what B'101' is
      {"1::BIGNUM", 25, -1, -1},
      {"union_value(n := 1)", 25, -1, -1},
  };
  for (const T& c : cases) {
    PgType t = type_of(c.expr);
    EXPECT_EQ(t.oid, c.oid) << c.expr;
    EXPECT_EQ(t.typlen, c.len) << c.expr;
    EXPECT_EQ(t.typmod, c.typmod) << c.expr;
  }
}

TEST(PgTypesTypeOf, ArrayAndElementOids) {
  EXPECT_EQ(array_oid_of(oid::kInt4), oid::kInt4Array);
  EXPECT_EQ(array_oid_of(oid::kText), oid::kTextArray);
  EXPECT_EQ(array_oid_of(oid::kJsonb), oid::kJsonbArray);
  EXPECT_EQ(array_oid_of(oid::kInt4Array), 0);
  EXPECT_EQ(element_oid_of(oid::kFloat8Array), oid::kFloat8);
  EXPECT_EQ(element_oid_of(oid::kUuidArray), oid::kUuid);
  EXPECT_EQ(element_oid_of(oid::kInt4), 0);
  EXPECT_EQ(duckdb_type_name_of(oid::kInt4), "INTEGER");
  EXPECT_EQ(duckdb_type_name_of(oid::kVarchar), "VARCHAR");
  EXPECT_EQ(duckdb_type_name_of(oid::kTimestamptz), "TIMESTAMPTZ");
  EXPECT_EQ(duckdb_type_name_of(oid::kJsonb), "jsonb");  // the alias each warehouse registers
  EXPECT_EQ(duckdb_type_name_of(oid::kInt8Array), "BIGINT[]");
  EXPECT_EQ(duckdb_type_name_of(oid::kNumeric), "");
  EXPECT_EQ(duckdb_type_name_of(oid::kNumericArray), "");
  EXPECT_EQ(duckdb_type_name_of(123456), "");
  // Every name we hand out is one DuckDB accepts as a cast target.
  for (int32_t o : {16,   17,   18,   19,   20,   21,   23,   25,   26,   114,  700,  701, 1042,
                    1043, 1082, 1083, 1114, 1184, 1186, 1266, 2950, 1007, 1009, 199}) {
    std::string name = duckdb_type_name_of(o);
    ASSERT_FALSE(name.empty()) << o;
    EXPECT_NO_THROW(conn().query("SELECT NULL::" + name)) << name;
  }
}

// The one type table agrees with the catalog's pg_type (PostgreSQL 15's rows) on every
// entry's name, length and array type, and each array type names its element back.
TEST(PgTypesTable, AgreesWithTheCatalog) {
  duck::Database db("", {});
  auto c = db.connect();
  warehouse::register_session_functions(*c);  // jsonb and the types the catalog uses
  c->query(sql::catalog_install_sql());
  for (const PgTypeInfo& t : pg_type_table()) {
    duck::Result r = c->query("SELECT typname || '|' || typlen || '|' || typarray FROM "
                              "duckgres_catalog.__pg_type_builtin WHERE oid = " + std::to_string(t.oid));
    char* v = duckdb_row_count(r.raw()) == 1 ? duckdb_value_varchar(r.raw(), 0, 0) : nullptr;
    std::string row = v ? v : "(none)";
    if (v) duckdb_free(v);
    EXPECT_EQ(row, std::string(t.name) + "|" + std::to_string(t.length) + "|" +
                       std::to_string(t.array_oid))
        << "oid " << t.oid;
    EXPECT_EQ(element_oid_of(t.array_oid), t.oid) << t.name;
    EXPECT_EQ(pg_type_info(t.oid), &t);
  }
  // Each scalar's decoded DuckDB type is the one a text parameter is cast to (numeric: by scale).
  for (const PgTypeInfo& t : pg_type_table()) {
    if (t.oid == oid::kNumeric) continue;
    duck::LogicalType decoded = element_logical_type(t.oid, -1);
    duck::Result r = c->query(std::string("SELECT NULL::") + t.duck_cast);
    duck::LogicalType cast(duckdb_column_logical_type(r.raw(), 0));
    EXPECT_EQ(duckdb_get_type_id(decoded.get()), duckdb_get_type_id(cast.get())) << t.name;
  }
}

// Types with no PostgreSQL twin print as DuckDB's own VARCHAR cast does.
// ROW(…) is a record in PostgreSQL: record_out's commas without blanks, quotes where needed,
// NULL as nothing (DuckDB's cast writes (1, a b, NULL)).
TEST(PgTypesDuckText, RowsPrintAsRecords) {
  duck::Result r = conn().query("SELECT row(1, 'a b', NULL, '', 'x,y', true)");
  duck::LogicalType t = r.column_type(0);
  auto text = make_encoder(t.get(), Format::kText, {});
  duck::DataChunk chunk = r.fetch();
  ASSERT_TRUE(chunk);
  text->set_vector(chunk.column(0));
  std::string got;
  text->append_value(0, got);
  EXPECT_EQ(got, "(1,\"a b\",,\"\",\"x,y\",t)");
}

TEST(PgTypesDuckText, UnmappedTypesMatchDuckdbCast) {
  const char* exprs[] = {
      "{'a': 1, 'b': 'text', 'c': 'he''s, x', 'd': '', 'e': NULL, 'f': [1.5::DOUBLE, 1e20, 0.1]}",
      "{'g': true, 'h': 1.0::DOUBLE, 'i': 'a b', 'j': ' x', 'k': 'null', 'l': 'a=b'}",
      "MAP {'k': 'v w', 'x': '{'}",
      "MAP {1: [1, 2], 2: NULL}",
      "{'t': TIMESTAMP '2024-01-02 03:04:05.5', 'tz': TIMESTAMPTZ '2024-01-02 03:04:05.5+00', "
      "'d': DATE '2024-01-01', 'bc': DATE '-0044-03-15', 'tbc': TIMESTAMP '-0044-03-15 01:02:03'}",
      "{'i': INTERVAL '1 year 2 months 3 days 04:05:06.5', 'z': INTERVAL 0 DAY, 'n': to_days(1) - "
      "to_seconds(1), 'm': to_months(-14)}",
      "{'bl': '\\x0A\\x41\\x5C\\x27'::BLOB, 'u': 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID, "
      "'dec': 1.50::DECIMAL(5,2), 'f4': 0.1::FLOAT, 'tm': TIME '01:02:03'}",
      "{'h': 12345678901234567890123::HUGEINT, 'inf': 'inf'::DOUBLE, 'nan': 'nan'::DOUBLE, 'big': "
      "1e15::DOUBLE, 'small': 1e-5::DOUBLE, 'e': 'a'::ENUM('a', 'b')}",
      "[{'a': 'x y'}, NULL]",
      "{'a': ['x y', 'z', '', NULL, 'NULL', '[x]', 'it''s']}",
      "{'it''s': 1, 'a a': 2}",
      "[MAP {'a': 1}]",
      "union_value(num := 2)::UNION(num INTEGER, s VARCHAR)",
      "union_value(s := 'hello')::UNION(num INTEGER, s VARCHAR)",
      "'10110'::BIT",
      "'1'::BIT",
      "123456789012345678901234567890::BIGNUM",
      "(-5)::BIGNUM",
      "0::BIGNUM",
      "(-1000000000000000000000)::BIGNUM",
      "{'ns': '2024-01-01 00:00:00.123456789'::TIMESTAMP_NS, 'tn': '01:02:03.5'::TIMETZ}",
  };
  for (const char* e : exprs) {
    std::string expr(e);
    // Some expressions cannot be cast to STRUCT[][]; skip those DuckDB rejects.
    duck::Result r;
    try {
      r = conn().query("SELECT " + expr + ", (" + expr + ")::VARCHAR");
    } catch (const duck::DuckError& err) {
      ADD_FAILURE() << expr << ": " << err.what();
      continue;
    }
    duck::LogicalType t0 = r.column_type(0);
    auto text = make_encoder(t0.get(), Format::kText, {});
    auto bin = make_encoder(t0.get(), Format::kBinary, {});
    duck::LogicalType t1 = r.column_type(1);
    auto ref = make_encoder(t1.get(), Format::kText, {});
    duck::DataChunk chunk = r.fetch();
    ASSERT_TRUE(chunk);
    text->set_vector(chunk.column(0));
    bin->set_vector(chunk.column(0));
    ref->set_vector(chunk.column(1));
    std::string got, want, got_bin;
    text->append_value(0, got);
    bin->append_value(0, got_bin);
    ref->append_value(0, want);
    EXPECT_EQ(got, want) << expr;
    EXPECT_EQ(got_bin, want) << expr;
  }
}

TEST(PgTypesText, NullsAndMultipleChunks) {
  // 5000 rows span several vectors; every third is NULL.
  Values v = encode_all(
      "SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END::DOUBLE FROM range(5000) t(i)",
      Format::kText);
  ASSERT_EQ(v.size(), 5000u);
  for (int i = 0; i < 5000; i++) {
    if (i % 3 == 0) {
      EXPECT_FALSE(v[i].has_value()) << i;
    } else {
      ASSERT_TRUE(v[i].has_value()) << i;
      std::string want = i % 2 == 0 ? std::to_string(i / 2) : std::to_string(i / 2) + ".5";
      EXPECT_EQ(*v[i], want);
    }
  }
}

TEST(PgTypesText, FieldFraming) {
  duck::Result r = conn().query("SELECT * FROM (VALUES (42), (NULL)) t(x)");
  duck::LogicalType t = r.column_type(0);
  auto enc = make_encoder(t.get(), Format::kBinary, {});
  duck::DataChunk chunk = r.fetch();
  enc->set_vector(chunk.column(0));
  WriteBuffer out;
  enc->append_field(0, out);
  enc->append_field(1, out);
  EXPECT_EQ(hex(out.data()), "000000040000002affffffff");
}

TEST(PgTypesText, LongStringsAndJson) {
  std::string long_text(100, 'x');
  EXPECT_EQ(text_of("'" + long_text + "'"), long_text);
  EXPECT_EQ(text_of("'{\"k\": [1, 2, {\"x\": null}]}'::JSON"), "{\"k\": [1, 2, {\"x\": null}]}");
  EXPECT_EQ(text_of("'b'::ENUM('a', 'b')"), "b");
  EXPECT_EQ(binary_of("'b'::ENUM('a', 'b')"), "b");
  EXPECT_EQ(text_of("['a', 'b']::ENUM('a', 'b')[]"), "{a,b}");
  EXPECT_EQ(text_of("[NULL]::INTEGER[]"), "{NULL}");
  EXPECT_EQ(text_of("[[NULL, 1], [2, 3]]"), "{{NULL,1},{2,3}}");
}

TEST(PgTypesBinary, RaggedNestedListsAreRejected) {
  EXPECT_THROW(binary_of("[[1, 2], [3]]"), SqlError);
  EXPECT_THROW(binary_of("[[1, 2], NULL]"), SqlError);
  EXPECT_EQ(text_of("[[1, 2], [3]]"), "{{1,2},{3}}");
}

void expect_sql_error(int32_t type_oid, const std::string& bytes, const char* sqlstate) {
  try {
    decode_binary(type_oid, bytes);
    ADD_FAILURE() << "no error for oid " << type_oid << " bytes " << hex(bytes);
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate) << type_oid;
  }
}

TEST(PgTypesDecode, RejectsBadBytes) {
  expect_sql_error(oid::kInt4, unhex("000001"), "22P03");
  expect_sql_error(oid::kInt8, unhex("00"), "22P03");
  expect_sql_error(oid::kBool, unhex("0001"), "22P03");
  expect_sql_error(oid::kFloat8, unhex("3fb99999"), "22P03");
  expect_sql_error(oid::kNumeric, unhex("0001"), "22P03");
  expect_sql_error(oid::kNumeric, unhex("0002000000000000000a"), "22P03");  // missing digit
  expect_sql_error(oid::kDate, unhex("0000000000"), "22P03");
  expect_sql_error(oid::kInterval, unhex("00"), "22P03");
  expect_sql_error(oid::kUuid, unhex("00112233"), "22P03");
  expect_sql_error(oid::kJsonb, unhex("027b7d"), "22P03");
  expect_sql_error(oid::kInt4Array, unhex("0000000100000000"), "22P03");
  // An int4[] header that claims int8 elements (datatype_mismatch, as PostgreSQL).
  expect_sql_error(oid::kInt4Array,
                   unhex("00000001000000000000001400000001000000010000000400000001"), "42804");
  expect_sql_error(oid::kInt4Array,
                   unhex("000000010000000000000017000000020000000100000004000000"
                         "01"),
                   "22P03");
  expect_sql_error(600, "x", "0A000");  // point
}

// Every decodable type, from bytes written by hand.
TEST(PgTypesDecode, EveryTypeRoundTrips) {
  struct D {
    int32_t oid;
    const char* hex;
    const char* text;
  } cases[] = {
      {oid::kBool, "01", "t"},
      {oid::kBool, "00", "f"},
      {oid::kInt2, "fffb", "-5"},
      {oid::kInt4, "7fffffff", "2147483647"},
      {oid::kInt8, "8000000000000000", "-9223372036854775808"},
      {oid::kOid, "ffffffff", "4294967295"},
      {oid::kFloat4, "3dcccccd", "0.1"},
      {oid::kFloat8, "3fb999999999999a", "0.1"},
      {oid::kNumeric, "0003000140000003000109291a7c", "-12345.678"},
      {oid::kNumeric, "0000000000000002", "0.00"},
      {oid::kNumeric, "0001fffe000000051388", "0.00005"},
      {oid::kNumeric, "00010002000000000001", "100000000"},
      {oid::kNumeric, "00000000c0000000", "NaN"},
      {oid::kNumeric, "00000000d0000000", "Infinity"},
      // 10^40 does not fit DECIMAL(38): falls back to a double.
      {oid::kNumeric, "0001000a000000000001", "1e+40"},
      {oid::kText, "68c3a96c6c6f", "héllo"},
      {oid::kVarchar, "", ""},
      {oid::kBpchar, "6162", "ab"},
      {oid::kName, "6e", "n"},
      {oid::kJson, "7b7d", "{}"},
      {oid::kJsonb, "017b7d", "{}"},
      {oid::kBytea, "0a0b", "\\x0a0b"},
      {oid::kDate, "00000000", "2000-01-01"},
      {oid::kDate, "7fffffff", "infinity"},
      {oid::kDate, "80000000", "-infinity"},
      {oid::kDate, "fff49d7b", "0044-03-15 BC"},
      {oid::kTime, "000000036c9361a0", "04:05:06.5"},
      {oid::kTimetz, "000000036c8bc080ffffe3e0", "04:05:06+02"},
      {oid::kTimestamp, "0000000000000000", "2000-01-01 00:00:00"},
      {oid::kTimestamp, "7fffffffffffffff", "infinity"},
      {oid::kTimestamp, "8000000000000000", "-infinity"},
      {oid::kTimestamptz, "ffffffffffffffff", "1999-12-31 23:59:59.999999+00"},
      {oid::kInterval, "000000036c9361a0000000030000000e", "1 year 2 mons 3 days 04:05:06.5"},
      {oid::kUuid, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
      {oid::kInt4Array, "000000000000000000000017", "{}"},
      {oid::kInt4Array,
       "00000002000000010000001700000002000000010000000200000001000000040000000100000004000000"
       "020000000400000003ffffffff",
       "{{1,2},{3,NULL}}"},
      {oid::kTextArray, "000000010000000000000019000000020000000100000001610000000162", "{a,b}"},
      {oid::kNumericArray,
       "0000000100000000000006a400000002000000010000000800000000000000000000000a000100000000"
       "00010001",
       "{0.0,1.0}"},
      {oid::kBoolArray, "00000001000000010000001000000002000000010000000101ffffffff", "{t,NULL}"},
  };
  for (const D& c : cases) {
    SCOPED_TRACE(c.hex);
    try {
      duck::Value v = decode_binary(c.oid, unhex(c.hex));
      EXPECT_EQ(text_of_param(v), c.text) << c.oid;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(PgTypesText, TimestamptzOffsets) {
  EXPECT_EQ(text_of("TIMESTAMPTZ '2024-01-02 03:04:05+00'", 5 * 3600 + 30 * 60 + 15),
            "2024-01-02 08:34:20+05:30:15");
  EXPECT_EQ(text_of("TIMESTAMPTZ '0001-01-01 00:00:00+00'", -3600), "0001-12-31 23:00:00-01 BC");
}

// ---- Bind decoders fed hostile bytes (issue 17): each refuses with a SQLSTATE, never crashes,
// never reads past the bytes it was given. ----

std::string be16(int16_t v) {
  auto u = static_cast<uint16_t>(v);
  return {static_cast<char>(u >> 8), static_cast<char>(u)};
}
std::string be32(int32_t v) {
  auto u = static_cast<uint32_t>(v);
  return be16(static_cast<int16_t>(u >> 16)) + be16(static_cast<int16_t>(u));
}
std::string be64(int64_t v) {
  auto u = static_cast<uint64_t>(v);
  return be32(static_cast<int32_t>(u >> 32)) + be32(static_cast<int32_t>(u));
}

// An array header: ndim, flags, element OID, then (length, lower bound) per dimension.
std::string array_header(int32_t ndim, int32_t flags, int32_t elem,
                         std::vector<std::pair<int32_t, int32_t>> dims) {
  std::string out = be32(ndim) + be32(flags) + be32(elem);
  for (auto [len, lb] : dims) out += be32(len) + be32(lb);
  return out;
}
std::string int4_element(int32_t v) {
  return be32(4) + be32(v);
}

std::string decoded_text(int32_t type_oid, const std::string& bytes) {
  return text_of_param(decode_binary(type_oid, bytes));
}

// The crash of issue 17: one dimension of length 0 is an empty array, as PostgreSQL reads it.
TEST(PgTypesDecodeHostile, ZeroLengthDimensionIsAnEmptyArray) {
  EXPECT_EQ(decoded_text(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{0, 1}})), "{}");
  EXPECT_EQ(decoded_text(oid::kInt4Array, array_header(2, 0, oid::kInt4, {{0, 1}, {3, 1}})), "{}");
  EXPECT_EQ(decoded_text(oid::kInt4Array, array_header(2, 1, oid::kInt4, {{3, 1}, {0, 1}})), "{}");
  EXPECT_EQ(
      decoded_text(oid::kInt4Array, array_header(6, 0, oid::kInt4,
                                                 {{2, 1}, {2, 1}, {2, 1}, {2, 1}, {2, 1}, {0, 1}})),
      "{}");
  EXPECT_EQ(decoded_text(oid::kTextArray, array_header(1, 0, oid::kText, {{0, 0}})), "{}");
  EXPECT_EQ(decoded_text(oid::kNumericArray, array_header(1, 0, oid::kNumeric, {{0, 1}})), "{}");
  EXPECT_EQ(decoded_text(oid::kUuidArray, array_header(1, 0, oid::kUuid, {{0, 1}})), "{}");
  // Elements after an empty dimension are bytes nobody asked for.
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{0, 1}}) + int4_element(7),
                   "22P03");
  // A dimension of 0 still needs its element type right.
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt8, {{0, 1}}), "42804");
}

TEST(PgTypesDecodeHostile, ArrayHeadersDimensionsAndCounts) {
  const std::string good = array_header(2, 1, oid::kInt4, {{2, 1}, {2, 1}}) + int4_element(1) +
                           int4_element(2) + int4_element(3) + be32(-1);
  EXPECT_EQ(decoded_text(oid::kInt4Array, good), "{{1,2},{3,NULL}}");
  // Every truncation of a valid array, headers included.
  for (size_t n = 0; n < good.size(); ++n) {
    SCOPED_TRACE(n);
    expect_sql_error(oid::kInt4Array, good.substr(0, n), "22P03");
  }
  expect_sql_error(oid::kInt4Array, good + "x", "22P03");  // trailing bytes

  expect_sql_error(oid::kInt4Array, array_header(-1, 0, oid::kInt4, {}), "22P03");
  expect_sql_error(oid::kInt4Array, array_header(INT32_MIN, 0, oid::kInt4, {}), "22P03");
  expect_sql_error(
      oid::kInt4Array,
      array_header(7, 0, oid::kInt4, std::vector<std::pair<int32_t, int32_t>>(7, {1, 1})) +
          int4_element(1),
      "54000");
  expect_sql_error(oid::kInt4Array, array_header(INT32_MAX, 0, oid::kInt4, {}), "54000");
  expect_sql_error(oid::kInt4Array, array_header(1, 2, oid::kInt4, {{1, 1}}) + int4_element(1),
                   "22P03");
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kText, {{1, 1}}) + int4_element(1),
                   "42804");
  // Negative and huge lengths: refused before anything is allocated for them.
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{-1, 1}}), "54000");
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{INT32_MIN, 1}}), "54000");
  expect_sql_error(oid::kInt4Array, array_header(2, 0, oid::kInt4, {{65536, 1}, {65536, 1}}),
                   "54000");
  expect_sql_error(oid::kInt4Array, array_header(2, 0, oid::kInt4, {{-2, 1}, {-2, 1}}), "54000");
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{100000000, 1}}), "22P03");
  expect_sql_error(oid::kInt4Array, array_header(1, 0, oid::kInt4, {{INT32_MAX, 1}}), "54000");
  // The upper bound (lower bound + length - 1) must fit an int4.
  expect_sql_error(
      oid::kInt4Array,
      array_header(1, 0, oid::kInt4, {{2, INT32_MAX}}) + int4_element(1) + int4_element(2),
      "54000");
  EXPECT_EQ(decoded_text(oid::kInt4Array,
                         array_header(1, 0, oid::kInt4, {{1, INT32_MIN}}) + int4_element(5)),
            "{5}");
  // Element lengths: below -1, past the end, and not what the element type takes.
  const std::string one = array_header(1, 0, oid::kInt4, {{1, 1}});
  expect_sql_error(oid::kInt4Array, one + be32(-2), "22P03");
  expect_sql_error(oid::kInt4Array, one + be32(INT32_MIN), "22P03");
  expect_sql_error(oid::kInt4Array, one + be32(5) + be32(1), "22P03");
  expect_sql_error(oid::kInt4Array, one + be32(INT32_MAX) + be32(1), "22P03");
  expect_sql_error(oid::kInt4Array, one + be32(3) + "abc", "22P03");
  // Nesting that does not match the dimensions: too few or too many elements.
  expect_sql_error(oid::kInt4Array,
                   array_header(2, 0, oid::kInt4, {{2, 1}, {2, 1}}) + int4_element(1) +
                       int4_element(2) + int4_element(3),
                   "22P03");
  expect_sql_error(oid::kInt4Array,
                   array_header(2, 0, oid::kInt4, {{1, 1}, {2, 1}}) + int4_element(1) +
                       int4_element(2) + int4_element(3),
                   "22P03");
  // An element's own bytes are checked by its decoder.
  expect_sql_error(oid::kDateArray, array_header(1, 0, oid::kDate, {{1, 1}}) + be32(2) + "ab",
                   "22P03");
  expect_sql_error(
      oid::kNumericArray,
      array_header(1, 0, oid::kNumeric, {{1, 1}}) + be32(8) + be16(1) + be16(0) + be16(0) + be16(0),
      "22P03");
}

TEST(PgTypesDecodeHostile, NumericArraysOfMixedScaleAndSize) {
  // 10^36 and 0.00001 do not both fit DECIMAL(38, 5); the list falls back to doubles.
  std::string big = be16(1) + be16(9) + be16(0) + be16(0) + be16(1);
  std::string small = be16(1) + be16(-2) + be16(0) + be16(5) + be16(1000);
  std::string bytes = array_header(1, 0, oid::kNumeric, {{2, 1}}) + be32(int32_t(big.size())) +
                      big + be32(int32_t(small.size())) + small;
  EXPECT_EQ(decoded_text(oid::kNumericArray, bytes), "{1e+36,1e-05}");
}

TEST(PgTypesDecodeHostile, FixedLengthScalarsOfTheWrongLength) {
  const std::pair<int32_t, size_t> fixed[] = {
      {oid::kBool, 1},      {oid::kInt2, 2},    {oid::kInt4, 4},      {oid::kInt8, 8},
      {oid::kOid, 4},       {oid::kFloat4, 4},  {oid::kFloat8, 8},    {oid::kDate, 4},
      {oid::kTime, 8},      {oid::kTimetz, 12}, {oid::kTimestamp, 8}, {oid::kTimestamptz, 8},
      {oid::kInterval, 16}, {oid::kUuid, 16},
  };
  for (auto [type, len] : fixed) {
    for (size_t n = 0; n <= len + 9; ++n) {
      if (n == len) continue;
      SCOPED_TRACE(std::to_string(type) + " with " + std::to_string(n) + " bytes");
      expect_sql_error(type, std::string(n, '\0'), "22P03");
      // And each as an array element.
      int32_t array = array_oid_of(type);
      expect_sql_error(array,
                       array_header(1, 0, type, {{1, 1}}) + be32(int32_t(n)) + std::string(n, '\0'),
                       "22P03");
    }
  }
  expect_sql_error(oid::kBool, "\x02", "22P03");
}

TEST(PgTypesDecodeHostile, NumericHeaders) {
  for (size_t n = 0; n < 8; ++n) expect_sql_error(oid::kNumeric, std::string(n, '\0'), "22P03");
  auto numeric = [](int16_t ndigits, int16_t weight, uint16_t sign, int16_t dscale,
                    std::vector<int16_t> digits) {
    std::string out =
        be16(ndigits) + be16(weight) + be16(static_cast<int16_t>(sign)) + be16(dscale);
    for (int16_t d : digits) out += be16(d);
    return out;
  };
  expect_sql_error(oid::kNumeric, numeric(-1, 0, 0, 0, {}), "22P03");
  expect_sql_error(oid::kNumeric, numeric(2, 0, 0, 0, {1}), "22P03");     // a digit short
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0, 0, {1, 2}), "22P03");  // a digit over
  expect_sql_error(oid::kNumeric, numeric(INT16_MAX, 0, 0, 0, {1}), "22P03");
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0x8000, 0, {1}), "22P03");  // sign
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0x4001, 0, {1}), "22P03");
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0, 0x4000, {1}), "22P03");  // dscale
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0, -1, {1}), "22P03");
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0, 0, {10000}), "22P03");  // digit
  expect_sql_error(oid::kNumeric, numeric(1, 0, 0, 0, {-1}), "22P03");
  // Extreme weights and scales decode to something, without overflow.
  EXPECT_NO_THROW(decode_binary(oid::kNumeric, numeric(1, INT16_MAX, 0, 0, {9999})));
  EXPECT_NO_THROW(decode_binary(oid::kNumeric, numeric(1, INT16_MIN, 0x4000, 0x3FFF, {9999})));
  EXPECT_NO_THROW(decode_binary(oid::kNumeric, numeric(2, INT16_MIN, 0, 0, {9999, 9999})));
  EXPECT_NO_THROW(decoded_text(oid::kNumeric, numeric(1, 0, 0, 40, {7})));
}

TEST(PgTypesDecodeHostile, DateAndTimeRanges) {
  // PostgreSQL's date range: 4714-11-24 BC to 5874897-12-31.
  EXPECT_EQ(decoded_text(oid::kDate, be32(-2451545)), "4714-11-24 BC");
  expect_sql_error(oid::kDate, be32(-2451546), "22008");
  expect_sql_error(oid::kDate, be32(2145031949), "22008");
  expect_sql_error(oid::kDate, be32(INT32_MAX - 1), "22008");
  expect_sql_error(oid::kDate, be32(INT32_MIN + 1), "22008");
  expect_sql_error(oid::kTime, be64(-1), "22008");
  expect_sql_error(oid::kTime, be64(int64_t{86400} * 1000000 + 1), "22008");
  expect_sql_error(oid::kTime, be64(INT64_MIN), "22008");
  expect_sql_error(oid::kTimetz, be64(0) + be32(16 * 3600), "22009");
  expect_sql_error(oid::kTimetz, be64(0) + be32(INT32_MIN), "22009");
  expect_sql_error(oid::kTimetz, be64(-5) + be32(0), "22008");
  for (int32_t t : {oid::kTimestamp, oid::kTimestamptz}) {
    expect_sql_error(t, be64(INT64_MAX - 1), "22008");
    expect_sql_error(t, be64(INT64_MIN + 1), "22008");
    expect_sql_error(t, be64(-211813488000000001), "22008");  // before 4714-11-24 BC
  }
  EXPECT_EQ(decoded_text(oid::kTimestamp, be64(-211813488000000000)), "4714-11-24 00:00:00 BC");
  // Intervals take any field values; the extremes print without overflow.
  EXPECT_NO_THROW(
      decoded_text(oid::kInterval, be64(INT64_MIN) + be32(INT32_MIN) + be32(INT32_MIN)));
  EXPECT_NO_THROW(
      decoded_text(oid::kInterval, be64(INT64_MAX) + be32(INT32_MAX) + be32(INT32_MAX)));
}

TEST(PgTypesDecodeHostile, TextMustBeUtf8) {
  for (int32_t t :
       {oid::kText, oid::kVarchar, oid::kBpchar, oid::kName, oid::kJson, oid::kUnknown}) {
    SCOPED_TRACE(t);
    expect_sql_error(t, "\xff", "22021");
    expect_sql_error(t, "ab\xc3", "22021");        // cut in the middle of a character
    expect_sql_error(t, "\xed\xa0\x80", "22021");  // a surrogate
    expect_sql_error(t, std::string("a\0b", 3), "22021");
  }
  expect_sql_error(oid::kJsonb, "\x01\xff", "22021");
  expect_sql_error(oid::kJsonb, "", "22P03");
  expect_sql_error(oid::kJsonb, "\x02{}", "22P03");
  expect_sql_error(oid::kTextArray, array_header(1, 0, oid::kText, {{1, 1}}) + be32(1) + "\xff",
                   "22021");
  EXPECT_EQ(decoded_text(oid::kText, "h\xc3\xa9"), "h\xc3\xa9");
  // bytea takes any bytes.
  EXPECT_EQ(decoded_text(oid::kBytea, std::string("\0\xff", 2)), "\\x00ff");
  EXPECT_EQ(decoded_text(oid::kBytea, ""), "\\x");
  // Types without a binary decoder are refused as such.
  expect_sql_error(869, "\x02\x20\x00\x04\x7f\x00\x00\x01", "0A000");  // inet
  expect_sql_error(0, "x", "0A000");
}

void expect_text_error(duckdb_type type, const std::string& text, const char* sqlstate) {
  try {
    typed_text_value(type, text);
    ADD_FAILURE() << "no error for " << hex(text);
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate) << hex(text) << ": " << e.what();
  }
}

TEST(PgTypesTextParameters, RefusesBadInput) {
  expect_text_error(DUCKDB_TYPE_INTEGER, "12x", "22P02");
  expect_text_error(DUCKDB_TYPE_INTEGER, "", "22P02");
  expect_text_error(DUCKDB_TYPE_INTEGER, "-", "22P02");
  expect_text_error(DUCKDB_TYPE_INTEGER, "2147483648", "22003");
  expect_text_error(DUCKDB_TYPE_SMALLINT, "99999999999999999999999", "22003");
  expect_text_error(DUCKDB_TYPE_BIGINT, "1.5", "22P02");
  expect_text_error(DUCKDB_TYPE_DOUBLE, "1e999", "22003");
  expect_text_error(DUCKDB_TYPE_DOUBLE, "", "22P02");
  expect_text_error(DUCKDB_TYPE_FLOAT, "1e39", "22003");
  expect_text_error(DUCKDB_TYPE_BOOLEAN, "maybe", "22P02");
  expect_text_error(DUCKDB_TYPE_UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "22P02");
  expect_text_error(DUCKDB_TYPE_UUID, "{", "22P02");
  expect_text_error(DUCKDB_TYPE_UUID, "", "22P02");
  // Invalid UTF-8 and NUL bytes, whatever type the text is read as.
  for (duckdb_type t : {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_INVALID, DUCKDB_TYPE_DATE,
                        DUCKDB_TYPE_TIMESTAMP, DUCKDB_TYPE_INTEGER}) {
    expect_text_error(t, "1\xff", "22021");
    expect_text_error(t, std::string("1\0", 2), "22021");
  }
  EXPECT_FALSE(typed_text_value(DUCKDB_TYPE_DATE, "2024-02-30"));  // left to DuckDB's cast
  EXPECT_FALSE(typed_text_value(DUCKDB_TYPE_TIMESTAMP, "2024-02-29 25:00:00"));
  EXPECT_TRUE(typed_text_value(DUCKDB_TYPE_INTEGER, " 42 "));
  EXPECT_TRUE(typed_text_value(DUCKDB_TYPE_INTEGER, "+42"));  // PostgreSQL reads a leading +
}

TEST(PgTypesTextParameters, ByteaText) {
  EXPECT_EQ(decode_bytea_text("\\x0a0B"), "\x0a\x0b");
  EXPECT_EQ(decode_bytea_text("a\\\\b\\001"), std::string("a\\b\001", 4));
  // Bad hex digits are 22023 in PostgreSQL, a bad escape 22P02.
  for (const char* bad : {"\\x0", "\\xzz", "\\x0g", "\\x0 a", "\\", "a\\", "\\4", "\\400", "\\08"}) {
    try {
      decode_bytea_text(bad);
      ADD_FAILURE() << bad;
    } catch (const SqlError& e) {
      EXPECT_EQ(e.sqlstate(), bad[1] == 'x' ? "22023" : "22P02") << bad;
    }
  }
  EXPECT_EQ(decode_bytea_text("\\x 0a\n0b"), "\x0a\x0b");
  try {
    decode_bytea_text("\xff");
    ADD_FAILURE() << "invalid UTF-8 bytea text accepted";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), "22021");
  }
}

void expect_list_error(const std::string& text, const char* sqlstate) {
  std::optional<sql::ArrayLiteral> a = sql::parse_array_literal(text);
  ASSERT_TRUE(a) << text;
  try {
    varchar_list(*a);
    ADD_FAILURE() << "no error for " << text;
  } catch (const SqlError& e) {
    EXPECT_EQ(e.sqlstate(), sqlstate) << text << ": " << e.what();
  }
}

TEST(PgTypesTextParameters, ArrayTextShapes) {
  EXPECT_EQ(text_of_param(varchar_list(*sql::parse_array_literal("{{1,2},{3,NULL}}"))),
            "{{1,2},{3,NULL}}");
  EXPECT_EQ(text_of_param(varchar_list(*sql::parse_array_literal("{}"))), "{}");
  // Sub-arrays must match: PostgreSQL refuses ragged and mixed nesting.
  expect_list_error("{{1,2},{3}}", "22P02");
  expect_list_error("{{1},2}", "22P02");
  expect_list_error("{1,{2}}", "22P02");
  expect_list_error("{{1},NULL}", "22P02");
  expect_list_error("{{{1}},{2}}", "22P02");
  expect_list_error("{{1},{}}", "22P02");
  expect_list_error("{{{{{{{1}}}}}}}", "54000");  // 7 dimensions
  expect_list_error("{\"\xff\"}", "22021");
  EXPECT_EQ(text_of_param(varchar_list(*sql::parse_array_literal("{{{{{{1}}}}}}"))),
            "{{{{{{1}}}}}}");
}

}  // namespace
}  // namespace ducklings::pgwire
