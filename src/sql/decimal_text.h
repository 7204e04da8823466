// Decimal numbers as text (what numeric's text form and DuckDB's DECIMAL casts give), taken
// apart for the numeric functions computed outside DuckDB (sql/result_types, sql/numeric_math).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

}  // namespace ducklings::sql
