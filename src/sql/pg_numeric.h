// PostgreSQL's numeric without precision on DuckDB's fixed decimals. DuckDB's own `numeric` is
// DECIMAL(18,3), which rounds away digits; here it is DECIMAL(38,17): every value with at most
// 21 digits before the point and 17 after it is kept exactly, anything wider is error 22003 —
// never rounded. PostgreSQL also keeps each value's display scale (1.50 prints 1.50); the
// rewrites carry that scale beside the value where they can (sql/result_types) and a stored
// value's scale is its digits without trailing zeros.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "duck/duck.h"

namespace ducklings::sql {

// The DECIMAL that stands for numeric without precision: columns, x::numeric.
constexpr int kUnconstrainedWidth = 38;
constexpr int kUnconstrainedScale = 17;

// A numeric value read from PostgreSQL's text: unscaled at kUnconstrainedScale, and the
// display scale numeric_in would give it.
struct NumericInput {
  __int128 unscaled = 0;
  int dscale = 0;
};

// numeric_in: [ws][sign]digits[.digits][e[sign]digits][ws]. Throws SqlError 22P02 for other
// text, 0A000 for NaN and Infinity, 22003 when the value does not fit DECIMAL(38,17) exactly.
NumericInput parse_numeric_input(std::string_view text);

// The display scale PostgreSQL gives the text (digits after the point less the exponent, at
// least 0); nullopt when it is no number.
std::optional<int> numeric_text_scale(std::string_view text);

// An unscaled decimal printed with `scale` digits after the point (at least `value_scale`'s
// significant ones: digits are never dropped).
std::string numeric_to_text(__int128 unscaled, int value_scale, int scale);

// The digits after the point a value needs (its scale without trailing zeros).
int numeric_min_scale(__int128 unscaled, int value_scale);
int numeric_min_text_scale(std::string_view text);

// Registers __pg_to_numeric(ANY) → DECIMAL(38,17), __pg_numeric_scale(ANY) → INTEGER,
// __pg_numeric_text(ANY, INTEGER) → VARCHAR and __pg_numeric_mul(ANY, ANY) → DECIMAL(38,17).
void register_numeric_functions(duck::Connection& connection);

}  // namespace ducklings::sql
