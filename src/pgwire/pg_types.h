// PostgreSQL types for DuckDB values: the type table and type OIDs for RowDescription
// (pg_type_table.cpp), text and binary encoders that read straight from DuckDB vectors
// (pg_encoders.cpp, with value_format.h), and decoders for binary Bind parameters
// (pg_binary_decode.cpp).
#pragma once
#include <duckdb.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "duck/duck.h"
#include "pgwire/buffer.h"

namespace ducklings::duck {
class TimeZone;  // duck/pg_functions.h
}  // namespace ducklings::duck

namespace ducklings::pgwire {

enum class Format : int16_t { kText = 0, kBinary = 1 };

// Well-known PostgreSQL type OIDs (pg_type.oid).
namespace oid {
constexpr int32_t kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21,
                  kInt4 = 23, kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701,
                  kUnknown = 705, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083,
                  kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kTimetz = 1266,
                  kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
// Array types
constexpr int32_t kBoolArray = 1000, kByteaArray = 1001, kInt2Array = 1005, kInt4Array = 1007,
                  kTextArray = 1009, kVarcharArray = 1015, kInt8Array = 1016, kFloat4Array = 1021,
                  kFloat8Array = 1022, kTimestampArray = 1115, kDateArray = 1182, kTimeArray = 1183,
                  kTimestamptzArray = 1185, kIntervalArray = 1187, kNumericArray = 1231,
                  kUuidArray = 2951, kJsonArray = 199, kJsonbArray = 3807, kCharArray = 1002,
                  kNameArray = 1003, kBpcharArray = 1014, kOidArray = 1028, kTimetzArray = 1270;
}  // namespace oid

// How a column is described in RowDescription.
struct PgType {
  int32_t oid;
  int16_t typlen;  // -1 for variable length
  int32_t typmod;  // -1 when none
};

// A PostgreSQL type of the one table the server speaks (pg_type_table.cpp); its name, length
// and array type agree with the catalog's pg_type.
struct PgTypeInfo {
  int32_t oid;
  const char* name;     // typname
  int16_t length;       // typlen: -1 for variable length
  int32_t array_oid;    // typarray
  duckdb_type duck;     // what a value of it becomes in DuckDB (DECIMAL: numeric)
  const char* duck_cast;  // the DuckDB type a text parameter of it is cast to ("": inferred)
};
std::span<const PgTypeInfo> pg_type_table();
// The table's entry for `type_oid`, nullptr when it has none.
const PgTypeInfo* pg_type_info(int32_t type_oid);

// The PostgreSQL type a DuckDB column is presented as (text OID 25 when it has no twin).
PgType pg_type_of(duckdb_logical_type type);

// The array type OID of an element type OID, 0 when there is none.
int32_t array_oid_of(int32_t element_oid);
// The element type OID of an array type OID, 0 when it is not an array.
int32_t element_oid_of(int32_t array_oid);
// The DuckDB type of a decoded value of PostgreSQL type `type_oid` (for building LIST values);
// numeric is DECIMAL(38, numeric_scale), or DOUBLE when the scale is negative.
duck::LogicalType element_logical_type(int32_t type_oid, int numeric_scale);
// A BIGINT the catalog declares as oid (pg_class.oid & co, sql/catalog_types.h).
bool is_catalog_oid(duckdb_logical_type type);

// Session settings that change how values are written.
struct EncodeOptions {
  // Offset of the session's TimeZone from UTC in seconds, for timestamptz output.
  int32_t utc_offset_seconds = 0;
  // The session's TimeZone from the tz database, for the offset in force at each timestamptz
  // (daylight saving time); nullptr: utc_offset_seconds for every value.
  const duck::TimeZone* time_zone = nullptr;
  // extra_float_digits: 1 to 3 print floats' shortest exact digits; 0 and below round them to
  // 15 (double precision) or 6 (real) digits plus this, as PostgreSQL does.
  int extra_float_digits = 1;
};

// Encodes the values of one result column. Not thread-safe; one per column per portal.
class ColumnEncoder {
 public:
  virtual ~ColumnEncoder() = default;
  // Points the encoder at this chunk's vector of the column.
  virtual void set_vector(duckdb_vector vector) = 0;
  virtual bool is_null(idx_t row) const = 0;
  // Appends the bytes of the non-NULL value at `row` in the encoder's format.
  virtual void append_value(idx_t row, std::string& out) = 0;

  // Appends a DataRow field: int32 length then bytes, or -1 for NULL.
  void append_field(idx_t row, WriteBuffer& out) {
    if (is_null(row)) {
      out.put_i32(-1);
      return;
    }
    size_t at = out.size();
    out.put_i32(0);
    append_value(row, out.data());
    out.patch_i32(at, static_cast<int32_t>(out.size() - at - 4));
  }
};

std::unique_ptr<ColumnEncoder> make_encoder(duckdb_logical_type type, Format format,
                                            const EncodeOptions& options);

// Decodes a binary-format parameter (or COPY BINARY field) of PostgreSQL type `type_oid`
// into a DuckDB value; throws SqlError 22P03 (invalid_binary_representation) on bad bytes,
// 22008/22009 for dates and times out of range, 22021 for text that is not UTF-8, 54000 and
// 42804 for arrays beyond PostgreSQL's limits or of another element type, and 0A000 for a type
// it cannot decode.
duck::Value decode_binary(int32_t type_oid, std::string_view bytes);

// Throws SqlError 22021 unless `text` is valid UTF-8 without NUL bytes, as PostgreSQL checks
// every text it receives.
void check_text_encoding(std::string_view text);

// The DuckDB type name to cast a text parameter to for a PostgreSQL type OID ("" = leave it
// to DuckDB's inference).
std::string duckdb_type_name_of(int32_t type_oid);

}  // namespace ducklings::pgwire
