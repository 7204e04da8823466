#include "sql/pg_numeric.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/errors.h"
#include "sql/decimal_text.h"

namespace ducklings::sql {
namespace {

using i128 = __int128;
using u128 = unsigned __int128;

u128 pow10(int n) {
  u128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

const u128 kLimit = pow10(kUnconstrainedWidth);  // 10^38: DECIMAL(38,s) holds less

std::string digits_of(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return std::string(s.rbegin(), s.rend());
}

[[noreturn]] void too_wide(std::string_view shown) {
  throw SqlError("22003", "numeric value " + std::string(shown.substr(0, 60)) +
                              " does not fit numeric without precision (at most 21 digits before the "
                              "decimal point and 17 after it; declare numeric(p,s) for others)");
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// The pieces of numeric_in's syntax: significant digits, where the point falls, the sign.
struct Parsed {
  bool negative = false;
  std::string digits;  // integer and fraction digits together
  int fraction = 0;    // how many of them follow the point, after the exponent (may be < 0)
};

std::optional<Parsed> parse(std::string_view t) {
  size_t i = 0, n = t.size();
  while (i < n && is_space(t[i])) ++i;
  while (n > i && is_space(t[n - 1])) --n;
  Parsed p;
  if (i < n && (t[i] == '+' || t[i] == '-')) p.negative = t[i++] == '-';
  bool point = false, any = false;
  for (; i < n; ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9') {
      p.digits.push_back(c);
      any = true;
      if (point) ++p.fraction;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    if (i >= n) return std::nullopt;
    long exp = 0;
    for (; i < n && t[i] >= '0' && t[i] <= '9'; ++i) {
      exp = exp * 10 + (t[i] - '0');
      if (exp > 100000) return std::nullopt;
    }
    p.fraction -= static_cast<int>(neg ? -exp : exp);
  }
  if (i != n) return std::nullopt;
  return p;
}

bool special_value(std::string_view t) {
  size_t i = 0, n = t.size();
  while (i < n && is_space(t[i])) ++i;
  while (n > i && is_space(t[n - 1])) --n;
  std::string w;
  for (size_t k = i; k < n; ++k) w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(t[k]))));
  if (!w.empty() && (w[0] == '+' || w[0] == '-')) w = w.substr(1);
  return w == "nan" || w == "infinity" || w == "inf";
}

// A value unscaled at `scale`, or an error when it would lose digits or exceed 38.
i128 rescale(u128 magnitude, bool negative, int from_scale, int to_scale, std::string_view shown) {
  if (from_scale > to_scale) {
    if (from_scale - to_scale > 38) {
      if (magnitude != 0) too_wide(shown);
      return 0;
    }
    u128 div = pow10(from_scale - to_scale);
    if (magnitude % div != 0) too_wide(shown);
    magnitude /= div;
  } else if (from_scale < to_scale) {
    u128 mul = pow10(to_scale - from_scale);
    if (magnitude != 0 && magnitude > (kLimit - 1) / mul) too_wide(shown);
    magnitude *= mul;
  }
  if (magnitude >= kLimit) too_wide(shown);
  return negative ? -static_cast<i128>(magnitude) : static_cast<i128>(magnitude);
}

// ---------------------------------------------------------------------------------------
// Vectors of any numeric DuckDB type, read as an unscaled value and its scale.

struct AnyNumber {
  duckdb_type id = DUCKDB_TYPE_INVALID;
  duckdb_type internal = DUCKDB_TYPE_INVALID;  // a DECIMAL's storage
  int scale = 0;
  int width = 0;
  void* data = nullptr;
  uint64_t* valid = nullptr;

  explicit AnyNumber(duckdb_vector v) {
    duckdb_logical_type t = duckdb_vector_get_column_type(v);
    id = duckdb_get_type_id(t);
    if (id == DUCKDB_TYPE_DECIMAL) {
      internal = duckdb_decimal_internal_type(t);
      scale = duckdb_decimal_scale(t);
      width = duckdb_decimal_width(t);
    }
    duckdb_destroy_logical_type(&t);
    data = duckdb_vector_get_data(v);
    valid = duckdb_vector_get_validity(v);
  }
  bool null(idx_t r) const { return valid && !duckdb_validity_row_is_valid(valid, r); }
  std::string_view text(idx_t r) const {
    auto* s = &static_cast<duckdb_string_t*>(data)[r];
    return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
  }
  static i128 hugeint(const duckdb_hugeint& h) {
    return static_cast<i128>((static_cast<u128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
  }
  // Integer and DECIMAL values: unscaled, with `scale`; false for other types.
  bool exact(idx_t r, i128& out) const {
    duckdb_type t = id == DUCKDB_TYPE_DECIMAL ? internal : id;
    switch (t) {
      case DUCKDB_TYPE_TINYINT: out = static_cast<int8_t*>(data)[r]; return true;
      case DUCKDB_TYPE_SMALLINT: out = static_cast<int16_t*>(data)[r]; return true;
      case DUCKDB_TYPE_INTEGER: out = static_cast<int32_t*>(data)[r]; return true;
      case DUCKDB_TYPE_BIGINT: out = static_cast<int64_t*>(data)[r]; return true;
      case DUCKDB_TYPE_UTINYINT: out = static_cast<uint8_t*>(data)[r]; return true;
      case DUCKDB_TYPE_USMALLINT: out = static_cast<uint16_t*>(data)[r]; return true;
      case DUCKDB_TYPE_UINTEGER: out = static_cast<uint32_t*>(data)[r]; return true;
      case DUCKDB_TYPE_UBIGINT: out = static_cast<uint64_t*>(data)[r]; return true;
      case DUCKDB_TYPE_HUGEINT: out = hugeint(static_cast<duckdb_hugeint*>(data)[r]); return true;
      default: return false;
    }
  }
  // The value as PostgreSQL's float8_numeric/float4_numeric print it first (%.15g / %.6g).
  std::string float_text(idx_t r) const {
    double d = id == DUCKDB_TYPE_FLOAT ? static_cast<float*>(data)[r] : static_cast<double*>(data)[r];
    if (std::isnan(d) || std::isinf(d)) {
      throw SqlError("0A000", std::string("cannot convert ") + (std::isnan(d) ? "NaN" : "infinity") +
                                  " to numeric: DuckDB's decimals have no such value");
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", id == DUCKDB_TYPE_FLOAT ? 6 : 15, d);
    return buf;
  }
  bool is_text() const { return id == DUCKDB_TYPE_VARCHAR; }
  bool is_float() const { return id == DUCKDB_TYPE_DOUBLE || id == DUCKDB_TYPE_FLOAT; }
  // Stored numeric without precision: its display scale is lost, its digits are the scale.
  bool unconstrained() const {
    return id == DUCKDB_TYPE_DECIMAL && width == kUnconstrainedWidth && scale == kUnconstrainedScale;
  }
};

std::string state_message(const std::exception& e);

void set_error(duckdb_function_info info, const std::exception& e) {
  duckdb_scalar_function_set_error(info, state_message(e).c_str());
}

void put_hugeint(duckdb_vector output, idx_t r, i128 v) {
  auto* out = static_cast<duckdb_hugeint*>(duckdb_vector_get_data(output));
  out[r].lower = static_cast<uint64_t>(static_cast<u128>(v));
  out[r].upper = static_cast<int64_t>(v >> 64);
}

u128 magnitude(i128 v) { return v < 0 ? static_cast<u128>(-(v + 1)) + 1 : static_cast<u128>(v); }

// One value of `in` as numeric without precision (DECIMAL(38,17)), never rounded.
i128 to_numeric_value(const AnyNumber& in, idx_t r) {
  i128 v = 0;
  if (in.is_text()) return parse_numeric_input(in.text(r)).unscaled;
  if (in.is_float()) return parse_numeric_input(in.float_text(r)).unscaled;
  if (in.exact(r, v)) {
    return rescale(magnitude(v), v < 0, in.scale, kUnconstrainedScale, numeric_to_text(v, in.scale, in.scale));
  }
  if (in.id == DUCKDB_TYPE_BOOLEAN) throw SqlError("42846", "cannot cast type boolean to numeric");
  throw SqlError("42846", "cannot cast this type to numeric");
}

// __pg_to_numeric(x): x as numeric without precision.
void to_numeric(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  AnyNumber in(duckdb_data_chunk_get_vector(input, 0));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      if (in.id == DUCKDB_TYPE_SQLNULL || in.null(r)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      put_hugeint(output, r, to_numeric_value(in, r));
    }
  } catch (const std::exception& e) {
    set_error(info, e);
  }
}

std::string state_message(const std::exception& e) {
  if (const auto* s = dynamic_cast<const SqlError*>(&e)) return "[" + s->sqlstate() + "] " + s->what();
  return e.what();
}

// The cast to DECIMAL(38,17) from any type: the same conversion, for the casts DuckDB adds
// itself (INSERT into a numeric column, text parameters, UPDATE … SET); NULL under TRY_CAST.
bool cast_to_numeric(duckdb_function_info info, idx_t count, duckdb_vector input, duckdb_vector output) {
  AnyNumber in(input);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  bool try_cast = duckdb_cast_function_get_cast_mode(info) == DUCKDB_CAST_TRY;
  bool all = true;
  for (idx_t r = 0; r < count; ++r) {
    if (in.id == DUCKDB_TYPE_SQLNULL || in.null(r)) {
      duckdb_validity_set_row_invalid(ovalid, r);
      continue;
    }
    try {
      put_hugeint(output, r, to_numeric_value(in, r));
    } catch (const std::exception& e) {
      if (!try_cast) {
        duckdb_cast_function_set_error(info, state_message(e).c_str());
        return false;
      }
      duckdb_cast_function_set_row_error(info, state_message(e).c_str(), r, output);
      all = false;
    }
  }
  return all;
}

// __pg_numeric_scale(x): the display scale PostgreSQL's numeric of x has; with kMinimal
// (__pg_numeric_min_scale, PostgreSQL's min_scale) the fewest decimals that keep its value.
template <bool kMinimal>
void numeric_scale(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  AnyNumber in(duckdb_data_chunk_get_vector(input, 0));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  auto* out = static_cast<int32_t*>(duckdb_vector_get_data(output));
  try {
    for (idx_t r = 0; r < rows; ++r) {
      if (in.id == DUCKDB_TYPE_SQLNULL || in.null(r)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      i128 v = 0;
      if (in.is_text()) {
        std::string_view text = in.text(r);
        out[r] = kMinimal ? numeric_min_text_scale(text) : numeric_text_scale(text).value_or(0);
      } else if (in.is_float()) {
        std::string text = in.float_text(r);
        out[r] = kMinimal ? numeric_min_text_scale(text) : numeric_text_scale(text).value_or(0);
      } else if (in.exact(r, v)) {
        out[r] = kMinimal || in.unconstrained() ? numeric_min_scale(v, in.scale) : in.scale;
      } else {
        out[r] = 0;
      }
    }
  } catch (const std::exception& e) {
    set_error(info, e);
  }
}

// __pg_numeric_text(x, scale): x printed with PostgreSQL's display scale.
void numeric_text(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  AnyNumber in(duckdb_data_chunk_get_vector(input, 0));
  duckdb_vector sv = duckdb_data_chunk_get_vector(input, 1);
  auto* scales = static_cast<int32_t*>(duckdb_vector_get_data(sv));
  uint64_t* svalid = duckdb_vector_get_validity(sv);
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      i128 v = 0;
      if (in.id == DUCKDB_TYPE_SQLNULL || in.null(r) || !in.exact(r, v)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      bool scale_known = !svalid || duckdb_validity_row_is_valid(svalid, r);
      std::string text = numeric_to_text(v, in.scale, scale_known ? scales[r] : in.scale);
      duckdb_vector_assign_string_element_len(output, r, text.data(), text.size());
    }
  } catch (const std::exception& e) {
    set_error(info, e);
  }
}

Limbs limbs_of(u128 v) {
  Limbs out;
  while (v > 0) {
    out.push_back(static_cast<uint64_t>(v % kLimbBase));
    v /= kLimbBase;
  }
  return out;
}

// Divides by 10 in place; returns the remainder.
uint64_t divide10(Limbs& a) {
  uint64_t rem = 0;
  for (size_t i = a.size(); i-- > 0;) {
    uint64_t cur = a[i] + rem * kLimbBase;
    a[i] = cur / 10;
    rem = cur % 10;
  }
  while (!a.empty() && a.back() == 0) a.pop_back();
  return rem;
}

// __pg_numeric_mul(a, b): the exact product as numeric without precision. DuckDB's own
// DECIMAL product adds the scales (34 for two of these) and overflows beyond 9999.
void numeric_mul(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  idx_t rows = duckdb_data_chunk_get_size(input);
  AnyNumber a(duckdb_data_chunk_get_vector(input, 0)), b(duckdb_data_chunk_get_vector(input, 1));
  duckdb_vector_ensure_validity_writable(output);
  uint64_t* ovalid = duckdb_vector_get_validity(output);
  try {
    for (idx_t r = 0; r < rows; ++r) {
      i128 x = 0, y = 0;
      if (a.id == DUCKDB_TYPE_SQLNULL || b.id == DUCKDB_TYPE_SQLNULL || a.null(r) || b.null(r)) {
        duckdb_validity_set_row_invalid(ovalid, r);
        continue;
      }
      if (!a.exact(r, x) || !b.exact(r, y)) throw SqlError("42883", "operator does not exist: numeric * this type");
      Limbs p = multiply_limbs(limbs_of(magnitude(x)), limbs_of(magnitude(y)));
      int scale = a.scale + b.scale;
      bool negative = (x < 0) != (y < 0);
      // Down to kUnconstrainedScale digits after the point: only zeros may go.
      for (; scale > kUnconstrainedScale; --scale) {
        if (divide10(p) != 0) {
          too_wide(numeric_to_text(x, a.scale, a.scale) + " * " + numeric_to_text(y, b.scale, b.scale));
        }
      }
      u128 m = 0;
      for (size_t i = p.size(); i-- > 0;) {
        if (m > (kLimit - 1) / kLimbBase) too_wide(numeric_to_text(x, a.scale, a.scale) + " * …");
        m = m * kLimbBase + p[i];
      }
      put_hugeint(output, r, rescale(m, negative, scale, kUnconstrainedScale,
                                     numeric_to_text(x, a.scale, a.scale) + " * " +
                                         numeric_to_text(y, b.scale, b.scale)));
    }
  } catch (const std::exception& e) {
    set_error(info, e);
  }
}

void add(duck::Connection& connection, const char* name, std::vector<duckdb_type> params,
         duckdb_logical_type result, duckdb_scalar_function_t fn) {
  // NULLs reach the function (SQLNULL inputs).
  duck::register_scalar(connection.get(), {name, std::move(params), DUCKDB_TYPE_VARCHAR, result, fn,
                                           nullptr, nullptr, std::nullopt, true});
}

}  // namespace

NumericInput parse_numeric_input(std::string_view text) {
  std::optional<Parsed> p = parse(text);
  if (!p) {
    if (special_value(text)) {
      throw SqlError("0A000", "numeric NaN and Infinity are not supported: DuckDB's decimals have no such value");
    }
    throw SqlError("22P02", "invalid input syntax for type numeric: \"" + std::string(text) + "\"");
  }
  size_t first = p->digits.find_first_not_of('0');
  u128 m = 0;
  int scale = p->fraction;
  if (first != std::string::npos) {
    std::string_view d(p->digits);
    d = d.substr(first);
    // Trailing zeros of the fraction carry no value: drop them before counting.
    while (!d.empty() && d.back() == '0' && scale > kUnconstrainedScale) {
      d.remove_suffix(1);
      --scale;
    }
    if (d.size() > 38) too_wide(text);
    for (char c : d) m = m * 10 + static_cast<unsigned>(c - '0');
  } else {
    scale = 0;
  }
  NumericInput out;
  out.dscale = std::max(0, p->fraction);
  if (m != 0 && kUnconstrainedScale - scale > 38) too_wide(text);
  out.unscaled = rescale(m, p->negative, scale, kUnconstrainedScale, text);
  return out;
}

std::optional<int> numeric_text_scale(std::string_view text) {
  std::optional<Parsed> p = parse(text);
  if (!p) return std::nullopt;
  return std::max(0, p->fraction);
}

// min_scale of a numeric's text (through numeric without precision's digits).
int numeric_min_text_scale(std::string_view text) {
  return numeric_min_scale(parse_numeric_input(text).unscaled, kUnconstrainedScale);
}

int numeric_min_scale(i128 unscaled, int value_scale) {
  u128 m = magnitude(unscaled);
  int scale = value_scale;
  while (scale > 0 && m % 10 == 0) {
    m /= 10;
    --scale;
  }
  return m == 0 ? 0 : scale;
}

std::string numeric_to_text(i128 unscaled, int value_scale, int scale) {
  if (scale < 0) scale = 0;
  int keep = std::max(scale, numeric_min_scale(unscaled, value_scale));
  u128 m = magnitude(unscaled);
  std::string digits = digits_of(m);
  if (static_cast<int>(digits.size()) <= value_scale) digits.insert(0, value_scale + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - value_scale);
  std::string fraction = digits.substr(digits.size() - value_scale);
  if (keep < value_scale) {
    fraction.resize(keep);
  } else {
    fraction.append(keep - value_scale, '0');
  }
  std::string out = unscaled < 0 && (m != 0) ? "-" : "";
  out += whole;
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

void register_numeric_functions(duck::Connection& connection) {
  duck::LogicalType decimal(duckdb_create_decimal_type(kUnconstrainedWidth, kUnconstrainedScale));
  duck::LogicalType integer(duckdb_create_logical_type(DUCKDB_TYPE_INTEGER));
  duck::LogicalType varchar(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  add(connection, "__pg_to_numeric", {DUCKDB_TYPE_ANY}, decimal.get(), to_numeric);
  add(connection, "__pg_numeric_scale", {DUCKDB_TYPE_ANY}, integer.get(), numeric_scale<false>);
  add(connection, "__pg_numeric_min_scale", {DUCKDB_TYPE_ANY}, integer.get(), numeric_scale<true>);
  add(connection, "__pg_numeric_text", {DUCKDB_TYPE_ANY, DUCKDB_TYPE_INTEGER}, varchar.get(), numeric_text);
  add(connection, "__pg_numeric_mul", {DUCKDB_TYPE_ANY, DUCKDB_TYPE_ANY}, decimal.get(), numeric_mul);
  // Casts DuckDB would round (text, floats, DECIMALs of more than 17 decimals) check instead.
  // (DuckDB matches a cast's source type exactly: every DECIMAL wider than 17 decimals is named.)
  std::vector<duck::LogicalType> sources;
  for (duckdb_type from : {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_FLOAT}) {
    sources.emplace_back(duckdb_create_logical_type(from));
  }
  for (int scale = kUnconstrainedScale + 1; scale <= 38; ++scale) {
    for (int width = scale; width <= 38; ++width) {
      sources.emplace_back(duckdb_create_decimal_type(static_cast<uint8_t>(width), static_cast<uint8_t>(scale)));
    }
  }
  for (const auto& source : sources) {
    duckdb_cast_function cast = duckdb_create_cast_function();
    duckdb_cast_function_set_source_type(cast, source.get());
    duckdb_cast_function_set_target_type(cast, decimal.get());
    duckdb_cast_function_set_function(cast, cast_to_numeric);
    duckdb_state state = duckdb_register_cast_function(connection.get(), cast);
    duckdb_destroy_cast_function(&cast);
    if (state != DuckDBSuccess) throw std::runtime_error("cannot register the cast to numeric");
  }
}

}  // namespace ducklings::sql
