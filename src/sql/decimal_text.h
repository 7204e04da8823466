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

// Unsigned integers as decimal digits, most significant first, without leading zeros ("" is
// 0): exact arithmetic of any width, for square roots and sums and products of quotients.
int compare_digits(const std::string& a, const std::string& b);
std::string add_digits(const std::string& a, const std::string& b);
std::string subtract_digits(const std::string& a, const std::string& b);  // a >= b
std::string multiply_digits(const std::string& a, const std::string& b);
std::string times_small_plus(const std::string& a, int factor, int addend);

// Digits (as above) with `scale` of them after the point, as numeric's text prints them:
// "0.05" for ("5", 2), no sign for zero.
std::string format_digits(bool negative, const std::string& digits, int scale);

// numeric + numeric, numeric - numeric and numeric * numeric on numeric texts, exact and with
// PostgreSQL's display scales (add_var: the larger of the two; mul_var: their sum); nullopt
// when an operand is not a plain decimal.
std::optional<std::string> numeric_add_text(std::string_view a, std::string_view b, bool subtract);
std::optional<std::string> numeric_mul_text(std::string_view a, std::string_view b);
// -1, 0 or 1 as a is below, equal to or above b (1.0 equals 1.00).
std::optional<int> numeric_compare_text(std::string_view a, std::string_view b);

}  // namespace ducklings::sql
