// PostgreSQL's array functions whose answer depends on the array's dimensions, which DuckDB's
// nested lists only show at run time: cardinality (every element of every dimension),
// array_ndims and array_dims. C-API functions over any list type, called by the names the
// rewriter gives them (sql/rewrite_literals), with the macros for the one-dimensional rest.
#pragma once

#include "duck/duck.h"

namespace ducklings::sql {

// Registers __pg_cardinality, __pg_array_ndims and __pg_array_dims in `connection`'s database.
void register_array_functions(duck::Connection& connection);

}  // namespace ducklings::sql

// array_remove, array_replace, array_positions, trim_array, array_length/array_upper/array_lower
// (__pg_array_length, __pg_array_lower): PostgreSQL's, on DuckDB lists
// (elements compared with IS NOT DISTINCT FROM, as PostgreSQL does). Created once per
// DuckDB instance by sql/engine_macros.
#define DUCKLINGS_ARRAY_MACROS                                                                      \
  /* array_out's text of a list whose elements DuckDB prints as PostgreSQL does (dates, times, */   \
  /* timestamps, uuids): {…}, elements quoted when empty, NULL-like or holding {}",\ or blanks. */ \
  R"(CREATE OR REPLACE TEMP MACRO __pg_array_element(s) AS CASE WHEN s = '' OR lower(s) = 'null' )" \
  R"(OR regexp_matches(s, '[{}",\\\s]') THEN '"' || replace(replace(s, '\', '\\'), '"', '\"') || '"' ELSE s END;)" \
  R"(CREATE OR REPLACE TEMP MACRO __pg_array_text(a) AS CASE WHEN a IS NULL THEN NULL ELSE '{' || )" \
  R"(array_to_string(list_transform(a, e -> CASE WHEN e IS NULL THEN 'NULL' )"                      \
  R"(ELSE __pg_array_element(CAST(e AS VARCHAR)) END), ',') || '}' END;)"                           \
  /* numeric[] as text: each element with its display scale (sql/pg_numeric) */                    \
  R"(CREATE OR REPLACE TEMP MACRO __pg_numeric_array_text(a) AS CASE WHEN a IS NULL THEN NULL ELSE )" \
  R"('{' || array_to_string(list_transform(a, e -> CASE WHEN e IS NULL THEN 'NULL' ELSE )"          \
  R"(__pg_numeric_text(e, __pg_numeric_scale(e)) END), ',') || '}' END;)"                           \
  "CREATE OR REPLACE TEMP MACRO array_remove(a, x) AS list_filter(a, e -> e IS DISTINCT FROM x);"   \
  /* array_fill(v, ARRAY[n]): one dimension (a DuckDB list's lower bound is 1) */                   \
  "CREATE OR REPLACE TEMP MACRO array_fill(v, d) AS CASE WHEN len(d) <> 1 THEN error('[0A000] "       \
  "array_fill of other than one dimension is not supported by duckgres') WHEN d[1] < 0 THEN "        \
  "error('[22023] array size exceeds the maximum allowed') ELSE list_transform(range(d[1]), i -> v) END;" \
  /* width_bucket(x, thresholds): how many of the (ascending) lower bounds x reaches */            \
  "CREATE OR REPLACE TEMP MACRO __pg_width_bucket_array(x, b) AS "                                  \
  "CASE WHEN x IS NULL THEN NULL ELSE CAST(len(list_filter(b, t -> t <= x)) AS INTEGER) END;"       \
  "CREATE OR REPLACE TEMP MACRO array_replace(a, x, y) AS "                                         \
  "list_transform(a, e -> CASE WHEN e IS NOT DISTINCT FROM x THEN y ELSE e END);"                   \
  "CREATE OR REPLACE TEMP MACRO array_positions(a, x) AS "                                          \
  "CAST(list_filter(range(1, len(a) + 1), i -> a[i] IS NOT DISTINCT FROM x) AS INTEGER[]);"        \
  /* array_length/upper/lower: NULL for an empty array or a dimension it does not have */       \
  "CREATE OR REPLACE TEMP MACRO __pg_array_length(a, d) AS CASE WHEN d < 1 OR "                     \
  "d > coalesce(__pg_array_ndims(a), 0) THEN NULL ELSE CAST(array_length(a, d) AS INTEGER) END;"    \
  "CREATE OR REPLACE TEMP MACRO __pg_array_lower(a, d) AS CASE WHEN d < 1 OR "                      \
  "d > coalesce(__pg_array_ndims(a), 0) THEN NULL ELSE 1 END;"                                      \
  "CREATE OR REPLACE TEMP MACRO trim_array(a, n) AS "                                               \
  "CASE WHEN n < 0 OR n > len(a) THEN error('number of elements to trim must be between 0 and ' "   \
  "|| len(a)) ELSE a[1:len(a) - n] END;"                                                            \
  /* UPDATE … SET a[i] = v (rewrite_dml): PostgreSQL pads with NULLs past the end; an element */   \
  /* before the first, or any but the first of an empty array, would move the lower bound. */       \
  "CREATE OR REPLACE TEMP MACRO __pg_array_assign(a, i, v) AS CASE "                                \
  "WHEN i IS NULL THEN error('[22004] array subscript in assignment must not be null') "            \
  "WHEN i < 1 OR (i > 1 AND coalesce(len(a), 0) = 0) THEN error('[0A000] array subscript ' || i || " \
  "' would give the array a lower bound other than 1, which duckgres does not support') "          \
  "ELSE list_concat(list_resize(coalesce(a, [v][1:0])[1:i - 1], i - 1), [v], "                      \
  "coalesce(a, [v][1:0])[i + 1:]) END;"
