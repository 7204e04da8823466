#include "pgwire/pg_types.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include "duck/pg_functions.h"
#include "sql/catalog.h"
#include "sql/catalog_types.h"

namespace ducklings::pgwire {
namespace {

using i128 = __int128;
using u128 = unsigned __int128;

// PostgreSQL counts dates and timestamps from 2000-01-01, DuckDB from 1970-01-01.
constexpr int32_t kPgEpochDays = 10957;
constexpr int64_t kPgEpochMicros = int64_t{kPgEpochDays} * 86400 * 1000000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;
constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;
constexpr int64_t kMicrosPerMinute = int64_t{60} * 1000000;
constexpr int64_t kMicrosPerSecond = 1000000;
// DuckDB's infinite dates and timestamps.
constexpr int32_t kDateInfinity = std::numeric_limits<int32_t>::max();
constexpr int32_t kDateNegInfinity = -std::numeric_limits<int32_t>::max();
constexpr int64_t kTsInfinity = std::numeric_limits<int64_t>::max();
constexpr int64_t kTsNegInfinity = -std::numeric_limits<int64_t>::max();

// ---------------------------------------------------------------------------------------------
// Byte and digit writers. Everything appends to the caller's buffer so no value allocates.

// A stack buffer with the appending interface of std::string: hot values are formatted here
// and land in the output with a single append instead of many small ones.
struct Chars {
  char buf[128];
  size_t n = 0;
  void push_back(char c) { buf[n++] = c; }
  void append(const char* p, size_t len) {
    std::memcpy(buf + n, p, len);
    n += len;
  }
  void append(const char* p, const char* e) { append(p, static_cast<size_t>(e - p)); }
  void append(size_t count, char c) {
    std::memset(buf + n, c, count);
    n += count;
  }
  Chars& operator+=(const char* s) {
    append(s, std::strlen(s));
    return *this;
  }
  void flush_to(std::string& out) const { out.append(buf, n); }
};

template <typename Out, typename T>
void put_be(Out& out, T v) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v);
  if constexpr (sizeof(U) == 2) u = __builtin_bswap16(u);
  if constexpr (sizeof(U) == 4) u = __builtin_bswap32(u);
  if constexpr (sizeof(U) == 8) u = __builtin_bswap64(u);
  out.append(reinterpret_cast<const char*>(&u), sizeof(U));
}
template <typename Out>
void put_i16(Out& out, int16_t v) {
  put_be(out, v);
}
template <typename Out>
void put_i32(Out& out, int32_t v) {
  put_be(out, v);
}
template <typename Out>
void put_i64(Out& out, int64_t v) {
  put_be(out, v);
}

void patch_i32(std::string& out, size_t at, int32_t v) {
  uint32_t be = __builtin_bswap32(static_cast<uint32_t>(v));
  std::memcpy(&out[at], &be, 4);
}

template <typename Out, typename T>
void append_int(Out& out, T v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, r.ptr);
}

// Writes the decimal digits of `v` at the end of `buf` and returns where they start. 64-bit
// division does the work: 128-bit division per digit is several times slower.
char* u128_digits(u128 v, char* end) {
  char* p = end;
  constexpr uint64_t k1e19 = 10000000000000000000ull;
  while (v > std::numeric_limits<uint64_t>::max()) {
    auto low = static_cast<uint64_t>(v % k1e19);
    v /= k1e19;
    for (int i = 0; i < 19; i++) {
      *--p = static_cast<char>('0' + low % 10);
      low /= 10;
    }
  }
  auto x = static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x != 0);
  return p;
}

template <typename Out>
void append_u128(Out& out, u128 v) {
  char buf[40];
  char* p = u128_digits(v, buf + sizeof(buf));
  out.append(p, buf + sizeof(buf));
}

template <typename Out>
void append_i128(Out& out, i128 v) {
  if (v < 0) {
    out.push_back('-');
    append_u128(out, static_cast<u128>(0) - static_cast<u128>(v));
  } else {
    append_u128(out, static_cast<u128>(v));
  }
}

// Two digits, 0-99: the hot part of every date and time.
template <typename Out>
void append2(Out& out, uint64_t v) {
  char b[2] = {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  out.append(b, 2);
}

// Zero-padded unsigned to at least `width` digits.
template <typename Out>
void append_padded(Out& out, uint64_t v, int width) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  for (int n = static_cast<int>(r.ptr - buf); n < width; n++) out.push_back('0');
  out.append(buf, r.ptr);
}

i128 to_i128(duckdb_hugeint h) {
  return static_cast<i128>((static_cast<u128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}
u128 to_u128(duckdb_uhugeint h) {
  return (static_cast<u128>(h.upper) << 64) | h.lower;
}

std::string_view string_at(const duckdb_string_t* data, idx_t row) {
  const duckdb_string_t& s = data[row];
  uint32_t len = s.value.inlined.length;
  if (len <= 12) return {s.value.inlined.inlined, len};
  return {s.value.pointer.ptr, len};
}

// ---------------------------------------------------------------------------------------------
// Floats: shortest round-trip digits, laid out as PostgreSQL's float8out/float4out (or as
// DuckDB's VARCHAR cast inside nested values).

// `precision` > 0: that many significant digits at most, as PostgreSQL prints floats when
// extra_float_digits <= 0 (printf's %.*g with FLT_DIG or DBL_DIG + extra_float_digits).
template <typename Out, typename F>
void append_float(Out& out, F v, bool duck_style, int precision = 0) {
  if (std::isnan(v)) {
    out += duck_style ? "nan" : "NaN";
    return;
  }
  if (std::isinf(v)) {
    if (duck_style)
      out += v > 0 ? "inf" : "-inf";
    else
      out += v > 0 ? "Infinity" : "-Infinity";
    return;
  }
  char buf[64];
  auto r = precision > 0 ? std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific, precision - 1)
                         : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  // buf holds [-]d[.ddd]e(+|-)XX: collect the significant digits and the decimal exponent.
  const char* p = buf;
  bool neg = *p == '-';
  if (neg) p++;
  char digits[32];
  int n = 0;
  while (*p != 'e') {
    if (*p != '.') digits[n++] = *p;
    p++;
  }
  int exp = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exp);
  if (precision > 0) {
    while (n > 1 && digits[n - 1] == '0') --n;  // %g drops trailing zeros
    if (n == 1 && digits[0] == '0') exp = 0;
  }
  if (neg) out.push_back('-');
  int upper = duck_style ? 16 : precision > 0 ? precision : (sizeof(F) == 4 ? 6 : 15);
  if (exp >= -4 && exp < upper) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out.append(digits, n);
    } else if (n <= exp + 1) {
      out.append(digits, n);
      out.append(static_cast<size_t>(exp + 1 - n), '0');
      if (duck_style) out += ".0";
    } else {
      out.append(digits, exp + 1);
      out.push_back('.');
      out.append(digits + exp + 1, n - exp - 1);
    }
    return;
  }
  out.push_back(digits[0]);
  if (n > 1) {
    out.push_back('.');
    out.append(digits + 1, n - 1);
  }
  out.push_back('e');
  out.push_back(exp < 0 ? '-' : '+');
  append_padded(out, static_cast<uint64_t>(exp < 0 ? -exp : exp), 2);
}

// ---------------------------------------------------------------------------------------------
// Numeric: text keeps exactly `scale` fractional digits; binary is PostgreSQL's NUMERIC.

template <typename Out>
void append_decimal_text(Out& out, i128 v, int scale) {
  bool neg = v < 0;
  u128 mag = neg ? static_cast<u128>(0) - static_cast<u128>(v) : static_cast<u128>(v);
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = u128_digits(mag, end);
  int n = static_cast<int>(end - p);
  if (neg) out.push_back('-');
  if (scale <= 0) {
    out.append(p, end);
  } else if (n <= scale) {
    out += "0.";
    out.append(static_cast<size_t>(scale - n), '0');
    out.append(p, end);
  } else {
    out.append(p, n - scale);
    out.push_back('.');
    out.append(p + n - scale, scale);
  }
}

template <typename Out>
void append_numeric_binary(Out& out, u128 mag, bool neg, int scale) {
  // Lay the decimal digits out on a grid aligned to the decimal point, four per base-10000
  // digit: integer part padded on the left, fraction on the right.
  char buf[48];
  char* end = buf + sizeof(buf);
  char* p = u128_digits(mag, end);
  int n = static_cast<int>(end - p);
  int int_digits = n > scale ? n - scale : 0;
  int int_groups = (int_digits + 3) / 4;
  int frac_groups = (scale + 3) / 4;
  int total = (int_groups + frac_groups) * 4;
  char grid[128];
  std::memset(grid, '0', static_cast<size_t>(total));
  // The last digit of `mag` sits at position int_groups*4 + scale - 1 of the grid.
  int last = int_groups * 4 + scale - 1;
  for (int i = 0; i < n; i++) {
    int at = last - (n - 1 - i);
    if (at >= 0) grid[at] = p[i];
  }
  int16_t groups[32];
  int ngroups = (int_groups + frac_groups);
  for (int g = 0; g < ngroups; g++) {
    const char* d = grid + g * 4;
    groups[g] = static_cast<int16_t>((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
                                     (d[3] - '0'));
  }
  int first = 0, stop = ngroups;
  int weight = int_groups - 1;
  while (first < stop && groups[first] == 0) {
    first++;
    weight--;
  }
  while (stop > first && groups[stop - 1] == 0) stop--;
  if (first == stop) {
    weight = 0;
    neg = false;
  }
  put_i16(out, static_cast<int16_t>(stop - first));
  put_i16(out, static_cast<int16_t>(weight));
  put_i16(out, static_cast<int16_t>(neg ? 0x4000 : 0x0000));
  put_i16(out, static_cast<int16_t>(scale));
  for (int g = first; g < stop; g++) put_i16(out, groups[g]);
}

template <typename Out>
void append_numeric_binary(Out& out, i128 v, int scale) {
  bool neg = v < 0;
  append_numeric_binary(
      out, neg ? static_cast<u128>(0) - static_cast<u128>(v) : static_cast<u128>(v), neg, scale);
}

// ---------------------------------------------------------------------------------------------
// Dates and times.

struct Civil {
  int64_t year;
  unsigned month, day;
};

// Proleptic Gregorian calendar from days since 1970-01-01 (H. Hinnant's algorithm).
Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  return c;
}

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

// YYYY-MM-DD; returns whether the year is BC (astronomical year <= 0).
template <typename Out>
bool append_ymd(Out& out, int64_t days) {
  Civil c = civil_from_days(days);
  bool bc = c.year <= 0;
  append_padded(out, static_cast<uint64_t>(bc ? 1 - c.year : c.year), 4);
  out.push_back('-');
  append2(out, c.month);
  out.push_back('-');
  append2(out, c.day);
  return bc;
}

// Fractional seconds with trailing zeros trimmed, `digits` digits of precision.
template <typename Out>
void append_fraction(Out& out, uint64_t frac, int digits) {
  if (frac == 0) return;
  char buf[12];
  for (int i = digits - 1; i >= 0; i--) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int n = digits;
  while (n > 0 && buf[n - 1] == '0') n--;
  out.push_back('.');
  out.append(buf, n);
}

// HH:MM:SS[.fff] from a non-negative count of units since midnight (units_per_sec 1e6 or 1e9).
template <typename Out>
void append_clock(Out& out, uint64_t units, uint64_t units_per_sec, int frac_digits) {
  uint64_t secs = units / units_per_sec;
  uint64_t frac = units % units_per_sec;
  append_padded(out, secs / 3600, 2);
  out.push_back(':');
  append2(out, secs / 60 % 60);
  out.push_back(':');
  append2(out, secs % 60);
  append_fraction(out, frac, frac_digits);
}

// PostgreSQL's EncodeTimezone for an offset in seconds east of UTC: +HH[:MM[:SS]].
template <typename Out>
void append_tz(Out& out, int32_t east) {
  out.push_back(east >= 0 ? '+' : '-');
  int32_t s = east < 0 ? -east : east;
  append_padded(out, static_cast<uint64_t>(s / 3600), 2);
  int32_t min = s / 60 % 60, sec = s % 60;
  if (min != 0 || sec != 0) {
    out.push_back(':');
    append_padded(out, static_cast<uint64_t>(min), 2);
  }
  if (sec != 0) {
    out.push_back(':');
    append_padded(out, static_cast<uint64_t>(sec), 2);
  }
}

// A timestamp counted in `units_per_sec` units since 1970; `tz` appends an offset (seconds
// east) as timestamptz does. PostgreSQL puts " BC" at the end, DuckDB " (BC)" after the date.
template <typename Out>
void append_timestamp(Out& out, int64_t units, int64_t units_per_sec, int frac_digits,
                      const int32_t* tz, bool duck_style) {
  if (units == kTsInfinity) {
    out += "infinity";
    return;
  }
  if (units == kTsNegInfinity) {
    out += "-infinity";
    return;
  }
  if (tz) units += int64_t{*tz} * units_per_sec;
  int64_t units_per_day = units_per_sec * 86400;
  int64_t days = floor_div(units, units_per_day);
  int64_t rest = units - days * units_per_day;
  bool bc = append_ymd(out, days);
  if (bc && duck_style) out += " (BC)";
  out.push_back(' ');
  append_clock(out, static_cast<uint64_t>(rest), static_cast<uint64_t>(units_per_sec), frac_digits);
  if (tz) append_tz(out, *tz);
  if (bc && !duck_style) out += " BC";
}

template <typename Out>
void append_date(Out& out, int32_t days, bool duck_style) {
  if (days == kDateInfinity) {
    out += "infinity";
    return;
  }
  if (days == kDateNegInfinity) {
    out += "-infinity";
    return;
  }
  if (append_ymd(out, days)) out += duck_style ? " (BC)" : " BC";
}

// DuckDB's TIME_TZ packs the time in the upper 40 bits and (max offset - offset) in the lower 24.
constexpr int32_t kMaxTzOffset = 16 * 60 * 60 - 1;
void split_time_tz(uint64_t bits, int64_t& micros, int32_t& east) {
  micros = static_cast<int64_t>(bits >> 24);
  east = kMaxTzOffset - static_cast<int32_t>(bits & 0xFFFFFF);
}

// PostgreSQL's interval output, IntervalStyle 'postgres' (EncodeInterval).
void append_pg_interval(std::string& out, const duckdb_interval& iv) {
  bool is_zero = true, is_before = false;
  auto part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    if (!is_zero) out.push_back(' ');
    if (is_before && value > 0) out.push_back('+');
    append_int(out, value);
    out.push_back(' ');
    out += unit;
    if (value != 1) out.push_back('s');
    is_before = value < 0;
    is_zero = false;
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "mon");
  part(iv.days, "day");
  int64_t t = iv.micros;
  if (is_zero || t != 0) {
    if (!is_zero) out.push_back(' ');
    if (t < 0)
      out.push_back('-');
    else if (is_before)
      out.push_back('+');
    uint64_t a =
        t < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(t) : static_cast<uint64_t>(t);
    append_padded(out, a / kMicrosPerHour, 2);
    out.push_back(':');
    append_padded(out, a / kMicrosPerMinute % 60, 2);
    out.push_back(':');
    append_padded(out, a / kMicrosPerSecond % 60, 2);
    append_fraction(out, a % kMicrosPerSecond, 6);
  }
}

// DuckDB's interval VARCHAR cast, used inside nested values.
void append_duck_interval(std::string& out, const duckdb_interval& iv) {
  bool first = true;
  auto part = [&](int64_t value, const char* unit) {
    if (value == 0) return;
    if (!first) out.push_back(' ');
    first = false;
    append_int(out, value);
    out.push_back(' ');
    out += unit;
    if (value != 1 && value != -1) out.push_back('s');
  };
  part(iv.months / 12, "year");
  part(iv.months % 12, "month");
  part(iv.days, "day");
  if (iv.micros != 0) {
    if (!first) out.push_back(' ');
    int64_t t = iv.micros;
    if (t < 0) out.push_back('-');
    uint64_t a =
        t < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(t) : static_cast<uint64_t>(t);
    append_padded(out, a / kMicrosPerHour, 2);
    out.push_back(':');
    append_padded(out, a / kMicrosPerMinute % 60, 2);
    out.push_back(':');
    append_padded(out, a / kMicrosPerSecond % 60, 2);
    append_fraction(out, a % kMicrosPerSecond, 6);
  } else if (first) {
    out += "00:00:00";
  }
}

void append_hex_byte(std::string& out, uint8_t b, const char* digits) {
  out.push_back(digits[b >> 4]);
  out.push_back(digits[b & 15]);
}

// UUID bytes in canonical order: DuckDB flips the top bit so that signed order sorts right.
void uuid_bytes(const duckdb_hugeint& h, uint8_t bytes[16]) {
  uint64_t upper = static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63);
  for (int i = 0; i < 8; i++) {
    bytes[i] = static_cast<uint8_t>(upper >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(h.lower >> (56 - 8 * i));
  }
}

// ---------------------------------------------------------------------------------------------
// Quoting of elements inside containers.

bool ci_equals_null(std::string_view s) {
  return s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' &&
         (s[3] | 0x20) == 'l';
}

bool pg_array_isspace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// PostgreSQL's array_out rule: quote empty strings, NULL look-alikes, and anything holding
// braces, quotes, backslashes, the delimiter or whitespace.
bool pg_needs_quotes(std::string_view s) {
  if (s.empty() || ci_equals_null(s)) return true;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || pg_array_isspace(c))
      return true;
  }
  return false;
}

// DuckDB's nested VARCHAR cast rule (vector_cast_helpers.hpp).
bool duck_needs_quotes(std::string_view s) {
  if (s.empty() || ci_equals_null(s)) return true;
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  if (space(s.front()) || (s.size() >= 2 && space(s.back()))) return true;
  for (char c : s) {
    switch (c) {
      case '"':
      case '\'':
      case '(':
      case ')':
      case ',':
      case ':':
      case '=':
      case '[':
      case ']':
      case '{':
      case '}':
        return true;
      default:
        break;
    }
  }
  return false;
}

// Rewrites out[at..] in quotes with `quote` and backslash escaped.
void quote_tail(std::string& out, size_t at, char quote, std::string& scratch) {
  scratch.assign(out, at, std::string::npos);
  out.resize(at);
  out.push_back(quote);
  for (char c : scratch) {
    if (c == quote || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(quote);
}

// ---------------------------------------------------------------------------------------------
// Encoder nodes: one per (nested) type, pointed at the matching (child) vector.

class Node {
 public:
  Node(int32_t oid, bool mapped) : oid_(oid), mapped_(mapped) {}
  virtual ~Node() = default;
  virtual void set_vector(duckdb_vector v) {
    data_ = duckdb_vector_get_data(v);
    validity_ = duckdb_vector_get_validity(v);
  }
  // Same bit test as duckdb_validity_row_is_valid, inlined: it runs once per value.
  bool is_null(idx_t row) const { return validity_ && !((validity_[row >> 6] >> (row & 63)) & 1); }
  // PostgreSQL text output (for unmapped types: DuckDB's VARCHAR cast).
  virtual void text(idx_t row, std::string& out) = 0;
  // PostgreSQL binary output (for unmapped types: the text form).
  virtual void binary(idx_t row, std::string& out) { text(row, out); }
  // DuckDB's VARCHAR cast, used for values nested in STRUCT, MAP, UNION and unmapped lists.
  virtual void duck_text(idx_t row, std::string& out) { text(row, out); }
  // Lists, arrays, structs and maps print their own brackets and are never quoted.
  virtual bool nested() const { return false; }
  // A PostgreSQL array (the list maps to an array OID).
  virtual bool pg_array() const { return false; }

  int32_t oid() const { return oid_; }
  bool mapped() const { return mapped_; }

 protected:
  template <typename T>
  const T& at(idx_t row) const {
    return static_cast<const T*>(data_)[row];
  }
  int32_t oid_;
  bool mapped_;
  void* data_ = nullptr;
  uint64_t* validity_ = nullptr;
};

// Appends a value nested in a DuckDB-style container, quoting scalars like DuckDB does.
void append_duck_element(Node& child, idx_t idx, std::string& out, std::string& scratch) {
  if (child.is_null(idx)) {
    out += "NULL";
    return;
  }
  if (child.nested()) {
    child.duck_text(idx, out);
    return;
  }
  size_t at = out.size();
  child.duck_text(idx, out);
  if (duck_needs_quotes(std::string_view(out).substr(at))) quote_tail(out, at, '\'', scratch);
}

class BoolNode : public Node {
 public:
  BoolNode() : Node(oid::kBool, true) {}
  void text(idx_t row, std::string& out) override { out.push_back(at<bool>(row) ? 't' : 'f'); }
  void binary(idx_t row, std::string& out) override { out.push_back(at<bool>(row) ? 1 : 0); }
  void duck_text(idx_t row, std::string& out) override { out += at<bool>(row) ? "true" : "false"; }
};

// Integers whose PostgreSQL twin is int2/int4/int8 of width `Wire`.
template <typename T, typename Wire>
class IntNode : public Node {
 public:
  explicit IntNode(int32_t oid) : Node(oid, true) {}
  void text(idx_t row, std::string& out) override { append_int(out, at<T>(row)); }
  void binary(idx_t row, std::string& out) override { put_be(out, static_cast<Wire>(at<T>(row))); }
};

// Integers only numeric can hold: UBIGINT, HUGEINT, UHUGEINT.
template <typename T>
class WideIntNode : public Node {
 public:
  WideIntNode() : Node(oid::kNumeric, true) {}
  void text(idx_t row, std::string& out) override {
    if constexpr (std::is_same_v<T, uint64_t>)
      append_int(out, at<T>(row));
    else if constexpr (std::is_same_v<T, duckdb_hugeint>)
      append_i128(out, to_i128(at<T>(row)));
    else
      append_u128(out, to_u128(at<T>(row)));
  }
  void binary(idx_t row, std::string& out) override {
    if constexpr (std::is_same_v<T, uint64_t>)
      append_numeric_binary(out, static_cast<u128>(at<T>(row)), false, 0);
    else if constexpr (std::is_same_v<T, duckdb_hugeint>)
      append_numeric_binary(out, to_i128(at<T>(row)), 0);
    else
      append_numeric_binary(out, to_u128(at<T>(row)), false, 0);
  }
};

template <typename T>
class DecimalNode : public Node {
 public:
  explicit DecimalNode(int scale, bool trim = false) : Node(oid::kNumeric, true), scale_(scale), trim_(trim) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    int scale = scale_;
    i128 v = trimmed(value(row), scale);
    append_decimal_text(c, v, scale);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    Chars c;
    int scale = scale_;
    i128 v = trimmed(value(row), scale);
    append_numeric_binary(c, v, scale);
    c.flush_to(out);
  }

 private:
  i128 value(idx_t row) const {
    if constexpr (std::is_same_v<T, duckdb_hugeint>)
      return to_i128(at<T>(row));
    else
      return at<T>(row);
  }
  // Without its trailing zeros when trim_ (down to `scale` digits after the point).
  i128 trimmed(i128 v, int& scale) const {
    while (trim_ && scale > 0 && v % 10 == 0) {
      v /= 10;
      --scale;
    }
    return v;
  }
  int scale_;
  bool trim_;
};

template <typename F>
class FloatNode : public Node {
 public:
  explicit FloatNode(int extra_float_digits)
      : Node(sizeof(F) == 4 ? oid::kFloat4 : oid::kFloat8, true),
        precision_(extra_float_digits > 0 ? 0 : std::max(1, (sizeof(F) == 4 ? 6 : 15) + extra_float_digits)) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_float(c, at<F>(row), false, precision_);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    using U = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
    U bits;
    F v = at<F>(row);
    std::memcpy(&bits, &v, sizeof(F));
    put_be(out, bits);
  }
  void duck_text(idx_t row, std::string& out) override { append_float(out, at<F>(row), true); }

 private:
  int precision_;  // 0: the shortest digits that read back the same (extra_float_digits >= 1)
};

constexpr int32_t kRegproc = 24;

// VARCHAR and JSON: the bytes as they are, in either format.
class VarcharNode : public Node {
 public:
  explicit VarcharNode(int32_t oid) : Node(oid, true) {}
  void text(idx_t row, std::string& out) override {
    out.append(string_at(static_cast<const duckdb_string_t*>(data_), row));
  }
  void binary(idx_t row, std::string& out) override {
    if (oid() == oid::kJsonb) out.push_back(1);  // jsonb's binary format: version 1, then the text
    if (oid() == kRegproc) {
      // regproc's binary format is the function's 4-byte oid.
      int64_t function = sql::builtin_function_oid(string_at(static_cast<const duckdb_string_t*>(data_), row));
      put_be(out, static_cast<uint32_t>(function < 0 ? 0 : function));
      return;
    }
    text(row, out);
  }
};

class BlobNode : public Node {
 public:
  BlobNode() : Node(oid::kBytea, true) {}
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    out += "\\x";
    for (char c : s) append_hex_byte(out, static_cast<uint8_t>(c), "0123456789abcdef");
  }
  void binary(idx_t row, std::string& out) override {
    out.append(string_at(static_cast<const duckdb_string_t*>(data_), row));
  }
  void duck_text(idx_t row, std::string& out) override {
    for (char c : string_at(static_cast<const duckdb_string_t*>(data_), row)) {
      auto b = static_cast<uint8_t>(c);
      if (b >= 32 && b <= 126 && c != '\\' && c != '\'' && c != '"') {
        out.push_back(c);
      } else {
        out += "\\x";
        append_hex_byte(out, b, "0123456789ABCDEF");
      }
    }
  }
};

class DateNode : public Node {
 public:
  DateNode() : Node(oid::kDate, true) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_date(c, at<int32_t>(row), false);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    int32_t d = at<int32_t>(row);
    if (d == kDateInfinity)
      put_i32(out, std::numeric_limits<int32_t>::max());
    else if (d == kDateNegInfinity)
      put_i32(out, std::numeric_limits<int32_t>::min());
    else
      put_i32(out, static_cast<int32_t>(int64_t{d} - kPgEpochDays));
  }
  void duck_text(idx_t row, std::string& out) override { append_date(out, at<int32_t>(row), true); }
};

// TIME (micros) and TIME_NS (nanos).
class TimeNode : public Node {
 public:
  explicit TimeNode(bool nanos) : Node(oid::kTime, true), nanos_(nanos) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    append_clock(c, static_cast<uint64_t>(micros(row)), kMicrosPerSecond, 6);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override { put_i64(out, micros(row)); }
  void duck_text(idx_t row, std::string& out) override {
    if (nanos_)
      append_clock(out, static_cast<uint64_t>(at<int64_t>(row)), 1000000000, 9);
    else
      text(row, out);
  }

 private:
  int64_t micros(idx_t row) const { return nanos_ ? at<int64_t>(row) / 1000 : at<int64_t>(row); }
  bool nanos_;
};

class TimeTzNode : public Node {
 public:
  TimeTzNode() : Node(oid::kTimetz, true) {}
  void text(idx_t row, std::string& out) override {
    int64_t micros;
    int32_t east;
    split_time_tz(at<uint64_t>(row), micros, east);
    append_clock(out, static_cast<uint64_t>(micros), kMicrosPerSecond, 6);
    append_tz(out, east);
  }
  void binary(idx_t row, std::string& out) override {
    int64_t micros;
    int32_t east;
    split_time_tz(at<uint64_t>(row), micros, east);
    put_i64(out, micros);
    put_i32(out, -east);  // PostgreSQL stores seconds west of UTC
  }
};

// TIMESTAMP in any unit, and TIMESTAMP WITH TIME ZONE (micros).
class TimestampNode : public Node {
 public:
  TimestampNode(int64_t units_per_sec, bool with_tz, int32_t utc_offset,
                const duck::TimeZone* zone = nullptr)
      : Node(with_tz ? oid::kTimestamptz : oid::kTimestamp, true),
        units_per_sec_(units_per_sec),
        with_tz_(with_tz),
        offset_(utc_offset),
        zone_(zone) {}
  void text(idx_t row, std::string& out) override {
    Chars c;
    zone_offset(micros(at<int64_t>(row)));
    append_timestamp(c, micros(at<int64_t>(row)), kMicrosPerSecond, 6,
                     with_tz_ ? &offset_ : nullptr, false);
    c.flush_to(out);
  }
  void binary(idx_t row, std::string& out) override {
    int64_t v = at<int64_t>(row);
    if (v == kTsInfinity) {
      put_i64(out, std::numeric_limits<int64_t>::max());
      return;
    }
    if (v == kTsNegInfinity) {
      put_i64(out, std::numeric_limits<int64_t>::min());
      return;
    }
    put_i64(out, micros(v) - kPgEpochMicros);
  }
  void duck_text(idx_t row, std::string& out) override {
    int64_t v = at<int64_t>(row);
    zone_offset(micros(v));
    if (units_per_sec_ == 1000000000)
      append_timestamp(out, v, units_per_sec_, 9, with_tz_ ? &offset_ : nullptr, true);
    else
      append_timestamp(out, micros(v), kMicrosPerSecond, 6, with_tz_ ? &offset_ : nullptr, true);
  }

 private:
  // PostgreSQL keeps microseconds; infinities stay as they are in every unit.
  int64_t micros(int64_t v) const {
    if (v == kTsInfinity || v == kTsNegInfinity || units_per_sec_ == kMicrosPerSecond) return v;
    if (units_per_sec_ == 1000000000) return floor_div(v, 1000);
    int64_t us;
    if (__builtin_mul_overflow(v, kMicrosPerSecond / units_per_sec_, &us))
      return v < 0 ? kTsNegInfinity : kTsInfinity;
    return us;
  }
  // The offset in force at that instant (daylight saving time) when the zone is known.
  void zone_offset(int64_t us) {
    if (zone_ && with_tz_ && us != kTsInfinity && us != kTsNegInfinity) {
      offset_ = zone_->offset_at(floor_div(us, kMicrosPerSecond));
    }
  }
  int64_t units_per_sec_;
  bool with_tz_;
  int32_t offset_;
  const duck::TimeZone* zone_;
};

class IntervalNode : public Node {
 public:
  IntervalNode() : Node(oid::kInterval, true) {}
  void text(idx_t row, std::string& out) override {
    append_pg_interval(out, at<duckdb_interval>(row));
  }
  void binary(idx_t row, std::string& out) override {
    const auto& iv = at<duckdb_interval>(row);
    put_i64(out, iv.micros);
    put_i32(out, iv.days);
    put_i32(out, iv.months);
  }
  void duck_text(idx_t row, std::string& out) override {
    append_duck_interval(out, at<duckdb_interval>(row));
  }
};

class UuidNode : public Node {
 public:
  UuidNode() : Node(oid::kUuid, true) {}
  void text(idx_t row, std::string& out) override {
    uint8_t b[16];
    uuid_bytes(at<duckdb_hugeint>(row), b);
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
      append_hex_byte(out, b[i], "0123456789abcdef");
    }
  }
  void binary(idx_t row, std::string& out) override {
    uint8_t b[16];
    uuid_bytes(at<duckdb_hugeint>(row), b);
    out.append(reinterpret_cast<const char*>(b), 16);
  }
};

// ENUM: the dictionary is copied once, values are indexes into it.
template <typename T>
class EnumNode : public Node {
 public:
  explicit EnumNode(duckdb_logical_type type) : Node(oid::kText, true) {
    uint32_t n = duckdb_enum_dictionary_size(type);
    dict_.reserve(n);
    for (uint32_t i = 0; i < n; i++) {
      char* s = duckdb_enum_dictionary_value(type, i);
      dict_.emplace_back(s ? s : "");
      if (s) duckdb_free(s);
    }
  }
  void text(idx_t row, std::string& out) override {
    auto i = static_cast<size_t>(at<T>(row));
    if (i < dict_.size()) out += dict_[i];
  }

 private:
  std::vector<std::string> dict_;
};

// BIT: first byte counts the padding bits at the top of the second byte.
class BitNode : public Node {
 public:
  BitNode() : Node(1560, false) {}  // bit
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    if (s.empty()) return;
    auto padding = static_cast<uint8_t>(s[0]);
    size_t nbits = (s.size() - 1) * 8;
    for (size_t i = padding; i < nbits; i++) {
      auto byte = static_cast<uint8_t>(s[1 + i / 8]);
      out.push_back((byte >> (7 - i % 8)) & 1 ? '1' : '0');
    }
  }
};

// BIGNUM (VARINT): 3-byte header with sign and length, then big-endian magnitude; negative
// numbers have every bit inverted.
class BignumNode : public Node {
 public:
  BignumNode() : Node(oid::kText, false) {}
  void text(idx_t row, std::string& out) override {
    std::string_view s = string_at(static_cast<const duckdb_string_t*>(data_), row);
    if (s.size() < 3) return;
    bool neg = !(static_cast<uint8_t>(s[0]) & 0x80);
    // Magnitude as base-1e9 limbs, little end first, built by repeated multiply-add.
    limbs_.clear();
    for (size_t i = 3; i < s.size(); i++) {
      uint32_t byte = static_cast<uint8_t>(neg ? ~s[i] : s[i]);
      uint64_t carry = byte;
      for (auto& limb : limbs_) {
        uint64_t v = uint64_t{limb} * 256 + carry;
        limb = static_cast<uint32_t>(v % 1000000000);
        carry = v / 1000000000;
      }
      while (carry) {
        limbs_.push_back(static_cast<uint32_t>(carry % 1000000000));
        carry /= 1000000000;
      }
    }
    if (limbs_.empty()) {
      out.push_back('0');
      return;
    }
    if (neg) out.push_back('-');
    append_int(out, limbs_.back());
    for (size_t i = limbs_.size() - 1; i-- > 0;) append_padded(out, limbs_[i], 9);
  }

 private:
  std::vector<uint32_t> limbs_;
};

// Types with no encoder (e.g. SQLNULL): every value prints empty.
class EmptyNode : public Node {
 public:
  EmptyNode() : Node(oid::kText, false) {}
  void text(idx_t, std::string&) override {}
};

std::unique_ptr<Node> make_node(duckdb_logical_type type, const EncodeOptions& options);

// A BIGINT the catalog declares as oid (pg_class.oid & co, sql/catalog_types.h).
bool is_catalog_oid(duckdb_logical_type type) {
  char* alias = duckdb_logical_type_get_alias(type);
  bool catalog = alias && sql::catalog_type_oid(alias) == oid::kOid;
  if (alias) duckdb_free(alias);
  return catalog;
}

// LIST and ARRAY: a PostgreSQL array when the element type maps, else DuckDB's `[a, b]`.
class SequenceNode : public Node {
 public:
  SequenceNode(std::unique_ptr<Node> child, idx_t fixed_size)
      : Node(oid::kText, false), child_(std::move(child)), fixed_size_(fixed_size) {
    if (!child_->mapped()) return;
    if (child_->pg_array()) {
      // A list of arrays is one more dimension of the same PostgreSQL array type.
      auto* inner = static_cast<SequenceNode*>(child_.get());
      oid_ = inner->oid_;
      leaf_oid_ = inner->leaf_oid_;
      depth_ = inner->depth_ + 1;
      mapped_ = true;
    } else if (int32_t arr = array_oid_of(child_->oid()); arr != 0) {
      oid_ = arr;
      leaf_oid_ = child_->oid();
      depth_ = 1;
      mapped_ = true;
    }
  }
  bool nested() const override { return true; }
  bool pg_array() const override { return mapped_; }

  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    child_->set_vector(fixed_size_ ? duckdb_array_vector_get_child(v)
                                   : duckdb_list_vector_get_child(v));
  }
  duckdb_list_entry entry(idx_t row) const {
    if (fixed_size_) return {row * fixed_size_, fixed_size_};
    return at<duckdb_list_entry>(row);
  }

  void text(idx_t row, std::string& out) override {
    if (!mapped_) {
      duck_text(row, out);
      return;
    }
    auto e = entry(row);
    out.push_back('{');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out.push_back(',');
      idx_t idx = e.offset + i;
      if (child_->is_null(idx)) {
        out += "NULL";
      } else if (child_->pg_array()) {
        child_->text(idx, out);
      } else {
        size_t at = out.size();
        child_->text(idx, out);
        if (pg_needs_quotes(std::string_view(out).substr(at))) quote_tail(out, at, '"', scratch_);
      }
    }
    out.push_back('}');
  }

  void duck_text(idx_t row, std::string& out) override {
    auto e = entry(row);
    out.push_back('[');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out += ", ";
      append_duck_element(*child_, e.offset + i, out, scratch_);
    }
    out.push_back(']');
  }

  void binary(idx_t row, std::string& out) override {
    if (!mapped_) {
      duck_text(row, out);
      return;
    }
    // PostgreSQL arrays are rectangular: take each dimension from the first element at that
    // level and insist every sub-list matches it.
    std::array<int32_t, 8> dims{};
    if (depth_ > static_cast<int>(dims.size()))
      throw SqlError("54000", "number of array dimensions exceeds the maximum allowed (6)");
    SequenceNode* node = this;
    idx_t r = row;
    bool empty = false;
    for (int d = 0; d < depth_; d++) {
      auto e = node->entry(r);
      dims[d] = static_cast<int32_t>(e.length);
      if (e.length == 0) {
        empty = true;
        break;
      }
      if (d + 1 < depth_) {
        if (node->child_->is_null(e.offset)) throw ragged();
        r = e.offset;
        node = static_cast<SequenceNode*>(node->child_.get());
      }
    }
    if (empty) {
      put_i32(out, 0);
      put_i32(out, 0);
      put_i32(out, leaf_oid_);
      return;
    }
    put_i32(out, depth_);
    size_t flag_at = out.size();
    put_i32(out, 0);
    put_i32(out, leaf_oid_);
    for (int d = 0; d < depth_; d++) {
      put_i32(out, dims[d]);
      put_i32(out, 1);
    }
    bool has_null = false;
    write_elements(row, dims.data(), out, has_null);
    if (has_null) patch_i32(out, flag_at, 1);
  }

 private:
  static SqlError ragged() {
    return SqlError("2202E",
                    "multidimensional arrays must have sub-arrays with matching dimensions");
  }
  void write_elements(idx_t row, const int32_t* dims, std::string& out, bool& has_null) {
    auto e = entry(row);
    if (static_cast<int64_t>(e.length) != dims[0]) throw ragged();
    bool leaf = !child_->pg_array();
    for (idx_t i = 0; i < e.length; i++) {
      idx_t idx = e.offset + i;
      if (child_->is_null(idx)) {
        if (!leaf) throw ragged();
        put_i32(out, -1);
        has_null = true;
      } else if (leaf) {
        size_t at = out.size();
        put_i32(out, 0);
        child_->binary(idx, out);
        patch_i32(out, at, static_cast<int32_t>(out.size() - at - 4));
      } else {
        static_cast<SequenceNode*>(child_.get())->write_elements(idx, dims + 1, out, has_null);
      }
    }
  }

  std::unique_ptr<Node> child_;
  idx_t fixed_size_;
  int32_t leaf_oid_ = 0;
  int depth_ = 0;
  std::string scratch_;
};

// STRUCT as DuckDB prints it: {'a': 1, 'b': text}; unnamed structs as (1, text).
class StructNode : public Node {
 public:
  explicit StructNode(duckdb_logical_type type, const EncodeOptions& options)
      : Node(oid::kText, false) {
    idx_t n = duckdb_struct_type_child_count(type);
    bool any_name = false;
    for (idx_t i = 0; i < n; i++) {
      char* name = duckdb_struct_type_child_name(type, i);
      std::string key = "'";
      for (const char* p = name; p && *p; p++) {
        if (*p == '\'' || *p == '\\') key.push_back('\\');
        key.push_back(*p);
      }
      key += "': ";
      any_name = any_name || (name && *name);
      if (name) duckdb_free(name);
      keys_.push_back(std::move(key));
      duck::LogicalType child(duckdb_struct_type_child_type(type, i));
      children_.push_back(make_node(child.get(), options));
    }
    unnamed_ = !any_name;
  }
  bool nested() const override { return true; }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    for (size_t i = 0; i < children_.size(); i++)
      children_[i]->set_vector(duckdb_struct_vector_get_child(v, i));
  }
  void text(idx_t row, std::string& out) override {
    if (!unnamed_) {
      duck_text(row, out);
      return;
    }
    // ROW(1, 'a b') as PostgreSQL's record_out writes it: (1,"a b"), NULL as nothing.
    out.push_back('(');
    for (size_t i = 0; i < children_.size(); i++) {
      if (i) out.push_back(',');
      if (children_[i]->is_null(row)) continue;
      size_t at = out.size();
      children_[i]->text(row, out);
      std::string_view v = std::string_view(out).substr(at);
      bool quote = v.empty();
      for (char c : v) {
        if (c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || pg_array_isspace(c)) quote = true;
      }
      if (!quote) continue;
      scratch_.assign("\"");
      for (char c : v) {
        if (c == '"' || c == '\\') scratch_.push_back(c);
        scratch_.push_back(c);
      }
      scratch_.push_back('"');
      out.replace(at, std::string::npos, scratch_);
    }
    out.push_back(')');
  }
  void duck_text(idx_t row, std::string& out) override {
    out.push_back(unnamed_ ? '(' : '{');
    for (size_t i = 0; i < children_.size(); i++) {
      if (i) out += ", ";
      if (!unnamed_) out += keys_[i];
      append_duck_element(*children_[i], row, out, scratch_);
    }
    out.push_back(unnamed_ ? ')' : '}');
  }

 private:
  std::vector<std::string> keys_;
  std::vector<std::unique_ptr<Node>> children_;
  bool unnamed_ = false;
  std::string scratch_;
};

// MAP as DuckDB prints it: {k=v, k2=v2}. Physically a LIST of STRUCT(key, value).
class MapNode : public Node {
 public:
  MapNode(duckdb_logical_type type, const EncodeOptions& options) : Node(oid::kText, false) {
    duck::LogicalType k(duckdb_map_type_key_type(type));
    duck::LogicalType v(duckdb_map_type_value_type(type));
    key_ = make_node(k.get(), options);
    value_ = make_node(v.get(), options);
  }
  bool nested() const override { return true; }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    duckdb_vector entries = duckdb_list_vector_get_child(v);
    key_->set_vector(duckdb_struct_vector_get_child(entries, 0));
    value_->set_vector(duckdb_struct_vector_get_child(entries, 1));
  }
  void text(idx_t row, std::string& out) override { duck_text(row, out); }
  void duck_text(idx_t row, std::string& out) override {
    auto e = at<duckdb_list_entry>(row);
    out.push_back('{');
    for (idx_t i = 0; i < e.length; i++) {
      if (i) out += ", ";
      append_duck_element(*key_, e.offset + i, out, scratch_);
      out.push_back('=');
      append_duck_element(*value_, e.offset + i, out, scratch_);
    }
    out.push_back('}');
  }

 private:
  std::unique_ptr<Node> key_, value_;
  std::string scratch_;
};

// UNION prints its active member. Physically a STRUCT whose child 0 is the tag.
class UnionNode : public Node {
 public:
  UnionNode(duckdb_logical_type type, const EncodeOptions& options) : Node(oid::kText, false) {
    idx_t n = duckdb_union_type_member_count(type);
    for (idx_t i = 0; i < n; i++) {
      duck::LogicalType m(duckdb_union_type_member_type(type, i));
      members_.push_back(make_node(m.get(), options));
    }
  }
  void set_vector(duckdb_vector v) override {
    Node::set_vector(v);
    duckdb_vector tags = duckdb_struct_vector_get_child(v, 0);
    tags_ = static_cast<const uint8_t*>(duckdb_vector_get_data(tags));
    for (size_t i = 0; i < members_.size(); i++)
      members_[i]->set_vector(duckdb_struct_vector_get_child(v, i + 1));
  }
  void text(idx_t row, std::string& out) override { duck_text(row, out); }
  void duck_text(idx_t row, std::string& out) override {
    size_t tag = tags_[row];
    if (tag >= members_.size()) return;
    Node& m = *members_[tag];
    if (m.is_null(row))
      out += "NULL";
    else
      m.duck_text(row, out);
  }

 private:
  std::vector<std::unique_ptr<Node>> members_;
  const uint8_t* tags_ = nullptr;
};

std::unique_ptr<Node> make_node(duckdb_logical_type type, const EncodeOptions& options) {
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN:
      return std::make_unique<BoolNode>();
    case DUCKDB_TYPE_TINYINT:
      return std::make_unique<IntNode<int8_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_SMALLINT:
      return std::make_unique<IntNode<int16_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_UTINYINT:
      return std::make_unique<IntNode<uint8_t, int16_t>>(oid::kInt2);
    case DUCKDB_TYPE_INTEGER:
      return std::make_unique<IntNode<int32_t, int32_t>>(oid::kInt4);
    case DUCKDB_TYPE_USMALLINT:
      return std::make_unique<IntNode<uint16_t, int32_t>>(oid::kInt4);
    case DUCKDB_TYPE_BIGINT:
      if (is_catalog_oid(type)) return std::make_unique<IntNode<int64_t, uint32_t>>(oid::kOid);
      return std::make_unique<IntNode<int64_t, int64_t>>(oid::kInt8);
    case DUCKDB_TYPE_UINTEGER:
      return std::make_unique<IntNode<uint32_t, int64_t>>(oid::kInt8);
    case DUCKDB_TYPE_UBIGINT:
      return std::make_unique<WideIntNode<uint64_t>>();
    case DUCKDB_TYPE_HUGEINT:
      return std::make_unique<WideIntNode<duckdb_hugeint>>();
    case DUCKDB_TYPE_UHUGEINT:
      return std::make_unique<WideIntNode<duckdb_uhugeint>>();
    case DUCKDB_TYPE_DECIMAL: {
      int scale = duckdb_decimal_scale(type);
      switch (duckdb_decimal_internal_type(type)) {
        case DUCKDB_TYPE_SMALLINT:
          return std::make_unique<DecimalNode<int16_t>>(scale);
        case DUCKDB_TYPE_INTEGER:
          return std::make_unique<DecimalNode<int32_t>>(scale);
        case DUCKDB_TYPE_BIGINT:
          return std::make_unique<DecimalNode<int64_t>>(scale);
        default:
          // DECIMAL(38,17) is numeric without precision (sql/pg_numeric): a stored value's
          // display scale is its digits without trailing zeros.
          return std::make_unique<DecimalNode<duckdb_hugeint>>(
              scale, duckdb_decimal_width(type) == 38 && scale == 17);
      }
    }
    case DUCKDB_TYPE_FLOAT:
      return std::make_unique<FloatNode<float>>(options.extra_float_digits);
    case DUCKDB_TYPE_DOUBLE:
      return std::make_unique<FloatNode<double>>(options.extra_float_digits);
    case DUCKDB_TYPE_VARCHAR: {
      char* alias = duckdb_logical_type_get_alias(type);
      bool json = alias && std::strcmp(alias, "JSON") == 0;
      bool jsonb = alias && std::strcmp(alias, "jsonb") == 0;  // duck/pg_json.h
      int32_t catalog = alias ? sql::catalog_type_oid(alias) : 0;  // name, "char", …
      if (alias) duckdb_free(alias);
      return std::make_unique<VarcharNode>(catalog ? catalog : jsonb ? oid::kJsonb : json ? oid::kJson : oid::kText);
    }
    case DUCKDB_TYPE_BLOB:
      return std::make_unique<BlobNode>();
    case DUCKDB_TYPE_DATE:
      return std::make_unique<DateNode>();
    case DUCKDB_TYPE_TIME:
      return std::make_unique<TimeNode>(false);
    case DUCKDB_TYPE_TIME_NS:
      return std::make_unique<TimeNode>(true);
    case DUCKDB_TYPE_TIME_TZ:
      return std::make_unique<TimeTzNode>();
    case DUCKDB_TYPE_TIMESTAMP:
      return std::make_unique<TimestampNode>(kMicrosPerSecond, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_S:
      return std::make_unique<TimestampNode>(1, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return std::make_unique<TimestampNode>(1000, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return std::make_unique<TimestampNode>(1000000000, false, 0);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return std::make_unique<TimestampNode>(kMicrosPerSecond, true, options.utc_offset_seconds,
                                             options.time_zone);
    case DUCKDB_TYPE_INTERVAL:
      return std::make_unique<IntervalNode>();
    case DUCKDB_TYPE_UUID:
      return std::make_unique<UuidNode>();
    case DUCKDB_TYPE_ENUM:
      switch (duckdb_enum_internal_type(type)) {
        case DUCKDB_TYPE_UTINYINT:
          return std::make_unique<EnumNode<uint8_t>>(type);
        case DUCKDB_TYPE_USMALLINT:
          return std::make_unique<EnumNode<uint16_t>>(type);
        default:
          return std::make_unique<EnumNode<uint32_t>>(type);
      }
    case DUCKDB_TYPE_LIST: {
      duck::LogicalType child(duckdb_list_type_child_type(type));
      return std::make_unique<SequenceNode>(make_node(child.get(), options), 0);
    }
    case DUCKDB_TYPE_ARRAY: {
      duck::LogicalType child(duckdb_array_type_child_type(type));
      return std::make_unique<SequenceNode>(make_node(child.get(), options),
                                            duckdb_array_type_array_size(type));
    }
    case DUCKDB_TYPE_STRUCT:
      return std::make_unique<StructNode>(type, options);
    case DUCKDB_TYPE_MAP:
      return std::make_unique<MapNode>(type, options);
    case DUCKDB_TYPE_UNION:
      return std::make_unique<UnionNode>(type, options);
    case DUCKDB_TYPE_BIT:
      return std::make_unique<BitNode>();
    case DUCKDB_TYPE_BIGNUM:
      return std::make_unique<BignumNode>();
    default:
      return std::make_unique<EmptyNode>();
  }
}

class NodeEncoder : public ColumnEncoder {
 public:
  NodeEncoder(std::unique_ptr<Node> root, Format format)
      : root_(std::move(root)), binary_(format == Format::kBinary) {}
  void set_vector(duckdb_vector vector) override { root_->set_vector(vector); }
  bool is_null(idx_t row) const override { return root_->is_null(row); }
  void append_value(idx_t row, std::string& out) override {
    if (binary_)
      root_->binary(row, out);
    else
      root_->text(row, out);
  }

 private:
  std::unique_ptr<Node> root_;
  bool binary_;
};

// ---------------------------------------------------------------------------------------------
// Binary decoding of Bind parameters.

[[noreturn]] void bad_binary(int32_t type_oid, const char* what) {
  throw SqlError("22P03", std::string("incorrect binary data format in bind parameter of type ") +
                              std::to_string(type_oid) + ": " + what);
}

template <typename T>
T read_be(std::string_view bytes, size_t at) {
  using U = std::make_unsigned_t<T>;
  U u;
  std::memcpy(&u, bytes.data() + at, sizeof(U));
  if constexpr (sizeof(U) == 2) u = __builtin_bswap16(u);
  if constexpr (sizeof(U) == 4) u = __builtin_bswap32(u);
  if constexpr (sizeof(U) == 8) u = __builtin_bswap64(u);
  return static_cast<T>(u);
}

void expect_len(int32_t type_oid, std::string_view bytes, size_t n) {
  if (bytes.size() != n) bad_binary(type_oid, "wrong length");
}

// PostgreSQL's valid dates (4714-11-24 BC to 5874897-12-31) in its days and microseconds
// since 2000-01-01.
constexpr int32_t kPgMinDate = -2451545, kPgEndDate = 2145031949;
constexpr int64_t kPgMinTimestamp = -211813488000000000;

[[noreturn]] void out_of_range(const char* what) {
  throw SqlError("22008", std::string(what) + " out of range");
}

duck::Value checked(duckdb_value v, int32_t type_oid) {
  if (!v) bad_binary(type_oid, "value rejected");
  return duck::Value(v);
}

// A decoded NUMERIC: unscaled value with its scale, or a double when it does not fit.
struct NumericParts {
  bool is_double = false;
  double d = 0;
  bool neg = false;
  u128 magnitude = 0;  // unscaled
  int scale = 0;
  bool fits = true;  // magnitude and scale are exact
};

NumericParts parse_numeric(std::string_view b) {
  if (b.size() < 8) bad_binary(oid::kNumeric, "too short");
  int16_t ndigits = read_be<int16_t>(b, 0);
  int16_t weight = read_be<int16_t>(b, 2);
  auto sign = static_cast<uint16_t>(read_be<int16_t>(b, 4));
  int16_t dscale = read_be<int16_t>(b, 6);
  if (ndigits < 0 || b.size() != 8 + size_t(ndigits) * 2) bad_binary(oid::kNumeric, "wrong length");
  NumericParts p;
  if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
    p.is_double = true;
    p.d = sign == 0xC000   ? std::numeric_limits<double>::quiet_NaN()
          : sign == 0xD000 ? std::numeric_limits<double>::infinity()
                           : -std::numeric_limits<double>::infinity();
    return p;
  }
  if (sign != 0 && sign != 0x4000) bad_binary(oid::kNumeric, "invalid sign");
  if (dscale < 0 || dscale > 0x3FFF) bad_binary(oid::kNumeric, "invalid scale");
  p.neg = sign == 0x4000;
  p.scale = dscale;
  p.fits = dscale <= 38;
  for (int i = 0; i < ndigits; i++) {
    int16_t dig = read_be<int16_t>(b, 8 + 2 * size_t(i));
    if (dig < 0 || dig > 9999) bad_binary(oid::kNumeric, "invalid digit");
    if (!p.fits) continue;
    // This digit counts 10^exp10 units of the unscaled value.
    int exp10 = 4 * (weight - i) + dscale;
    u128 term = static_cast<u128>(dig);
    if (exp10 < 0) {
      // Digits below dscale: PostgreSQL never sends them; drop them.
      for (int k = 0; k < -exp10 && term; k++) term /= 10;
    } else {
      for (int k = 0; k < exp10 && term && p.fits; k++) {
        if (__builtin_mul_overflow(term, static_cast<u128>(10), &term)) p.fits = false;
      }
    }
    if (p.fits && __builtin_add_overflow(p.magnitude, term, &p.magnitude)) p.fits = false;
  }
  if (p.fits) return p;
  // Beyond 128 bits: a double from the decimal text is the best DuckDB can hold.
  std::string text = p.neg ? "-" : "";
  for (int i = 0; i < ndigits; i++) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04d", read_be<int16_t>(b, 8 + 2 * size_t(i)));
    text += buf;
  }
  text += "e" + std::to_string(4 * (weight - ndigits + 1));
  p.is_double = true;
  p.d = std::strtod(text.c_str(), nullptr);
  return p;
}

duck::Value make_decimal(i128 unscaled, int scale, int width) {
  duckdb_decimal d;
  d.width = static_cast<uint8_t>(width);
  d.scale = static_cast<uint8_t>(scale);
  auto u = static_cast<u128>(unscaled);
  d.value.lower = static_cast<uint64_t>(u);
  d.value.upper = static_cast<int64_t>(static_cast<uint64_t>(u >> 64));
  return checked(duckdb_create_decimal(d), oid::kNumeric);
}

constexpr u128 kMaxDecimal38 = static_cast<u128>(10000000000000000000ull) * 10000000000000000000ull;

// DECIMAL(18|38, scale) when it fits, else a whole number as HUGEINT/UHUGEINT, else DOUBLE.
duck::Value numeric_value(const NumericParts& p) {
  if (p.is_double) return checked(duckdb_create_double(p.d), oid::kNumeric);
  if (p.magnitude < kMaxDecimal38) {
    i128 v = p.neg ? -static_cast<i128>(p.magnitude) : static_cast<i128>(p.magnitude);
    int width = (p.magnitude < 1000000000000000000ull && p.scale <= 17) ? 18 : 38;
    return make_decimal(v, p.scale, width);
  }
  if (p.scale == 0) {
    const u128 max_i128 = ~static_cast<u128>(0) >> 1;
    if (p.magnitude <= max_i128 || (p.neg && p.magnitude == max_i128 + 1)) {
      u128 bits = p.neg ? static_cast<u128>(0) - p.magnitude : p.magnitude;
      duckdb_hugeint h{static_cast<uint64_t>(bits), static_cast<int64_t>(bits >> 64)};
      return checked(duckdb_create_hugeint(h), oid::kNumeric);
    }
    if (!p.neg) {
      duckdb_uhugeint h{static_cast<uint64_t>(p.magnitude),
                        static_cast<uint64_t>(p.magnitude >> 64)};
      return checked(duckdb_create_uhugeint(h), oid::kNumeric);
    }
  }
  // Scaled beyond 38 digits: as close as a double gets.
  double d = static_cast<double>(p.magnitude);
  for (int i = 0; i < p.scale; i++) d /= 10;
  return checked(duckdb_create_double(p.neg ? -d : d), oid::kNumeric);
}

duck::Value decode_scalar(int32_t t, std::string_view b) {
  switch (t) {
    case oid::kBool:
      expect_len(t, b, 1);
      if (static_cast<uint8_t>(b[0]) > 1) bad_binary(t, "invalid boolean");
      return checked(duckdb_create_bool(b[0] != 0), t);
    case oid::kInt2:
      expect_len(t, b, 2);
      return checked(duckdb_create_int16(read_be<int16_t>(b, 0)), t);
    case oid::kInt4:
      expect_len(t, b, 4);
      return checked(duckdb_create_int32(read_be<int32_t>(b, 0)), t);
    case oid::kInt8:
      expect_len(t, b, 8);
      return checked(duckdb_create_int64(read_be<int64_t>(b, 0)), t);
    case oid::kOid:
      expect_len(t, b, 4);
      return checked(duckdb_create_int64(read_be<uint32_t>(b, 0)), t);
    case oid::kFloat4: {
      expect_len(t, b, 4);
      uint32_t bits = read_be<uint32_t>(b, 0);
      float f;
      std::memcpy(&f, &bits, 4);
      return checked(duckdb_create_float(f), t);
    }
    case oid::kFloat8: {
      expect_len(t, b, 8);
      uint64_t bits = read_be<uint64_t>(b, 0);
      double d;
      std::memcpy(&d, &bits, 8);
      return checked(duckdb_create_double(d), t);
    }
    case oid::kNumeric:
      return numeric_value(parse_numeric(b));
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
    case oid::kJson:
    case oid::kUnknown:
      check_text_encoding(b);
      return checked(duckdb_create_varchar_length(b.data(), b.size()), t);
    case oid::kJsonb:
      if (b.empty() || b[0] != 1) bad_binary(t, "unsupported jsonb version number");
      check_text_encoding(b.substr(1));
      return checked(duckdb_create_varchar_length(b.data() + 1, b.size() - 1), t);
    case oid::kBytea:
      return checked(duckdb_create_blob(reinterpret_cast<const uint8_t*>(b.data()), b.size()), t);
    case oid::kDate: {
      expect_len(t, b, 4);
      int32_t d = read_be<int32_t>(b, 0);
      duckdb_date v;
      if (d == std::numeric_limits<int32_t>::max())
        v.days = kDateInfinity;
      else if (d == std::numeric_limits<int32_t>::min())
        v.days = kDateNegInfinity;
      else if (d < kPgMinDate || d >= kPgEndDate)
        out_of_range("date");
      else
        v.days = d + kPgEpochDays;
      return checked(duckdb_create_date(v), t);
    }
    case oid::kTime: {
      expect_len(t, b, 8);
      int64_t us = read_be<int64_t>(b, 0);
      if (us < 0 || us > kMicrosPerDay) out_of_range("time");
      return checked(duckdb_create_time(duckdb_time{us}), t);
    }
    case oid::kTimetz: {
      expect_len(t, b, 12);
      int64_t us = read_be<int64_t>(b, 0);
      int32_t west = read_be<int32_t>(b, 8);
      if (us < 0 || us > kMicrosPerDay) out_of_range("time with time zone");
      if (west < -kMaxTzOffset || west > kMaxTzOffset)
        throw SqlError("22009", "time zone displacement out of range");
      return checked(duckdb_create_time_tz_value(duckdb_create_time_tz(us, -west)), t);
    }
    case oid::kTimestamp:
    case oid::kTimestamptz: {
      expect_len(t, b, 8);
      int64_t us = read_be<int64_t>(b, 0);
      duckdb_timestamp ts;
      if (us == std::numeric_limits<int64_t>::max())
        ts.micros = kTsInfinity;
      else if (us == std::numeric_limits<int64_t>::min())
        ts.micros = kTsNegInfinity;
      else if (us < kPgMinTimestamp || __builtin_add_overflow(us, kPgEpochMicros, &ts.micros) ||
               ts.micros == kTsInfinity)
        out_of_range("timestamp");
      return checked(
          t == oid::kTimestamp ? duckdb_create_timestamp(ts) : duckdb_create_timestamp_tz(ts), t);
    }
    case oid::kInterval: {
      expect_len(t, b, 16);
      duckdb_interval iv;
      iv.micros = read_be<int64_t>(b, 0);
      iv.days = read_be<int32_t>(b, 8);
      iv.months = read_be<int32_t>(b, 12);
      return checked(duckdb_create_interval(iv), t);
    }
    case oid::kUuid: {
      expect_len(t, b, 16);
      duckdb_uhugeint u;
      u.upper = read_be<uint64_t>(b, 0);
      u.lower = read_be<uint64_t>(b, 8);
      return checked(duckdb_create_uuid(u), t);
    }
    default:
      throw SqlError("0A000",
                     "binary format is not supported for parameters of type " + std::to_string(t));
  }
}

// The DuckDB type a decoded element of PostgreSQL type `t` has, for building LIST values.
duck::LogicalType element_logical_type(int32_t t, int numeric_scale) {
  duckdb_type id;
  switch (t) {
    case oid::kBool:
      id = DUCKDB_TYPE_BOOLEAN;
      break;
    case oid::kInt2:
      id = DUCKDB_TYPE_SMALLINT;
      break;
    case oid::kInt4:
      id = DUCKDB_TYPE_INTEGER;
      break;
    case oid::kInt8:
    case oid::kOid:
      id = DUCKDB_TYPE_BIGINT;
      break;
    case oid::kFloat4:
      id = DUCKDB_TYPE_FLOAT;
      break;
    case oid::kFloat8:
      id = DUCKDB_TYPE_DOUBLE;
      break;
    case oid::kNumeric:
      if (numeric_scale < 0) {
        id = DUCKDB_TYPE_DOUBLE;
        break;
      }
      return duck::LogicalType(duckdb_create_decimal_type(38, static_cast<uint8_t>(numeric_scale)));
    case oid::kBytea:
      id = DUCKDB_TYPE_BLOB;
      break;
    case oid::kDate:
      id = DUCKDB_TYPE_DATE;
      break;
    case oid::kTime:
      id = DUCKDB_TYPE_TIME;
      break;
    case oid::kTimetz:
      id = DUCKDB_TYPE_TIME_TZ;
      break;
    case oid::kTimestamp:
      id = DUCKDB_TYPE_TIMESTAMP;
      break;
    case oid::kTimestamptz:
      id = DUCKDB_TYPE_TIMESTAMP_TZ;
      break;
    case oid::kInterval:
      id = DUCKDB_TYPE_INTERVAL;
      break;
    case oid::kUuid:
      id = DUCKDB_TYPE_UUID;
      break;
    default:
      id = DUCKDB_TYPE_VARCHAR;
      break;
  }
  return duck::LogicalType(duckdb_create_logical_type(id));
}

// PostgreSQL's limits on arrays (MAXDIM, MaxArraySize).
constexpr int32_t kMaxArrayDims = 6;
constexpr int64_t kMaxArrayItems = (int64_t{1} << 27) - 1;

// Decimal digits of an unscaled NUMERIC magnitude.
int decimal_digits(u128 v) {
  int n = 0;
  for (; v; v /= 10) n++;
  return n;
}

// array_recv: every count and length is checked against the bytes there are before anything
// is read or allocated for it, with PostgreSQL's SQLSTATEs.
duck::Value decode_array(int32_t array_oid, int32_t elem_oid, std::string_view b) {
  auto fail = [&](const char* what) { bad_binary(array_oid, what); };
  if (b.size() < 12) fail("insufficient data left in message");
  int32_t ndim = read_be<int32_t>(b, 0);
  int32_t flags = read_be<int32_t>(b, 4);
  int32_t sent_elem = read_be<int32_t>(b, 8);
  if (ndim < 0) fail("invalid number of dimensions");
  if (ndim > kMaxArrayDims) {
    throw SqlError("54000", "number of array dimensions (" + std::to_string(ndim) +
                                ") exceeds the maximum allowed (" + std::to_string(kMaxArrayDims) +
                                ")");
  }
  if (flags != 0 && flags != 1) fail("invalid array flags");
  if (sent_elem != elem_oid) {
    throw SqlError("42804", "binary data has array element type " +
                                std::to_string(static_cast<uint32_t>(sent_elem)) +
                                " instead of expected " + std::to_string(elem_oid));
  }
  size_t pos = 12;
  if ((b.size() - pos) / 8 < static_cast<size_t>(ndim)) fail("insufficient data left in message");
  std::array<int32_t, kMaxArrayDims> dims{};
  int64_t total = ndim > 0 ? 1 : 0;
  for (int d = 0; d < ndim; d++) {
    dims[d] = read_be<int32_t>(b, pos);
    int32_t lower = read_be<int32_t>(b, pos + 4);
    pos += 8;  // the lower bound does not survive: DuckDB lists start at 1
    int32_t upper;
    if (dims[d] < 0 || (total *= dims[d]) > kMaxArrayItems) {
      throw SqlError("54000", "array size exceeds the maximum allowed (" +
                                  std::to_string(kMaxArrayItems) + ")");
    }
    if (__builtin_add_overflow(dims[d], lower, &upper)) {
      throw SqlError("54000", "array lower bound is too large: " + std::to_string(lower));
    }
  }
  // Each element takes at least its length word: a count the bytes cannot hold is refused
  // before anything is reserved for it.
  if (total > static_cast<int64_t>((b.size() - pos) / 4)) fail("insufficient data left in message");
  std::vector<duck::Value> leaves;
  leaves.reserve(static_cast<size_t>(total));
  int max_scale = 0, max_int_digits = 0;
  bool numeric_double = false;
  for (int64_t i = 0; i < total; i++) {
    if (b.size() - pos < 4) fail("insufficient data left in message");
    int32_t len = read_be<int32_t>(b, pos);
    pos += 4;
    if (len == -1) {
      leaves.emplace_back(duckdb_create_null_value());
      continue;
    }
    if (len < 0 || b.size() - pos < static_cast<size_t>(len))
      fail("insufficient data left in message");
    std::string_view eb = b.substr(pos, static_cast<size_t>(len));
    pos += static_cast<size_t>(len);
    if (elem_oid == oid::kNumeric) {
      NumericParts p = parse_numeric(eb);
      if (p.is_double || p.magnitude >= kMaxDecimal38) {
        numeric_double = true;
      } else {
        max_scale = std::max(max_scale, p.scale);
        max_int_digits = std::max(max_int_digits, decimal_digits(p.magnitude) - p.scale);
      }
    }
    leaves.push_back(decode_scalar(elem_oid, eb));
  }
  if (pos != b.size()) fail("trailing bytes");
  // One DECIMAL(38, s) must hold every element, else the list is of doubles.
  if (max_int_digits + max_scale > 38) numeric_double = true;
  duck::LogicalType type = element_logical_type(elem_oid, numeric_double ? -1 : max_scale);
  if (total == 0) {
    // No elements (no dimensions, or one of length 0): PostgreSQL's empty array.
    duckdb_value none = nullptr;  // the C API wants a non-null array even for no values
    return checked(duckdb_create_list_value(type.get(), &none, 0), array_oid);
  }
  // Fold the innermost dimension into lists, then the next, up to the outermost. Every
  // dimension is at least 1 here, and their product is the number of leaves.
  std::vector<duck::Value> level = std::move(leaves);
  for (int d = ndim - 1; d >= 0; d--) {
    size_t n = static_cast<size_t>(dims[d]);
    std::vector<duck::Value> next;
    next.reserve(level.size() / n);
    std::vector<duckdb_value> raw(n);
    for (size_t start = 0; start + n <= level.size(); start += n) {
      for (size_t i = 0; i < n; i++) raw[i] = level[start + i].get();
      next.push_back(checked(duckdb_create_list_value(type.get(), raw.data(), n), array_oid));
    }
    level = std::move(next);
    if (d > 0) type = duck::LogicalType(duckdb_create_list_type(type.get()));
  }
  if (level.size() != 1) fail("inconsistent dimensions");
  return std::move(level[0]);
}

struct TypeMapping {
  PgType pg;
  bool mapped;  // a real PostgreSQL twin (VARCHAR and ENUM count; STRUCT printed as text not)
  bool array;
};

TypeMapping map_type(duckdb_logical_type type) {
  auto scalar = [](int32_t o, int16_t len) { return TypeMapping{{o, len, -1}, true, false}; };
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN:
      return scalar(oid::kBool, 1);
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_UTINYINT:
      return scalar(oid::kInt2, 2);
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_USMALLINT:
      return scalar(oid::kInt4, 4);
    case DUCKDB_TYPE_BIGINT:
      if (is_catalog_oid(type)) return scalar(oid::kOid, 4);
      return scalar(oid::kInt8, 8);
    case DUCKDB_TYPE_UINTEGER:
      return scalar(oid::kInt8, 8);
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
      return scalar(oid::kNumeric, -1);
    case DUCKDB_TYPE_DECIMAL: {
      int32_t typmod =
          ((int32_t{duckdb_decimal_width(type)} << 16) | duckdb_decimal_scale(type)) + 4;
      if (duckdb_decimal_width(type) == 38 && duckdb_decimal_scale(type) == 17) typmod = -1;  // numeric
      return TypeMapping{{oid::kNumeric, -1, typmod}, true, false};
    }
    case DUCKDB_TYPE_FLOAT:
      return scalar(oid::kFloat4, 4);
    case DUCKDB_TYPE_DOUBLE:
      return scalar(oid::kFloat8, 8);
    case DUCKDB_TYPE_VARCHAR: {
      char* alias = duckdb_logical_type_get_alias(type);
      bool json = alias && std::strcmp(alias, "JSON") == 0;
      bool jsonb = alias && std::strcmp(alias, "jsonb") == 0;  // duck/pg_json.h
      int32_t catalog = alias ? sql::catalog_type_oid(alias) : 0;  // name, "char", …
      int32_t typmod = alias ? sql::catalog_type_typmod(alias) : -1;
      if (alias) duckdb_free(alias);
      if (catalog) {
        int16_t len = catalog == oid::kName ? 64 : catalog == oid::kChar ? 1 : -1;
        return TypeMapping{{catalog, len, typmod}, true, false};
      }
      return scalar(jsonb ? oid::kJsonb : json ? oid::kJson : oid::kText, -1);
    }
    case DUCKDB_TYPE_ENUM:
      return scalar(oid::kText, -1);
    case DUCKDB_TYPE_BLOB:
      return scalar(oid::kBytea, -1);
    case DUCKDB_TYPE_DATE:
      return scalar(oid::kDate, 4);
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIME_NS:
      return scalar(oid::kTime, 8);
    case DUCKDB_TYPE_TIME_TZ:
      return scalar(oid::kTimetz, 12);
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return scalar(oid::kTimestamp, 8);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return scalar(oid::kTimestamptz, 8);
    case DUCKDB_TYPE_INTERVAL:
      return scalar(oid::kInterval, 16);
    case DUCKDB_TYPE_UUID:
      return scalar(oid::kUuid, 16);
    case DUCKDB_TYPE_BIT:
      return scalar(1560, -1);  // bit: what B'1010' and X'1F' are (sql/rewrite_literals)
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: {
      bool list = duckdb_get_type_id(type) == DUCKDB_TYPE_LIST;
      duck::LogicalType child(list ? duckdb_list_type_child_type(type)
                                   : duckdb_array_type_child_type(type));
      TypeMapping e = map_type(child.get());
      if (e.mapped) {
        int32_t arr = e.array ? e.pg.oid : array_oid_of(e.pg.oid);
        if (arr != 0) return TypeMapping{{arr, -1, e.pg.typmod}, true, true};
      }
      return TypeMapping{{oid::kText, -1, -1}, false, false};
    }
    default:
      return TypeMapping{{oid::kText, -1, -1}, false, false};
  }
}

constexpr std::pair<int32_t, int32_t> kArrayOids[] = {
    {oid::kBool, oid::kBoolArray},
    {oid::kBytea, oid::kByteaArray},
    {oid::kChar, oid::kCharArray},
    {oid::kName, oid::kNameArray},
    {oid::kInt2, oid::kInt2Array},
    {oid::kInt4, oid::kInt4Array},
    {oid::kText, oid::kTextArray},
    {oid::kOid, oid::kOidArray},
    {oid::kBpchar, oid::kBpcharArray},
    {oid::kVarchar, oid::kVarcharArray},
    {oid::kInt8, oid::kInt8Array},
    {oid::kFloat4, oid::kFloat4Array},
    {oid::kFloat8, oid::kFloat8Array},
    {oid::kTimestamp, oid::kTimestampArray},
    {oid::kDate, oid::kDateArray},
    {oid::kTime, oid::kTimeArray},
    {oid::kTimestamptz, oid::kTimestamptzArray},
    {oid::kInterval, oid::kIntervalArray},
    {oid::kNumeric, oid::kNumericArray},
    {oid::kTimetz, oid::kTimetzArray},
    {oid::kUuid, oid::kUuidArray},
    {oid::kJson, oid::kJsonArray},
    {oid::kJsonb, oid::kJsonbArray},
};

}  // namespace

PgType pg_type_of(duckdb_logical_type type) {
  return map_type(type).pg;
}

int32_t array_oid_of(int32_t element_oid) {
  for (auto [e, a] : kArrayOids)
    if (e == element_oid) return a;
  return 0;
}

int32_t element_oid_of(int32_t array_oid) {
  for (auto [e, a] : kArrayOids)
    if (a == array_oid) return e;
  return 0;
}

std::unique_ptr<ColumnEncoder> make_encoder(duckdb_logical_type type, Format format,
                                            const EncodeOptions& options) {
  return std::make_unique<NodeEncoder>(make_node(type, options), format);
}

void check_text_encoding(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c > 0 && c < 0x80) {
      i++;
      continue;
    }
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && len <= n - i && c != 0xC0 && c != 0xC1 && c <= 0xF4;
    for (size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok && len == 3) {
      uint32_t cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
      ok = cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
    } else if (ok && len == 4) {
      uint32_t cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) |
                    (p[i + 3] & 0x3Fu);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (!ok) {
      // PostgreSQL names the bytes of the bad sequence (NUL included).
      std::string bytes;
      for (size_t k = i; k < n && k < i + std::max<size_t>(len, 1); ++k) {
        char hex[6];
        std::snprintf(hex, sizeof(hex), k == i ? "0x%02x" : " 0x%02x", p[k]);
        bytes += hex;
      }
      throw SqlError("22021", "invalid byte sequence for encoding \"UTF8\": " + bytes);
    }
    i += len;
  }
}

duck::Value decode_binary(int32_t type_oid, std::string_view bytes) {
  if (int32_t elem = element_oid_of(type_oid); elem != 0)
    return decode_array(type_oid, elem, bytes);
  return decode_scalar(type_oid, bytes);
}

std::string duckdb_type_name_of(int32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
      return "BOOLEAN";
    case oid::kInt2:
      return "SMALLINT";
    case oid::kInt4:
      return "INTEGER";
    case oid::kInt8:
    case oid::kOid:
      return "BIGINT";
    case oid::kFloat4:
      return "FLOAT";
    case oid::kFloat8:
      return "DOUBLE";
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
      return "VARCHAR";
    case oid::kJson:
      return "JSON";
    case oid::kJsonb:
      return "jsonb";  // duck/pg_json.h
    case oid::kBytea:
      return "BLOB";
    case oid::kDate:
      return "DATE";
    case oid::kTime:
      return "TIME";
    case oid::kTimetz:
      return "TIMETZ";
    case oid::kTimestamp:
      return "TIMESTAMP";
    case oid::kTimestamptz:
      return "TIMESTAMPTZ";
    case oid::kInterval:
      return "INTERVAL";
    case oid::kUuid:
      return "UUID";
    default:
      break;
  }
  if (int32_t elem = element_oid_of(type_oid); elem != 0) {
    std::string e = duckdb_type_name_of(elem);
    return e.empty() ? e : e + "[]";
  }
  return "";
}

}  // namespace ducklings::pgwire
