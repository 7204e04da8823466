// PostgreSQL's numeric exp, ln, log and power as numeric.c (PostgreSQL 15) answers them: the
// result scale it chooses (at least 16 significant digits, never fewer decimals than an
// argument shows) and the value rounded to it. DuckDB computes these in double precision,
// which prints other digits. Integer powers are exact; the rest is computed in quad precision
// (libquadmath, 33 digits), and a result needing more than 30 significant digits is refused
// (0A000) rather than printed with digits that could be wrong. Inputs and results are decimal
// texts; errors carry their SQLSTATE as a "[xxxxx] " prefix (sql/error_mapping).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ducklings::sql {

std::optional<std::string> numeric_exp(std::string_view x);
std::optional<std::string> numeric_ln(std::string_view x);
std::optional<std::string> numeric_log(std::string_view base, std::string_view x);
std::optional<std::string> numeric_power(std::string_view base, std::string_view exponent);

}  // namespace ducklings::sql
