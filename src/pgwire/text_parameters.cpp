#include "pgwire/text_parameters.h"

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "common/errors.h"
#include "pgwire/pg_types.h"

namespace ducklings::pgwire {
namespace {

[[noreturn]] void invalid_input(const char* type, const std::string& text) {
  throw SqlError("22P02",
                 std::string("invalid input syntax for type ") + type + ": \"" + text + "\"");
}

std::string trimmed(const std::string& text) {
  size_t b = text.find_first_not_of(" \t\n\r"), e = text.find_last_not_of(" \t\n\r");
  return b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
}

int64_t parse_int(const char* type, const std::string& text, int64_t min, int64_t max) {
  std::string t = trimmed(text);
  // PostgreSQL takes a leading '+'; from_chars does not.
  size_t skip = t.size() > 1 && t[0] == '+' && t[1] >= '0' && t[1] <= '9' ? 1 : 0;
  if (t.empty()) invalid_input(type, text);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data() + skip, t.data() + t.size(), v);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && (v < min || v > max))) {
    throw SqlError("22003", "value \"" + text + "\" is out of range for type " + type);
  }
  if (ec != std::errc() || ptr != t.data() + t.size()) invalid_input(type, text);
  return v;
}

double parse_double(const char* type, const std::string& text) {
  std::string t = trimmed(text);
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0') invalid_input(type, text);
  if (errno == ERANGE && std::isinf(d)) {
    throw SqlError("22003", "\"" + text + "\" is out of range for type " + type);
  }
  return d;
}

bool parse_bool(const std::string& text) {
  std::string l = trimmed(text);
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (l == "t" || l == "true" || l == "yes" || l == "on" || l == "1" || l == "y") return true;
  if (l == "f" || l == "false" || l == "no" || l == "off" || l == "0" || l == "n") return false;
  invalid_input("boolean", text);
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
          duckdb_create_int8(static_cast<int8_t>(parse_int("tinyint", text, INT8_MIN, INT8_MAX))));
    case DUCKDB_TYPE_SMALLINT:
      return duck::Value(duckdb_create_int16(
          static_cast<int16_t>(parse_int("smallint", text, INT16_MIN, INT16_MAX))));
    case DUCKDB_TYPE_INTEGER:
      return duck::Value(duckdb_create_int32(
          static_cast<int32_t>(parse_int("integer", text, INT32_MIN, INT32_MAX))));
    case DUCKDB_TYPE_BIGINT:
      return duck::Value(duckdb_create_int64(parse_int("bigint", text, INT64_MIN, INT64_MAX)));
    case DUCKDB_TYPE_FLOAT: {
      double d = parse_double("real", text);
      if (std::isfinite(d) && std::fabs(d) > FLT_MAX) {
        throw SqlError("22003", "\"" + text + "\" is out of range for type real");
      }
      return duck::Value(duckdb_create_float(static_cast<float>(d)));
    }
    case DUCKDB_TYPE_DOUBLE:
      return duck::Value(duckdb_create_double(parse_double("double precision", text)));
    case DUCKDB_TYPE_BOOLEAN:
      return duck::Value(duckdb_create_bool(parse_bool(text)));
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
  std::string out;
  if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
    auto hex = [&](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    for (size_t i = 2; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      int hi = hex(text[i]), lo = i + 1 < text.size() ? hex(text[i + 1]) : -1;
      if (hi < 0 || lo < 0) {
        throw SqlError("22P02", "invalid hexadecimal data: odd number of digits or invalid digit");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' &&
               text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                                      (text[i + 3] - '0')));
      i += 3;
    } else {
      invalid_input("bytea", text);
    }
  }
  return out;
}

namespace {

// PostgreSQL's MAXDIM.
constexpr int kMaxArrayDims = 6;

[[noreturn]] void malformed_array(const char* detail) {
  throw SqlError("22P02", "malformed array literal", 0, detail);
}

// Checks `a` as PostgreSQL's array_in does: sub-arrays of one array all have the same shape,
// an array holds either sub-arrays or elements, and there are at most 6 dimensions. `dims`
// gets the length of each dimension seen, `leaf` the depth whose arrays hold the elements.
void array_shape(const sql::ArrayLiteral& a, size_t depth, std::vector<size_t>& dims, int& leaf) {
  if (depth >= static_cast<size_t>(kMaxArrayDims)) {
    throw SqlError("54000", "number of array dimensions (" + std::to_string(depth + 1) +
                                ") exceeds the maximum allowed (" + std::to_string(kMaxArrayDims) +
                                ")");
  }
  const char* mismatch = "Multidimensional arrays must have sub-arrays with matching dimensions.";
  if (dims.size() == depth) {
    dims.push_back(a.items.size());
  } else if (dims[depth] != a.items.size()) {
    malformed_array(mismatch);
  }
  bool nested = !a.items.empty() && a.items[0].is_array;
  for (const auto& item : a.items) {
    if (item.is_array != nested) malformed_array(mismatch);
  }
  if (!nested) {
    if (leaf < 0) leaf = static_cast<int>(depth);
    if (leaf != static_cast<int>(depth)) malformed_array(mismatch);
    for (const auto& item : a.items) {
      if (!item.is_null) check_text_encoding(item.text);
    }
    return;
  }
  for (const auto& item : a.items) array_shape(item, depth + 1, dims, leaf);
}

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

}  // namespace

duck::Value varchar_list(const sql::ArrayLiteral& a) {
  std::vector<size_t> dims;
  int leaf = -1;
  array_shape(a, 0, dims, leaf);
  return list_of(a, 0, static_cast<size_t>(leaf) + 1);
}

}  // namespace ducklings::pgwire
