// Decimal numbers as text (what numeric's text form and DuckDB's DECIMAL casts give), taken
// apart for the numeric functions computed outside DuckDB (sql/result_types, sql/numeric_math,
// sql/pg_numeric), with the little exact arithmetic they share.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ducklings::sql {

// A decimal text taken apart: sign, digits without leading zeros, digits after the point.
struct DecimalText {
  bool negative = false;
  std::string digits;
  int scale = 0;
};

// [sign]digits[.digits]; nullopt for anything else (exponents, NaN, blanks).
std::optional<DecimalText> parse_decimal(std::string_view s);

// Base-10000 weight and first base-10000 digit, as PostgreSQL's NumericVar holds them (0 and
// 0 for zero).
std::pair<int, int> weight_and_first(const DecimalText& d);

// Magnitudes as base-10^9 limbs, least significant first: exact products of decimals.
using Limbs = std::vector<uint64_t>;
inline constexpr uint64_t kLimbBase = 1000000000ull;

// The exact product (no limbs for zero).
Limbs multiply_limbs(const Limbs& a, const Limbs& b);

// Adds one to the last digit of a digit string, carrying ("199" → "200", "99" → "100"):
// rounding half away from zero once the dropped digits call for it.
void increment_digits(std::string& digits);

}  // namespace ducklings::sql
