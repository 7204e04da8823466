#include "gateway/text_parameters.h"

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "common/errors.h"
#include "pgtypes/pg_type_table.h"
#include "pgtypes/text_encoding.h"
#include "sql/pg_text_io.h"

namespace ducklings::gateway {
namespace {

namespace oid = pgtypes::oid;
using pgtypes::check_text_encoding;

[[noreturn]] void invalid_input(const char* type, const std::string& text) {
  throw SqlError("22P02",
                 std::string("invalid input syntax for type ") + type + ": \"" + text + "\"");
}

std::string trimmed(const std::string& text) {
  size_t b = text.find_first_not_of(" \t\n\r"), e = text.find_last_not_of(" \t\n\r");
  return b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 32 hex digits, optionally in braces and with a hyphen after any group of four, as PostgreSQL.
duckdb_uhugeint parse_uuid(const std::string& text) {
  std::string t = trimmed(text);
  size_t i = 0, n = t.size();
  bool braces = n > 0 && t[0] == '{';
  if (braces) {
    if (t[n - 1] != '}') invalid_input("uuid", text);
    i = 1;
    --n;
  }
  uint64_t hi = 0, lo = 0;
  int digits = 0;
  for (; i < n; ++i) {
    if (t[i] == '-' && digits > 0 && digits % 4 == 0 && i + 1 < n && t[i + 1] != '-') continue;
    int d = hex_digit(t[i]);
    if (d < 0 || digits == 32) invalid_input("uuid", text);
    if (digits < 16) {
      hi = hi << 4 | static_cast<uint64_t>(d);
    } else {
      lo = lo << 4 | static_cast<uint64_t>(d);
    }
    ++digits;
  }
  if (digits != 32) invalid_input("uuid", text);
  return duckdb_uhugeint{lo, hi};
}

// Reads exactly `width` digits at `at`.
bool digits_at(const std::string& t, size_t at, size_t width, int32_t& out) {
  if (at + width > t.size()) return false;
  out = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    out = out * 10 + (t[i] - '0');
  }
  return true;
}

bool valid_date(int32_t y, int32_t m, int32_t d) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

// 'YYYY-MM-DD' at the start of `t`: the plain ISO form only; other forms are left to DuckDB.
bool iso_date(const std::string& t, duckdb_date_struct& s) {
  int32_t y, m, d;
  if (t.size() < 10 || t[4] != '-' || t[7] != '-' || !digits_at(t, 0, 4, y) ||
      !digits_at(t, 5, 2, m) || !digits_at(t, 8, 2, d) || !valid_date(y, m, d)) {
    return false;
  }
  s.year = y;
  s.month = static_cast<int8_t>(m);
  s.day = static_cast<int8_t>(d);
  return true;
}

// 'YYYY-MM-DD[ T]HH:MM:SS[.ffffff]' without a zone.
bool iso_timestamp(const std::string& t, duckdb_timestamp_struct& ts) {
  if (!iso_date(t, ts.date)) return false;
  ts.time = {};
  if (t.size() == 10) return true;
  int32_t h, mi, s;
  if (t.size() < 19 || (t[10] != ' ' && t[10] != 'T') || t[13] != ':' || t[16] != ':' ||
      !digits_at(t, 11, 2, h) || !digits_at(t, 14, 2, mi) || !digits_at(t, 17, 2, s) || h > 23 ||
      mi > 59 || s > 59) {
    return false;
  }
  int32_t micros = 0;
  size_t i = 19;
  if (i < t.size()) {
    if (t[i] != '.' || t.size() == 20 || t.size() > 26) return false;
    int32_t scale = 100000;
    for (++i; i < t.size(); ++i, scale /= 10) {
      if (t[i] < '0' || t[i] > '9') return false;
      micros += (t[i] - '0') * scale;
    }
  }
  ts.time.hour = static_cast<int8_t>(h);
  ts.time.min = static_cast<int8_t>(mi);
  ts.time.sec = static_cast<int8_t>(s);
  ts.time.micros = micros;
  return true;
}
}  // namespace

std::optional<duck::Value> typed_text_value(duckdb_type type, const std::string& text) {
  check_text_encoding(text);
  switch (type) {
    case DUCKDB_TYPE_TINYINT:
      return duck::Value(
          duckdb_create_int8(static_cast<int8_t>(sql::parse_pg_int("tinyint", text, INT8_MIN, INT8_MAX))));
    case DUCKDB_TYPE_SMALLINT:
      return duck::Value(duckdb_create_int16(
          static_cast<int16_t>(sql::parse_pg_int("smallint", text, INT16_MIN, INT16_MAX))));
    case DUCKDB_TYPE_INTEGER:
      return duck::Value(duckdb_create_int32(
          static_cast<int32_t>(sql::parse_pg_int("integer", text, INT32_MIN, INT32_MAX))));
    case DUCKDB_TYPE_BIGINT:
      return duck::Value(duckdb_create_int64(sql::parse_pg_int("bigint", text, INT64_MIN, INT64_MAX)));
    case DUCKDB_TYPE_FLOAT:
      return duck::Value(duckdb_create_float(sql::parse_pg_float(text)));
    case DUCKDB_TYPE_DOUBLE:
      return duck::Value(duckdb_create_double(sql::parse_pg_double(text)));
    case DUCKDB_TYPE_BOOLEAN:
      return duck::Value(duckdb_create_bool(sql::parse_pg_bool(text)));
    case DUCKDB_TYPE_VARCHAR:
      return duck::Value(duckdb_create_varchar_length(text.data(), text.size()));
    case DUCKDB_TYPE_UUID:
      return duck::Value(duckdb_create_uuid(parse_uuid(text)));
    case DUCKDB_TYPE_DATE: {
      duckdb_date_struct s;
      if (text.size() != 10 || !iso_date(text, s)) return std::nullopt;
      return duck::Value(duckdb_create_date(duckdb_to_date(s)));
    }
    case DUCKDB_TYPE_TIMESTAMP: {
      duckdb_timestamp_struct ts;
      if (!iso_timestamp(text, ts)) return std::nullopt;
      return duck::Value(duckdb_create_timestamp(duckdb_to_timestamp(ts)));
    }
    default:
      return std::nullopt;
  }
}

duckdb_type duck_type_for_oid(int32_t type_oid) {
  switch (type_oid) {
    case oid::kInt2:
      return DUCKDB_TYPE_SMALLINT;
    case oid::kInt4:
      return DUCKDB_TYPE_INTEGER;
    case oid::kInt8:
      return DUCKDB_TYPE_BIGINT;
    case oid::kFloat4:
      return DUCKDB_TYPE_FLOAT;
    case oid::kFloat8:
    case oid::kNumeric:  // read as double, as before DuckDB knew better
      return DUCKDB_TYPE_DOUBLE;
    case oid::kBool:
      return DUCKDB_TYPE_BOOLEAN;
    case oid::kUuid:
      return DUCKDB_TYPE_UUID;
    default:
      return DUCKDB_TYPE_INVALID;
  }
}

std::string decode_bytea_text(const std::string& text) {
  check_text_encoding(text);
  return sql::decode_pg_bytea(text);
}

namespace {

duck::Value list_of(const sql::ArrayLiteral& a, size_t depth, size_t ndims) {
  std::vector<duck::Value> items;
  for (const auto& item : a.items) {
    if (item.is_array) {
      items.push_back(list_of(item, depth + 1, ndims));
    } else if (item.is_null) {
      items.emplace_back(duckdb_create_null_value());
    } else {
      items.emplace_back(duckdb_create_varchar_length(item.text.data(), item.text.size()));
    }
  }
  // The child type: VARCHAR, wrapped once per dimension below this one.
  duck::LogicalType child(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  for (size_t d = depth + 1; d < ndims; ++d)
    child = duck::LogicalType(duckdb_create_list_type(child.get()));
  std::vector<duckdb_value> raw;
  for (auto& v : items) {
    if (!v.get()) throw SqlError("22P02", "malformed array literal");
    raw.push_back(v.get());
  }
  duckdb_value none = nullptr;  // DuckDB wants a non-null array even for an empty list
  duckdb_value list =
      duckdb_create_list_value(child.get(), raw.empty() ? &none : raw.data(), raw.size());
  if (!list) throw SqlError("22P02", "malformed array literal");
  return duck::Value(list);
}

void check_element_encoding(const sql::ArrayLiteral& a) {
  for (const auto& item : a.items) {
    if (item.is_array) {
      check_element_encoding(item);
    } else if (!item.is_null) {
      check_text_encoding(item.text);
    }
  }
}

}  // namespace

duck::Value varchar_list(const sql::ArrayLiteral& a) {
  int ndims = sql::array_dimensions(a);
  check_element_encoding(a);
  return list_of(a, 0, static_cast<size_t>(std::max(ndims, 1)));
}

}  // namespace ducklings::gateway
