// How PostgreSQL (and DuckDB, inside nested values) write values: the byte, digit, float,
// numeric, date, time and interval writers and the quoting rules the encoders (pg_encoders.cpp)
// and the binary decoder (pg_binary_decode.cpp) share. Internal to pgwire.
#pragma once
#include <duckdb.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace ducklings::pgwire::value_format {

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

inline void patch_i32(std::string& out, size_t at, int32_t v) {
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
inline char* u128_digits(u128 v, char* end) {
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

inline i128 to_i128(duckdb_hugeint h) {
  return static_cast<i128>((static_cast<u128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}
inline u128 to_u128(duckdb_uhugeint h) {
  return (static_cast<u128>(h.upper) << 64) | h.lower;
}

inline std::string_view string_at(const duckdb_string_t* data, idx_t row) {
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
inline Civil civil_from_days(int64_t z) {
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

inline int64_t floor_div(int64_t a, int64_t b) {
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
inline void split_time_tz(uint64_t bits, int64_t& micros, int32_t& east) {
  micros = static_cast<int64_t>(bits >> 24);
  east = kMaxTzOffset - static_cast<int32_t>(bits & 0xFFFFFF);
}

// PostgreSQL's interval output, IntervalStyle 'postgres' (EncodeInterval).
inline void append_pg_interval(std::string& out, const duckdb_interval& iv) {
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
inline void append_duck_interval(std::string& out, const duckdb_interval& iv) {
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

inline void append_hex_byte(std::string& out, uint8_t b, const char* digits) {
  out.push_back(digits[b >> 4]);
  out.push_back(digits[b & 15]);
}

// UUID bytes in canonical order: DuckDB flips the top bit so that signed order sorts right.
inline void uuid_bytes(const duckdb_hugeint& h, uint8_t bytes[16]) {
  uint64_t upper = static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63);
  for (int i = 0; i < 8; i++) {
    bytes[i] = static_cast<uint8_t>(upper >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(h.lower >> (56 - 8 * i));
  }
}

// ---------------------------------------------------------------------------------------------
// Quoting of elements inside containers.

inline bool ci_equals_null(std::string_view s) {
  return s.size() == 4 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'u' && (s[2] | 0x20) == 'l' &&
         (s[3] | 0x20) == 'l';
}

inline bool pg_array_isspace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// PostgreSQL's array_out rule: quote empty strings, NULL look-alikes, and anything holding
// braces, quotes, backslashes, the delimiter or whitespace.
inline bool pg_needs_quotes(std::string_view s) {
  if (s.empty() || ci_equals_null(s)) return true;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || pg_array_isspace(c))
      return true;
  }
  return false;
}

// DuckDB's nested VARCHAR cast rule (vector_cast_helpers.hpp).
inline bool duck_needs_quotes(std::string_view s) {
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
inline void quote_tail(std::string& out, size_t at, char quote, std::string& scratch) {
  scratch.assign(out, at, std::string::npos);
  out.resize(at);
  out.push_back(quote);
  for (char c : scratch) {
    if (c == quote || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back(quote);
}


}  // namespace ducklings::pgwire::value_format
