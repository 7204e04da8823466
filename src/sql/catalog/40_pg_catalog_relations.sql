CREATE VIEW duckgres_catalog.pg_namespace AS
SELECT CAST(duckgres_catalog.__nspoid(schema_name, oid) AS duckgres_oid) AS oid, CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS nspname,
  CAST(CASE WHEN schema_name = 'main' THEN 6171 ELSE 10 END AS duckgres_oid) AS nspowner, CAST(NULL AS VARCHAR) AS nspacl
FROM duckdb_schemas()
WHERE database_name = system.main.current_database() AND schema_name NOT IN ('pg_catalog', 'information_schema', 'duckgres_meta')
  AND duckgres_catalog.__may_use(schema_name);

CREATE VIEW duckgres_catalog.__live_constraints AS
SELECT c.*, CAST(1000000000 + c.table_oid * 100 + c.k AS BIGINT) AS oid,
  CAST(CASE WHEN (c.contype = 'p' OR c.contype = 'u') THEN 1000000000 + c.table_oid * 100 + 50 + c.k ELSE 0 END AS BIGINT) AS indexoid,
  CASE c.contype
    WHEN 'p' THEN 'PRIMARY KEY (' || array_to_string(list_transform(c.colnames, x -> duckgres_catalog.__quote_ident(x)), ', ') || ')'
    WHEN 'u' THEN 'UNIQUE (' || array_to_string(list_transform(c.colnames, x -> duckgres_catalog.__quote_ident(x)), ', ') || ')'
    WHEN 'f' THEN 'FOREIGN KEY (' || array_to_string(list_transform(c.colnames, x -> duckgres_catalog.__quote_ident(x)), ', ') || ') REFERENCES '
      || '{{referenced_schema}}' || duckgres_catalog.__quote_ident(c.referenced_table) || '(' || array_to_string(list_transform(c.refcolnames, x -> duckgres_catalog.__quote_ident(x)), ', ') || ')'
    ELSE coalesce(c.check_definition, CASE WHEN starts_with(c.expression, '(') AND ends_with(c.expression, ')') THEN 'CHECK ' || c.expression
      ELSE 'CHECK (' || c.expression || ')' END) END AS condef, c.check_pretty
FROM (
  SELECT d.table_oid, d.schema_name, d.schema_oid, duckgres_catalog.__nspoid(d.schema_name, d.schema_oid) AS nspoid, d.table_name,
    -- The name given in DDL or PostgreSQL's default, as recorded; else PostgreSQL's default
    -- (DuckDB's differ: orders_order_id_pkey, …_id_fkey).
    coalesce(n.name, CASE d.constraint_type WHEN 'PRIMARY KEY' THEN d.table_name || '_pkey'
      WHEN 'UNIQUE' THEN d.table_name || '_' || array_to_string(d.constraint_column_names, '_') || '_key'
      WHEN 'FOREIGN KEY' THEN d.table_name || '_' || array_to_string(d.constraint_column_names, '_') || '_fkey'
      ELSE d.constraint_name END) AS constraint_name,
    d.contype, d.constraint_text, d.expression, n.definition AS check_definition, n.pretty_definition AS check_pretty,
    list_transform(d.constraint_column_indexes, i -> CAST(i + 1 AS SMALLINT)) AS conkey,
    d.constraint_column_names AS colnames, d.referenced_table, d.referenced_column_names AS refcolnames, d.k
  FROM (
    SELECT *, CASE constraint_type WHEN 'PRIMARY KEY' THEN 'p' WHEN 'UNIQUE' THEN 'u' WHEN 'FOREIGN KEY' THEN 'f' ELSE 'c' END AS contype,
      CAST(row_number() OVER (PARTITION BY table_oid ORDER BY constraint_index) - 1 AS BIGINT) AS k,
      CAST(row_number() OVER (PARTITION BY table_oid, constraint_type = 'CHECK' ORDER BY constraint_index) - 1 AS INTEGER) AS check_position
    FROM duckdb_constraints()
    WHERE database_name = system.main.current_database()
      AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY', 'CHECK')
      AND duckgres_catalog.__visible_rel(schema_name, table_name)) d
  LEFT JOIN duckgres_meta.constraint_names n ON n.schema_name = d.schema_name AND n.table_name = d.table_name
    AND n.contype = d.contype AND (CASE WHEN d.contype = 'c' THEN n.check_position = d.check_position
      ELSE n.columns = array_to_string(d.constraint_column_names, ',') END)) c;
CREATE OR REPLACE TEMP TABLE __duckgres_snap_constraints AS SELECT * FROM duckgres_catalog.__live_constraints LIMIT 0;
CREATE VIEW duckgres_catalog.__constraints AS SELECT * FROM temp.main.__duckgres_snap_constraints;

CREATE VIEW duckgres_catalog.__live_fkeys AS
SELECT c.oid, c.table_oid, t.table_oid AS confrelid,
  (SELECT list(CAST(col.column_index AS SMALLINT) ORDER BY list_position(c.refcolnames, col.column_name))
     FROM duckdb_columns() col
     WHERE col.table_oid = t.table_oid AND list_contains(c.refcolnames, col.column_name)) AS confkey
FROM duckgres_catalog.__constraints c
JOIN duckdb_tables() t ON t.database_name = system.main.current_database() AND t.schema_oid = c.schema_oid
  AND lower(t.table_name) = lower(c.referenced_table)
WHERE c.contype = 'f';
CREATE OR REPLACE TEMP TABLE __duckgres_snap_fkeys AS SELECT * FROM duckgres_catalog.__live_fkeys LIMIT 0;
CREATE VIEW duckgres_catalog.__fkeys AS SELECT * FROM temp.main.__duckgres_snap_fkeys;

CREATE VIEW duckgres_catalog.__live_indexes AS
WITH ix AS (
  SELECT index_oid, index_name, table_oid, table_name, schema_name, schema_oid, is_unique, is_primary,
    -- expressions is DuckDB's list text ([a, '"B x"', '(lower(c))']), parsed here rather than
    -- cast (a VARCHAR[] cast reads PostgreSQL's array literals).
    list_transform(regexp_extract_all(expressions, '''(?:[^'']|'''')*''|[^,\[\]\s][^,\[\]]*'),
      e -> duckgres_catalog.__unquote_ident(CASE WHEN starts_with(e, '''') THEN replace(e[2:-2], '''''', '''') ELSE trim(e) END)) AS exprs
  FROM duckdb_indexes()
  WHERE database_name = system.main.current_database() AND duckgres_catalog.__visible_rel(schema_name, table_name)),
parts AS (SELECT index_oid, table_oid, unnest(exprs) AS expr, generate_subscripts(exprs, 1) AS pos FROM ix),
keys AS (
  SELECT p.index_oid, list(CAST(coalesce(col.column_index, 0) AS SMALLINT) ORDER BY p.pos) AS indkey
  FROM parts p LEFT JOIN duckdb_columns() col ON col.table_oid = p.table_oid AND col.column_name = p.expr
  GROUP BY p.index_oid)
SELECT ix.index_oid AS oid, ix.index_name AS name, ix.table_oid, ix.table_name, ix.schema_name,
  duckgres_catalog.__nspoid(ix.schema_name, ix.schema_oid) AS nspoid, ix.is_unique, ix.is_primary, ix.exprs,
  keys.indkey, CAST(0 AS BIGINT) AS conoid,
  coalesce(list_transform(string_split(o.indoption, ','), x -> CAST(x AS SMALLINT)),
    list_transform(keys.indkey, x -> CAST(0 AS SMALLINT))) AS indoption,
  o.predicate, coalesce(o.keys, list_transform(ix.exprs, x -> '')) AS key_texts,
  o.pretty_predicate, coalesce(o.pretty_keys, list_transform(ix.exprs, x -> '')) AS pretty_key_texts
FROM ix JOIN keys USING (index_oid)
LEFT JOIN duckgres_meta.index_options o ON o.schema_name = ix.schema_name AND o.index_name = ix.index_name
UNION ALL
SELECT indexoid, constraint_name, table_oid, table_name, schema_name, nspoid, true, contype = 'p', colnames, conkey, oid,
  list_transform(conkey, x -> CAST(0 AS SMALLINT)), NULL, list_transform(conkey, x -> ''), NULL, list_transform(conkey, x -> '')
FROM duckgres_catalog.__constraints WHERE contype IN ('p', 'u');
CREATE OR REPLACE TEMP TABLE __duckgres_snap_indexes AS SELECT * FROM duckgres_catalog.__live_indexes LIMIT 0;
CREATE VIEW duckgres_catalog.__indexes AS SELECT * FROM temp.main.__duckgres_snap_indexes;

CREATE VIEW duckgres_catalog.__live_relations AS
SELECT table_oid AS oid, table_name AS name, schema_name, duckgres_catalog.__nspoid(schema_name, schema_oid) AS nspoid,
  CASE WHEN EXISTS (SELECT 1 FROM duckgres_meta.matviews m WHERE lower(m.schema_name) = lower(t.schema_name)
    AND lower(m.view_name) = lower(t.table_name)) THEN 'm' ELSE 'r' END AS kind, CAST(column_count AS SMALLINT) AS natts, CAST(estimated_size AS FLOAT) AS tuples,
  index_count > 0 OR has_primary_key AS hasindex, CAST(check_constraint_count AS SMALLINT) AS checks, comment, sql
FROM duckdb_tables() t
WHERE database_name = system.main.current_database() AND NOT internal AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, table_name)
UNION ALL
SELECT view_oid, view_name, schema_name, duckgres_catalog.__nspoid(schema_name, schema_oid), 'v',
  CAST(column_count AS SMALLINT), 0, false, 0, comment, sql
FROM duckdb_views()
WHERE database_name = system.main.current_database() AND NOT internal AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, view_name)
UNION ALL
SELECT oid, name, schema_name, nspoid, 'i', CAST(len(indkey) AS SMALLINT), 0, false, 0, NULL, NULL
FROM duckgres_catalog.__indexes
UNION ALL
SELECT sequence_oid, sequence_name, schema_name, duckgres_catalog.__nspoid(schema_name, schema_oid), 'S', 3, 1, false, 0, comment, sql
FROM duckdb_sequences()
WHERE database_name = system.main.current_database() AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, sequence_name);
CREATE OR REPLACE TEMP TABLE __duckgres_snap_relations AS SELECT * FROM duckgres_catalog.__live_relations LIMIT 0;
CREATE VIEW duckgres_catalog.__relations AS SELECT * FROM temp.main.__duckgres_snap_relations;

CREATE VIEW duckgres_catalog.pg_type AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(typname AS duckgres_name) AS typname, CAST(typnamespace AS duckgres_oid) AS typnamespace,
  CAST(typowner AS duckgres_oid) AS typowner, typlen, typbyval, CAST(typtype AS duckgres_char) AS typtype,
  CAST(typcategory AS duckgres_char) AS typcategory, typispreferred, typisdefined, CAST(typdelim AS duckgres_char) AS typdelim,
  CAST(typrelid AS duckgres_oid) AS typrelid, CAST(typelem AS duckgres_oid) AS typelem, CAST(typarray AS duckgres_oid) AS typarray,
  CAST(typinput AS duckgres_regproc) AS typinput, CAST(typoutput AS duckgres_regproc) AS typoutput,
  CAST(typreceive AS duckgres_regproc) AS typreceive, CAST(typsend AS duckgres_regproc) AS typsend,
  CAST(typmodin AS duckgres_regproc) AS typmodin, CAST(typmodout AS duckgres_regproc) AS typmodout,
  CAST(typanalyze AS duckgres_regproc) AS typanalyze, CAST(typalign AS duckgres_char) AS typalign,
  CAST(typstorage AS duckgres_char) AS typstorage, typnotnull, CAST(typbasetype AS duckgres_oid) AS typbasetype, typtypmod, typndims,
  CAST(typcollation AS duckgres_oid) AS typcollation, typdefaultbin, typdefault, typacl
FROM (SELECT oid, typname, typnamespace, typowner, typlen, typbyval, typtype, typcategory, typispreferred,
  typisdefined, typdelim, typrelid, typelem, typarray, typinput, typoutput, typreceive, typsend, typmodin,
  typmodout, typanalyze, typalign, typstorage, typnotnull, typbasetype, typtypmod, typndims, typcollation,
  CAST(NULL AS VARCHAR) AS typdefaultbin, CAST(NULL AS VARCHAR) AS typdefault, CAST(NULL AS VARCHAR) AS typacl
FROM duckgres_catalog.__pg_type_builtin
UNION ALL
SELECT t.type_oid, t.type_name, duckgres_catalog.__nspoid(t.schema_name, t.schema_oid), 10,
  CAST(CASE WHEN t.logical_type = 'ENUM' THEN 4 ELSE -1 END AS SMALLINT), t.logical_type = 'ENUM',
  CASE WHEN t.logical_type = 'ENUM' THEN 'e' ELSE 'd' END, CASE WHEN t.logical_type = 'ENUM' THEN 'E' ELSE 'U' END,
  false, true, ',', 0, 0, CASE WHEN t.logical_type = 'ENUM' THEN t.type_oid + 536870912 ELSE 0 END,
  CASE WHEN t.logical_type = 'ENUM' THEN 'enum_in' ELSE 'domain_in' END,
  CASE WHEN t.logical_type = 'ENUM' THEN 'enum_out' ELSE 'textout' END,
  CASE WHEN t.logical_type = 'ENUM' THEN 'enum_recv' ELSE 'domain_recv' END,
  CASE WHEN t.logical_type = 'ENUM' THEN 'enum_send' ELSE 'textsend' END,
  '-', '-', '-', 'i', CASE WHEN t.logical_type = 'ENUM' THEN 'p' ELSE 'x' END, false,
  CASE WHEN t.logical_type = 'ENUM' THEN 0 ELSE duckgres_catalog.__type_oid(t.logical_type) END, -1, 0, 0,
  NULL, NULL, NULL
FROM duckdb_types() t
WHERE t.database_name = system.main.current_database() AND NOT t.internal
UNION ALL
SELECT t.type_oid + 536870912, '_' || t.type_name, duckgres_catalog.__nspoid(t.schema_name, t.schema_oid), 10,
  CAST(-1 AS SMALLINT), false, 'b', 'A', false, true, ',', 0, t.type_oid, 0, 'array_in', 'array_out', 'array_recv',
  'array_send', '-', '-', 'array_typanalyze', 'i', 'x', false, 0, -1, 0, 0, NULL, NULL, NULL
FROM duckdb_types() t
WHERE t.database_name = system.main.current_database() AND NOT t.internal AND t.logical_type = 'ENUM'
UNION ALL
-- Every table and view has a composite row type, and an array type of it (JDBC's getTypeInfo
-- and Npgsql's type loading list them).
SELECT duckgres_catalog.__rowtype_oid(r.oid), r.name, r.nspoid, 10, CAST(-1 AS SMALLINT), false, 'c', 'C', false, true, ',', r.oid, 0,
  duckgres_catalog.__rowtype_oid(r.oid) + 536870912, 'record_in', 'record_out', 'record_recv', 'record_send', '-', '-', '-',
  'd', 'x', false, 0, -1, 0, 0, NULL, NULL, NULL
FROM duckgres_catalog.__relations r WHERE r.kind IN ('r', 'v', 'm') AND r.nspoid NOT IN (11, 13207)
UNION ALL
SELECT duckgres_catalog.__rowtype_oid(r.oid) + 536870912, '_' || r.name, r.nspoid, 10, CAST(-1 AS SMALLINT), false, 'b', 'A', false, true, ',', 0,
  duckgres_catalog.__rowtype_oid(r.oid), 0, 'array_in', 'array_out', 'array_recv', 'array_send', '-', '-', 'array_typanalyze',
  'd', 'x', false, 0, -1, 0, 0, NULL, NULL, NULL
-- (pg_catalog's and information_schema's own row types are among the built-in rows)
FROM duckgres_catalog.__relations r WHERE r.kind IN ('r', 'v', 'm') AND r.nspoid NOT IN (11, 13207)) t;

CREATE VIEW duckgres_catalog.pg_class AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(name AS duckgres_name) AS relname, CAST(nspoid AS duckgres_oid) AS relnamespace,
  CAST(CASE WHEN kind IN ('r', 'v', 'm') AND nspoid NOT IN (11, 13207) THEN duckgres_catalog.__rowtype_oid(oid) ELSE 0 END AS duckgres_oid) AS reltype,
  CAST(0 AS duckgres_oid) AS reloftype, CAST(10 AS duckgres_oid) AS relowner,
  CAST(CASE kind WHEN 'r' THEN 2 WHEN 'i' THEN 403 ELSE 0 END AS duckgres_oid) AS relam,
  CAST(oid AS duckgres_oid) AS relfilenode, CAST(0 AS duckgres_oid) AS reltablespace, -- An index has its metapage from the start (JDBC's getIndexInfo PAGES), and a leaf page per ~256 rows.
  CAST(CASE WHEN kind = 'i' THEN 1 + ceil(coalesce(tuples, 0) / 256.0) ELSE 0 END AS INTEGER) AS relpages, tuples AS reltuples,
  CAST(0 AS INTEGER) AS relallvisible, CAST(0 AS duckgres_oid) AS reltoastrelid, hasindex AS relhasindex,
  false AS relisshared, CAST('p' AS duckgres_char) AS relpersistence, CAST(kind AS duckgres_char) AS relkind, CAST(natts AS SMALLINT) AS relnatts, CAST(checks AS SMALLINT) AS relchecks,
  false AS relhasrules,
  -- PostgreSQL enforces foreign keys with triggers on both tables; psql looks for them here.
  kind = 'r' AND EXISTS (SELECT 1 FROM duckgres_catalog.__fkeys f WHERE f.table_oid = r.oid OR f.confrelid = r.oid)
    AS relhastriggers,
  false AS relhassubclass, false AS relrowsecurity,
  false AS relforcerowsecurity, true AS relispopulated, CAST(CASE WHEN (kind = 'r') THEN 'd' ELSE 'n' END AS duckgres_char) AS relreplident,
  false AS relispartition, CAST(0 AS duckgres_oid) AS relrewrite, CAST(0 AS BIGINT) AS relfrozenxid,
  CAST(0 AS BIGINT) AS relminmxid, CAST(NULL AS VARCHAR) AS relacl, CAST(NULL AS VARCHAR[]) AS reloptions,
  CAST(NULL AS VARCHAR) AS relpartbound
FROM duckgres_catalog.__relations r;

-- Temporary tables (DuckDB's temp catalog) show in schema pg_temp, as dbt's incremental models
-- read their staging table's columns from information_schema.columns.
CREATE VIEW duckgres_catalog.__live_columns AS
SELECT c.table_oid, CASE WHEN c.database_name = 'temp' THEN 'pg_temp' ELSE c.schema_name END AS schema_name, c.table_name, c.column_name, CAST(c.column_index AS SMALLINT) AS attnum, c.comment,
  c.column_default, c.is_nullable, c.data_type,
  coalesce(d.type_oid, duckgres_catalog.__type_oid(c.data_type)) AS typid,
  CAST(CASE WHEN d.typmod IS NOT NULL THEN d.typmod
    WHEN c.data_type = 'DECIMAL(38,17)' THEN -1
    WHEN starts_with(c.data_type, 'DECIMAL(') THEN c.numeric_precision * 65536 + c.numeric_scale + 4
    WHEN starts_with(c.data_type, 'VARCHAR(') AND c.character_maximum_length IS NOT NULL THEN c.character_maximum_length + 4
    ELSE -1 END AS INTEGER) AS typmod,
  CAST(CASE WHEN ends_with(c.data_type, ']') THEN 1 ELSE 0 END AS SMALLINT) AS ndims,
  c.numeric_precision, c.numeric_scale, coalesce(d.char_length, c.character_maximum_length) AS character_maximum_length,
  coalesce(s.identity, '') AS identity, s.start_value AS identity_start, s.increment_by AS identity_increment,
  s.min_value AS identity_minimum, s.max_value AS identity_maximum, s.cycle AS identity_cycle,
  g.column_name IS NOT NULL AS generated
FROM duckdb_columns() c
LEFT JOIN duckgres_meta.declared_types d
  ON d.schema_name = c.schema_name AND d.table_name = c.table_name AND d.column_name = c.column_name
LEFT JOIN duckgres_meta.generated_columns g
  ON g.schema_name = c.schema_name AND g.table_name = c.table_name AND g.column_name = c.column_name
-- Identity columns are a sequence <table>_<column>_seq marked by its comment (sql/rewrite_ddl.h).
LEFT JOIN (SELECT database_name, schema_name, sequence_name, start_value, increment_by, min_value, max_value, cycle,
    CASE comment WHEN 'duckgres: identity generated always' THEN 'a' ELSE 'd' END AS identity
  FROM duckdb_sequences() WHERE comment IN ('duckgres: identity generated always', 'duckgres: identity by default')) s
  ON s.database_name = c.database_name AND s.schema_name = c.schema_name
  AND s.sequence_name = c.table_name || '_' || c.column_name || '_seq'
WHERE c.database_name IN (system.main.current_database(), 'temp') AND NOT c.internal AND duckgres_catalog.__visible_rel(c.schema_name, c.table_name)
  AND NOT (c.database_name = 'temp' AND starts_with(c.table_name, '__duckgres_'));
CREATE OR REPLACE TEMP TABLE __duckgres_snap_columns AS SELECT * FROM duckgres_catalog.__live_columns LIMIT 0;
CREATE VIEW duckgres_catalog.__columns AS SELECT * FROM temp.main.__duckgres_snap_columns;

-- Indexes have attributes too, one per key column (psqlODBC's SQLPrimaryKeys joins them).
CREATE VIEW duckgres_catalog.__live_index_columns AS
WITH k AS (SELECT oid, table_oid, exprs, unnest(indkey) AS key, generate_subscripts(indkey, 1) AS pos
  FROM duckgres_catalog.__indexes)
SELECT k.oid AS table_oid, coalesce(c.column_name, k.exprs[k.pos]) AS column_name, coalesce(c.typid, 25) AS typid,
  CAST(k.pos AS SMALLINT) AS attnum, coalesce(c.ndims, CAST(0 AS SMALLINT)) AS ndims, coalesce(c.typmod, -1) AS typmod
FROM k LEFT JOIN duckgres_catalog.__columns c ON c.table_oid = k.table_oid AND c.attnum = k.key;
CREATE OR REPLACE TEMP TABLE __duckgres_snap_index_columns AS SELECT * FROM duckgres_catalog.__live_index_columns LIMIT 0;
CREATE VIEW duckgres_catalog.__index_columns AS SELECT * FROM temp.main.__duckgres_snap_index_columns;

CREATE VIEW duckgres_catalog.pg_attribute AS
WITH a AS (
  SELECT table_oid, column_name, typid, attnum, ndims, typmod, NOT is_nullable AS notnull,
    column_default IS NOT NULL AND identity = '' AS hasdef, identity, generated FROM duckgres_catalog.__columns
  UNION ALL
  SELECT table_oid, column_name, typid, attnum, ndims, typmod, false, false, '', false FROM duckgres_catalog.__index_columns
  UNION ALL
  -- A sequence is a relation of one row with these columns (DBeaver lists them).
  SELECT r.oid, s.column_name, s.typid, s.attnum, CAST(0 AS SMALLINT), -1, true, false, '', false
  FROM duckgres_catalog.__relations r,
    (VALUES ('last_value', 20, CAST(1 AS SMALLINT)), ('log_cnt', 20, CAST(2 AS SMALLINT)), ('is_called', 16, CAST(3 AS SMALLINT)))
      s(column_name, typid, attnum)
  WHERE r.kind = 'S')
SELECT CAST(a.table_oid AS duckgres_oid) AS attrelid, CAST(a.column_name AS duckgres_name) AS attname, CAST(a.typid AS duckgres_oid) AS atttypid, CAST(-1 AS INTEGER) AS attstattarget,
  coalesce(t.typlen, CAST(-1 AS SMALLINT)) AS attlen, a.attnum, a.ndims AS attndims, CAST(-1 AS INTEGER) AS attcacheoff,
  a.typmod AS atttypmod, coalesce(t.typbyval, false) AS attbyval, CAST(coalesce(t.typalign, 'i') AS duckgres_char) AS attalign,
  CAST(coalesce(t.typstorage, 'x') AS duckgres_char) AS attstorage, CAST('' AS duckgres_char) AS attcompression, a.notnull AS attnotnull,
  a.hasdef AS atthasdef, false AS atthasmissing, CAST(a.identity AS duckgres_char) AS attidentity,
  CAST(CASE WHEN a.generated THEN 's' ELSE '' END AS duckgres_char) AS attgenerated,
  false AS attisdropped, true AS attislocal, CAST(0 AS INTEGER) AS attinhcount,
  CAST(CASE WHEN (a.typid = 25 OR a.typid = 1043 OR a.typid = 1009 OR a.typid = 1015) THEN 100 ELSE 0 END AS duckgres_oid) AS attcollation,
  CAST(NULL AS VARCHAR) AS attacl, CAST(NULL AS VARCHAR[]) AS attoptions, CAST(NULL AS VARCHAR[]) AS attfdwoptions,
  CAST(NULL AS VARCHAR) AS attmissingval
FROM a LEFT JOIN duckgres_catalog.__pg_type_builtin t ON t.oid = a.typid;

-- A default as PostgreSQL prints it: nextval('s.seq'::regclass) (the schema only when it is
-- not on the search path), a string constant cast to the column's type ('x'::text).
CREATE MACRO duckgres_catalog.__sequence_ref(p_r) AS CASE
  WHEN len(p_r) = 2 AND duckgres_catalog.__nsp_visible(duckgres_catalog.__nspname(p_r[1])) THEN duckgres_catalog.__quote_ident(p_r[2])
  WHEN len(p_r) = 2 THEN duckgres_catalog.__quote_ident(duckgres_catalog.__nspname(p_r[1])) || '.' || duckgres_catalog.__quote_ident(p_r[2])
  ELSE duckgres_catalog.__quote_ident(p_r[-1]) END;
-- A generated column's expression as PostgreSQL prints it: DuckDB's cast to the column type goes.
CREATE MACRO duckgres_catalog.__generation_expr(p_d) AS
  CASE WHEN regexp_full_match(p_d, '(?s)CAST\((.*) AS [A-Z0-9(), ]+\)') THEN regexp_extract(p_d, '(?s)^CAST\((.*) AS [A-Z0-9(), ]+\)$', 1) ELSE p_d END;
CREATE MACRO duckgres_catalog.__pg_default(p_d, p_t) AS CASE
  WHEN regexp_matches(p_d, '^nextval\(''[^'']*''\)$') THEN 'nextval(''' || duckgres_catalog.__sequence_ref(list_transform(
      regexp_extract_all(regexp_extract(p_d, '^nextval\(''([^'']*)''\)$', 1), '"(?:[^"]|"")*"|[^."]+'),
      m_p -> duckgres_catalog.__unquote_ident(m_p))) || '''::regclass)'
  WHEN regexp_matches(p_d, '^''(?:[^'']|'''')*''$') AND p_t IN (25, 1043, 1042, 1082, 1083, 1114, 1184, 1186, 2950, 114)
    THEN p_d || '::' || CASE p_t WHEN 25 THEN 'text' WHEN 1043 THEN 'character varying' WHEN 1042 THEN 'bpchar' WHEN 1082 THEN 'date'
      WHEN 1083 THEN 'time without time zone' WHEN 1114 THEN 'timestamp without time zone' WHEN 1184 THEN 'timestamp with time zone'
      WHEN 1186 THEN 'interval' WHEN 2950 THEN 'uuid' ELSE 'json' END
  WHEN regexp_matches(p_d, '^''(?:[^'']|'''')*''$') AND p_t IN (1007, 1016, 1005, 1009, 1015, 1000, 1021, 1022, 1231, 1182, 1115, 1185, 2951, 199, 3807)
    THEN p_d || '::' || CASE p_t WHEN 1007 THEN 'integer' WHEN 1016 THEN 'bigint' WHEN 1005 THEN 'smallint' WHEN 1009 THEN 'text'
      WHEN 1015 THEN 'character varying' WHEN 1000 THEN 'boolean' WHEN 1021 THEN 'real' WHEN 1022 THEN 'double precision'
      WHEN 1231 THEN 'numeric' WHEN 1182 THEN 'date' WHEN 1115 THEN 'timestamp without time zone'
      WHEN 1185 THEN 'timestamp with time zone' WHEN 2951 THEN 'uuid' WHEN 199 THEN 'json' ELSE 'jsonb' END || '[]'
  WHEN upper(p_d) IN ('CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIMESTAMP', 'LOCALTIME') THEN upper(p_d)
  WHEN p_d = 'CAST(''t'' AS BOOLEAN)' THEN 'true'
  WHEN p_d = 'CAST(''f'' AS BOOLEAN)' THEN 'false'
  ELSE p_d END;
CREATE VIEW duckgres_catalog.pg_attrdef AS
SELECT CAST(3000000000 + table_oid * 1000 + attnum AS duckgres_oid) AS oid, CAST(table_oid AS duckgres_oid) AS adrelid, attnum AS adnum,
  CASE WHEN generated THEN duckgres_catalog.__generation_expr(column_default) ELSE duckgres_catalog.__pg_default(column_default, typid) END AS adbin
FROM duckgres_catalog.__columns WHERE column_default IS NOT NULL AND identity = '';

CREATE VIEW duckgres_catalog.pg_index AS
SELECT CAST(i.oid AS duckgres_oid) AS indexrelid, CAST(i.table_oid AS duckgres_oid) AS indrelid, CAST(len(i.indkey) AS SMALLINT) AS indnatts,
  CAST(len(i.indkey) AS SMALLINT) AS indnkeyatts, i.is_unique AS indisunique, i.is_primary AS indisprimary,
  false AS indisexclusion, true AS indimmediate, false AS indisclustered, true AS indisvalid, false AS indcheckxmin,
  true AS indisready, true AS indislive, false AS indisreplident, i.indkey,
  list_transform(i.indkey, x -> CAST(0 AS BIGINT)) AS indcollation,
  list_transform(i.indkey, x -> CAST(0 AS BIGINT)) AS indclass,
  i.indoption,
  CASE WHEN list_contains(i.indkey, 0) THEN array_to_string(list_transform(list_filter(list_zip(i.exprs, i.indkey), z -> z[2] = 0), z -> z[1]), ', ') END AS indexprs,
  i.predicate AS indpred
FROM duckgres_catalog.__indexes i;

CREATE VIEW duckgres_catalog.pg_constraint AS
SELECT CAST(c.oid AS duckgres_oid) AS oid, CAST(c.constraint_name AS duckgres_name) AS conname, CAST(c.nspoid AS duckgres_oid) AS connamespace,
  CAST(c.contype AS duckgres_char) AS contype, false AS condeferrable,
  false AS condeferred, true AS convalidated, CAST(c.table_oid AS duckgres_oid) AS conrelid, CAST(0 AS duckgres_oid) AS contypid,
  CAST(CASE WHEN (c.contype = 'p' OR c.contype = 'u') THEN c.indexoid
    WHEN c.contype = 'f' THEN coalesce((SELECT r.indexoid FROM duckgres_catalog.__constraints r
      WHERE r.table_oid = f.confrelid AND r.contype IN ('p', 'u') AND r.conkey = f.confkey LIMIT 1), 0)
    ELSE 0 END AS duckgres_oid) AS conindid,
  CAST(0 AS duckgres_oid) AS conparentid, CAST(coalesce(f.confrelid, 0) AS duckgres_oid) AS confrelid,
  CAST(CASE WHEN c.contype = 'f' THEN 'a' ELSE ' ' END AS duckgres_char) AS confupdtype,
  CAST(CASE WHEN c.contype = 'f' THEN 'a' ELSE ' ' END AS duckgres_char) AS confdeltype,
  CAST(CASE WHEN c.contype = 'f' THEN 's' ELSE ' ' END AS duckgres_char) AS confmatchtype, true AS conislocal, CAST(0 AS INTEGER) AS coninhcount,
  false AS connoinherit, c.conkey, f.confkey, CAST(NULL AS BIGINT[]) AS conpfeqop, CAST(NULL AS BIGINT[]) AS conppeqop,
  CAST(NULL AS BIGINT[]) AS conffeqop, CAST(NULL AS BIGINT[]) AS conexclop,
  CASE WHEN c.contype = 'c' THEN c.expression END AS conbin
FROM duckgres_catalog.__constraints c LEFT JOIN duckgres_catalog.__fkeys f ON f.oid = c.oid;

CREATE VIEW duckgres_catalog.pg_description AS
SELECT CAST(objoid AS duckgres_oid) AS objoid, CAST(classoid AS duckgres_oid) AS classoid, objsubid, description FROM (
SELECT oid AS objoid, CAST(1259 AS BIGINT) AS classoid, CAST(0 AS INTEGER) AS objsubid, comment AS description
FROM duckgres_catalog.__relations WHERE comment IS NOT NULL AND comment <> ''
UNION ALL
SELECT table_oid, 1259, attnum, comment FROM duckgres_catalog.__columns WHERE comment IS NOT NULL AND comment <> ''
UNION ALL
SELECT duckgres_catalog.__nspoid(s.schema_name, s.oid), 2615, 0, m.comment FROM duckdb_schemas() s
JOIN duckgres_meta.schema_comments m ON m.schema_name = s.schema_name
WHERE s.database_name = system.main.current_database()) d;

CREATE VIEW duckgres_catalog.pg_database AS
SELECT CAST(database_oid AS duckgres_oid) AS oid, CAST(duckgres_catalog.__database() AS duckgres_name) AS datname, CAST(10 AS duckgres_oid) AS datdba,
  CAST(6 AS INTEGER) AS encoding, CAST('c' AS duckgres_char) AS datlocprovider, false AS datistemplate, true AS datallowconn,
  CAST(-1 AS INTEGER) AS datconnlimit, CAST(0 AS BIGINT) AS datfrozenxid, CAST(1 AS BIGINT) AS datminmxid,
  CAST(1663 AS duckgres_oid) AS dattablespace, 'C' AS datcollate, 'C' AS datctype, CAST(NULL AS VARCHAR) AS daticulocale,
  CAST(NULL AS VARCHAR) AS datcollversion, CAST(NULL AS VARCHAR) AS datacl
FROM duckdb_databases() WHERE database_name = system.main.current_database();

CREATE VIEW duckgres_catalog.pg_roles AS
SELECT CAST(duckgres_catalog.__user() AS duckgres_name) AS rolname, duckgres_catalog.__superuser() AS rolsuper, true AS rolinherit,
  false AS rolcreaterole, false AS rolcreatedb, true AS rolcanlogin, false AS rolreplication, CAST(-1 AS INTEGER) AS rolconnlimit,
  '********' AS rolpassword, CAST(NULL AS TIMESTAMPTZ) AS rolvaliduntil, false AS rolbypassrls,
  CAST(NULL AS VARCHAR[]) AS rolconfig, CAST(10 AS duckgres_oid) AS oid;

CREATE VIEW duckgres_catalog.pg_user AS
SELECT CAST(duckgres_catalog.__user() AS duckgres_name) AS usename, CAST(10 AS duckgres_oid) AS usesysid, false AS usecreatedb,
  duckgres_catalog.__superuser() AS usesuper,
  false AS userepl, false AS usebypassrls, '********' AS passwd, CAST(NULL AS TIMESTAMPTZ) AS valuntil,
  CAST(NULL AS VARCHAR[]) AS useconfig;
