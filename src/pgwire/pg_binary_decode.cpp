// Binary-format Bind parameters and COPY BINARY fields into DuckDB values, with PostgreSQL's
// checks and SQLSTATEs for every length, count and range; and the UTF-8 check of text.
#include <algorithm>
#include <vector>

#include "pgwire/pg_types.h"
#include "pgwire/value_format.h"

namespace ducklings::pgwire {
namespace {
using namespace value_format;

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


}  // namespace



duck::Value decode_binary(int32_t type_oid, std::string_view bytes) {
  if (int32_t elem = element_oid_of(type_oid); elem != 0)
    return decode_array(type_oid, elem, bytes);
  return decode_scalar(type_oid, bytes);
}


}  // namespace ducklings::pgwire
