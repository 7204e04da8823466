// PostgreSQL types for DuckDB values on the wire: the names of the one type table
// (pgtypes/), text and binary encoders that read straight from DuckDB vectors (pg_encoders.cpp,
// with value_format.h), and decoders for binary Bind parameters (pg_binary_decode.cpp).
#pragma once
#include <duckdb.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "duck/duck.h"
#include "pgtypes/pg_type_table.h"
#include "pgtypes/text_encoding.h"
#include "pgwire/buffer.h"

namespace ducklings::duck {
class TimeZone;  // duck/pg_functions.h
}  // namespace ducklings::duck

namespace ducklings::pgwire {

// The type table lives in pgtypes/ (below the gateway); the protocol uses its names as its own.
namespace oid = pgtypes::oid;
using pgtypes::array_oid_of;
using pgtypes::check_text_encoding;
using pgtypes::duckdb_type_name_of;
using pgtypes::element_logical_type;
using pgtypes::element_oid_of;
using pgtypes::is_catalog_oid;
using pgtypes::pg_type_info;
using pgtypes::pg_type_of;
using pgtypes::pg_type_table;
using pgtypes::PgType;
using pgtypes::PgTypeInfo;

enum class Format : int16_t { kText = 0, kBinary = 1 };

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

}  // namespace ducklings::pgwire
