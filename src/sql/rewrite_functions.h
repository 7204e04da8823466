// PostgreSQL's string and date/time function calls as DuckDB runs them: calls DuckDB lacks or
// answers otherwise become DuckDB built-ins, the session macros of kFunctionMacros or the C++
// functions of duck/pg_functions (to_char, format(), regexp_matches, SIMILAR TO, extract …).
#pragma once
#include "pg_query.pb.h"

namespace ducklings::sql {

// Rewrites one node of the walk in rewrite_expressions (called before the other rewrites
// see it, so names are still PostgreSQL's); true when it changed something.
bool rewrite_function_call(pg_query::Node& node);

// DuckDB macros the rewrites call, created once per DuckDB instance (sql/engine_macros).
#define DUCKLINGS_FUNCTION_MACROS                                                                  \
  "CREATE OR REPLACE TEMP MACRO __pg_no_matches() AS CAST([] AS VARCHAR[][]);"                     \
  "CREATE OR REPLACE TEMP MACRO __pg_each_as_list(l) AS list_transform(l, x -> [x]);"               \
  "CREATE OR REPLACE TEMP MACRO __pg_zip2(a, b) AS "                                               \
  "list_transform(range(len(a)), i -> [a[i + 1], b[i + 1]]);"                                       \
  "CREATE OR REPLACE TEMP MACRO __pg_zip3(a, b, c) AS "                                            \
  "list_transform(range(len(a)), i -> [a[i + 1], b[i + 1], c[i + 1]]);"                             \
  "CREATE OR REPLACE TEMP MACRO __pg_zip4(a, b, c, d) AS "                                         \
  "list_transform(range(len(a)), i -> [a[i + 1], b[i + 1], c[i + 1], d[i + 1]]);"                   \
  "CREATE OR REPLACE TEMP MACRO __pg_zip5(a, b, c, d, e) AS "                                      \
  "list_transform(range(len(a)), i -> [a[i + 1], b[i + 1], c[i + 1], d[i + 1], e[i + 1]]);"         \
  "CREATE OR REPLACE TEMP MACRO __pg_zip6(a, b, c, d, e, f) AS "                                   \
  "list_transform(range(len(a)), i -> [a[i + 1], b[i + 1], c[i + 1], d[i + 1], e[i + 1], f[i + 1]]);" \
  /* overlay(s PLACING r FROM start FOR count) */                                                   \
  "CREATE OR REPLACE TEMP MACRO __pg_overlay(s, r, start, count) AS "                              \
  "left(s, start - 1) || r || substr(s, start + count);"                                            \
  /* string_to_array('', d) is an empty array */                                                    \
  "CREATE OR REPLACE TEMP MACRO __pg_string_to_array2(s, d) AS "                                   \
  "CASE WHEN s = '' THEN CAST([] AS VARCHAR[]) ELSE string_split(s, d) END;"                       \
  "CREATE OR REPLACE TEMP MACRO __pg_string_to_array(s, d, null_text) AS "                         \
  "list_transform(__pg_string_to_array2(s, d), x -> CASE WHEN x = null_text THEN NULL ELSE x END);" \
  "CREATE OR REPLACE TEMP MACRO __pg_lpad(s, n, f) AS "                                           \
  "CASE WHEN n <= 0 THEN '' WHEN f = '' THEN left(s, n) ELSE lpad(s, CAST(n AS INTEGER), f) END;"                   \
  "CREATE OR REPLACE TEMP MACRO __pg_rpad(s, n, f) AS "                                           \
  "CASE WHEN n <= 0 THEN '' WHEN f = '' THEN left(s, n) ELSE rpad(s, CAST(n AS INTEGER), f) END;"                   \
  "CREATE OR REPLACE TEMP MACRO __pg_split_part(s, d, n) AS "                                     \
  "CASE WHEN n = 0 THEN error('[22023] field position must not be zero') ELSE split_part(s, d, n) END;" \
  "CREATE OR REPLACE TEMP MACRO __pg_array_to_string(a, d, null_text) AS "                         \
  "array_to_string(list_transform(a, x -> coalesce(CAST(x AS VARCHAR), null_text)), d);"         \
  /* (s1, e1) OVERLAPS (s2, e2) as PostgreSQL decides it: ends in either order */                 \
  "CREATE OR REPLACE TEMP MACRO __pg_overlaps(a1, b1, a2, b2) AS CASE "                            \
  "WHEN least(a1, b1) > least(a2, b2) THEN least(a1, b1) < greatest(a2, b2) "                      \
  "WHEN least(a2, b2) > least(a1, b1) THEN least(a2, b2) < greatest(a1, b1) "                      \
  "WHEN a1 IS NULL OR a2 IS NULL THEN NULL ELSE true END;"

}  // namespace ducklings::sql
