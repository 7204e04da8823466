// PostgreSQL's json and jsonb operators and functions in DuckDB terms. The jsonb type and the
// functions doing the work are in duck/pg_json.h; this rewrites the parse tree to call them.
#pragma once
#include "pg_query.pb.h"

namespace ducklings::sql {

// Rewrites one node if it is a json operator (-> ->> #> #>> ? ?| ?& #-) or a json function
// PostgreSQL has and DuckDB lacks or answers otherwise; returns whether it changed. Called on
// every node of a statement, parents first.
bool rewrite_json(pg_query::Node& n);

}  // namespace ducklings::sql

// Macros the rewritten SQL calls, created once per DuckDB instance (sql/engine_macros):
//   __pgj_to_json(x)  x as json, as PostgreSQL's to_json writes it (NULL stays NULL): json and
//                     jsonb as they are, timestamps with a T, numerics with their scale;
//   __pgj_val(x)      its text, 'null' for NULL (an element of json_build_object and friends);
//   __pgj_pair(k, v)  "k" : v, with PostgreSQL's spacing (json_build_object, json_object_agg);
//   __pgj_agg(l)      json_agg's text of the list of aggregated values: ", " between elements,
//                     and a line break before each record or array after the first;
//   __pgj_object_agg(l), __pgj_object_agg_b(l)  json_object_agg's and jsonb_object_agg's;
//   __pgj_rows(l)     the rows (key, value) of jsonb_each's list, for FROM.
#define DUCKLINGS_JSON_MACROS \
    "CREATE OR REPLACE TEMP MACRO __pgj_to_json(x) AS CASE " \
    "WHEN typeof(x) IN ('jsonb', 'JSON') THEN CAST(CAST(x AS VARCHAR) AS JSON) " \
    "WHEN starts_with(typeof(x), 'STRUCT') OR ends_with(typeof(x), ']') " \
    "THEN __pgj_record(x, current_setting('TimeZone')) " \
    "WHEN typeof(x) = 'TIMESTAMP' THEN to_json(replace(CAST(x AS VARCHAR), ' ', 'T')) " \
    "WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN " \
    "to_json(regexp_replace(replace(CAST(x AS VARCHAR), ' ', 'T'), '([+-][0-9][0-9])$', '\\1:00')) " \
    "WHEN starts_with(typeof(x), 'DECIMAL') THEN CAST(CAST(x AS VARCHAR) AS JSON) " \
    "ELSE to_json(x) END;" \
    "CREATE OR REPLACE TEMP MACRO __pgj_val(x) AS coalesce(CAST(__pgj_to_json(x) AS VARCHAR), 'null');" \
    "CREATE OR REPLACE TEMP MACRO __pgj_pair(k, v) AS CASE WHEN k IS NULL THEN " \
    "error('field name must not be null') ELSE CAST(to_json(CAST(k AS VARCHAR)) AS VARCHAR) || ' : ' || v END;" \
    "CREATE OR REPLACE TEMP MACRO __pgj_agg(l) AS CASE WHEN l IS NULL THEN NULL ELSE CAST('[' || " \
    "array_to_string(list_transform(l, (e, i) -> CASE WHEN e IS NULL THEN 'null' " \
    "WHEN i > 1 AND (starts_with(typeof(l), 'STRUCT') OR ends_with(typeof(l), '[][]')) " \
    "THEN chr(10) || ' ' || __pgj_val(e) ELSE __pgj_val(e) END), ', ') || ']' AS JSON) END;" \
    "CREATE OR REPLACE TEMP MACRO __pgj_object_agg(l) AS " \
    "CAST('{ ' || array_to_string(l, ', ') || ' }' AS JSON);" \
    "CREATE OR REPLACE TEMP MACRO __pgj_object_agg_b(l) AS " \
    "CAST('{' || array_to_string(l, ', ') || '}' AS jsonb);" \
    "CREATE OR REPLACE TEMP MACRO __pgj_rows(l) AS TABLE " \
    "SELECT e.key AS key, e.value AS value FROM (SELECT unnest(l) AS e);"
