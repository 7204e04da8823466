// PostgreSQL's result types for SELECT statements. DuckDB types results by its own rules (sum
// of integers is HUGEINT, avg and numeric division are DOUBLE, numeric keeps DuckDB's
// precision and scale); PostgreSQL's depend on the argument types. A small type inference over
// the parse tree (literals, casts, operators, the common functions, aggregates and window
// functions, columns of the FROM clause's tables, subqueries, CTEs and VALUES) picks rewrites
// that give PostgreSQL's values and types, and tells RowDescription which numeric columns carry
// no typmod. Where the inference does not know a type, nothing changes.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "duck/duck.h"
#include "sql/statement.h"

namespace ducklings::sql {

// A PostgreSQL type as the inference knows it: oid 0 when unknown.
struct PgResultType {
  int32_t oid = 0;
  int32_t typmod = -1;  // numeric(p,s): ((p << 16) | s) + 4, as PostgreSQL encodes it
  // The value DuckDB computes equals PostgreSQL's digit for digit (integers and DECIMALs);
  // false where DuckDB computes in double precision (sqrt of a numeric, say).
  bool exact = true;
  // An array (oid then says nothing of it): PostgreSQL's || appends or prepends an element to it.
  bool array = false;
  int32_t element = 0;  // an array's element type, when known
  // A subquery's or WITH query's numeric column: the hidden column beside it holding each row's
  // display scale (a quotient's 16 or 20 decimals), empty when there is none.
  std::string scale_column;
};

// The columns of a table: lower-case names and PostgreSQL types, in order.
using TableColumns = std::vector<std::pair<std::string, PgResultType>>;

// Looks up a table's columns by (schema, name) (schema empty when unqualified); nullopt when
// there is no such table. Called only when a statement needs a column's type.
using ColumnTypeLookup =
    std::function<std::optional<TableColumns>(const std::string& schema, const std::string& name)>;

// The PostgreSQL type of a DuckDB type as duckdb_columns() spells it ("DECIMAL(10,2)").
PgResultType pg_type_of_duckdb_name(const std::string& duckdb_type);

// Rewrites the SELECT statement `tree` so DuckDB computes PostgreSQL's result values and types:
// sum of int2/int4 is bigint, avg and numeric division give numeric at PostgreSQL's scale,
// integer-valued functions (ntile, grouping, length, date - date, …) are int4, mixed-width
// arithmetic widens as PostgreSQL's operators do. The query of CREATE TABLE … AS, CREATE
// VIEW and INSERT … SELECT is rewritten too, so stored rows hold the same exact values (a
// numeric quotient column is numeric without precision). Returns whether the tree changed.
bool rewrite_result_types(pg_query::ParseResult& tree, const ColumnTypeLookup& lookup);

// CREATE VIEW and CREATE TABLE … AS: the declared_types rows (sql/rewrite.h) for the new
// relation's columns whose PostgreSQL type DuckDB does not keep — a view over a varchar(10)
// column has a varchar(10) column, as PostgreSQL's does. Empty for other statements.
std::vector<std::string> stored_declared_types(const Statement& statement, const ColumnTypeLookup& lookup);

// RowDescription corrections for `statement`'s result columns: one OID per select-list entry,
// 0 where DuckDB's type stands. Numeric results reported as plain numeric (no typmod: every
// computed numeric but a column reference or an explicit cast to numeric(p,s)) get 1700, as do
// the numeric texts the rewrite makes. Empty when nothing changes or the columns are not known.
std::vector<int32_t> result_type_corrections(const Statement& statement, const ColumnTypeLookup& lookup);

// Applies result_type_corrections to a prepared SELECT's RowDescription overrides (one per
// column, 0 = DuckDB's type; sized to the columns when any is set): DECIMAL columns that
// PostgreSQL reports as plain numeric, and the numeric texts. Does nothing unless some column
// is a DECIMAL or VARCHAR.
// varchar(n) and char(n) columns get their type and, in `typmods` (sized to the columns when
// any is set, -1 = none), their declared length.
void correct_result_types(const Statement& statement, const std::vector<duck::LogicalType>& duckdb_types,
                          const ColumnTypeLookup& lookup, std::vector<int32_t>& overrides,
                          std::vector<int32_t>& typmods);

// PostgreSQL's numeric division (numeric.c, select_div_scale) of two decimal texts: the
// quotient rounded half away from zero to max(16 - 4·qweight, scale(x), scale(y)) digits, where
// qweight estimates the quotient's base-10000 weight from the operands' leading digits. nullopt
// when a text is not a plain decimal; throws std::domain_error("division by zero") and
// std::overflow_error when the divisor exceeds 37 digits.
std::optional<std::string> numeric_divide(std::string_view x, std::string_view y);

// PostgreSQL's binary form of a numeric given as decimal text (the numeric texts above, for
// clients that ask for binary results): ndigits, weight, sign, dscale, base-10000 digits.
// nullopt when the text is not a plain decimal.
std::optional<std::string> numeric_text_binary(std::string_view text);

// The OID of a type named as pg_typeof prints it ("double precision"), 0 when unknown here.
int32_t type_oid_of_name(std::string_view name);

// PostgreSQL's sqrt(numeric): rounded to max(16 - sweight, scale) digits, sweight being the
// root's estimated decimal weight.
std::optional<std::string> numeric_sqrt_scaled(std::string_view x);

// A decimal text as an integer scaled by 10^scale, rounded half away from zero; nullopt when not
// a plain decimal; throws std::overflow_error at 38 digits.
std::optional<__int128> numeric_text_scaled(std::string_view text, int scale);

// The square root of a decimal text rounded (half away from zero) to the text's own scale, as
// PostgreSQL's stddev takes it of the variance. nullopt when the text is not a plain decimal;
// throws std::domain_error for a negative number, std::overflow_error beyond 38 digits.
std::optional<std::string> numeric_sqrt(std::string_view x);

// The square root of a non-negative integer given as decimal digits, rounded half up.
std::string decimal_isqrt_rounded(const std::string& m);

// Registers __pg_numeric_div(VARCHAR, VARCHAR) and __pg_numeric_sqrt(VARCHAR) → VARCHAR
// (numeric_divide, numeric_sqrt) in the connection's database; the macros below and the
// rewrites call them with DuckDB's text of integers and DECIMALs.
void register_result_type_functions(duck::Connection& connection);

// DuckDB macros the rewrites call, created once per DuckDB instance (sql/engine_macros).
#define DUCKLINGS_RESULT_TYPE_MACROS \
  /* pg_typeof of a value the inference does not type: PostgreSQL's name for DuckDB's type */ \
  /* (typeof's text); an array of any dimensions is its element's name with one []. */ \
  "CREATE OR REPLACE TEMP MACRO __pg_format_base(b) AS CASE " \
  "WHEN b LIKE 'DECIMAL(%' OR b = 'HUGEINT' THEN 'numeric' WHEN b IN ('VARCHAR', '\"NULL\"') THEN 'text' " \
  "WHEN b = 'INTEGER' THEN 'integer' WHEN b = 'BIGINT' THEN 'bigint' WHEN b = 'SMALLINT' THEN 'smallint' " \
  "WHEN b = 'BOOLEAN' THEN 'boolean' WHEN b = 'DOUBLE' THEN 'double precision' WHEN b = 'FLOAT' THEN 'real' " \
  "WHEN b = 'DATE' THEN 'date' WHEN b = 'TIME' THEN 'time without time zone' " \
  "WHEN b = 'TIMESTAMP' THEN 'timestamp without time zone' " \
  "WHEN b = 'TIMESTAMP WITH TIME ZONE' THEN 'timestamp with time zone' " \
  "WHEN b = 'TIME WITH TIME ZONE' THEN 'time with time zone' WHEN b = 'INTERVAL' THEN 'interval' " \
  "WHEN b = 'BLOB' THEN 'bytea' WHEN b = 'UUID' THEN 'uuid' WHEN b = 'JSON' THEN 'json' " \
  "WHEN b LIKE 'STRUCT(%' THEN 'record' WHEN lower(b) = 'duckgres_name' THEN 'name' " \
  "WHEN lower(b) = 'duckgres_oid' THEN 'oid' WHEN lower(b) = 'duckgres_char' THEN '\"char\"' " \
  "WHEN lower(b) IN ('duckgres_regclass', 'duckgres_regtype', 'duckgres_regproc') THEN substr(lower(b), 10) " \
  "WHEN lower(b) IN ('duckgres_varchar', 'duckgres_yes_or_no') THEN 'character varying' ELSE lower(b) END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_format_type(t) AS " \
  "__pg_format_base(regexp_replace(t, '(\\[\\])+$', '')) || CASE WHEN t LIKE '%[]' THEN '[]' ELSE '' END;" \
  /* avg: NULL over no rows; sum and count come from the caller's aggregate calls. */ \
  /* A void function's value: '' once the call has run (its NULL would read as a value). */ \
  /* array || array (array_cat): NULL only when both are. */ \
  "CREATE OR REPLACE TEMP MACRO __pg_array_cat(a, b) AS " \
  "CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE list_concat(a, b) END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_void(x) AS CASE WHEN x IS NULL THEN '' ELSE left(CAST(x AS VARCHAR), 0) END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_bpchar_out(s, n) AS CASE WHEN length(s) < n THEN rpad(s, n, ' ') ELSE s END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_numeric_avg(s, c) AS " \
  "CASE WHEN c = 0 THEN NULL ELSE __pg_numeric_div(CAST(s AS VARCHAR), CAST(c AS VARCHAR)) END;" \
  /* variance (numeric_stddev_internal): (n·Σx² − (Σx)²) / (n(n−1)), 0 when the numerator is */ \
  /* not positive, NULL below two rows (one for the population). */ \
  "CREATE OR REPLACE TEMP MACRO __pgn_var(num, den, sc) AS " \
  "CASE WHEN num <= 0 THEN '0' ELSE __pg_numeric_div(__pg_numeric_text(num, CAST(2 * sc AS INTEGER)), " \
  "CAST(den AS VARCHAR)) END;" \
  /* n, Σx², (Σx)², the display scale of x */ \
  "CREATE OR REPLACE TEMP MACRO __pg_numeric_var_samp(n, s2, ss, sc) AS " \
  "CASE WHEN n <= 1 THEN NULL ELSE __pgn_var(n * s2 - ss, CAST(n AS HUGEINT) * (n - 1), sc) END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_numeric_var_pop(n, s2, ss, sc) AS " \
  "CASE WHEN n = 0 THEN NULL ELSE __pgn_var(n * s2 - ss, CAST(n AS HUGEINT) * n, sc) END;" \
  /* width_bucket(x, low, high, count) (the float8 form; 2201G for a bad count or bounds). */ \
  "CREATE OR REPLACE TEMP MACRO __pg_width_bucket(x, lo, hi, n) AS CASE " \
  "WHEN n <= 0 THEN error('count must be greater than zero') " \
  "WHEN lo = hi THEN error('lower bound cannot equal upper bound') " \
  "WHEN lo < hi THEN CASE WHEN x < lo THEN 0 WHEN x >= hi THEN n + 1 " \
  "ELSE CAST(floor((CAST(x AS DOUBLE) - lo) / (CAST(hi AS DOUBLE) - lo) * n) AS INTEGER) + 1 END " \
  "ELSE CASE WHEN x > lo THEN 0 WHEN x <= hi THEN n + 1 " \
  "ELSE CAST(floor((CAST(lo AS DOUBLE) - x) / (CAST(lo AS DOUBLE) - hi) * n) AS INTEGER) + 1 END END;"

// Table column types read from DuckDB's catalog, cached until the schema generation changes.
class ColumnTypeCache {
 public:
  explicit ColumnTypeCache(duck::Connection& connection) : connection_(connection) {}
  // Drops the cache when `generation` differs from the last one seen.
  void set_generation(uint64_t generation);
  std::optional<TableColumns> lookup(const std::string& schema, const std::string& name);
  ColumnTypeLookup as_lookup() {
    return [this](const std::string& s, const std::string& n) { return lookup(s, n); };
  }

 private:
  duck::Connection& connection_;
  uint64_t generation_ = 0;
  std::map<std::pair<std::string, std::string>, std::optional<TableColumns>> cache_;
  std::optional<duck::PreparedStatement> statement_;
};

}  // namespace ducklings::sql
