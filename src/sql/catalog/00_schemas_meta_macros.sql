DROP SCHEMA IF EXISTS duckgres_information_schema CASCADE;
DROP SCHEMA IF EXISTS duckgres_catalog CASCADE;
CREATE SCHEMA duckgres_catalog;
-- Declared types DuckDB does not keep (varchar(n), char(n)), recorded by the gateway on
-- CREATE TABLE; kept across catalog reinstalls.
CREATE SCHEMA IF NOT EXISTS duckgres_meta;
CREATE TABLE IF NOT EXISTS duckgres_meta.declared_types (schema_name VARCHAR, table_name VARCHAR,
  column_name VARCHAR, type_oid BIGINT, typmod INTEGER, char_length INTEGER);
-- Constraint names as PostgreSQL knows them (sql/catalog_constraints.h), recorded on CREATE
-- TABLE: key columns joined by commas, or for a CHECK its position among the table's checks.
-- Columns declared GENERATED ALWAYS AS (…) STORED (DuckDB computes them as virtual columns and
-- shows the expression as a default).
CREATE TABLE IF NOT EXISTS duckgres_meta.generated_columns (schema_name VARCHAR, table_name VARCHAR, column_name VARCHAR);
-- CREATE INDEX keys' DESC / NULLS FIRST (pg_index.indoption: 1 DESC, 2 NULLS FIRST, one per key
-- as comma-separated numbers); DuckDB's indexes keep no order.
CREATE TABLE IF NOT EXISTS duckgres_meta.index_options (schema_name VARCHAR, index_name VARCHAR, indoption VARCHAR);
-- And a partial index's predicate and its expression keys as pg_get_indexdef prints them
-- (DuckDB indexes every row; an expression key prints without PostgreSQL's casts there).
ALTER TABLE duckgres_meta.index_options ADD COLUMN IF NOT EXISTS predicate VARCHAR;
ALTER TABLE duckgres_meta.index_options ADD COLUMN IF NOT EXISTS keys VARCHAR[];
ALTER TABLE duckgres_meta.index_options ADD COLUMN IF NOT EXISTS pretty_predicate VARCHAR;
ALTER TABLE duckgres_meta.index_options ADD COLUMN IF NOT EXISTS pretty_keys VARCHAR[];
-- The relations each view reads (recorded on CREATE VIEW; DuckDB tracks no dependencies).
CREATE TABLE IF NOT EXISTS duckgres_meta.view_dependencies (schema_name VARCHAR, view_name VARCHAR,
  ref_schema VARCHAR, ref_name VARCHAR);
-- Materialized views: tables whose defining query is kept here (sql/rewrite_matview.h), the
-- query as PostgreSQL prints it.
CREATE TABLE IF NOT EXISTS duckgres_meta.matviews (schema_name VARCHAR, view_name VARCHAR,
  definition VARCHAR, populated BOOLEAN);
-- COMMENT ON SCHEMA (DuckDB keeps none), by DuckDB's schema name.
CREATE TABLE IF NOT EXISTS duckgres_meta.schema_comments (schema_name VARCHAR PRIMARY KEY, comment VARCHAR);
CREATE TABLE IF NOT EXISTS duckgres_meta.constraint_names (schema_name VARCHAR, table_name VARCHAR,
  contype VARCHAR, columns VARCHAR, check_position INTEGER, name VARCHAR);
-- A CHECK's text as pg_get_constraintdef prints it, plain and pretty (sql/catalog_constraints.h).
ALTER TABLE duckgres_meta.constraint_names ADD COLUMN IF NOT EXISTS definition VARCHAR;
ALTER TABLE duckgres_meta.constraint_names ADD COLUMN IF NOT EXISTS pretty_definition VARCHAR;
-- Roles and grants of the duckling (docs/security.md), written by the gateway's CREATE ROLE,
-- GRANT and REVOKE; users are recorded as roles ('user') when they first log in. Schemas are
-- DuckDB's names (main for public); table_name '' is a privilege on the schema itself, '*'
-- one on every table in it.
CREATE TABLE IF NOT EXISTS duckgres_meta.roles (name VARCHAR PRIMARY KEY, kind VARCHAR);
CREATE TABLE IF NOT EXISTS duckgres_meta.role_members (role VARCHAR, member VARCHAR);
CREATE TABLE IF NOT EXISTS duckgres_meta.grants (grantee VARCHAR, privilege VARCHAR,
  schema_name VARCHAR, table_name VARCHAR);
-- The query log (metering/query_log.h): one row per statement, written by the server.
CREATE TABLE IF NOT EXISTS duckgres_meta.query_log (query_id VARCHAR, parent_query_id VARCHAR,
  org VARCHAR, team VARCHAR, duckling VARCHAR, user_name VARCHAR, application_name VARCHAR,
  query VARCHAR, fingerprint VARCHAR, command VARCHAR, pid INTEGER, started_at TIMESTAMPTZ,
  duration_ms DOUBLE, rows BIGINT, result_bytes BIGINT, status VARCHAR, sqlstate VARCHAR,
  error VARCHAR, cpu_time_ms DOUBLE, peak_memory_bytes BIGINT, rows_scanned BIGINT,
  slowest_operators JSON);
-- Source runs (sources/sync.h): one row per table of each run, written by the server.
CREATE TABLE IF NOT EXISTS duckgres_meta.source_runs (run_id VARCHAR, source VARCHAR,
  team_id BIGINT, table_name VARCHAR, status VARCHAR, rows BIGINT, error VARCHAR,
  started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ);
-- Model runs (modeling/runner.h): one row per model built by each run, written by the server.
CREATE TABLE IF NOT EXISTS duckgres_meta.model_runs (run_id VARCHAR, model VARCHAR,
  team_id BIGINT, status VARCHAR, mode VARCHAR, rows BIGINT, bytes BIGINT, duration_ms BIGINT,
  error VARCHAR, watermark VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ);
-- Publication runs (publish/publisher.h): one row per run of a golden-table publication.
CREATE TABLE IF NOT EXISTS duckgres_meta.publication_runs (run_id VARCHAR, publication VARCHAR,
  team_id BIGINT, status VARCHAR, mode VARCHAR, version VARCHAR, rows BIGINT, bytes BIGINT,
  files BIGINT, duration_ms BIGINT, error VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ);
CREATE SCHEMA duckgres_information_schema;

-- Helpers (names starting with __ are hidden from the emulated catalogs).
CREATE MACRO duckgres_catalog.__user() AS coalesce(CAST(getvariable('duckgres_user') AS VARCHAR), 'duckgres');
-- A superuser made by CREATE ROLE … SUPERUSER: CREATEROLE and CREATEDB stay false, as in pg_roles.
CREATE MACRO duckgres_catalog.__superuser() AS coalesce(CAST(getvariable('duckgres_superuser') AS BOOLEAN), true);
CREATE MACRO duckgres_catalog.__database() AS coalesce(CAST(getvariable('duckgres_database') AS VARCHAR), system.main.current_database());
CREATE MACRO duckgres_catalog.__nspname(p_s) AS CASE p_s WHEN 'main' THEN 'public' WHEN 'duckgres_catalog' THEN 'pg_catalog' WHEN 'duckgres_information_schema' THEN 'information_schema' ELSE p_s END;
CREATE MACRO duckgres_catalog.__nspoid(p_s, p_o) AS CAST(CASE p_s WHEN 'main' THEN 2200 WHEN 'duckgres_catalog' THEN 11 WHEN 'duckgres_information_schema' THEN 13207 ELSE p_o END AS BIGINT);
-- What the session's roles let it see (set by the gateway for sessions below owner; unset,
-- everything): relations it holds a privilege on, schemas it may use.
CREATE MACRO duckgres_catalog.__may_see(p_s, p_n) AS coalesce(getvariable('duckgres_sees_all'), true)
  OR list_contains(coalesce(getvariable('duckgres_seen_schemas'), CAST([] AS VARCHAR[])), p_s)
  OR list_contains(coalesce(getvariable('duckgres_seen_tables'), CAST([] AS VARCHAR[])), p_s || '.' || p_n);
CREATE MACRO duckgres_catalog.__may_use(p_s) AS coalesce(getvariable('duckgres_sees_all'), true)
  OR list_contains(coalesce(getvariable('duckgres_usage_schemas'), CAST([] AS VARCHAR[])), p_s)
  OR p_s IN ('duckgres_catalog', 'duckgres_information_schema', 'pg_catalog', 'information_schema');
-- system.query_log: owners see every user's statements, other roles their own.
CREATE VIEW duckgres_catalog.__system_query_log AS SELECT * FROM duckgres_meta.query_log
  WHERE coalesce(getvariable('duckgres_sees_all'), true) OR user_name = duckgres_catalog.__user();
-- system.source_runs: the duckling's owners see its sources' runs.
CREATE VIEW duckgres_catalog.__system_source_runs AS SELECT * FROM duckgres_meta.source_runs
  WHERE coalesce(getvariable('duckgres_sees_all'), true);
-- system.model_runs: the duckling's owners see its models' runs.
CREATE VIEW duckgres_catalog.__system_model_runs AS SELECT * FROM duckgres_meta.model_runs
  WHERE coalesce(getvariable('duckgres_sees_all'), true);
-- system.publication_runs: the duckling's owners see its publications' runs.
CREATE VIEW duckgres_catalog.__system_publication_runs AS SELECT * FROM duckgres_meta.publication_runs
  WHERE coalesce(getvariable('duckgres_sees_all'), true);
CREATE MACRO duckgres_catalog.__visible_rel(p_s, p_n) AS NOT ((p_s = 'duckgres_catalog' OR p_s = 'duckgres_information_schema') AND starts_with(p_n, '__')) AND (p_s <> 'pg_catalog' AND p_s <> 'information_schema' AND p_s <> 'duckgres_meta')
  AND (p_s = 'duckgres_catalog' OR p_s = 'duckgres_information_schema' OR duckgres_catalog.__may_see(p_s, p_n));
CREATE MACRO duckgres_catalog.__quote_ident(p_x) AS CASE WHEN regexp_matches(p_x, '^[a-z_][a-z0-9_$]*$') THEN p_x ELSE '"' || replace(p_x, '"', '""') || '"' END;
-- The session's search_path (PostgreSQL's schema names), from its published settings: what
-- psql's \d, regclass output and pg_get_*def leave unqualified.
CREATE MACRO duckgres_catalog.__search_path() AS list_transform(string_split(coalesce(map_extract_value(
    coalesce(getvariable('__pg_settings'), CAST(MAP {} AS MAP(VARCHAR, VARCHAR))), 'search_path'), '"$user", public'), ','),
  m_x -> CASE WHEN starts_with(trim(m_x), '"') THEN replace(trim(m_x)[2:-2], '""', '"') ELSE lower(trim(m_x)) END);
CREATE MACRO duckgres_catalog.__nsp_visible(p_n) AS p_n = 'pg_catalog' OR list_contains(duckgres_catalog.__search_path(), p_n);
CREATE MACRO duckgres_catalog.__unquote_ident(p_x) AS CASE WHEN length(p_x) >= 2 AND starts_with(p_x, '"') AND ends_with(p_x, '"') THEN replace(p_x[2:-2], '""', '"') ELSE p_x END;
-- Lookups in constant maps: a macro argument is substituted wherever the parameter appears,
-- so a CASE p WHEN … over a computed argument would compute it once per branch; and an IN
-- list inside an expression is planned as a join. Both made catalog views over many columns slow.
CREATE MACRO duckgres_catalog.__scalar_type_oid(p_t) AS CAST(coalesce(map_extract_value(MAP {
  'BOOLEAN': 16, 'TINYINT': 21, 'SMALLINT': 21, 'UTINYINT': 21, 'INTEGER': 23, 'USMALLINT': 23,
  'BIGINT': 20, 'UINTEGER': 20, 'UBIGINT': 1700, 'HUGEINT': 1700, 'UHUGEINT': 1700, 'BIGNUM': 1700,
  'VARINT': 1700, 'FLOAT': 700, 'DOUBLE': 701, 'BLOB': 17, 'DATE': 1082, 'TIME': 1083, 'TIME_NS': 1083,
  'TIME WITH TIME ZONE': 1266, 'TIMESTAMP': 1114, 'TIMESTAMP_S': 1114, 'TIMESTAMP_MS': 1114,
  'TIMESTAMP_NS': 1114, 'TIMESTAMP WITH TIME ZONE': 1184, 'INTERVAL': 1186, 'UUID': 2950, 'JSON': 114, 'jsonb': 3802,
  'BIT': 1560}, p_t),
  CASE WHEN starts_with(p_t, 'DECIMAL') THEN 1700 WHEN starts_with(p_t, 'VARCHAR(') THEN 1043 ELSE 25 END) AS BIGINT);
CREATE MACRO duckgres_catalog.__array_oid(p_e) AS CAST(coalesce(map_extract_value(MAP {16: 1000, 17: 1001,
  20: 1016, 21: 1005, 23: 1007, 25: 1009, 114: 199, 3802: 3807, 700: 1021, 701: 1022, 1043: 1015, 1082: 1182, 1083: 1183,
  1114: 1115, 1184: 1185, 1186: 1187, 1266: 1270, 1560: 1561, 1700: 1231, 2950: 2951}, p_e), 1009) AS BIGINT);
-- PostgreSQL type OID of a DuckDB type as duckdb_columns() spells it (the wire protocol uses the same mapping).
-- The oid of a relation's row type (its array type's is 2^29 more): DuckDB's catalog oids are
-- small sequential numbers, far below 2^30.
CREATE MACRO duckgres_catalog.__rowtype_oid(p_o) AS p_o + 1073741824;
CREATE MACRO duckgres_catalog.__type_oid(p_t) AS CASE WHEN p_t IS NULL THEN NULL
  WHEN ends_with(p_t, ']') THEN duckgres_catalog.__array_oid(duckgres_catalog.__scalar_type_oid(regexp_replace(p_t, '(\[\d*\])+$', '')))
  ELSE duckgres_catalog.__scalar_type_oid(p_t) END;

CREATE TABLE duckgres_catalog.__pg_type_builtin(oid BIGINT, typname VARCHAR, typnamespace BIGINT, typowner BIGINT,
  typlen SMALLINT, typbyval BOOLEAN, typtype VARCHAR, typcategory VARCHAR, typispreferred BOOLEAN,
  typisdefined BOOLEAN, typdelim VARCHAR, typrelid BIGINT, typelem BIGINT, typarray BIGINT, typinput VARCHAR,
  typoutput VARCHAR, typreceive VARCHAR, typsend VARCHAR, typmodin VARCHAR, typmodout VARCHAR,
  typanalyze VARCHAR, typalign VARCHAR, typstorage VARCHAR, typnotnull BOOLEAN, typbasetype BIGINT,
  typtypmod INTEGER, typndims INTEGER, typcollation BIGINT);
