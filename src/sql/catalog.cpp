// PostgreSQL 15 catalog emulation over DuckDB's own catalog functions (duckdb_tables() & co).
//
// OIDs: DuckDB's own OIDs for schemas, tables, views, indexes, sequences, types and functions
// (consistent within a running database), except the fixed ones clients know: pg_catalog 11,
// public (DuckDB's main) 2200, information_schema 13207 and the built-in type OIDs. Objects
// DuckDB has no OID for get synthetic ones: a PRIMARY KEY/UNIQUE/FOREIGN KEY/CHECK constraint
// 1e9 + table_oid * 100 + k (k: its position among the table's constraints), the index behind a
// PRIMARY KEY/UNIQUE constraint that + 50, a column default 3e9 + table_oid * 1000 + attnum.
//
// The pg_type rows of built-in types (typtype 'b' and 'p' in pg_catalog) and pg_get_keywords()
// were exported from a real PostgreSQL 15.
//
// Macros are expanded textually by DuckDB, so their subqueries only expose m_-prefixed columns
// (an argument such as an unqualified `oid` must bind to the caller's row, not the subquery's),
// and builtins they call are qualified with system.main (unqualified names resolve in the
// macro's own schema first, where current_database() is our own macro).
//
// Session values the server may set with SET VARIABLE: duckgres_user, duckgres_database,
// duckgres_backend_pid, duckgres_application_name, duckgres_start_time, duckgres_server_addr,
// duckgres_server_port, duckgres_client_addr, duckgres_client_port.
#include "sql/catalog.h"

#include <algorithm>
#include <array>
#include <string>
#include <unordered_map>

namespace ducklings::sql {

const int kCatalogVersion = 36;

namespace {

// Sorted, for binary search.
constexpr std::array kCatalogRelations = {
    "pg_am",
    "pg_attrdef",
    "pg_attribute",
    "pg_auth_members",
    "pg_class",
    "pg_collation",
    "pg_constraint",
    "pg_database",
    "pg_depend",
    "pg_description",
    "pg_enum",
    "pg_extension",
    "pg_foreign_table",
    "pg_index",
    "pg_indexes",
    "pg_inherits",
    "pg_language",
    "pg_matviews",
    "pg_namespace",
    "pg_partitioned_table",
    "pg_policy",
    "pg_proc",
    "pg_publication",
    "pg_publication_namespace",
    "pg_publication_rel",
    "pg_range",
    "pg_rewrite",
    "pg_roles",
    "pg_sequence",
    "pg_sequences",
    "pg_settings",
    "pg_stat_activity",
    "pg_stat_all_indexes",
    "pg_stat_all_tables",
    "pg_stat_sys_tables",
    "pg_stat_user_indexes",
    "pg_stat_user_tables",
    "pg_statio_all_indexes",
    "pg_statio_all_tables",
    "pg_statio_user_indexes",
    "pg_statio_user_tables",
    "pg_statistic_ext",
    "pg_tables",
    "pg_tablespace",
    "pg_trigger",
    "pg_type",
    "pg_user",
    "pg_views",
};

// The catalog's costly base views (each a scan of DuckDB's catalog functions), in dependency
// order: __X reads the session's snapshot temp.main.__duckgres_snap_X of __live_X, refreshed by
// catalog_snapshot_sql() when the schema changed, so introspection of a large schema does not
// rescan DuckDB's catalog on every query.
constexpr std::array kSnapshotViews = {"constraints", "fkeys", "indexes", "relations", "columns", "index_columns"};

constexpr std::array kInformationSchemaRelations = {
    "character_sets",          "columns",  "constraint_column_usage", "key_column_usage",
    "referential_constraints", "role_table_grants", "routines", "schemata", "sequences",
    "table_constraints",       "table_privileges", "tables",   "views",
};

// information_schema's helper functions that drivers call by qualified name (pgjdbc's
// getPrimaryKeys expands indkey with _pg_expandarray).
constexpr std::array kInformationSchemaFunctions = {"_pg_expandarray"};

constexpr std::array kCatalogFunctions = {
    "array_lower",
    "array_upper",
    "col_description",
    "current_database",
    "current_schema",
    "current_schemas",
    "format_type",
    "has_column_privilege",
    "has_database_privilege",
    "has_function_privilege",
    "has_schema_privilege",
    "has_sequence_privilege",
    "has_table_privilege",
    "inet_client_addr",
    "inet_client_port",
    "inet_server_addr",
    "inet_server_port",
    "obj_description",
    "pg_backend_pid",
    "pg_cancel_backend",
    "pg_char_to_encoding",
    "pg_client_encoding",
    "pg_database_size",
    "pg_encoding_to_char",
    "pg_function_is_visible",
    "pg_get_constraintdef",
    "pg_get_expr",
    "pg_get_function_arguments",
    "pg_get_function_identity_arguments",
    "pg_get_function_result",
    "pg_get_indexdef",
    "pg_get_keywords",
    "pg_get_partkeydef",
    "pg_get_ruledef",
    "pg_get_serial_sequence",
    "pg_get_statisticsobjdef_columns",
    "pg_get_triggerdef",
    "pg_get_userbyid",
    "pg_get_viewdef",
    "pg_has_role",
    "pg_indexes_size",
    "pg_is_in_recovery",
    "pg_partition_ancestors",
    "pg_postmaster_start_time",
    "pg_relation_is_publishable",
    "pg_relation_size",
    "pg_size_pretty",
    "pg_stat_get_dead_tuples",
    "pg_stat_get_live_tuples",
    "pg_stat_get_numscans",
    "pg_stat_get_tuples_deleted",
    "pg_stat_get_tuples_inserted",
    "pg_stat_get_tuples_updated",
    "pg_table_is_visible",
    "pg_table_size",
    "pg_terminate_backend",
    "pg_total_relation_size",
    "pg_type_is_visible",
    "shobj_description",
    "to_regclass",
    "to_regtype",
    "txid_current",
};

template <typename Names>
bool contains(const Names& names, std::string_view name) {
  return std::binary_search(names.begin(), names.end(), name,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

// The install script in pieces: some compilers limit the length of one string literal.
const char* const kInstallPieces[] = {
    R"SQL(DROP SCHEMA IF EXISTS duckgres_information_schema CASCADE;
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
)SQL",
    R"SQL(INSERT INTO duckgres_catalog.__pg_type_builtin VALUES
(16,'bool',11,10,1,true,'b','B',true,true,',',0,0,1000,'boolin','boolout','boolrecv','boolsend','-','-','-','c','p',false,0,-1,0,0),
(17,'bytea',11,10,-1,false,'b','U',false,true,',',0,0,1001,'byteain','byteaout','bytearecv','byteasend','-','-','-','i','x',false,0,-1,0,0),
(18,'char',11,10,1,true,'b','Z',false,true,',',0,0,1002,'charin','charout','charrecv','charsend','-','-','-','c','p',false,0,-1,0,0),
(19,'name',11,10,64,false,'b','S',false,true,',',0,18,1003,'namein','nameout','namerecv','namesend','-','-','-','c','p',false,0,-1,0,950),
(20,'int8',11,10,8,true,'b','N',false,true,',',0,0,1016,'int8in','int8out','int8recv','int8send','-','-','-','d','p',false,0,-1,0,0),
(21,'int2',11,10,2,true,'b','N',false,true,',',0,0,1005,'int2in','int2out','int2recv','int2send','-','-','-','s','p',false,0,-1,0,0),
(22,'int2vector',11,10,-1,false,'b','A',false,true,',',0,21,1006,'int2vectorin','int2vectorout','int2vectorrecv','int2vectorsend','-','-','-','i','p',false,0,-1,0,0),
(23,'int4',11,10,4,true,'b','N',false,true,',',0,0,1007,'int4in','int4out','int4recv','int4send','-','-','-','i','p',false,0,-1,0,0),
(24,'regproc',11,10,4,true,'b','N',false,true,',',0,0,1008,'regprocin','regprocout','regprocrecv','regprocsend','-','-','-','i','p',false,0,-1,0,0),
(25,'text',11,10,-1,false,'b','S',true,true,',',0,0,1009,'textin','textout','textrecv','textsend','-','-','-','i','x',false,0,-1,0,100),
(26,'oid',11,10,4,true,'b','N',true,true,',',0,0,1028,'oidin','oidout','oidrecv','oidsend','-','-','-','i','p',false,0,-1,0,0),
(27,'tid',11,10,6,false,'b','U',false,true,',',0,0,1010,'tidin','tidout','tidrecv','tidsend','-','-','-','s','p',false,0,-1,0,0),
(28,'xid',11,10,4,true,'b','U',false,true,',',0,0,1011,'xidin','xidout','xidrecv','xidsend','-','-','-','i','p',false,0,-1,0,0),
(29,'cid',11,10,4,true,'b','U',false,true,',',0,0,1012,'cidin','cidout','cidrecv','cidsend','-','-','-','i','p',false,0,-1,0,0),
(30,'oidvector',11,10,-1,false,'b','A',false,true,',',0,26,1013,'oidvectorin','oidvectorout','oidvectorrecv','oidvectorsend','-','-','-','i','p',false,0,-1,0,0),
(32,'pg_ddl_command',11,10,8,true,'p','P',false,true,',',0,0,0,'pg_ddl_command_in','pg_ddl_command_out','pg_ddl_command_recv','pg_ddl_command_send','-','-','-','d','p',false,0,-1,0,0),
(114,'json',11,10,-1,false,'b','U',false,true,',',0,0,199,'json_in','json_out','json_recv','json_send','-','-','-','i','x',false,0,-1,0,0),
(142,'xml',11,10,-1,false,'b','U',false,true,',',0,0,143,'xml_in','xml_out','xml_recv','xml_send','-','-','-','i','x',false,0,-1,0,0),
(143,'_xml',11,10,-1,false,'b','A',false,true,',',0,142,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(194,'pg_node_tree',11,10,-1,false,'b','Z',false,true,',',0,0,0,'pg_node_tree_in','pg_node_tree_out','pg_node_tree_recv','pg_node_tree_send','-','-','-','i','x',false,0,-1,0,100),
(199,'_json',11,10,-1,false,'b','A',false,true,',',0,114,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(210,'_pg_type',11,10,-1,false,'b','A',false,true,',',0,71,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(269,'table_am_handler',11,10,4,true,'p','P',false,true,',',0,0,0,'table_am_handler_in','table_am_handler_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(270,'_pg_attribute',11,10,-1,false,'b','A',false,true,',',0,75,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(271,'_xid8',11,10,-1,false,'b','A',false,true,',',0,5069,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(272,'_pg_proc',11,10,-1,false,'b','A',false,true,',',0,81,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(273,'_pg_class',11,10,-1,false,'b','A',false,true,',',0,83,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(325,'index_am_handler',11,10,4,true,'p','P',false,true,',',0,0,0,'index_am_handler_in','index_am_handler_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(600,'point',11,10,16,false,'b','G',false,true,',',0,701,1017,'point_in','point_out','point_recv','point_send','-','-','-','d','p',false,0,-1,0,0),
(601,'lseg',11,10,32,false,'b','G',false,true,',',0,600,1018,'lseg_in','lseg_out','lseg_recv','lseg_send','-','-','-','d','p',false,0,-1,0,0),
(602,'path',11,10,-1,false,'b','G',false,true,',',0,0,1019,'path_in','path_out','path_recv','path_send','-','-','-','d','x',false,0,-1,0,0),
(603,'box',11,10,32,false,'b','G',false,true,';',0,600,1020,'box_in','box_out','box_recv','box_send','-','-','-','d','p',false,0,-1,0,0),
(604,'polygon',11,10,-1,false,'b','G',false,true,',',0,0,1027,'poly_in','poly_out','poly_recv','poly_send','-','-','-','d','x',false,0,-1,0,0),
(628,'line',11,10,24,false,'b','G',false,true,',',0,701,629,'line_in','line_out','line_recv','line_send','-','-','-','d','p',false,0,-1,0,0),
(629,'_line',11,10,-1,false,'b','A',false,true,',',0,628,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(650,'cidr',11,10,-1,false,'b','I',false,true,',',0,0,651,'cidr_in','cidr_out','cidr_recv','cidr_send','-','-','-','i','m',false,0,-1,0,0),
(651,'_cidr',11,10,-1,false,'b','A',false,true,',',0,650,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(700,'float4',11,10,4,true,'b','N',false,true,',',0,0,1021,'float4in','float4out','float4recv','float4send','-','-','-','i','p',false,0,-1,0,0),
(701,'float8',11,10,8,true,'b','N',true,true,',',0,0,1022,'float8in','float8out','float8recv','float8send','-','-','-','d','p',false,0,-1,0,0),
(705,'unknown',11,10,-2,false,'p','X',false,true,',',0,0,0,'unknownin','unknownout','unknownrecv','unknownsend','-','-','-','c','p',false,0,-1,0,0),
(718,'circle',11,10,24,false,'b','G',false,true,',',0,0,719,'circle_in','circle_out','circle_recv','circle_send','-','-','-','d','p',false,0,-1,0,0),
(719,'_circle',11,10,-1,false,'b','A',false,true,',',0,718,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(774,'macaddr8',11,10,8,false,'b','U',false,true,',',0,0,775,'macaddr8_in','macaddr8_out','macaddr8_recv','macaddr8_send','-','-','-','i','p',false,0,-1,0,0),
(775,'_macaddr8',11,10,-1,false,'b','A',false,true,',',0,774,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(790,'money',11,10,8,true,'b','N',false,true,',',0,0,791,'cash_in','cash_out','cash_recv','cash_send','-','-','-','d','p',false,0,-1,0,0),
(791,'_money',11,10,-1,false,'b','A',false,true,',',0,790,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(829,'macaddr',11,10,6,false,'b','U',false,true,',',0,0,1040,'macaddr_in','macaddr_out','macaddr_recv','macaddr_send','-','-','-','i','p',false,0,-1,0,0),
(869,'inet',11,10,-1,false,'b','I',true,true,',',0,0,1041,'inet_in','inet_out','inet_recv','inet_send','-','-','-','i','m',false,0,-1,0,0),
(1000,'_bool',11,10,-1,false,'b','A',false,true,',',0,16,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1001,'_bytea',11,10,-1,false,'b','A',false,true,',',0,17,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1002,'_char',11,10,-1,false,'b','A',false,true,',',0,18,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1003,'_name',11,10,-1,false,'b','A',false,true,',',0,19,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,950),
(1005,'_int2',11,10,-1,false,'b','A',false,true,',',0,21,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1006,'_int2vector',11,10,-1,false,'b','A',false,true,',',0,22,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1007,'_int4',11,10,-1,false,'b','A',false,true,',',0,23,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1008,'_regproc',11,10,-1,false,'b','A',false,true,',',0,24,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1009,'_text',11,10,-1,false,'b','A',false,true,',',0,25,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,100),
(1010,'_tid',11,10,-1,false,'b','A',false,true,',',0,27,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1011,'_xid',11,10,-1,false,'b','A',false,true,',',0,28,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1012,'_cid',11,10,-1,false,'b','A',false,true,',',0,29,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1013,'_oidvector',11,10,-1,false,'b','A',false,true,',',0,30,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1014,'_bpchar',11,10,-1,false,'b','A',false,true,',',0,1042,0,'array_in','array_out','array_recv','array_send','bpchartypmodin','bpchartypmodout','array_typanalyze','i','x',false,0,-1,0,100),
(1015,'_varchar',11,10,-1,false,'b','A',false,true,',',0,1043,0,'array_in','array_out','array_recv','array_send','varchartypmodin','varchartypmodout','array_typanalyze','i','x',false,0,-1,0,100),
(1016,'_int8',11,10,-1,false,'b','A',false,true,',',0,20,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1017,'_point',11,10,-1,false,'b','A',false,true,',',0,600,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1018,'_lseg',11,10,-1,false,'b','A',false,true,',',0,601,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1019,'_path',11,10,-1,false,'b','A',false,true,',',0,602,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1020,'_box',11,10,-1,false,'b','A',false,true,';',0,603,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1021,'_float4',11,10,-1,false,'b','A',false,true,',',0,700,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1022,'_float8',11,10,-1,false,'b','A',false,true,',',0,701,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1027,'_polygon',11,10,-1,false,'b','A',false,true,',',0,604,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(1028,'_oid',11,10,-1,false,'b','A',false,true,',',0,26,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1033,'aclitem',11,10,12,false,'b','U',false,true,',',0,0,1034,'aclitemin','aclitemout','-','-','-','-','-','i','p',false,0,-1,0,0),
(1034,'_aclitem',11,10,-1,false,'b','A',false,true,',',0,1033,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1040,'_macaddr',11,10,-1,false,'b','A',false,true,',',0,829,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1041,'_inet',11,10,-1,false,'b','A',false,true,',',0,869,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1042,'bpchar',11,10,-1,false,'b','S',false,true,',',0,0,1014,'bpcharin','bpcharout','bpcharrecv','bpcharsend','bpchartypmodin','bpchartypmodout','-','i','x',false,0,-1,0,100),
(1043,'varchar',11,10,-1,false,'b','S',false,true,',',0,0,1015,'varcharin','varcharout','varcharrecv','varcharsend','varchartypmodin','varchartypmodout','-','i','x',false,0,-1,0,100),
(1082,'date',11,10,4,true,'b','D',false,true,',',0,0,1182,'date_in','date_out','date_recv','date_send','-','-','-','i','p',false,0,-1,0,0),
(1083,'time',11,10,8,true,'b','D',false,true,',',0,0,1183,'time_in','time_out','time_recv','time_send','timetypmodin','timetypmodout','-','d','p',false,0,-1,0,0),
(1114,'timestamp',11,10,8,true,'b','D',false,true,',',0,0,1115,'timestamp_in','timestamp_out','timestamp_recv','timestamp_send','timestamptypmodin','timestamptypmodout','-','d','p',false,0,-1,0,0),
(1115,'_timestamp',11,10,-1,false,'b','A',false,true,',',0,1114,0,'array_in','array_out','array_recv','array_send','timestamptypmodin','timestamptypmodout','array_typanalyze','d','x',false,0,-1,0,0),
(1182,'_date',11,10,-1,false,'b','A',false,true,',',0,1082,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1183,'_time',11,10,-1,false,'b','A',false,true,',',0,1083,0,'array_in','array_out','array_recv','array_send','timetypmodin','timetypmodout','array_typanalyze','d','x',false,0,-1,0,0),
(1184,'timestamptz',11,10,8,true,'b','D',true,true,',',0,0,1185,'timestamptz_in','timestamptz_out','timestamptz_recv','timestamptz_send','timestamptztypmodin','timestamptztypmodout','-','d','p',false,0,-1,0,0),
(1185,'_timestamptz',11,10,-1,false,'b','A',false,true,',',0,1184,0,'array_in','array_out','array_recv','array_send','timestamptztypmodin','timestamptztypmodout','array_typanalyze','d','x',false,0,-1,0,0),
(1186,'interval',11,10,16,false,'b','T',true,true,',',0,0,1187,'interval_in','interval_out','interval_recv','interval_send','intervaltypmodin','intervaltypmodout','-','d','p',false,0,-1,0,0),
(1187,'_interval',11,10,-1,false,'b','A',false,true,',',0,1186,0,'array_in','array_out','array_recv','array_send','intervaltypmodin','intervaltypmodout','array_typanalyze','d','x',false,0,-1,0,0),
(1231,'_numeric',11,10,-1,false,'b','A',false,true,',',0,1700,0,'array_in','array_out','array_recv','array_send','numerictypmodin','numerictypmodout','array_typanalyze','i','x',false,0,-1,0,0),
(1263,'_cstring',11,10,-1,false,'b','A',false,true,',',0,2275,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(1266,'timetz',11,10,12,false,'b','D',false,true,',',0,0,1270,'timetz_in','timetz_out','timetz_recv','timetz_send','timetztypmodin','timetztypmodout','-','d','p',false,0,-1,0,0),
(1270,'_timetz',11,10,-1,false,'b','A',false,true,',',0,1266,0,'array_in','array_out','array_recv','array_send','timetztypmodin','timetztypmodout','array_typanalyze','d','x',false,0,-1,0,0),
(1560,'bit',11,10,-1,false,'b','V',false,true,',',0,0,1561,'bit_in','bit_out','bit_recv','bit_send','bittypmodin','bittypmodout','-','i','x',false,0,-1,0,0),
(1561,'_bit',11,10,-1,false,'b','A',false,true,',',0,1560,0,'array_in','array_out','array_recv','array_send','bittypmodin','bittypmodout','array_typanalyze','i','x',false,0,-1,0,0),
(1562,'varbit',11,10,-1,false,'b','V',true,true,',',0,0,1563,'varbit_in','varbit_out','varbit_recv','varbit_send','varbittypmodin','varbittypmodout','-','i','x',false,0,-1,0,0),
(1563,'_varbit',11,10,-1,false,'b','A',false,true,',',0,1562,0,'array_in','array_out','array_recv','array_send','varbittypmodin','varbittypmodout','array_typanalyze','i','x',false,0,-1,0,0),
(1700,'numeric',11,10,-1,false,'b','N',false,true,',',0,0,1231,'numeric_in','numeric_out','numeric_recv','numeric_send','numerictypmodin','numerictypmodout','-','i','m',false,0,-1,0,0),
(1790,'refcursor',11,10,-1,false,'b','U',false,true,',',0,0,2201,'textin','textout','textrecv','textsend','-','-','-','i','x',false,0,-1,0,0),
(2201,'_refcursor',11,10,-1,false,'b','A',false,true,',',0,1790,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2202,'regprocedure',11,10,4,true,'b','N',false,true,',',0,0,2207,'regprocedurein','regprocedureout','regprocedurerecv','regproceduresend','-','-','-','i','p',false,0,-1,0,0),
(2203,'regoper',11,10,4,true,'b','N',false,true,',',0,0,2208,'regoperin','regoperout','regoperrecv','regopersend','-','-','-','i','p',false,0,-1,0,0),
(2204,'regoperator',11,10,4,true,'b','N',false,true,',',0,0,2209,'regoperatorin','regoperatorout','regoperatorrecv','regoperatorsend','-','-','-','i','p',false,0,-1,0,0),
(2205,'regclass',11,10,4,true,'b','N',false,true,',',0,0,2210,'regclassin','regclassout','regclassrecv','regclasssend','-','-','-','i','p',false,0,-1,0,0),
(2206,'regtype',11,10,4,true,'b','N',false,true,',',0,0,2211,'regtypein','regtypeout','regtyperecv','regtypesend','-','-','-','i','p',false,0,-1,0,0),
(2207,'_regprocedure',11,10,-1,false,'b','A',false,true,',',0,2202,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2208,'_regoper',11,10,-1,false,'b','A',false,true,',',0,2203,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2209,'_regoperator',11,10,-1,false,'b','A',false,true,',',0,2204,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2210,'_regclass',11,10,-1,false,'b','A',false,true,',',0,2205,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2211,'_regtype',11,10,-1,false,'b','A',false,true,',',0,2206,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2249,'record',11,10,-1,false,'p','P',false,true,',',0,0,2287,'record_in','record_out','record_recv','record_send','-','-','-','d','x',false,0,-1,0,0),
(2275,'cstring',11,10,-2,false,'p','P',false,true,',',0,0,1263,'cstring_in','cstring_out','cstring_recv','cstring_send','-','-','-','c','p',false,0,-1,0,0),
(2276,'any',11,10,4,true,'p','P',false,true,',',0,0,0,'any_in','any_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(2277,'anyarray',11,10,-1,false,'p','P',false,true,',',0,0,0,'anyarray_in','anyarray_out','anyarray_recv','anyarray_send','-','-','-','d','x',false,0,-1,0,0),
(2278,'void',11,10,4,true,'p','P',false,true,',',0,0,0,'void_in','void_out','void_recv','void_send','-','-','-','i','p',false,0,-1,0,0),
(2279,'trigger',11,10,4,true,'p','P',false,true,',',0,0,0,'trigger_in','trigger_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(2280,'language_handler',11,10,4,true,'p','P',false,true,',',0,0,0,'language_handler_in','language_handler_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(2281,'internal',11,10,8,true,'p','P',false,true,',',0,0,0,'internal_in','internal_out','-','-','-','-','-','d','p',false,0,-1,0,0),
(2283,'anyelement',11,10,4,true,'p','P',false,true,',',0,0,0,'anyelement_in','anyelement_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(2287,'_record',11,10,-1,false,'p','P',false,true,',',0,2249,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(2776,'anynonarray',11,10,4,true,'p','P',false,true,',',0,0,0,'anynonarray_in','anynonarray_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(2949,'_txid_snapshot',11,10,-1,false,'b','A',false,true,',',0,2970,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(2950,'uuid',11,10,16,false,'b','U',false,true,',',0,0,2951,'uuid_in','uuid_out','uuid_recv','uuid_send','-','-','-','c','p',false,0,-1,0,0),
(2951,'_uuid',11,10,-1,false,'b','A',false,true,',',0,2950,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(2970,'txid_snapshot',11,10,-1,false,'b','U',false,true,',',0,0,2949,'txid_snapshot_in','txid_snapshot_out','txid_snapshot_recv','txid_snapshot_send','-','-','-','d','x',false,0,-1,0,0),
(3115,'fdw_handler',11,10,4,true,'p','P',false,true,',',0,0,0,'fdw_handler_in','fdw_handler_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(3220,'pg_lsn',11,10,8,true,'b','U',false,true,',',0,0,3221,'pg_lsn_in','pg_lsn_out','pg_lsn_recv','pg_lsn_send','-','-','-','d','p',false,0,-1,0,0),
(3221,'_pg_lsn',11,10,-1,false,'b','A',false,true,',',0,3220,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(3310,'tsm_handler',11,10,4,true,'p','P',false,true,',',0,0,0,'tsm_handler_in','tsm_handler_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(3361,'pg_ndistinct',11,10,-1,false,'b','Z',false,true,',',0,0,0,'pg_ndistinct_in','pg_ndistinct_out','pg_ndistinct_recv','pg_ndistinct_send','-','-','-','i','x',false,0,-1,0,100),
(3402,'pg_dependencies',11,10,-1,false,'b','Z',false,true,',',0,0,0,'pg_dependencies_in','pg_dependencies_out','pg_dependencies_recv','pg_dependencies_send','-','-','-','i','x',false,0,-1,0,100),
(3500,'anyenum',11,10,4,true,'p','P',false,true,',',0,0,0,'anyenum_in','anyenum_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(3614,'tsvector',11,10,-1,false,'b','U',false,true,',',0,0,3643,'tsvectorin','tsvectorout','tsvectorrecv','tsvectorsend','-','-','ts_typanalyze','i','x',false,0,-1,0,0),
(3615,'tsquery',11,10,-1,false,'b','U',false,true,',',0,0,3645,'tsqueryin','tsqueryout','tsqueryrecv','tsquerysend','-','-','-','i','p',false,0,-1,0,0),
(3642,'gtsvector',11,10,-1,false,'b','U',false,true,',',0,0,3644,'gtsvectorin','gtsvectorout','-','-','-','-','-','i','p',false,0,-1,0,0),
(3643,'_tsvector',11,10,-1,false,'b','A',false,true,',',0,3614,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3644,'_gtsvector',11,10,-1,false,'b','A',false,true,',',0,3642,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3645,'_tsquery',11,10,-1,false,'b','A',false,true,',',0,3615,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3734,'regconfig',11,10,4,true,'b','N',false,true,',',0,0,3735,'regconfigin','regconfigout','regconfigrecv','regconfigsend','-','-','-','i','p',false,0,-1,0,0),
(3735,'_regconfig',11,10,-1,false,'b','A',false,true,',',0,3734,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3769,'regdictionary',11,10,4,true,'b','N',false,true,',',0,0,3770,'regdictionaryin','regdictionaryout','regdictionaryrecv','regdictionarysend','-','-','-','i','p',false,0,-1,0,0),
(3770,'_regdictionary',11,10,-1,false,'b','A',false,true,',',0,3769,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3802,'jsonb',11,10,-1,false,'b','U',false,true,',',0,0,3807,'jsonb_in','jsonb_out','jsonb_recv','jsonb_send','-','-','-','i','x',false,0,-1,0,0),
(3807,'_jsonb',11,10,-1,false,'b','A',false,true,',',0,3802,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3831,'anyrange',11,10,-1,false,'p','P',false,true,',',0,0,0,'anyrange_in','anyrange_out','-','-','-','-','-','d','x',false,0,-1,0,0),
(3838,'event_trigger',11,10,4,true,'p','P',false,true,',',0,0,0,'event_trigger_in','event_trigger_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(3904,'int4range',11,10,-1,false,'r','R',false,true,',',0,0,3905,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','i','x',false,0,-1,0,0),
(3906,'numrange',11,10,-1,false,'r','R',false,true,',',0,0,3907,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','i','x',false,0,-1,0,0),
(3908,'tsrange',11,10,-1,false,'r','R',false,true,',',0,0,3909,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','d','x',false,0,-1,0,0),
(3910,'tstzrange',11,10,-1,false,'r','R',false,true,',',0,0,3911,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','d','x',false,0,-1,0,0),
(3912,'daterange',11,10,-1,false,'r','R',false,true,',',0,0,3913,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','i','x',false,0,-1,0,0),
(3926,'int8range',11,10,-1,false,'r','R',false,true,',',0,0,3927,'range_in','range_out','range_recv','range_send','-','-','range_typanalyze','d','x',false,0,-1,0,0),
(4451,'int4multirange',11,10,-1,false,'m','R',false,true,',',0,0,6150,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','i','x',false,0,-1,0,0),
(4532,'nummultirange',11,10,-1,false,'m','R',false,true,',',0,0,6151,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','i','x',false,0,-1,0,0),
(4533,'tsmultirange',11,10,-1,false,'m','R',false,true,',',0,0,6152,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','d','x',false,0,-1,0,0),
(4534,'tstzmultirange',11,10,-1,false,'m','R',false,true,',',0,0,6153,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','d','x',false,0,-1,0,0),
(4535,'datemultirange',11,10,-1,false,'m','R',false,true,',',0,0,6155,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','i','x',false,0,-1,0,0),
(4536,'int8multirange',11,10,-1,false,'m','R',false,true,',',0,0,6157,'multirange_in','multirange_out','multirange_recv','multirange_send','-','-','multirange_typanalyze','d','x',false,0,-1,0,0),
(3905,'_int4range',11,10,-1,false,'b','A',false,true,',',0,3904,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3907,'_numrange',11,10,-1,false,'b','A',false,true,',',0,3906,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3909,'_tsrange',11,10,-1,false,'b','A',false,true,',',0,3908,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(3911,'_tstzrange',11,10,-1,false,'b','A',false,true,',',0,3910,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(3913,'_daterange',11,10,-1,false,'b','A',false,true,',',0,3912,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(3927,'_int8range',11,10,-1,false,'b','A',false,true,',',0,3926,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(4072,'jsonpath',11,10,-1,false,'b','U',false,true,',',0,0,4073,'jsonpath_in','jsonpath_out','jsonpath_recv','jsonpath_send','-','-','-','i','x',false,0,-1,0,0),
(4073,'_jsonpath',11,10,-1,false,'b','A',false,true,',',0,4072,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(4089,'regnamespace',11,10,4,true,'b','N',false,true,',',0,0,4090,'regnamespacein','regnamespaceout','regnamespacerecv','regnamespacesend','-','-','-','i','p',false,0,-1,0,0),
(4090,'_regnamespace',11,10,-1,false,'b','A',false,true,',',0,4089,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(4096,'regrole',11,10,4,true,'b','N',false,true,',',0,0,4097,'regrolein','regroleout','regrolerecv','regrolesend','-','-','-','i','p',false,0,-1,0,0),
(4097,'_regrole',11,10,-1,false,'b','A',false,true,',',0,4096,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(4191,'regcollation',11,10,4,true,'b','N',false,true,',',0,0,4192,'regcollationin','regcollationout','regcollationrecv','regcollationsend','-','-','-','i','p',false,0,-1,0,0),
(4192,'_regcollation',11,10,-1,false,'b','A',false,true,',',0,4191,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(4537,'anymultirange',11,10,-1,false,'p','P',false,true,',',0,0,0,'anymultirange_in','anymultirange_out','-','-','-','-','-','d','x',false,0,-1,0,0),
(4538,'anycompatiblemultirange',11,10,-1,false,'p','P',false,true,',',0,0,0,'anycompatiblemultirange_in','anycompatiblemultirange_out','-','-','-','-','-','d','x',false,0,-1,0,0),
(4600,'pg_brin_bloom_summary',11,10,-1,false,'b','Z',false,true,',',0,0,0,'brin_bloom_summary_in','brin_bloom_summary_out','brin_bloom_summary_recv','brin_bloom_summary_send','-','-','-','i','x',false,0,-1,0,100),
(4601,'pg_brin_minmax_multi_summary',11,10,-1,false,'b','Z',false,true,',',0,0,0,'brin_minmax_multi_summary_in','brin_minmax_multi_summary_out','brin_minmax_multi_summary_recv','brin_minmax_multi_summary_send','-','-','-','i','x',false,0,-1,0,100),
(5017,'pg_mcv_list',11,10,-1,false,'b','Z',false,true,',',0,0,0,'pg_mcv_list_in','pg_mcv_list_out','pg_mcv_list_recv','pg_mcv_list_send','-','-','-','i','x',false,0,-1,0,100),
(5038,'pg_snapshot',11,10,-1,false,'b','U',false,true,',',0,0,5039,'pg_snapshot_in','pg_snapshot_out','pg_snapshot_recv','pg_snapshot_send','-','-','-','d','x',false,0,-1,0,0),
(5039,'_pg_snapshot',11,10,-1,false,'b','A',false,true,',',0,5038,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(5069,'xid8',11,10,8,true,'b','U',false,true,',',0,0,271,'xid8in','xid8out','xid8recv','xid8send','-','-','-','d','p',false,0,-1,0,0),
(5077,'anycompatible',11,10,4,true,'p','P',false,true,',',0,0,0,'anycompatible_in','anycompatible_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(5078,'anycompatiblearray',11,10,-1,false,'p','P',false,true,',',0,0,0,'anycompatiblearray_in','anycompatiblearray_out','anycompatiblearray_recv','anycompatiblearray_send','-','-','-','d','x',false,0,-1,0,0),
(5079,'anycompatiblenonarray',11,10,4,true,'p','P',false,true,',',0,0,0,'anycompatiblenonarray_in','anycompatiblenonarray_out','-','-','-','-','-','i','p',false,0,-1,0,0),
(5080,'anycompatiblerange',11,10,-1,false,'p','P',false,true,',',0,0,0,'anycompatiblerange_in','anycompatiblerange_out','-','-','-','-','-','d','x',false,0,-1,0,0),
(6150,'_int4multirange',11,10,-1,false,'b','A',false,true,',',0,4451,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(6151,'_nummultirange',11,10,-1,false,'b','A',false,true,',',0,4532,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(6152,'_tsmultirange',11,10,-1,false,'b','A',false,true,',',0,4533,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(6153,'_tstzmultirange',11,10,-1,false,'b','A',false,true,',',0,4534,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(6155,'_datemultirange',11,10,-1,false,'b','A',false,true,',',0,4535,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','i','x',false,0,-1,0,0),
(6157,'_int8multirange',11,10,-1,false,'b','A',false,true,',',0,4536,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10000,'_pg_attrdef',11,10,-1,false,'b','A',false,true,',',0,10001,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10002,'_pg_constraint',11,10,-1,false,'b','A',false,true,',',0,10003,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10004,'_pg_inherits',11,10,-1,false,'b','A',false,true,',',0,10005,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10006,'_pg_index',11,10,-1,false,'b','A',false,true,',',0,10007,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10008,'_pg_operator',11,10,-1,false,'b','A',false,true,',',0,10009,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10010,'_pg_opfamily',11,10,-1,false,'b','A',false,true,',',0,10011,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10012,'_pg_opclass',11,10,-1,false,'b','A',false,true,',',0,10013,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10014,'_pg_am',11,10,-1,false,'b','A',false,true,',',0,10015,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10016,'_pg_amop',11,10,-1,false,'b','A',false,true,',',0,10017,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10018,'_pg_amproc',11,10,-1,false,'b','A',false,true,',',0,10019,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10020,'_pg_language',11,10,-1,false,'b','A',false,true,',',0,10021,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10022,'_pg_largeobject_metadata',11,10,-1,false,'b','A',false,true,',',0,10023,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10024,'_pg_largeobject',11,10,-1,false,'b','A',false,true,',',0,10025,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10026,'_pg_aggregate',11,10,-1,false,'b','A',false,true,',',0,10027,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10028,'_pg_statistic',11,10,-1,false,'b','A',false,true,',',0,10029,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10030,'_pg_statistic_ext',11,10,-1,false,'b','A',false,true,',',0,10031,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10032,'_pg_statistic_ext_data',11,10,-1,false,'b','A',false,true,',',0,10033,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10034,'_pg_rewrite',11,10,-1,false,'b','A',false,true,',',0,10035,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10036,'_pg_trigger',11,10,-1,false,'b','A',false,true,',',0,10037,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10038,'_pg_event_trigger',11,10,-1,false,'b','A',false,true,',',0,10039,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10040,'_pg_description',11,10,-1,false,'b','A',false,true,',',0,10041,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10042,'_pg_cast',11,10,-1,false,'b','A',false,true,',',0,10043,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10044,'_pg_enum',11,10,-1,false,'b','A',false,true,',',0,10045,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10046,'_pg_namespace',11,10,-1,false,'b','A',false,true,',',0,10047,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10048,'_pg_conversion',11,10,-1,false,'b','A',false,true,',',0,10049,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10050,'_pg_depend',11,10,-1,false,'b','A',false,true,',',0,10051,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10052,'_pg_database',11,10,-1,false,'b','A',false,true,',',0,1248,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10053,'_pg_db_role_setting',11,10,-1,false,'b','A',false,true,',',0,10054,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10055,'_pg_tablespace',11,10,-1,false,'b','A',false,true,',',0,10056,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10057,'_pg_authid',11,10,-1,false,'b','A',false,true,',',0,2842,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10058,'_pg_auth_members',11,10,-1,false,'b','A',false,true,',',0,2843,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10059,'_pg_shdepend',11,10,-1,false,'b','A',false,true,',',0,10060,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10061,'_pg_shdescription',11,10,-1,false,'b','A',false,true,',',0,10062,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10063,'_pg_ts_config',11,10,-1,false,'b','A',false,true,',',0,10064,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10065,'_pg_ts_config_map',11,10,-1,false,'b','A',false,true,',',0,10066,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10067,'_pg_ts_dict',11,10,-1,false,'b','A',false,true,',',0,10068,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10069,'_pg_ts_parser',11,10,-1,false,'b','A',false,true,',',0,10070,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10071,'_pg_ts_template',11,10,-1,false,'b','A',false,true,',',0,10072,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10073,'_pg_extension',11,10,-1,false,'b','A',false,true,',',0,10074,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10075,'_pg_foreign_data_wrapper',11,10,-1,false,'b','A',false,true,',',0,10076,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10077,'_pg_foreign_server',11,10,-1,false,'b','A',false,true,',',0,10078,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10079,'_pg_user_mapping',11,10,-1,false,'b','A',false,true,',',0,10080,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10081,'_pg_foreign_table',11,10,-1,false,'b','A',false,true,',',0,10082,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10083,'_pg_policy',11,10,-1,false,'b','A',false,true,',',0,10084,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10085,'_pg_replication_origin',11,10,-1,false,'b','A',false,true,',',0,10086,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10087,'_pg_default_acl',11,10,-1,false,'b','A',false,true,',',0,10088,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10089,'_pg_init_privs',11,10,-1,false,'b','A',false,true,',',0,10090,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10091,'_pg_seclabel',11,10,-1,false,'b','A',false,true,',',0,10092,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10093,'_pg_shseclabel',11,10,-1,false,'b','A',false,true,',',0,4066,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10094,'_pg_collation',11,10,-1,false,'b','A',false,true,',',0,10095,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10096,'_pg_parameter_acl',11,10,-1,false,'b','A',false,true,',',0,10097,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10098,'_pg_partitioned_table',11,10,-1,false,'b','A',false,true,',',0,10099,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10100,'_pg_range',11,10,-1,false,'b','A',false,true,',',0,10101,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10102,'_pg_transform',11,10,-1,false,'b','A',false,true,',',0,10103,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10104,'_pg_sequence',11,10,-1,false,'b','A',false,true,',',0,10105,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10106,'_pg_publication',11,10,-1,false,'b','A',false,true,',',0,10107,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10108,'_pg_publication_namespace',11,10,-1,false,'b','A',false,true,',',0,10109,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10110,'_pg_publication_rel',11,10,-1,false,'b','A',false,true,',',0,10111,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10112,'_pg_subscription',11,10,-1,false,'b','A',false,true,',',0,6101,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(10113,'_pg_subscription_rel',11,10,-1,false,'b','A',false,true,',',0,10114,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12001,'_pg_roles',11,10,-1,false,'b','A',false,true,',',0,12002,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12006,'_pg_shadow',11,10,-1,false,'b','A',false,true,',',0,12007,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12011,'_pg_group',11,10,-1,false,'b','A',false,true,',',0,12012,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12015,'_pg_user',11,10,-1,false,'b','A',false,true,',',0,12016,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12019,'_pg_policies',11,10,-1,false,'b','A',false,true,',',0,12020,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12024,'_pg_rules',11,10,-1,false,'b','A',false,true,',',0,12025,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12029,'_pg_views',11,10,-1,false,'b','A',false,true,',',0,12030,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12034,'_pg_tables',11,10,-1,false,'b','A',false,true,',',0,12035,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12039,'_pg_matviews',11,10,-1,false,'b','A',false,true,',',0,12040,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12044,'_pg_indexes',11,10,-1,false,'b','A',false,true,',',0,12045,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12049,'_pg_sequences',11,10,-1,false,'b','A',false,true,',',0,12050,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12054,'_pg_stats',11,10,-1,false,'b','A',false,true,',',0,12055,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12059,'_pg_stats_ext',11,10,-1,false,'b','A',false,true,',',0,12060,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12064,'_pg_stats_ext_exprs',11,10,-1,false,'b','A',false,true,',',0,12065,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12069,'_pg_publication_tables',11,10,-1,false,'b','A',false,true,',',0,12070,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12074,'_pg_locks',11,10,-1,false,'b','A',false,true,',',0,12075,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12078,'_pg_cursors',11,10,-1,false,'b','A',false,true,',',0,12079,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12082,'_pg_available_extensions',11,10,-1,false,'b','A',false,true,',',0,12083,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12086,'_pg_available_extension_versions',11,10,-1,false,'b','A',false,true,',',0,12087,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12091,'_pg_prepared_xacts',11,10,-1,false,'b','A',false,true,',',0,12092,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12096,'_pg_prepared_statements',11,10,-1,false,'b','A',false,true,',',0,12097,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12100,'_pg_seclabels',11,10,-1,false,'b','A',false,true,',',0,12101,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12105,'_pg_settings',11,10,-1,false,'b','A',false,true,',',0,12106,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12111,'_pg_file_settings',11,10,-1,false,'b','A',false,true,',',0,12112,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12115,'_pg_hba_file_rules',11,10,-1,false,'b','A',false,true,',',0,12116,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12119,'_pg_ident_file_mappings',11,10,-1,false,'b','A',false,true,',',0,12120,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12123,'_pg_timezone_abbrevs',11,10,-1,false,'b','A',false,true,',',0,12124,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12127,'_pg_timezone_names',11,10,-1,false,'b','A',false,true,',',0,12128,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12131,'_pg_config',11,10,-1,false,'b','A',false,true,',',0,12132,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12135,'_pg_shmem_allocations',11,10,-1,false,'b','A',false,true,',',0,12136,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12139,'_pg_backend_memory_contexts',11,10,-1,false,'b','A',false,true,',',0,12140,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12143,'_pg_stat_all_tables',11,10,-1,false,'b','A',false,true,',',0,12144,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12148,'_pg_stat_xact_all_tables',11,10,-1,false,'b','A',false,true,',',0,12149,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12153,'_pg_stat_sys_tables',11,10,-1,false,'b','A',false,true,',',0,12154,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12158,'_pg_stat_xact_sys_tables',11,10,-1,false,'b','A',false,true,',',0,12159,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12162,'_pg_stat_user_tables',11,10,-1,false,'b','A',false,true,',',0,12163,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12167,'_pg_stat_xact_user_tables',11,10,-1,false,'b','A',false,true,',',0,12168,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12171,'_pg_statio_all_tables',11,10,-1,false,'b','A',false,true,',',0,12172,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12176,'_pg_statio_sys_tables',11,10,-1,false,'b','A',false,true,',',0,12177,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12180,'_pg_statio_user_tables',11,10,-1,false,'b','A',false,true,',',0,12181,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12184,'_pg_stat_all_indexes',11,10,-1,false,'b','A',false,true,',',0,12185,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12189,'_pg_stat_sys_indexes',11,10,-1,false,'b','A',false,true,',',0,12190,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12193,'_pg_stat_user_indexes',11,10,-1,false,'b','A',false,true,',',0,12194,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12197,'_pg_statio_all_indexes',11,10,-1,false,'b','A',false,true,',',0,12198,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12202,'_pg_statio_sys_indexes',11,10,-1,false,'b','A',false,true,',',0,12203,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12206,'_pg_statio_user_indexes',11,10,-1,false,'b','A',false,true,',',0,12207,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12210,'_pg_statio_all_sequences',11,10,-1,false,'b','A',false,true,',',0,12211,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12215,'_pg_statio_sys_sequences',11,10,-1,false,'b','A',false,true,',',0,12216,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12219,'_pg_statio_user_sequences',11,10,-1,false,'b','A',false,true,',',0,12220,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12223,'_pg_stat_activity',11,10,-1,false,'b','A',false,true,',',0,12224,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12228,'_pg_stat_replication',11,10,-1,false,'b','A',false,true,',',0,12229,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12233,'_pg_stat_slru',11,10,-1,false,'b','A',false,true,',',0,12234,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12237,'_pg_stat_wal_receiver',11,10,-1,false,'b','A',false,true,',',0,12238,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12241,'_pg_stat_recovery_prefetch',11,10,-1,false,'b','A',false,true,',',0,12242,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12245,'_pg_stat_subscription',11,10,-1,false,'b','A',false,true,',',0,12246,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12250,'_pg_stat_ssl',11,10,-1,false,'b','A',false,true,',',0,12251,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12254,'_pg_stat_gssapi',11,10,-1,false,'b','A',false,true,',',0,12255,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12258,'_pg_replication_slots',11,10,-1,false,'b','A',false,true,',',0,12259,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12263,'_pg_stat_replication_slots',11,10,-1,false,'b','A',false,true,',',0,12264,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12267,'_pg_stat_database',11,10,-1,false,'b','A',false,true,',',0,12268,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12272,'_pg_stat_database_conflicts',11,10,-1,false,'b','A',false,true,',',0,12273,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12276,'_pg_stat_user_functions',11,10,-1,false,'b','A',false,true,',',0,12277,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12281,'_pg_stat_xact_user_functions',11,10,-1,false,'b','A',false,true,',',0,12282,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12286,'_pg_stat_archiver',11,10,-1,false,'b','A',false,true,',',0,12287,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12290,'_pg_stat_bgwriter',11,10,-1,false,'b','A',false,true,',',0,12291,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12294,'_pg_stat_wal',11,10,-1,false,'b','A',false,true,',',0,12295,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12298,'_pg_stat_progress_analyze',11,10,-1,false,'b','A',false,true,',',0,12299,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12303,'_pg_stat_progress_vacuum',11,10,-1,false,'b','A',false,true,',',0,12304,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12308,'_pg_stat_progress_cluster',11,10,-1,false,'b','A',false,true,',',0,12309,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12313,'_pg_stat_progress_create_index',11,10,-1,false,'b','A',false,true,',',0,12314,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12318,'_pg_stat_progress_basebackup',11,10,-1,false,'b','A',false,true,',',0,12319,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12323,'_pg_stat_progress_copy',11,10,-1,false,'b','A',false,true,',',0,12324,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12328,'_pg_user_mappings',11,10,-1,false,'b','A',false,true,',',0,12329,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12333,'_pg_replication_origin_status',11,10,-1,false,'b','A',false,true,',',0,12334,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0),
(12337,'_pg_stat_subscription_stats',11,10,-1,false,'b','A',false,true,',',0,12338,0,'array_in','array_out','array_recv','array_send','-','-','array_typanalyze','d','x',false,0,-1,0,0)
;
)SQL",
    // PostgreSQL 15's functions, one row per overload (scripts/regen-pg-proc writes them).
    R"SQL(CREATE TABLE duckgres_catalog.__pg_proc_builtin(oid BIGINT, proname VARCHAR, prokind VARCHAR, proretset BOOLEAN,
  provolatile VARCHAR, proisstrict BOOLEAN, pronargs SMALLINT, pronargdefaults SMALLINT, prorettype BIGINT,
  proargtypes BIGINT[], proallargtypes BIGINT[], proargmodes VARCHAR[], proargnames VARCHAR[], provariadic BIGINT,
  prolang BIGINT, procost FLOAT, prorows FLOAT, prosrc VARCHAR, proparallel VARCHAR, proleakproof BOOLEAN,
  prosecdef BOOLEAN, prosupport VARCHAR, arguments VARCHAR, identity_arguments VARCHAR, result VARCHAR);
-- The rows come as tab-separated lines (\N for NULL, lists space-separated, \\ \t \n escaped).
CREATE MACRO duckgres_catalog.__tsv_text(p_x) AS CASE WHEN p_x = '\N' THEN NULL
  ELSE replace(replace(replace(replace(p_x, '\\', chr(1)), '\n', chr(10)), '\t', chr(9)), chr(1), '\') END;
CREATE MACRO duckgres_catalog.__tsv_list(p_x) AS CASE WHEN p_x = '\N' THEN NULL WHEN p_x = '' THEN [] ELSE string_split(p_x, ' ') END;
CREATE MACRO duckgres_catalog.__pg_proc_rows(p_text) AS TABLE
SELECT CAST(f[1] AS BIGINT), f[2], f[3], f[4] = 't', f[5], f[6] = 't', CAST(f[7] AS SMALLINT), CAST(f[8] AS SMALLINT),
  CAST(f[9] AS BIGINT), CAST(duckgres_catalog.__tsv_list(f[10]) AS BIGINT[]), CAST(duckgres_catalog.__tsv_list(f[11]) AS BIGINT[]),
  duckgres_catalog.__tsv_list(f[12]), duckgres_catalog.__tsv_list(f[13]), CAST(f[14] AS BIGINT), CAST(f[15] AS BIGINT),
  CAST(f[16] AS FLOAT), CAST(f[17] AS FLOAT), duckgres_catalog.__tsv_text(f[18]), f[19], f[20] = 't', f[21] = 't', f[22],
  duckgres_catalog.__tsv_text(f[23]), duckgres_catalog.__tsv_text(f[24]), duckgres_catalog.__tsv_text(f[25])
FROM (SELECT string_split(m_line, chr(9)) AS f FROM (SELECT unnest(string_split(p_text, chr(10))) AS m_line) WHERE m_line <> '');
)SQL",
#include "sql/pg_proc_builtin.inc"
    R"SQL(CREATE TABLE duckgres_catalog.__keywords(word VARCHAR, catcode VARCHAR, catdesc VARCHAR);
INSERT INTO duckgres_catalog.__keywords VALUES
('abort','U','unreserved'),
('absolute','U','unreserved'),
('access','U','unreserved'),
('action','U','unreserved'),
('add','U','unreserved'),
('admin','U','unreserved'),
('after','U','unreserved'),
('aggregate','U','unreserved'),
('all','R','reserved'),
('also','U','unreserved'),
('alter','U','unreserved'),
('always','U','unreserved'),
('analyse','R','reserved'),
('analyze','R','reserved'),
('and','R','reserved'),
('any','R','reserved'),
('array','R','reserved'),
('as','R','reserved'),
('asc','R','reserved'),
('asensitive','U','unreserved'),
('assertion','U','unreserved'),
('assignment','U','unreserved'),
('asymmetric','R','reserved'),
('at','U','unreserved'),
('atomic','U','unreserved'),
('attach','U','unreserved'),
('attribute','U','unreserved'),
('authorization','T','reserved (can be function or type name)'),
('backward','U','unreserved'),
('before','U','unreserved'),
('begin','U','unreserved'),
('between','C','unreserved (cannot be function or type name)'),
('bigint','C','unreserved (cannot be function or type name)'),
('binary','T','reserved (can be function or type name)'),
('bit','C','unreserved (cannot be function or type name)'),
('boolean','C','unreserved (cannot be function or type name)'),
('both','R','reserved'),
('breadth','U','unreserved'),
('by','U','unreserved'),
('cache','U','unreserved'),
('call','U','unreserved'),
('called','U','unreserved'),
('cascade','U','unreserved'),
('cascaded','U','unreserved'),
('case','R','reserved'),
('cast','R','reserved'),
('catalog','U','unreserved'),
('chain','U','unreserved'),
('char','C','unreserved (cannot be function or type name)'),
('character','C','unreserved (cannot be function or type name)'),
('characteristics','U','unreserved'),
('check','R','reserved'),
('checkpoint','U','unreserved'),
('class','U','unreserved'),
('close','U','unreserved'),
('cluster','U','unreserved'),
('coalesce','C','unreserved (cannot be function or type name)'),
('collate','R','reserved'),
('collation','T','reserved (can be function or type name)'),
('column','R','reserved'),
('columns','U','unreserved'),
('comment','U','unreserved'),
('comments','U','unreserved'),
('commit','U','unreserved'),
('committed','U','unreserved'),
('compression','U','unreserved'),
('concurrently','T','reserved (can be function or type name)'),
('configuration','U','unreserved'),
('conflict','U','unreserved'),
('connection','U','unreserved'),
('constraint','R','reserved'),
('constraints','U','unreserved'),
('content','U','unreserved'),
('continue','U','unreserved'),
('conversion','U','unreserved'),
('copy','U','unreserved'),
('cost','U','unreserved'),
('create','R','reserved'),
('cross','T','reserved (can be function or type name)'),
('csv','U','unreserved'),
('cube','U','unreserved'),
('current','U','unreserved'),
('current_catalog','R','reserved'),
('current_date','R','reserved'),
('current_role','R','reserved'),
('current_schema','T','reserved (can be function or type name)'),
('current_time','R','reserved'),
('current_timestamp','R','reserved'),
('current_user','R','reserved'),
('cursor','U','unreserved'),
('cycle','U','unreserved'),
('data','U','unreserved'),
('database','U','unreserved'),
('day','U','unreserved'),
('deallocate','U','unreserved'),
('dec','C','unreserved (cannot be function or type name)'),
('decimal','C','unreserved (cannot be function or type name)'),
('declare','U','unreserved'),
('default','R','reserved'),
('defaults','U','unreserved'),
('deferrable','R','reserved'),
('deferred','U','unreserved'),
('definer','U','unreserved'),
('delete','U','unreserved'),
('delimiter','U','unreserved'),
('delimiters','U','unreserved'),
('depends','U','unreserved'),
('depth','U','unreserved'),
('desc','R','reserved'),
('detach','U','unreserved'),
('dictionary','U','unreserved'),
('disable','U','unreserved'),
('discard','U','unreserved'),
('distinct','R','reserved'),
('do','R','reserved'),
('document','U','unreserved'),
('domain','U','unreserved'),
('double','U','unreserved'),
('drop','U','unreserved'),
('each','U','unreserved'),
('else','R','reserved'),
('enable','U','unreserved'),
('encoding','U','unreserved'),
('encrypted','U','unreserved'),
('end','R','reserved'),
('enum','U','unreserved'),
('escape','U','unreserved'),
('event','U','unreserved'),
('except','R','reserved'),
('exclude','U','unreserved'),
('excluding','U','unreserved'),
('exclusive','U','unreserved'),
('execute','U','unreserved'),
('exists','C','unreserved (cannot be function or type name)'),
('explain','U','unreserved'),
('expression','U','unreserved'),
('extension','U','unreserved'),
('external','U','unreserved'),
('extract','C','unreserved (cannot be function or type name)'),
('false','R','reserved'),
('family','U','unreserved'),
('fetch','R','reserved'),
('filter','U','unreserved'),
('finalize','U','unreserved'),
('first','U','unreserved'),
('float','C','unreserved (cannot be function or type name)'),
('following','U','unreserved'),
('for','R','reserved'),
('force','U','unreserved'),
('foreign','R','reserved'),
('forward','U','unreserved'),
('freeze','T','reserved (can be function or type name)'),
('from','R','reserved'),
('full','T','reserved (can be function or type name)'),
('function','U','unreserved'),
('functions','U','unreserved'),
('generated','U','unreserved'),
('global','U','unreserved'),
('grant','R','reserved'),
('granted','U','unreserved'),
('greatest','C','unreserved (cannot be function or type name)'),
('group','R','reserved'),
('grouping','C','unreserved (cannot be function or type name)'),
('groups','U','unreserved'),
('handler','U','unreserved'),
('having','R','reserved'),
('header','U','unreserved'),
('hold','U','unreserved'),
('hour','U','unreserved'),
('identity','U','unreserved'),
('if','U','unreserved'),
('ilike','T','reserved (can be function or type name)'),
('immediate','U','unreserved'),
('immutable','U','unreserved'),
('implicit','U','unreserved'),
('import','U','unreserved'),
('in','R','reserved'),
('include','U','unreserved'),
('including','U','unreserved'),
('increment','U','unreserved'),
('index','U','unreserved'),
('indexes','U','unreserved'),
('inherit','U','unreserved'),
('inherits','U','unreserved'),
('initially','R','reserved'),
('inline','U','unreserved'),
('inner','T','reserved (can be function or type name)'),
('inout','C','unreserved (cannot be function or type name)'),
('input','U','unreserved'),
('insensitive','U','unreserved'),
('insert','U','unreserved'),
('instead','U','unreserved'),
('int','C','unreserved (cannot be function or type name)'),
('integer','C','unreserved (cannot be function or type name)'),
('intersect','R','reserved'),
('interval','C','unreserved (cannot be function or type name)'),
('into','R','reserved'),
('invoker','U','unreserved'),
('is','T','reserved (can be function or type name)'),
('isnull','T','reserved (can be function or type name)'),
('isolation','U','unreserved'),
('join','T','reserved (can be function or type name)'),
('key','U','unreserved'),
('label','U','unreserved'),
('language','U','unreserved'),
('large','U','unreserved'),
('last','U','unreserved'),
('lateral','R','reserved'),
('leading','R','reserved'),
('leakproof','U','unreserved'),
('least','C','unreserved (cannot be function or type name)'),
('left','T','reserved (can be function or type name)'),
('level','U','unreserved'),
('like','T','reserved (can be function or type name)'),
('limit','R','reserved'),
('listen','U','unreserved'),
('load','U','unreserved'),
('local','U','unreserved'),
('localtime','R','reserved'),
('localtimestamp','R','reserved'),
('location','U','unreserved'),
('lock','U','unreserved'),
('locked','U','unreserved'),
('logged','U','unreserved'),
('mapping','U','unreserved'),
('match','U','unreserved'),
('matched','U','unreserved'),
('materialized','U','unreserved'),
('maxvalue','U','unreserved'),
('merge','U','unreserved'),
('method','U','unreserved'),
('minute','U','unreserved'),
('minvalue','U','unreserved'),
('mode','U','unreserved'),
('month','U','unreserved'),
('move','U','unreserved'),
('name','U','unreserved'),
('names','U','unreserved'),
('national','C','unreserved (cannot be function or type name)'),
('natural','T','reserved (can be function or type name)'),
('nchar','C','unreserved (cannot be function or type name)'),
('new','U','unreserved'),
('next','U','unreserved'),
('nfc','U','unreserved'),
('nfd','U','unreserved'),
('nfkc','U','unreserved'),
('nfkd','U','unreserved'),
('no','U','unreserved'),
('none','C','unreserved (cannot be function or type name)'),
('normalize','C','unreserved (cannot be function or type name)'),
('normalized','U','unreserved'),
('not','R','reserved'),
('nothing','U','unreserved'),
('notify','U','unreserved'),
('notnull','T','reserved (can be function or type name)'),
('nowait','U','unreserved'),
('null','R','reserved'),
('nullif','C','unreserved (cannot be function or type name)'),
('nulls','U','unreserved'),
('numeric','C','unreserved (cannot be function or type name)'),
('object','U','unreserved'),
('of','U','unreserved'),
('off','U','unreserved'),
('offset','R','reserved'),
('oids','U','unreserved'),
('old','U','unreserved'),
('on','R','reserved'),
('only','R','reserved'),
('operator','U','unreserved'),
('option','U','unreserved'),
('options','U','unreserved'),
('or','R','reserved'),
('order','R','reserved'),
('ordinality','U','unreserved'),
('others','U','unreserved'),
('out','C','unreserved (cannot be function or type name)'),
('outer','T','reserved (can be function or type name)'),
('over','U','unreserved'),
('overlaps','T','reserved (can be function or type name)'),
('overlay','C','unreserved (cannot be function or type name)'),
('overriding','U','unreserved'),
('owned','U','unreserved'),
('owner','U','unreserved'),
('parallel','U','unreserved'),
('parameter','U','unreserved'),
('parser','U','unreserved'),
('partial','U','unreserved'),
('partition','U','unreserved'),
('passing','U','unreserved'),
('password','U','unreserved'),
('placing','R','reserved'),
('plans','U','unreserved'),
('policy','U','unreserved'),
('position','C','unreserved (cannot be function or type name)'),
('preceding','U','unreserved'),
('precision','C','unreserved (cannot be function or type name)'),
('prepare','U','unreserved'),
('prepared','U','unreserved'),
('preserve','U','unreserved'),
('primary','R','reserved'),
('prior','U','unreserved'),
('privileges','U','unreserved'),
('procedural','U','unreserved'),
('procedure','U','unreserved'),
('procedures','U','unreserved'),
('program','U','unreserved'),
('publication','U','unreserved'),
('quote','U','unreserved'),
('range','U','unreserved'),
('read','U','unreserved'),
('real','C','unreserved (cannot be function or type name)'),
('reassign','U','unreserved'),
('recheck','U','unreserved'),
('recursive','U','unreserved'),
('ref','U','unreserved'),
('references','R','reserved'),
('referencing','U','unreserved'),
('refresh','U','unreserved'),
('reindex','U','unreserved'),
('relative','U','unreserved'),
('release','U','unreserved'),
('rename','U','unreserved'),
('repeatable','U','unreserved'),
('replace','U','unreserved'),
('replica','U','unreserved'),
('reset','U','unreserved'),
('restart','U','unreserved'),
('restrict','U','unreserved'),
('return','U','unreserved'),
('returning','R','reserved'),
('returns','U','unreserved'),
('revoke','U','unreserved'),
('right','T','reserved (can be function or type name)'),
('role','U','unreserved'),
('rollback','U','unreserved'),
('rollup','U','unreserved'),
('routine','U','unreserved'),
('routines','U','unreserved'),
('row','C','unreserved (cannot be function or type name)'),
('rows','U','unreserved'),
('rule','U','unreserved'),
('savepoint','U','unreserved'),
('schema','U','unreserved'),
('schemas','U','unreserved'),
('scroll','U','unreserved'),
('search','U','unreserved'),
('second','U','unreserved'),
('security','U','unreserved'),
('select','R','reserved'),
('sequence','U','unreserved'),
('sequences','U','unreserved'),
('serializable','U','unreserved'),
('server','U','unreserved'),
('session','U','unreserved'),
('session_user','R','reserved'),
('set','U','unreserved'),
('setof','C','unreserved (cannot be function or type name)'),
('sets','U','unreserved'),
('share','U','unreserved'),
('show','U','unreserved'),
('similar','T','reserved (can be function or type name)'),
('simple','U','unreserved'),
('skip','U','unreserved'),
('smallint','C','unreserved (cannot be function or type name)'),
('snapshot','U','unreserved'),
('some','R','reserved'),
('sql','U','unreserved'),
('stable','U','unreserved'),
('standalone','U','unreserved'),
('start','U','unreserved'),
('statement','U','unreserved'),
('statistics','U','unreserved'),
('stdin','U','unreserved'),
('stdout','U','unreserved'),
('storage','U','unreserved'),
('stored','U','unreserved'),
('strict','U','unreserved'),
('strip','U','unreserved'),
('subscription','U','unreserved'),
('substring','C','unreserved (cannot be function or type name)'),
('support','U','unreserved'),
('symmetric','R','reserved'),
('sysid','U','unreserved'),
('system','U','unreserved'),
('table','R','reserved'),
('tables','U','unreserved'),
('tablesample','T','reserved (can be function or type name)'),
('tablespace','U','unreserved'),
('temp','U','unreserved'),
('template','U','unreserved'),
('temporary','U','unreserved'),
('text','U','unreserved'),
('then','R','reserved'),
('ties','U','unreserved'),
('time','C','unreserved (cannot be function or type name)'),
('timestamp','C','unreserved (cannot be function or type name)'),
('to','R','reserved'),
('trailing','R','reserved'),
('transaction','U','unreserved'),
('transform','U','unreserved'),
('treat','C','unreserved (cannot be function or type name)'),
('trigger','U','unreserved'),
('trim','C','unreserved (cannot be function or type name)'),
('true','R','reserved'),
('truncate','U','unreserved'),
('trusted','U','unreserved'),
('type','U','unreserved'),
('types','U','unreserved'),
('uescape','U','unreserved'),
('unbounded','U','unreserved'),
('uncommitted','U','unreserved'),
('unencrypted','U','unreserved'),
('union','R','reserved'),
('unique','R','reserved'),
('unknown','U','unreserved'),
('unlisten','U','unreserved'),
('unlogged','U','unreserved'),
('until','U','unreserved'),
('update','U','unreserved'),
('user','R','reserved'),
('using','R','reserved'),
('vacuum','U','unreserved'),
('valid','U','unreserved'),
('validate','U','unreserved'),
('validator','U','unreserved'),
('value','U','unreserved'),
('values','C','unreserved (cannot be function or type name)'),
('varchar','C','unreserved (cannot be function or type name)'),
('variadic','R','reserved'),
('varying','U','unreserved'),
('verbose','T','reserved (can be function or type name)'),
('version','U','unreserved'),
('view','U','unreserved'),
('views','U','unreserved'),
('volatile','U','unreserved'),
('when','R','reserved'),
('where','R','reserved'),
('whitespace','U','unreserved'),
('window','R','reserved'),
('with','R','reserved'),
('within','U','unreserved'),
('without','U','unreserved'),
('work','U','unreserved'),
('wrapper','U','unreserved'),
('write','U','unreserved'),
('xml','U','unreserved'),
('xmlattributes','C','unreserved (cannot be function or type name)'),
('xmlconcat','C','unreserved (cannot be function or type name)'),
('xmlelement','C','unreserved (cannot be function or type name)'),
('xmlexists','C','unreserved (cannot be function or type name)'),
('xmlforest','C','unreserved (cannot be function or type name)'),
('xmlnamespaces','C','unreserved (cannot be function or type name)'),
('xmlparse','C','unreserved (cannot be function or type name)'),
('xmlpi','C','unreserved (cannot be function or type name)'),
('xmlroot','C','unreserved (cannot be function or type name)'),
('xmlserialize','C','unreserved (cannot be function or type name)'),
('xmltable','C','unreserved (cannot be function or type name)'),
('year','U','unreserved'),
('yes','U','unreserved'),
('zone','U','unreserved')
;
CREATE MACRO duckgres_catalog.pg_get_keywords() AS TABLE SELECT word, catcode, catdesc FROM duckgres_catalog.__keywords;
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
  'r' AS kind, CAST(column_count AS SMALLINT) AS natts, CAST(estimated_size AS FLOAT) AS tuples,
  index_count > 0 OR has_primary_key AS hasindex, CAST(check_constraint_count AS SMALLINT) AS checks, comment, sql
FROM duckdb_tables()
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
)SQL",
    R"SQL(
-- The session's parameters (published by the server as the variable __pg_settings, keys in
-- lower case) override the defaults, so SET shows here as it does in PostgreSQL.
CREATE VIEW duckgres_catalog.pg_settings AS
WITH session AS (SELECT coalesce(getvariable('__pg_settings'), CAST(MAP {} AS MAP(VARCHAR, VARCHAR))) AS m),
known AS (SELECT * FROM (VALUES
  ('server_version', '15.0', 'Preset Options', 'Shows the server version.', 'internal', 'string'),
  ('server_version_num', '150000', 'Preset Options', 'Shows the server version as an integer.', 'internal', 'integer'),
  ('server_encoding', 'UTF8', 'Preset Options', 'Shows the server (database) character set encoding.', 'internal', 'string'),
  ('client_encoding', 'UTF8', 'Client Connection Defaults / Locale and Formatting', 'Sets the client''s character set encoding.', 'user', 'string'),
  ('standard_conforming_strings', 'on', 'Version and Platform Compatibility / Previous PostgreSQL Versions', 'Causes ''...'' strings to treat backslashes literally.', 'user', 'bool'),
  ('max_identifier_length', '63', 'Preset Options', 'Shows the maximum identifier length.', 'internal', 'integer'),
  ('max_index_keys', '32', 'Preset Options', 'Shows the maximum number of index keys.', 'internal', 'integer'),
  ('integer_datetimes', 'on', 'Preset Options', 'Shows whether datetimes are integer based.', 'internal', 'bool'),
  ('DateStyle', 'ISO, MDY', 'Client Connection Defaults / Locale and Formatting', 'Sets the display format for date and time values.', 'user', 'string'),
  ('IntervalStyle', 'postgres', 'Client Connection Defaults / Locale and Formatting', 'Sets the display format for interval values.', 'user', 'enum'),
  ('search_path', '"$user", public', 'Client Connection Defaults / Statement Behavior', 'Sets the schema search order for names that are not schema-qualified.', 'user', 'string'),
  ('default_transaction_isolation', 'read committed', 'Client Connection Defaults / Statement Behavior', 'Sets the transaction isolation level of each new transaction.', 'user', 'enum'),
  ('transaction_isolation', 'read committed', 'Client Connection Defaults / Statement Behavior', 'Sets the current transaction''s isolation level.', 'user', 'enum'),
  ('block_size', '8192', 'Preset Options', 'Shows the size of a disk block.', 'internal', 'integer'),
  ('lc_collate', 'C', 'Preset Options', 'Shows the collation order locale.', 'internal', 'string'),
  ('lc_ctype', 'C', 'Preset Options', 'Shows the character classification and case conversion locale.', 'internal', 'string'),
  ('TimeZone', 'Etc/UTC', 'Client Connection Defaults / Locale and Formatting', 'Sets the time zone for displaying and interpreting time stamps.', 'user', 'string'),
  ('application_name', '', 'Reporting and Logging / What to Log', 'Sets the application name to be reported in statistics and logs.', 'user', 'string'),
  ('statement_timeout', '0', 'Client Connection Defaults / Statement Behavior', 'Sets the maximum allowed duration of any statement.', 'user', 'integer'),
  ('extra_float_digits', '1', 'Client Connection Defaults / Locale and Formatting', 'Sets the number of digits displayed for floating-point values.', 'user', 'integer'))
  AS pg(name, setting, category, short_desc, context, vartype)),
params AS (
  SELECT k.name, coalesce(map_extract_value(session.m, lower(k.name)), k.setting) AS setting, k.setting AS boot,
    map_contains(session.m, lower(k.name)) AND map_extract_value(session.m, lower(k.name)) <> k.setting AS changed,
    k.category, k.short_desc, k.context, k.vartype
  FROM known k, session
  UNION ALL
  SELECT e.key, e.value, e.value, false, 'Session', NULL, 'user', 'string'
  FROM (SELECT unnest(map_entries(session.m)) AS e FROM session) x(e)
  WHERE lower(e.key) NOT IN (SELECT lower(name) FROM known))
SELECT name, setting, CAST(NULL AS VARCHAR) AS unit, category, short_desc, CAST(NULL AS VARCHAR) AS extra_desc,
  context, vartype, CASE WHEN changed THEN 'session' ELSE 'default' END AS source, CAST(NULL AS VARCHAR) AS min_val,
  CAST(NULL AS VARCHAR) AS max_val, CAST(NULL AS VARCHAR[]) AS enumvals, boot AS boot_val, boot AS reset_val,
  CAST(NULL AS VARCHAR) AS sourcefile, CAST(NULL AS INTEGER) AS sourceline, false AS pending_restart
FROM params
UNION ALL
SELECT name, value, NULL, 'DuckDB', description, NULL, CASE WHEN scope = 'GLOBAL' THEN 'sighup' ELSE 'user' END,
  lower(input_type), 'default', NULL, NULL, NULL, value, value, NULL, NULL, false
FROM duckdb_settings()
-- The engine settings a session may read or set (sql::settable_engine_setting and the size):
-- others show the server (paths of its directories, extensions, secrets).
WHERE lower(name) NOT IN (SELECT lower(name) FROM params)
  AND lower(name) IN ('threads', 'memory_limit', 'max_temp_directory_size', 'max_expression_depth',
    'enable_progress_bar', 'enable_progress_bar_print', 'preserve_insertion_order', 'default_order',
    'default_null_order', 'ordered_aggregate_threshold', 'errors_as_json', 'pivot_limit',
    'prefer_range_joins', 'scalar_subquery_error_on_multiple_rows');

-- PostgreSQL's own functions as PostgreSQL 15 lists them, then DuckDB's functions of other names
-- (callable as they are) and the duckling's macros, each overload its own row (oids from 3·10^9:
-- DuckDB numbers a function's overloads alike, and its numbers overlap PostgreSQL's).
CREATE VIEW duckgres_catalog.__procs AS
SELECT oid, proname, CAST(11 AS BIGINT) AS pronamespace, prolang, procost, prorows, provariadic, prosupport, prokind,
  prosecdef, proleakproof, proisstrict, proretset, provolatile, proparallel, pronargs, pronargdefaults, prorettype,
  proargtypes, proallargtypes, proargmodes, proargnames, prosrc, arguments, identity_arguments, result
FROM duckgres_catalog.__pg_proc_builtin
UNION ALL
SELECT CAST(3000000000 + f.function_oid * 64 + row_number() OVER (PARTITION BY f.database_name, f.function_oid ORDER BY f.parameter_types::VARCHAR) - 1 AS BIGINT),
  f.function_name, CASE WHEN f.database_name = 'system' THEN 11 ELSE duckgres_catalog.__nspoid(f.schema_name, s.oid) END,
  CASE WHEN f.function_type LIKE '%macro' THEN 14 ELSE 12 END, 1, CASE WHEN f.function_type LIKE 'table%' THEN 1000 ELSE 0 END,
  0, '-', CASE WHEN f.function_type = 'aggregate' THEN 'a' ELSE 'f' END, false, false, false, f.function_type LIKE 'table%',
  CASE WHEN f.has_side_effects THEN 'v' ELSE 'i' END, 's', CAST(len(f.parameters) AS SMALLINT), CAST(0 AS SMALLINT),
  CASE WHEN f.function_type LIKE 'table%' THEN CAST(2249 AS BIGINT) WHEN f.return_type IS NULL THEN CAST(2283 AS BIGINT)
    ELSE duckgres_catalog.__type_oid(f.return_type) END,
  list_transform(f.parameter_types, x -> coalesce(duckgres_catalog.__type_oid(x), CAST(2283 AS BIGINT))),
  NULL, NULL, f.parameters, coalesce(f.macro_definition, f.function_name),
  array_to_string(list_transform(list_zip(f.parameters, f.parameter_types),
    m_x -> m_x[1] || CASE WHEN m_x[2] IS NULL OR m_x[2] = 'ANY' THEN '' ELSE ' ' || lower(m_x[2]) END), ', '),
  NULL, NULL
FROM duckdb_functions() f
LEFT JOIN duckdb_schemas() s ON s.database_name = f.database_name AND s.schema_name = f.schema_name
WHERE f.function_type <> 'pragma'
  AND ((f.database_name = 'system' AND f.schema_name = 'main'
      AND NOT EXISTS (SELECT 1 FROM duckgres_catalog.__pg_proc_builtin b WHERE b.proname = f.function_name))
    OR (f.database_name = system.main.current_database() AND NOT starts_with(f.function_name, '__')));

CREATE VIEW duckgres_catalog.pg_proc AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(proname AS duckgres_name) AS proname, CAST(pronamespace AS duckgres_oid) AS pronamespace,
  CAST(10 AS duckgres_oid) AS proowner, CAST(prolang AS duckgres_oid) AS prolang, CAST(procost AS FLOAT) AS procost,
  CAST(prorows AS FLOAT) AS prorows, CAST(provariadic AS duckgres_oid) AS provariadic,
  CAST(prosupport AS duckgres_regproc) AS prosupport,
  CAST(prokind AS duckgres_char) AS prokind, prosecdef, proleakproof, proisstrict, proretset,
  CAST(provolatile AS duckgres_char) AS provolatile, CAST(proparallel AS duckgres_char) AS proparallel,
  CAST(pronargs AS SMALLINT) AS pronargs, CAST(pronargdefaults AS SMALLINT) AS pronargdefaults,
  CAST(prorettype AS duckgres_oid) AS prorettype, proargtypes, proallargtypes, proargmodes, proargnames,
  CAST(NULL AS VARCHAR) AS proargdefaults, CAST(NULL AS BIGINT[]) AS protrftypes, prosrc, CAST(NULL AS VARCHAR) AS probin,
  CAST(NULL AS VARCHAR) AS prosqlbody, CAST(NULL AS VARCHAR[]) AS proconfig, CAST(NULL AS VARCHAR) AS proacl
FROM duckgres_catalog.__procs;

CREATE MACRO duckgres_catalog.__format_base(p_t, p_m) AS CASE p_t
  WHEN 16 THEN 'boolean' WHEN 17 THEN 'bytea' WHEN 18 THEN '"char"' WHEN 19 THEN 'name' WHEN 20 THEN 'bigint'
  WHEN 21 THEN 'smallint' WHEN 23 THEN 'integer' WHEN 25 THEN 'text' WHEN 26 THEN 'oid' WHEN 700 THEN 'real'
  WHEN 701 THEN 'double precision'
  WHEN 1042 THEN CASE WHEN p_m > 4 THEN 'character(' || (p_m - 4) || ')' ELSE 'bpchar' END
  WHEN 1043 THEN 'character varying' || CASE WHEN p_m > 4 THEN '(' || (p_m - 4) || ')' ELSE '' END
  WHEN 1082 THEN 'date'
  WHEN 1083 THEN 'time' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END || ' without time zone'
  WHEN 1266 THEN 'time' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END || ' with time zone'
  WHEN 1114 THEN 'timestamp' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END || ' without time zone'
  WHEN 1184 THEN 'timestamp' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END || ' with time zone'
  WHEN 1186 THEN 'interval'
  WHEN 1560 THEN 'bit' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END
  WHEN 1562 THEN 'bit varying' || CASE WHEN p_m >= 0 THEN '(' || p_m || ')' ELSE '' END
  WHEN 1700 THEN 'numeric' || CASE WHEN p_m >= 4 THEN '(' || ((p_m - 4) >> 16) || ',' || ((p_m - 4) & 65535) || ')' ELSE '' END
  -- Built-in names first, then DuckDB's user types (enums): scanning the whole pg_type view for
  -- every call made format_type cost milliseconds.
  ELSE coalesce((SELECT max(m_pt.m_typname) FROM (SELECT oid AS m_oid, typname AS m_typname FROM duckgres_catalog.__pg_type_builtin) m_pt WHERE m_pt.m_oid = p_t),
    (SELECT max(CASE WHEN duckgres_catalog.__nsp_visible(duckgres_catalog.__nspname(m_ut.schema_name)) THEN m_ut.type_name
       ELSE duckgres_catalog.__nspname(m_ut.schema_name) || '.' || m_ut.type_name END)
     FROM duckdb_types() m_ut WHERE m_ut.type_oid = p_t AND NOT m_ut.internal)) END;
CREATE MACRO duckgres_catalog.format_type(p_t, p_m) AS CASE WHEN p_t IS NULL THEN NULL ELSE coalesce(
  (SELECT duckgres_catalog.__format_base(m_e.m_typelem, p_m) || '[]' FROM (SELECT oid AS m_oid, typelem AS m_typelem, typlen AS m_typlen, typstorage AS m_typstorage FROM duckgres_catalog.__pg_type_builtin) m_e
    WHERE m_e.m_oid = p_t AND m_e.m_typelem <> 0 AND m_e.m_typlen = -1 AND m_e.m_typstorage <> 'p'),
  duckgres_catalog.__format_base(p_t, coalesce(p_m, -1)), '???') END;
CREATE MACRO duckgres_catalog.__regtype_name(p_t) AS CASE WHEN p_t = 1042 THEN 'character' ELSE duckgres_catalog.format_type(p_t, NULL) END;

-- public belongs to pg_database_owner (6171), as in PostgreSQL 15; everything else to the user.
CREATE MACRO duckgres_catalog.pg_get_userbyid(p_o) AS CAST(CASE WHEN p_o = 6171 THEN 'pg_database_owner' ELSE duckgres_catalog.__user() END AS duckgres_name);
CREATE MACRO duckgres_catalog.pg_table_is_visible(p_o) AS coalesce(
  (SELECT bool_or(duckgres_catalog.__nsp_visible(duckgres_catalog.__nspname(m_r.m_schema_name))) FROM (SELECT oid AS m_oid, nspoid AS m_nspoid, schema_name AS m_schema_name, name AS m_name FROM duckgres_catalog.__relations) m_r WHERE m_r.m_oid = p_o), false);
CREATE MACRO duckgres_catalog.pg_type_is_visible(p_o) AS p_o < 16384 OR coalesce((SELECT bool_or(duckgres_catalog.__nsp_visible(
    duckgres_catalog.__nspname(m_t.m_schema_name))) FROM (SELECT type_oid AS m_oid, schema_name AS m_schema_name FROM duckdb_types()) m_t
  WHERE m_t.m_oid = p_o), true);
CREATE MACRO duckgres_catalog.pg_function_is_visible(p_o) AS true;
-- Pretty-printed, an expression loses its outer parentheses (psql's \d shows a generated
-- column as "generated always as (a * 2) stored").
CREATE MACRO duckgres_catalog.pg_get_expr(p_e, p_r) AS CAST(p_e AS VARCHAR),
  (p_e, p_r, p_p) AS CASE WHEN p_p AND regexp_full_match(CAST(p_e AS VARCHAR), '\((?:[^()]|\([^()]*\))*\)')
    THEN CAST(p_e AS VARCHAR)[2:-2] ELSE CAST(p_e AS VARCHAR) END;
-- A foreign key's referenced table is schema-qualified unless its schema is on the search path.
CREATE MACRO duckgres_catalog.__constraintdef(p_c, p_p) AS (SELECT max(replace(CASE WHEN p_p THEN coalesce(m_x.m_pretty, m_x.m_condef) ELSE m_x.m_condef END, '{{referenced_schema}}',
    CASE WHEN duckgres_catalog.__nsp_visible(duckgres_catalog.__nspname(m_x.m_schema_name)) THEN ''
      ELSE duckgres_catalog.__quote_ident(duckgres_catalog.__nspname(m_x.m_schema_name)) || '.' END))
  FROM (SELECT oid AS m_oid, condef AS m_condef, check_pretty AS m_pretty, schema_name AS m_schema_name FROM duckgres_catalog.__constraints) m_x WHERE m_x.m_oid = p_c);
CREATE MACRO duckgres_catalog.pg_get_constraintdef(p_c) AS duckgres_catalog.__constraintdef(p_c, false),
  (p_c, p_p) AS duckgres_catalog.__constraintdef(p_c, p_p);
CREATE MACRO duckgres_catalog.__index_key(p_e, p_k) AS CASE WHEN p_k <> 0 THEN duckgres_catalog.__quote_ident(p_e)
  WHEN regexp_full_match(p_e, '\(([a-z_][a-z0-9_]*\([^()]*\))\)') THEN p_e[2:-2] ELSE p_e END;
CREATE MACRO duckgres_catalog.__indexdef(p_o, p_p) AS (SELECT max('CREATE ' || CASE WHEN m_i.m_is_unique THEN 'UNIQUE ' ELSE '' END
    -- The table is schema-qualified unless pretty-printed and on the search path, as
    -- pg_get_indexdef prints it; a function call needs no parentheses of its own (lower(email)).
    || 'INDEX ' || duckgres_catalog.__quote_ident(m_i.m_name) || ' ON '
    || CASE WHEN p_p AND duckgres_catalog.__nsp_visible(duckgres_catalog.__nspname(m_i.m_schema_name)) THEN ''
      ELSE duckgres_catalog.__quote_ident(duckgres_catalog.__nspname(m_i.m_schema_name)) || '.' END
    || duckgres_catalog.__quote_ident(m_i.m_table_name) || ' USING btree ('
    || array_to_string(list_transform(list_zip(m_i.m_exprs, m_i.m_indkey, m_i.m_indoption,
         CASE WHEN p_p THEN m_i.m_pretty_key_texts ELSE m_i.m_key_texts END),
         m_x -> CASE WHEN m_x[4] <> '' THEN m_x[4] ELSE duckgres_catalog.__index_key(m_x[1], m_x[2]) END
         || CASE m_x[3] WHEN 3 THEN ' DESC' WHEN 1 THEN ' DESC NULLS LAST' WHEN 2 THEN ' NULLS FIRST' ELSE '' END), ', ') || ')'
    || CASE WHEN m_i.m_predicate IS NOT NULL THEN ' WHERE ' || CASE WHEN p_p THEN m_i.m_pretty_predicate ELSE m_i.m_predicate END ELSE '' END)
  FROM (SELECT oid AS m_oid, is_unique AS m_is_unique, name AS m_name, schema_name AS m_schema_name, table_name AS m_table_name, exprs AS m_exprs,
    indkey AS m_indkey, indoption AS m_indoption, key_texts AS m_key_texts, predicate AS m_predicate,
    pretty_key_texts AS m_pretty_key_texts, pretty_predicate AS m_pretty_predicate FROM duckgres_catalog.__indexes) m_i WHERE m_i.m_oid = p_o);
CREATE MACRO duckgres_catalog.pg_get_indexdef(p_o) AS duckgres_catalog.__indexdef(p_o, false),
  (p_o, p_c, p_p) AS CASE WHEN p_c = 0 THEN duckgres_catalog.__indexdef(p_o, p_p)
    ELSE (SELECT max(CASE WHEN p_p AND m_i.m_pretty[p_c] <> '' THEN m_i.m_pretty[p_c] WHEN NOT p_p AND m_i.m_key_texts[p_c] <> '' THEN m_i.m_key_texts[p_c]
        ELSE duckgres_catalog.__index_key(m_i.m_exprs[p_c], m_i.m_indkey[p_c]) END)
      FROM (SELECT oid AS m_oid, exprs AS m_exprs, indkey AS m_indkey, key_texts AS m_key_texts, pretty_key_texts AS m_pretty FROM duckgres_catalog.__indexes) m_i WHERE m_i.m_oid = p_o) END;
CREATE MACRO duckgres_catalog.pg_get_viewdef(p_o) AS (SELECT max(' ' || regexp_extract(m_v.m_sql,
    '(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+.*?\s+AS\s+(.*)$', 1))
  FROM (SELECT view_oid AS m_view_oid, sql AS m_sql FROM duckdb_views()) m_v WHERE m_v.m_view_oid = p_o),
  (p_o, p_p) AS (SELECT max(' ' || regexp_extract(m_v.m_sql,
    '(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+.*?\s+AS\s+(.*)$', 1))
  FROM (SELECT view_oid AS m_view_oid, sql AS m_sql FROM duckdb_views()) m_v WHERE m_v.m_view_oid = p_o);
CREATE MACRO duckgres_catalog.obj_description(p_o) AS
    (SELECT max(m_d.m_description) FROM (SELECT objoid AS m_objoid, objsubid AS m_objsubid, description AS m_description, classoid AS m_classoid FROM duckgres_catalog.pg_description) m_d WHERE m_d.m_objoid = p_o AND m_d.m_objsubid = 0),
  (p_o, p_c) AS (SELECT max(m_d.m_description) FROM (SELECT objoid AS m_objoid, objsubid AS m_objsubid, description AS m_description, classoid AS m_classoid FROM duckgres_catalog.pg_description) m_d WHERE m_d.m_objoid = p_o AND m_d.m_objsubid = 0
    AND m_d.m_classoid = CASE p_c WHEN 'pg_namespace' THEN 2615 ELSE 1259 END);
CREATE MACRO duckgres_catalog.col_description(p_o, p_n) AS
  (SELECT max(m_d.m_description) FROM (SELECT objoid AS m_objoid, objsubid AS m_objsubid, description AS m_description, classoid AS m_classoid FROM duckgres_catalog.pg_description) m_d WHERE m_d.m_objoid = p_o AND m_d.m_objsubid = p_n);
CREATE MACRO duckgres_catalog.shobj_description(p_o, p_c) AS CAST(NULL AS VARCHAR);
-- The search path's schemas (without "$user"), pg_catalog first when implicit ones are asked
-- for. (No subquery: clients call it inside table functions.)
CREATE MACRO duckgres_catalog.current_schemas(p_b) AS CAST((CASE WHEN p_b THEN ['pg_catalog'] ELSE [] END)
  || list_filter(duckgres_catalog.__search_path(), m_x -> m_x <> '$user' AND m_x <> 'pg_catalog') AS duckgres_name[]);
CREATE MACRO duckgres_catalog.current_schema() AS CAST(duckgres_catalog.__nspname(system.main.current_schema()) AS duckgres_name);
CREATE MACRO duckgres_catalog.current_database() AS CAST(duckgres_catalog.__database() AS duckgres_name);
CREATE MACRO duckgres_catalog.pg_encoding_to_char(p_e) AS CAST(CASE p_e WHEN 6 THEN 'UTF8' WHEN 0 THEN 'SQL_ASCII' ELSE '' END AS duckgres_name);
CREATE MACRO duckgres_catalog.has_schema_privilege(p_a) AS true, (p_a, p_b) AS true, (p_a, p_b, p_c) AS true;
CREATE MACRO duckgres_catalog.has_database_privilege(p_a) AS true, (p_a, p_b) AS true, (p_a, p_b, p_c) AS true;
CREATE MACRO duckgres_catalog.has_column_privilege(p_a, p_b) AS true, (p_a, p_b, p_c) AS true, (p_a, p_b, p_c, p_d) AS true;
CREATE MACRO duckgres_catalog.has_function_privilege(p_a) AS true, (p_a, p_b) AS true, (p_a, p_b, p_c) AS true;
CREATE MACRO duckgres_catalog.has_sequence_privilege(p_a) AS true, (p_a, p_b) AS true, (p_a, p_b, p_c) AS true;
CREATE MACRO duckgres_catalog.pg_has_role(p_a) AS true, (p_a, p_b) AS true, (p_a, p_b, p_c) AS true;
CREATE MACRO duckgres_catalog.pg_get_function_result(p_o) AS
  (SELECT max(coalesce(m_p.m_result, duckgres_catalog.__format_base(m_p.m_prorettype, -1)))
   FROM (SELECT oid AS m_oid, result AS m_result, prorettype AS m_prorettype FROM duckgres_catalog.__procs) m_p WHERE m_p.m_oid = p_o);
CREATE MACRO duckgres_catalog.pg_get_function_arguments(p_o) AS
  (SELECT max(m_p.m_arguments) FROM (SELECT oid AS m_oid, arguments AS m_arguments FROM duckgres_catalog.__procs) m_p WHERE m_p.m_oid = p_o);
CREATE MACRO duckgres_catalog.pg_get_function_identity_arguments(p_o) AS
  (SELECT max(coalesce(m_p.m_identity, m_p.m_arguments))
   FROM (SELECT oid AS m_oid, identity_arguments AS m_identity, arguments AS m_arguments FROM duckgres_catalog.__procs) m_p WHERE m_p.m_oid = p_o);
CREATE MACRO duckgres_catalog.pg_relation_size(p_o) AS CAST(0 AS BIGINT), (p_o, p_f) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_total_relation_size(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_table_size(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_indexes_size(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_database_size(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.__half_rounded(p_x) AS CAST(trunc((p_x + CASE WHEN p_x < 0 THEN -1 ELSE 1 END) / 2) AS BIGINT);
CREATE MACRO duckgres_catalog.pg_size_pretty(p_v) AS CASE
  WHEN p_v IS NULL THEN NULL
  WHEN abs(CAST(p_v AS BIGINT)) < 10240 THEN CAST(p_v AS BIGINT) || ' bytes'
  WHEN abs(CAST(p_v AS BIGINT) >> 9) < 20479 THEN duckgres_catalog.__half_rounded(CAST(p_v AS BIGINT) >> 9) || ' kB'
  WHEN abs(CAST(p_v AS BIGINT) >> 19) < 20479 THEN duckgres_catalog.__half_rounded(CAST(p_v AS BIGINT) >> 19) || ' MB'
  WHEN abs(CAST(p_v AS BIGINT) >> 29) < 20479 THEN duckgres_catalog.__half_rounded(CAST(p_v AS BIGINT) >> 29) || ' GB'
  WHEN abs(CAST(p_v AS BIGINT) >> 39) < 20479 THEN duckgres_catalog.__half_rounded(CAST(p_v AS BIGINT) >> 39) || ' TB'
  ELSE duckgres_catalog.__half_rounded(CAST(p_v AS BIGINT) >> 49) || ' PB' END;
CREATE MACRO duckgres_catalog.txid_current() AS CAST(system.main.txid_current() AS BIGINT);
CREATE MACRO duckgres_catalog.pg_backend_pid() AS CAST(coalesce(getvariable('duckgres_backend_pid'), 0) AS INTEGER);
CREATE MACRO duckgres_catalog.pg_postmaster_start_time() AS
  CAST(coalesce(getvariable('duckgres_start_time'), TIMESTAMPTZ '2000-01-01 00:00:00+00') AS TIMESTAMPTZ);
CREATE MACRO duckgres_catalog.pg_is_in_recovery() AS false;
-- The connection's two ends, set at startup (NULL over a Unix socket, as in PostgreSQL).
CREATE MACRO duckgres_catalog.inet_server_addr() AS CAST(getvariable('duckgres_server_addr') AS VARCHAR);
CREATE MACRO duckgres_catalog.inet_server_port() AS CAST(getvariable('duckgres_server_port') AS INTEGER);
CREATE MACRO duckgres_catalog.inet_client_addr() AS CAST(getvariable('duckgres_client_addr') AS VARCHAR);
CREATE MACRO duckgres_catalog.inet_client_port() AS CAST(getvariable('duckgres_client_port') AS INTEGER);
CREATE MACRO duckgres_catalog.pg_relation_is_publishable(relid) AS false;
-- No partitioning: a relation is its own only ancestor. (A scalar here: psql calls it in a
-- SELECT list, where PostgreSQL expands set-returning functions.)
CREATE MACRO duckgres_catalog.pg_partition_ancestors(p_rel) AS CAST(p_rel AS BIGINT);
CREATE MACRO duckgres_catalog.__partition_ancestors(p_rel) AS TABLE
  SELECT CAST(p_rel AS BIGINT) AS relid, CAST(1 AS BIGINT) AS depth;
CREATE MACRO duckgres_catalog.array_upper(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN len(a) END;
CREATE MACRO duckgres_catalog.array_lower(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN 1 END;
CREATE MACRO duckgres_catalog.pg_get_partkeydef(p_o) AS CAST(NULL AS VARCHAR);
CREATE MACRO duckgres_catalog.pg_get_statisticsobjdef_columns(p_o) AS CAST(NULL AS VARCHAR);
-- serial and identity columns default to nextval of <table>_<column>_seq (sql/rewrite_ddl.cpp).
CREATE MACRO duckgres_catalog.pg_get_serial_sequence(p_t, p_c) AS (
  SELECT CASE WHEN c.schema_name = 'main' THEN 'public' ELSE c.schema_name END || '.' || c.table_name || '_' ||
         c.column_name || '_seq'
  FROM (SELECT CASE WHEN contains(p_t, '"') THEN replace(p_t, '"', '') ELSE lower(p_t) END AS t) n,
       duckdb_columns() c
  WHERE c.database_name = current_database()
    AND c.schema_name = CASE WHEN contains(n.t, '.') THEN (CASE WHEN split_part(n.t, '.', 1) = 'public'
        THEN 'main' ELSE split_part(n.t, '.', 1) END) ELSE current_schema() END
    AND c.table_name = CASE WHEN contains(n.t, '.') THEN split_part(n.t, '.', 2) ELSE n.t END
    AND c.column_name = p_c
    AND contains(c.column_default, 'nextval(')
    AND contains(c.column_default, '"' || c.table_name || '_' || c.column_name || '_seq"')
  LIMIT 1);
CREATE MACRO duckgres_catalog.pg_get_triggerdef(p_o) AS CAST(NULL AS VARCHAR), (p_o, p_p) AS CAST(NULL AS VARCHAR);
CREATE MACRO duckgres_catalog.pg_get_ruledef(p_o) AS CAST(NULL AS VARCHAR), (p_o, p_p) AS CAST(NULL AS VARCHAR);
CREATE MACRO duckgres_catalog.to_regclass(p_n) AS (SELECT min(m_r.m_oid) FROM (SELECT oid AS m_oid, nspoid AS m_nspoid, schema_name AS m_schema_name, name AS m_name FROM duckgres_catalog.__relations) m_r
  WHERE CASE WHEN contains(p_n, '.') THEN lower(duckgres_catalog.__nspname(m_r.m_schema_name)) = lower(split_part(p_n, '.', 1))
      AND lower(m_r.m_name) = lower(split_part(p_n, '.', 2))
    ELSE lower(m_r.m_name) = lower(p_n) AND m_r.m_nspoid IN (11, 2200) END);
CREATE MACRO duckgres_catalog.to_regtype(p_n) AS (SELECT min(m_t.m_oid) FROM (SELECT oid AS m_oid, typname AS m_typname FROM duckgres_catalog.pg_type) m_t WHERE m_t.m_typname = lower(p_n));
-- has_table_privilege: owners hold everything (duckgres_privileges unset); other roles what
-- their grants give, listed by the server (pgwire/authorization.cpp) as "PRIVILEGE schema.table"
-- with * for every table or schema. Any one of a comma-separated list suffices, as in
-- PostgreSQL; only owners hold WITH GRANT OPTION; the catalogs are readable by everyone.
CREATE MACRO duckgres_catalog.__holds(p_s, p_n, p_p) AS CASE
  WHEN replace(p_p, ' WITH GRANT OPTION', '') NOT IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
    THEN error('unrecognized privilege type: "' || p_p || '"')
  WHEN getvariable('duckgres_privileges') IS NULL THEN true
  WHEN contains(p_p, ' WITH GRANT OPTION') OR p_s = 'duckgres_meta' THEN false
  WHEN p_s IN ('duckgres_catalog', 'duckgres_information_schema', 'pg_catalog', 'information_schema', 'system', 'temp') THEN p_p = 'SELECT'
  ELSE list_has_any(CAST(getvariable('duckgres_privileges') AS VARCHAR[]), [p_p || ' ' || p_s || '.' || p_n, p_p || ' ' || p_s || '.*', p_p || ' *.*']) END;
CREATE MACRO duckgres_catalog.__table_privilege(p_a, p_p) AS (SELECT CASE
    WHEN m_r.m_oid IS NOT NULL THEN list_bool_or(list_transform(string_split(upper(CAST(p_p AS VARCHAR)), ','),
      m_x -> duckgres_catalog.__holds(m_r.m_schema, m_r.m_name, trim(m_x))))
    WHEN m_in.m_t IS NOT NULL THEN error('relation "' || m_in.m_t || '" does not exist')
  END
  FROM (SELECT coalesce(TRY_CAST(p_a AS BIGINT), duckgres_catalog.to_regclass(CAST(p_a AS VARCHAR))) AS m_oid,
      CASE WHEN TRY_CAST(p_a AS BIGINT) IS NULL THEN CAST(p_a AS VARCHAR) END AS m_t) m_in
  LEFT JOIN (SELECT oid AS m_oid, schema_name AS m_schema, name AS m_name FROM duckgres_catalog.__relations) m_r
    ON m_r.m_oid = m_in.m_oid);
CREATE MACRO duckgres_catalog.has_table_privilege(p_a, p_b) AS duckgres_catalog.__table_privilege(p_a, p_b),
  (p_a, p_b, p_c) AS CASE WHEN CAST(p_a AS VARCHAR) IN (duckgres_catalog.__user(), '10') THEN duckgres_catalog.__table_privilege(p_b, p_c)
    ELSE error('has_table_privilege for another role is not supported') END;
-- The duckling's sessions, from the server's registry (warehouse::SessionDirectory); other
-- users' statements are hidden from roles below owner, as PostgreSQL hides them.
CREATE VIEW duckgres_catalog.pg_stat_activity AS
SELECT d.oid AS datid, CAST(a.datname AS duckgres_name) AS datname, a.pid, CAST(NULL AS INTEGER) AS leader_pid, CAST(10 AS duckgres_oid) AS usesysid,
  CAST(a.usename AS duckgres_name) AS usename, a.application_name, a.client_addr, CAST(NULL AS VARCHAR) AS client_hostname,
  CAST(NULL AS INTEGER) AS client_port, a.backend_start, a.xact_start, a.query_start, a.state_change,
  CASE WHEN a.state = 'active' THEN 'Client' END AS wait_event_type,
  CASE WHEN a.state = 'active' THEN NULL ELSE 'ClientRead' END AS wait_event, a.state,
  CAST(NULL AS VARCHAR) AS backend_xid, CAST(NULL AS VARCHAR) AS backend_xmin, CAST(NULL AS BIGINT) AS query_id,
  CASE WHEN coalesce(getvariable('duckgres_sees_all'), true) OR a.usename = duckgres_catalog.__user() THEN a.query
    ELSE '<insufficient privilege>' END AS query, 'client backend' AS backend_type
FROM duckgres_catalog.pg_database d,
  (SELECT unnest(from_json(duckgres_activity(duckgres_catalog.__database()),
    '[{"pid":"INTEGER","datname":"VARCHAR","usename":"VARCHAR","application_name":"VARCHAR","client_addr":"VARCHAR","state":"VARCHAR","query":"VARCHAR","backend_start":"TIMESTAMPTZ","xact_start":"TIMESTAMPTZ","query_start":"TIMESTAMPTZ","state_change":"TIMESTAMPTZ"}]'),
    recursive := true)) a;
CREATE MACRO duckgres_catalog.pg_cancel_backend(p_pid) AS CAST(duckgres_signal_backend(duckgres_catalog.__database(),
  CAST(p_pid AS VARCHAR), CAST(duckgres_catalog.pg_backend_pid() AS VARCHAR), 'cancel') AS BOOLEAN);
CREATE MACRO duckgres_catalog.pg_terminate_backend(p_pid) AS CAST(duckgres_signal_backend(duckgres_catalog.__database(),
  CAST(p_pid AS VARCHAR), CAST(duckgres_catalog.pg_backend_pid() AS VARCHAR), 'terminate') AS BOOLEAN),
  (p_pid, p_timeout) AS CAST(duckgres_signal_backend(duckgres_catalog.__database(),
  CAST(p_pid AS VARCHAR), CAST(duckgres_catalog.pg_backend_pid() AS VARCHAR), 'terminate') AS BOOLEAN);

CREATE VIEW duckgres_catalog.pg_am AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(amname AS duckgres_name) AS amname, amhandler, CAST(amtype AS duckgres_char) AS amtype FROM (VALUES
  (2, 'heap', 'heap_tableam_handler', 't'), (403, 'btree', 'bthandler', 'i'), (405, 'hash', 'hashhandler', 'i'),
  (783, 'gist', 'gisthandler', 'i'), (2742, 'gin', 'ginhandler', 'i'), (4000, 'spgist', 'spghandler', 'i'),
  (3580, 'brin', 'brinhandler', 'i')) AS t(oid, amname, amhandler, amtype);

CREATE VIEW duckgres_catalog.pg_collation AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(collname AS duckgres_name) AS collname, CAST(11 AS duckgres_oid) AS collnamespace,
  CAST(10 AS duckgres_oid) AS collowner, CAST(collprovider AS duckgres_char) AS collprovider, true AS collisdeterministic, CAST(-1 AS INTEGER) AS collencoding, collcollate, collctype,
  CAST(NULL AS VARCHAR) AS colliculocale, CAST(NULL AS VARCHAR) AS collversion
FROM (VALUES (100, 'default', 'd', NULL, NULL), (950, 'C', 'c', 'C', 'C'), (951, 'POSIX', 'c', 'POSIX', 'POSIX'))
  AS t(oid, collname, collprovider, collcollate, collctype);

CREATE VIEW duckgres_catalog.pg_enum AS
SELECT CAST(e.type_oid * 1000 + e.pos AS duckgres_oid) AS oid, CAST(e.type_oid AS duckgres_oid) AS enumtypid, CAST(e.pos AS FLOAT) AS enumsortorder,
  CAST(e.label AS duckgres_name) AS enumlabel
FROM (SELECT type_oid, unnest(labels) AS label, generate_subscripts(labels, 1) AS pos FROM duckdb_types()
  WHERE database_name = system.main.current_database() AND NOT internal AND logical_type = 'ENUM') e;

-- PostgreSQL's built-in range types (listed in pg_type, as drivers that load every type expect;
-- no range value can be made here).
CREATE VIEW duckgres_catalog.pg_range AS
SELECT CAST(rngtypid AS duckgres_oid) AS rngtypid, CAST(rngsubtype AS duckgres_oid) AS rngsubtype,
  CAST(rngmultitypid AS duckgres_oid) AS rngmultitypid, CAST(rngcollation AS duckgres_oid) AS rngcollation,
  CAST(rngsubopc AS duckgres_oid) AS rngsubopc, CAST(rngcanonical AS duckgres_regproc) AS rngcanonical,
  CAST(rngsubdiff AS duckgres_regproc) AS rngsubdiff
FROM (VALUES (3904, 23, 4451, 0, 1978, 'int4range_canonical', 'int4range_subdiff'),
  (3906, 1700, 4532, 0, 3125, '-', 'numrange_subdiff'), (3908, 1114, 4533, 0, 3128, '-', 'tsrange_subdiff'),
  (3910, 1184, 4534, 0, 3127, '-', 'tstzrange_subdiff'), (3912, 1082, 4535, 0, 3122, 'daterange_canonical', 'daterange_subdiff'),
  (3926, 20, 4536, 0, 3124, 'int8range_canonical', 'int8range_subdiff'))
  r(rngtypid, rngsubtype, rngmultitypid, rngcollation, rngsubopc, rngcanonical, rngsubdiff);

CREATE VIEW duckgres_catalog.pg_inherits AS
SELECT CAST(NULL AS BIGINT) AS inhrelid, CAST(NULL AS BIGINT) AS inhparent, CAST(NULL AS INTEGER) AS inhseqno,
  CAST(NULL AS BOOLEAN) AS inhdetachpending
WHERE false;

-- Statistics views: DuckDB counts no scans or tuple changes, so the counters are 0 and the
-- times NULL; n_live_tup is DuckDB's row count. Tools read them for sizes and "has stats".
CREATE VIEW duckgres_catalog.pg_stat_all_tables AS
SELECT CAST(r.oid AS duckgres_oid) AS relid, CAST(duckgres_catalog.__nspname(r.schema_name) AS duckgres_name) AS schemaname,
  CAST(r.name AS duckgres_name) AS relname, CAST(0 AS BIGINT) AS seq_scan, CAST(0 AS BIGINT) AS seq_tup_read,
  CAST(CASE WHEN r.hasindex THEN 0 END AS BIGINT) AS idx_scan, CAST(CASE WHEN r.hasindex THEN 0 END AS BIGINT) AS idx_tup_fetch,
  CAST(0 AS BIGINT) AS n_tup_ins, CAST(0 AS BIGINT) AS n_tup_upd, CAST(0 AS BIGINT) AS n_tup_del, CAST(0 AS BIGINT) AS n_tup_hot_upd,
  CAST(r.tuples AS BIGINT) AS n_live_tup, CAST(0 AS BIGINT) AS n_dead_tup, CAST(0 AS BIGINT) AS n_mod_since_analyze,
  CAST(0 AS BIGINT) AS n_ins_since_vacuum, CAST(NULL AS TIMESTAMPTZ) AS last_vacuum, CAST(NULL AS TIMESTAMPTZ) AS last_autovacuum,
  CAST(NULL AS TIMESTAMPTZ) AS last_analyze, CAST(NULL AS TIMESTAMPTZ) AS last_autoanalyze, CAST(0 AS BIGINT) AS vacuum_count,
  CAST(0 AS BIGINT) AS autovacuum_count, CAST(0 AS BIGINT) AS analyze_count, CAST(0 AS BIGINT) AS autoanalyze_count
FROM duckgres_catalog.__relations r WHERE r.kind = 'r';
CREATE VIEW duckgres_catalog.pg_stat_user_tables AS SELECT * FROM duckgres_catalog.pg_stat_all_tables;
CREATE VIEW duckgres_catalog.pg_stat_sys_tables AS SELECT * FROM duckgres_catalog.pg_stat_all_tables WHERE false;
CREATE VIEW duckgres_catalog.pg_statio_all_tables AS
SELECT relid, schemaname, relname, CAST(0 AS BIGINT) AS heap_blks_read, CAST(0 AS BIGINT) AS heap_blks_hit,
  CAST(idx_scan AS BIGINT) AS idx_blks_read, CAST(idx_scan AS BIGINT) AS idx_blks_hit, CAST(NULL AS BIGINT) AS toast_blks_read,
  CAST(NULL AS BIGINT) AS toast_blks_hit, CAST(NULL AS BIGINT) AS tidx_blks_read, CAST(NULL AS BIGINT) AS tidx_blks_hit
FROM duckgres_catalog.pg_stat_all_tables;
CREATE VIEW duckgres_catalog.pg_statio_user_tables AS SELECT * FROM duckgres_catalog.pg_statio_all_tables;
CREATE VIEW duckgres_catalog.pg_stat_all_indexes AS
SELECT CAST(i.table_oid AS duckgres_oid) AS relid, CAST(i.oid AS duckgres_oid) AS indexrelid,
  CAST(duckgres_catalog.__nspname(i.schema_name) AS duckgres_name) AS schemaname, CAST(i.table_name AS duckgres_name) AS relname,
  CAST(i.name AS duckgres_name) AS indexrelname, CAST(0 AS BIGINT) AS idx_scan, CAST(0 AS BIGINT) AS idx_tup_read,
  CAST(0 AS BIGINT) AS idx_tup_fetch
FROM duckgres_catalog.__indexes i;
CREATE VIEW duckgres_catalog.pg_stat_user_indexes AS SELECT * FROM duckgres_catalog.pg_stat_all_indexes;
CREATE VIEW duckgres_catalog.pg_statio_all_indexes AS
SELECT relid, indexrelid, schemaname, relname, indexrelname, CAST(0 AS BIGINT) AS idx_blks_read, CAST(0 AS BIGINT) AS idx_blks_hit
FROM duckgres_catalog.pg_stat_all_indexes;
CREATE VIEW duckgres_catalog.pg_statio_user_indexes AS SELECT * FROM duckgres_catalog.pg_statio_all_indexes;
CREATE MACRO duckgres_catalog.pg_stat_get_numscans(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_stat_get_tuples_inserted(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_stat_get_tuples_updated(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_stat_get_tuples_deleted(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_stat_get_live_tuples(p_o) AS (SELECT CAST(coalesce(max(m_r.m_tuples), 0) AS BIGINT)
  FROM (SELECT oid AS m_oid, tuples AS m_tuples FROM duckgres_catalog.__relations) m_r WHERE m_r.m_oid = p_o);
CREATE MACRO duckgres_catalog.pg_stat_get_dead_tuples(p_o) AS CAST(0 AS BIGINT);
CREATE MACRO duckgres_catalog.pg_client_encoding() AS CAST('UTF8' AS duckgres_name);
CREATE MACRO duckgres_catalog.pg_char_to_encoding(p_e) AS CAST(CASE upper(p_e) WHEN 'UTF8' THEN 6 WHEN 'SQL_ASCII' THEN 0 ELSE -1 END AS INTEGER);

-- Empty relations that psql's \d and \du and drivers join against.
CREATE VIEW duckgres_catalog.pg_auth_members AS
SELECT CAST(NULL AS BIGINT) AS oid, CAST(NULL AS BIGINT) AS roleid, CAST(NULL AS BIGINT) AS member,
  CAST(NULL AS BIGINT) AS grantor, CAST(NULL AS BOOLEAN) AS admin_option WHERE false;
CREATE VIEW duckgres_catalog.pg_policy AS
SELECT CAST(NULL AS duckgres_oid) AS oid, CAST(NULL AS duckgres_name) AS polname, CAST(NULL AS duckgres_oid) AS polrelid,
  CAST(NULL AS duckgres_char) AS polcmd, CAST(NULL AS BOOLEAN) AS polpermissive, CAST(NULL AS BIGINT[]) AS polroles,
  CAST(NULL AS VARCHAR) AS polqual, CAST(NULL AS VARCHAR) AS polwithcheck WHERE false;
CREATE VIEW duckgres_catalog.pg_statistic_ext AS
SELECT CAST(NULL AS BIGINT) AS oid, CAST(NULL AS BIGINT) AS stxrelid, CAST(NULL AS VARCHAR) AS stxname,
  CAST(NULL AS BIGINT) AS stxnamespace, CAST(NULL AS BIGINT) AS stxowner, CAST(NULL AS INTEGER) AS stxstattarget,
  CAST(NULL AS INTEGER[]) AS stxkeys, CAST(NULL AS VARCHAR[]) AS stxkind, CAST(NULL AS VARCHAR) AS stxexprs WHERE false;
CREATE VIEW duckgres_catalog.pg_publication AS
SELECT CAST(NULL AS BIGINT) AS oid, CAST(NULL AS VARCHAR) AS pubname, CAST(NULL AS BIGINT) AS pubowner,
  CAST(NULL AS BOOLEAN) AS puballtables, CAST(NULL AS BOOLEAN) AS pubinsert, CAST(NULL AS BOOLEAN) AS pubupdate,
  CAST(NULL AS BOOLEAN) AS pubdelete, CAST(NULL AS BOOLEAN) AS pubtruncate, CAST(NULL AS BOOLEAN) AS pubviaroot WHERE false;
CREATE VIEW duckgres_catalog.pg_publication_rel AS
SELECT CAST(NULL AS BIGINT) AS oid, CAST(NULL AS BIGINT) AS prpubid, CAST(NULL AS BIGINT) AS prrelid,
  CAST(NULL AS VARCHAR) AS prqual, CAST(NULL AS INTEGER[]) AS prattrs WHERE false;
CREATE VIEW duckgres_catalog.pg_publication_namespace AS
SELECT CAST(NULL AS BIGINT) AS oid, CAST(NULL AS BIGINT) AS pnpubid, CAST(NULL AS BIGINT) AS pnnspid WHERE false;
-- PostgreSQL enforces a foreign key with four internal triggers, in this order: ON DELETE and ON
-- UPDATE on the referenced table ('a'), insert and update checks on the referencing one ('c').
-- Their oids: 2·10^9 + four per constraint (constraint oids are 10^9 + table oid·100 + k).
CREATE VIEW duckgres_catalog.pg_trigger AS
WITH rows AS (
  SELECT f.oid AS conoid, f.confrelid AS relid, f.table_oid AS other, 0 AS k, 1654 AS foid, 9 AS tgtype, 'a' AS side FROM duckgres_catalog.__fkeys f
  UNION ALL SELECT f.oid, f.confrelid, f.table_oid, 1, 1655, 17, 'a' FROM duckgres_catalog.__fkeys f
  UNION ALL SELECT f.oid, f.table_oid, f.confrelid, 2, 1644, 5, 'c' FROM duckgres_catalog.__fkeys f
  UNION ALL SELECT f.oid, f.table_oid, f.confrelid, 3, 1645, 17, 'c' FROM duckgres_catalog.__fkeys f),
t AS (SELECT *, 2000000000 + (conoid - 1000000000) * 4 + k AS tgoid FROM rows)
SELECT CAST(t.tgoid AS duckgres_oid) AS oid, CAST(t.relid AS duckgres_oid) AS tgrelid, CAST(0 AS duckgres_oid) AS tgparentid,
  CAST('RI_ConstraintTrigger_' || t.side || '_' || t.tgoid AS duckgres_name) AS tgname,
  CAST(t.foid AS duckgres_oid) AS tgfoid, CAST(t.tgtype AS SMALLINT) AS tgtype, CAST('O' AS duckgres_char) AS tgenabled,
  true AS tgisinternal, CAST(t.other AS duckgres_oid) AS tgconstrrelid,
  CAST(coalesce((SELECT c.conindid FROM duckgres_catalog.pg_constraint c WHERE c.oid = t.conoid), 0) AS duckgres_oid) AS tgconstrindid,
  CAST(t.conoid AS duckgres_oid) AS tgconstraint, false AS tgdeferrable, false AS tginitdeferred, CAST(0 AS SMALLINT) AS tgnargs,
  CAST([] AS SMALLINT[]) AS tgattr, CAST('' AS BLOB) AS tgargs, CAST(NULL AS VARCHAR) AS tgqual,
  CAST(NULL AS duckgres_name) AS tgoldtable, CAST(NULL AS duckgres_name) AS tgnewtable
FROM t;
-- A view's _RETURN rule (oid: the view's + 3·2^28, apart from the row and enum array types').
CREATE VIEW duckgres_catalog.pg_rewrite AS
SELECT CAST(r.oid + 805306368 AS duckgres_oid) AS oid, CAST('_RETURN' AS duckgres_name) AS rulename,
  CAST(r.oid AS duckgres_oid) AS ev_class, CAST('1' AS duckgres_char) AS ev_type, CAST('O' AS duckgres_char) AS ev_enabled,
  true AS is_instead, CAST(NULL AS VARCHAR) AS ev_qual, CAST(NULL AS VARCHAR) AS ev_action
FROM duckgres_catalog.__relations r WHERE r.kind IN ('v', 'm');
-- A view's rule depends on the relations its query reads ('n') and on the view itself ('i' and 'n').
CREATE VIEW duckgres_catalog.pg_depend AS
SELECT CAST(2618 AS duckgres_oid) AS classid, CAST(v.oid + 805306368 AS duckgres_oid) AS objid, CAST(0 AS INTEGER) AS objsubid,
  CAST(1259 AS duckgres_oid) AS refclassid, CAST(t.oid AS duckgres_oid) AS refobjid, CAST(0 AS INTEGER) AS refobjsubid,
  CAST('n' AS duckgres_char) AS deptype
FROM duckgres_meta.view_dependencies d
JOIN duckgres_catalog.__relations v ON v.schema_name = d.schema_name AND v.name = d.view_name AND v.kind IN ('v', 'm')
JOIN duckgres_catalog.__relations t ON t.schema_name = d.ref_schema AND t.name = d.ref_name AND t.kind IN ('r', 'v', 'm')
UNION ALL
SELECT 2618, v.oid + 805306368, 0, 1259, v.oid, 0, d.deptype FROM duckgres_catalog.__relations v,
  (VALUES ('i'), ('n')) d(deptype) WHERE v.kind IN ('v', 'm');
CREATE VIEW duckgres_catalog.pg_foreign_table AS
SELECT CAST(NULL AS BIGINT) AS ftrelid, CAST(NULL AS BIGINT) AS ftserver, CAST(NULL AS VARCHAR[]) AS ftoptions WHERE false;
CREATE VIEW duckgres_catalog.pg_partitioned_table AS
SELECT CAST(NULL AS BIGINT) AS partrelid, CAST(NULL AS VARCHAR) AS partstrat, CAST(NULL AS SMALLINT) AS partnatts,
  CAST(NULL AS BIGINT) AS partdefid, CAST(NULL AS INTEGER[]) AS partattrs WHERE false;

CREATE VIEW duckgres_catalog.pg_extension AS
SELECT CAST(13559 AS duckgres_oid) AS oid, CAST('plpgsql' AS duckgres_name) AS extname, CAST(10 AS duckgres_oid) AS extowner,
  CAST(11 AS duckgres_oid) AS extnamespace, false AS extrelocatable, '1.0' AS extversion,
  CAST(NULL AS BIGINT[]) AS extconfig, CAST(NULL AS VARCHAR[]) AS extcondition;

CREATE VIEW duckgres_catalog.pg_tablespace AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(spcname AS duckgres_name) AS spcname, CAST(10 AS duckgres_oid) AS spcowner, CAST(NULL AS VARCHAR) AS spcacl,
  CAST(NULL AS VARCHAR[]) AS spcoptions
FROM (VALUES (1663, 'pg_default'), (1664, 'pg_global')) AS t(oid, spcname);

-- A sequence's type, as its bounds tell it (serial's sequences end at integer's maximum).
CREATE MACRO duckgres_catalog.__seq_type(p_min, p_max) AS CASE WHEN p_max = 2147483647 OR p_min = -2147483648 THEN 23
  WHEN p_max = 32767 OR p_min = -32768 THEN 21 ELSE 20 END;

CREATE VIEW duckgres_catalog.pg_sequence AS
SELECT CAST(sequence_oid AS duckgres_oid) AS seqrelid, CAST(duckgres_catalog.__seq_type(min_value, max_value) AS duckgres_oid) AS seqtypid, start_value AS seqstart, increment_by AS seqincrement,
  max_value AS seqmax, min_value AS seqmin, CAST(1 AS BIGINT) AS seqcache, cycle AS seqcycle
FROM duckdb_sequences()
WHERE database_name = system.main.current_database() AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, sequence_name);

CREATE VIEW duckgres_catalog.pg_tables AS
SELECT CAST(duckgres_catalog.__nspname(r.schema_name) AS duckgres_name) AS schemaname, CAST(r.name AS duckgres_name) AS tablename,
  CAST(duckgres_catalog.__user() AS duckgres_name) AS tableowner, CAST(NULL AS duckgres_name) AS tablespace, r.hasindex AS hasindexes,
  false AS hasrules,
  EXISTS (SELECT 1 FROM duckgres_catalog.__fkeys f WHERE f.table_oid = r.oid OR f.confrelid = r.oid) AS hastriggers,
  false AS rowsecurity
FROM duckgres_catalog.__relations r WHERE r.kind = 'r';

CREATE VIEW duckgres_catalog.pg_sequences AS
SELECT CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS schemaname, CAST(sequence_name AS duckgres_name) AS sequencename,
  CAST(duckgres_catalog.__user() AS duckgres_name) AS sequenceowner,
  CAST(CASE duckgres_catalog.__seq_type(min_value, max_value) WHEN 23 THEN 'integer' WHEN 21 THEN 'smallint' ELSE 'bigint' END AS duckgres_regtype) AS data_type,
  start_value, min_value, max_value,
  increment_by, cycle, CAST(1 AS BIGINT) AS cache_size, CAST(last_value AS BIGINT) AS last_value
FROM duckdb_sequences()
WHERE database_name = system.main.current_database() AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, sequence_name);

CREATE VIEW duckgres_catalog.pg_language AS
SELECT CAST(oid AS duckgres_oid) AS oid, CAST(lanname AS duckgres_name) AS lanname, CAST(10 AS duckgres_oid) AS lanowner,
  lanispl, lanpltrusted, CAST(0 AS duckgres_oid) AS lanplcallfoid, CAST(0 AS duckgres_oid) AS laninline,
  CAST(0 AS duckgres_oid) AS lanvalidator, CAST(NULL AS VARCHAR) AS lanacl
FROM (VALUES (12, 'internal', false, false), (13, 'c', false, false), (14, 'sql', false, true), (13560, 'plpgsql', true, true))
  AS t(oid, lanname, lanispl, lanpltrusted);

CREATE VIEW duckgres_catalog.pg_views AS
SELECT CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS schemaname, CAST(name AS duckgres_name) AS viewname,
  CAST(duckgres_catalog.__user() AS duckgres_name) AS viewowner,
  duckgres_catalog.pg_get_viewdef(oid) AS definition
FROM duckgres_catalog.__relations WHERE kind = 'v';

CREATE VIEW duckgres_catalog.pg_matviews AS
SELECT CAST(NULL AS VARCHAR) AS schemaname, CAST(NULL AS VARCHAR) AS matviewname, CAST(NULL AS VARCHAR) AS matviewowner,
  CAST(NULL AS VARCHAR) AS tablespace, CAST(NULL AS BOOLEAN) AS hasindexes, CAST(NULL AS BOOLEAN) AS ispopulated,
  CAST(NULL AS VARCHAR) AS definition
WHERE false;

CREATE VIEW duckgres_catalog.pg_indexes AS
SELECT CAST(duckgres_catalog.__nspname(i.schema_name) AS duckgres_name) AS schemaname, CAST(i.table_name AS duckgres_name) AS tablename,
  CAST(i.name AS duckgres_name) AS indexname, CAST(NULL AS duckgres_name) AS tablespace, duckgres_catalog.__indexdef(i.oid, false) AS indexdef
FROM duckgres_catalog.__indexes i;

-- information_schema
-- information_schema._pg_expandarray(a): one row (x, n) per element, n counting from 1.
CREATE MACRO duckgres_information_schema._pg_expandarray(p_a) AS
  unnest(list_transform(range(1, len(p_a) + 1), m_i -> {'x': p_a[m_i], 'n': CAST(m_i AS INTEGER)}));
CREATE VIEW duckgres_information_schema.schemata AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS catalog_name, nspname AS schema_name,
  duckgres_catalog.pg_get_userbyid(nspowner) AS schema_owner,
  CAST(NULL AS duckgres_name) AS default_character_set_catalog, CAST(NULL AS duckgres_name) AS default_character_set_schema,
  CAST(NULL AS duckgres_name) AS default_character_set_name, CAST(NULL AS duckgres_varchar) AS sql_path
FROM duckgres_catalog.pg_namespace;

CREATE VIEW duckgres_information_schema.tables AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog, CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS table_schema,
  CAST(name AS duckgres_name) AS table_name, CAST(CASE kind WHEN 'r' THEN 'BASE TABLE' ELSE 'VIEW' END AS duckgres_varchar) AS table_type,
  CAST(NULL AS duckgres_name) AS self_referencing_column_name, CAST(NULL AS duckgres_varchar) AS reference_generation,
  CAST(NULL AS duckgres_name) AS user_defined_type_catalog, CAST(NULL AS duckgres_name) AS user_defined_type_schema,
  CAST(NULL AS duckgres_name) AS user_defined_type_name, CAST(CASE kind WHEN 'r' THEN 'YES' ELSE 'NO' END AS duckgres_yes_or_no) AS is_insertable_into,
  CAST('NO' AS duckgres_yes_or_no) AS is_typed, CAST(NULL AS duckgres_varchar) AS commit_action
FROM duckgres_catalog.__relations WHERE kind IN ('r', 'v');

CREATE VIEW duckgres_information_schema.sequences AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS sequence_catalog,
  CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS sequence_schema, CAST(sequence_name AS duckgres_name) AS sequence_name,
  CAST(CASE duckgres_catalog.__seq_type(min_value, max_value) WHEN 23 THEN 'integer' WHEN 21 THEN 'smallint' ELSE 'bigint' END AS duckgres_varchar) AS data_type,
  CAST(CASE duckgres_catalog.__seq_type(min_value, max_value) WHEN 23 THEN 32 WHEN 21 THEN 16 ELSE 64 END AS INTEGER) AS numeric_precision,
  CAST(2 AS INTEGER) AS numeric_precision_radix, CAST(0 AS INTEGER) AS numeric_scale,
  CAST(CAST(start_value AS VARCHAR) AS duckgres_varchar) AS start_value, CAST(CAST(min_value AS VARCHAR) AS duckgres_varchar) AS minimum_value,
  CAST(CAST(max_value AS VARCHAR) AS duckgres_varchar) AS maximum_value, CAST(CAST(increment_by AS VARCHAR) AS duckgres_varchar) AS increment,
  CAST(CASE WHEN cycle THEN 'YES' ELSE 'NO' END AS duckgres_yes_or_no) AS cycle_option
FROM duckdb_sequences()
WHERE database_name = system.main.current_database() AND NOT temporary AND duckgres_catalog.__visible_rel(schema_name, sequence_name)
  -- An identity column's sequence is internal to it (PostgreSQL lists serial's, not identity's).
  AND coalesce(comment, '') NOT IN ('duckgres: identity generated always', 'duckgres: identity by default');

CREATE VIEW duckgres_information_schema.columns AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog, CAST(duckgres_catalog.__nspname(c.schema_name) AS duckgres_name) AS table_schema,
  CAST(c.table_name AS duckgres_name) AS table_name, CAST(c.column_name AS duckgres_name) AS column_name, CAST(c.attnum AS INTEGER) AS ordinal_position,
  CAST(CASE WHEN c.identity = '' AND NOT c.generated THEN duckgres_catalog.__pg_default(c.column_default, c.typid) END AS duckgres_varchar) AS column_default,
  CAST(CASE WHEN c.is_nullable THEN 'YES' ELSE 'NO' END AS duckgres_yes_or_no) AS is_nullable,
  CAST(CASE WHEN c.ndims > 0 THEN 'ARRAY' WHEN c.typid = 1043 THEN 'character varying' WHEN c.typid = 1042 THEN 'character'
    WHEN u.type_oid IS NOT NULL THEN 'USER-DEFINED'
    ELSE duckgres_catalog.__format_base(c.typid, -1) END AS duckgres_varchar) AS data_type,
  CAST(CASE WHEN (c.typid = 1043 OR c.typid = 1042) AND c.typmod > 4 THEN c.typmod - 4 END AS INTEGER) AS character_maximum_length,
  -- Up to 4 bytes a character in UTF8.
  CAST(CASE WHEN (c.typid = 1043 OR c.typid = 1042) AND c.typmod > 4 THEN (c.typmod - 4) * 4
    WHEN (c.typid = 25 OR c.typid = 1043) THEN 1073741824 END AS INTEGER) AS character_octet_length,
  CAST(CASE c.typid WHEN 21 THEN 16 WHEN 23 THEN 32 WHEN 20 THEN 64 WHEN 700 THEN 24 WHEN 701 THEN 53
    WHEN 1700 THEN CASE WHEN c.typmod > 4 THEN (c.typmod - 4) >> 16 END END AS INTEGER) AS numeric_precision,
  CAST(CASE WHEN (c.typid = 21 OR c.typid = 23 OR c.typid = 20 OR c.typid = 700 OR c.typid = 701) THEN 2 WHEN c.typid = 1700 THEN 10 END AS INTEGER) AS numeric_precision_radix,
  CAST(CASE WHEN (c.typid = 21 OR c.typid = 23 OR c.typid = 20) THEN 0 WHEN c.typid = 1700 AND c.typmod > 4 THEN (c.typmod - 4) & 65535 END AS INTEGER) AS numeric_scale,
  CAST(CASE WHEN c.typid = 1082 THEN 0 WHEN (c.typid = 1083 OR c.typid = 1114 OR c.typid = 1184 OR c.typid = 1186 OR c.typid = 1266) THEN 6 END AS INTEGER) AS datetime_precision,
  CAST(NULL AS duckgres_varchar) AS interval_type, CAST(NULL AS INTEGER) AS interval_precision,
  CAST(NULL AS duckgres_name) AS character_set_catalog, CAST(NULL AS duckgres_name) AS character_set_schema,
  CAST(NULL AS duckgres_name) AS character_set_name, CAST(NULL AS duckgres_name) AS collation_catalog,
  CAST(NULL AS duckgres_name) AS collation_schema, CAST(NULL AS duckgres_name) AS collation_name,
  CAST(NULL AS duckgres_name) AS domain_catalog, CAST(NULL AS duckgres_name) AS domain_schema, CAST(NULL AS duckgres_name) AS domain_name,
  CAST(duckgres_catalog.__database() AS duckgres_name) AS udt_catalog,
  CAST(CASE WHEN u.type_oid IS NOT NULL THEN duckgres_catalog.__nspname(u.schema_name) ELSE 'pg_catalog' END AS duckgres_name) AS udt_schema,
  CAST(coalesce(t.typname, u.type_name) AS duckgres_name) AS udt_name,
  CAST(NULL AS duckgres_name) AS scope_catalog, CAST(NULL AS duckgres_name) AS scope_schema, CAST(NULL AS duckgres_name) AS scope_name,
  CAST(NULL AS INTEGER) AS maximum_cardinality, CAST(CAST(c.attnum AS VARCHAR) AS duckgres_name) AS dtd_identifier, CAST('NO' AS duckgres_yes_or_no) AS is_self_referencing,
  CAST(CASE WHEN c.identity = '' THEN 'NO' ELSE 'YES' END AS duckgres_yes_or_no) AS is_identity,
  CAST(CASE c.identity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS duckgres_varchar) AS identity_generation,
  CAST(CASE WHEN c.identity <> '' THEN CAST(c.identity_start AS VARCHAR) END AS duckgres_varchar) AS identity_start,
  CAST(CASE WHEN c.identity <> '' THEN CAST(c.identity_increment AS VARCHAR) END AS duckgres_varchar) AS identity_increment,
  -- The sequence keeps bigint's bounds; PostgreSQL's has the column type's.
  CAST(CASE WHEN c.identity = '' THEN NULL WHEN c.identity_maximum = 9223372036854775807 AND c.typid = 23 THEN '2147483647'
    WHEN c.identity_maximum = 9223372036854775807 AND c.typid = 21 THEN '32767'
    ELSE CAST(c.identity_maximum AS VARCHAR) END AS duckgres_varchar) AS identity_maximum,
  CAST(CASE WHEN c.identity <> '' THEN CAST(c.identity_minimum AS VARCHAR) END AS duckgres_varchar) AS identity_minimum,
  CAST(CASE WHEN c.identity <> '' AND c.identity_cycle THEN 'YES' ELSE 'NO' END AS duckgres_yes_or_no) AS identity_cycle, CAST(CASE WHEN c.generated THEN 'ALWAYS' ELSE 'NEVER' END AS duckgres_varchar) AS is_generated,
  CAST(CASE WHEN c.generated THEN duckgres_catalog.__generation_expr(c.column_default) END AS duckgres_varchar) AS generation_expression, CAST('YES' AS duckgres_yes_or_no) AS is_updatable
FROM duckgres_catalog.__columns c LEFT JOIN duckgres_catalog.__pg_type_builtin t ON t.oid = c.typid
LEFT JOIN (SELECT type_oid, type_name, schema_name FROM duckdb_types()
  WHERE database_name = system.main.current_database() AND NOT internal) u ON u.type_oid = c.typid AND c.typid >= 16384;

CREATE VIEW duckgres_information_schema.views AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog, CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS table_schema,
  CAST(name AS duckgres_name) AS table_name, CAST(duckgres_catalog.pg_get_viewdef(oid) AS duckgres_varchar) AS view_definition,
  CAST('NONE' AS duckgres_varchar) AS check_option, CAST('NO' AS duckgres_yes_or_no) AS is_updatable,
  CAST('NO' AS duckgres_yes_or_no) AS is_insertable_into, CAST('NO' AS duckgres_yes_or_no) AS is_trigger_updatable,
  CAST('NO' AS duckgres_yes_or_no) AS is_trigger_deletable, CAST('NO' AS duckgres_yes_or_no) AS is_trigger_insertable_into
FROM duckgres_catalog.__relations WHERE kind = 'v';

CREATE VIEW duckgres_information_schema.table_constraints AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS constraint_catalog, CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS constraint_schema,
  CAST(constraint_name AS duckgres_name) AS constraint_name, CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog,
  CAST(duckgres_catalog.__nspname(schema_name) AS duckgres_name) AS table_schema, CAST(table_name AS duckgres_name) AS table_name,
  CAST(CASE contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' WHEN 'f' THEN 'FOREIGN KEY' ELSE 'CHECK' END AS duckgres_varchar) AS constraint_type,
  CAST('NO' AS duckgres_yes_or_no) AS is_deferrable, CAST('NO' AS duckgres_yes_or_no) AS initially_deferred, CAST('YES' AS duckgres_yes_or_no) AS enforced,
  CAST(CASE WHEN (contype = 'p' OR contype = 'u') THEN 'YES' END AS duckgres_yes_or_no) AS nulls_distinct
FROM (SELECT schema_name, constraint_name, table_name, contype FROM duckgres_catalog.__constraints
  UNION ALL
  -- NOT NULL columns are CHECK constraints here, named <schema oid>_<table oid>_<column>_not_null.
  SELECT c.schema_name, CAST(r.nspoid AS VARCHAR) || '_' || CAST(r.oid AS VARCHAR) || '_' || CAST(c.attnum AS VARCHAR) || '_not_null',
    c.table_name, 'n'
  FROM duckgres_catalog.__columns c JOIN duckgres_catalog.__relations r ON r.oid = c.table_oid AND r.kind = 'r'
  WHERE NOT c.is_nullable) k;

CREATE VIEW duckgres_information_schema.key_column_usage AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS constraint_catalog, CAST(duckgres_catalog.__nspname(k.schema_name) AS duckgres_name) AS constraint_schema,
  CAST(k.constraint_name AS duckgres_name) AS constraint_name, CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog,
  CAST(duckgres_catalog.__nspname(k.schema_name) AS duckgres_name) AS table_schema, CAST(k.table_name AS duckgres_name) AS table_name,
  CAST(k.column_name AS duckgres_name) AS column_name, CAST(k.pos AS INTEGER) AS ordinal_position,
  CAST(CASE WHEN k.contype = 'f' THEN k.pos END AS INTEGER) AS position_in_unique_constraint
FROM (SELECT schema_name, constraint_name, table_name, contype, unnest(colnames) AS column_name,
    generate_subscripts(colnames, 1) AS pos
  FROM duckgres_catalog.__constraints WHERE contype IN ('p', 'u', 'f')) k;

-- The columns each constraint uses: a key's or check's own columns, a foreign key's referenced ones.
CREATE VIEW duckgres_information_schema.constraint_column_usage AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog, CAST(duckgres_catalog.__nspname(u.schema_name) AS duckgres_name) AS table_schema,
  CAST(u.table_name AS duckgres_name) AS table_name, CAST(u.column_name AS duckgres_name) AS column_name,
  CAST(duckgres_catalog.__database() AS duckgres_name) AS constraint_catalog, CAST(duckgres_catalog.__nspname(u.schema_name) AS duckgres_name) AS constraint_schema,
  CAST(u.constraint_name AS duckgres_name) AS constraint_name
FROM (SELECT schema_name, constraint_name, table_name, unnest(colnames) AS column_name
    FROM duckgres_catalog.__constraints WHERE contype IN ('p', 'u', 'c')
  UNION ALL
  SELECT schema_name, constraint_name, referenced_table, unnest(refcolnames)
    FROM duckgres_catalog.__constraints WHERE contype = 'f') u;

CREATE VIEW duckgres_information_schema.referential_constraints AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS constraint_catalog, CAST(duckgres_catalog.__nspname(c.schema_name) AS duckgres_name) AS constraint_schema,
  CAST(c.constraint_name AS duckgres_name) AS constraint_name, CAST(duckgres_catalog.__database() AS duckgres_name) AS unique_constraint_catalog,
  CAST(duckgres_catalog.__nspname(c.schema_name) AS duckgres_name) AS unique_constraint_schema,
  CAST((SELECT r.constraint_name FROM duckgres_catalog.__constraints r
    WHERE r.table_oid = f.confrelid AND r.contype IN ('p', 'u') AND r.conkey = f.confkey LIMIT 1) AS duckgres_name) AS unique_constraint_name,
  CAST('NONE' AS duckgres_varchar) AS match_option, CAST('NO ACTION' AS duckgres_varchar) AS update_rule, CAST('NO ACTION' AS duckgres_varchar) AS delete_rule
FROM duckgres_catalog.__constraints c JOIN duckgres_catalog.__fkeys f ON f.oid = c.oid;

CREATE VIEW duckgres_information_schema.routines AS
SELECT CAST(duckgres_catalog.__database() AS duckgres_name) AS specific_catalog, n.nspname AS specific_schema,
  CAST(p.proname || '_' || p.oid AS duckgres_name) AS specific_name, CAST(duckgres_catalog.__database() AS duckgres_name) AS routine_catalog, n.nspname AS routine_schema,
  p.proname AS routine_name, 'FUNCTION' AS routine_type, CAST(NULL AS duckgres_name) AS module_catalog,
  CAST(NULL AS duckgres_name) AS module_schema, CAST(NULL AS duckgres_name) AS module_name, CAST(NULL AS duckgres_name) AS udt_catalog,
  CAST(NULL AS duckgres_name) AS udt_schema, CAST(NULL AS duckgres_name) AS udt_name,
  duckgres_catalog.__format_base(p.prorettype, -1) AS data_type, CAST('pg_catalog' AS duckgres_name) AS type_udt_schema,
  CASE WHEN p.prolang = 14 THEN 'SQL' ELSE 'EXTERNAL' END AS routine_body,
  CASE WHEN p.prolang = 14 THEN p.prosrc END AS routine_definition, CAST(NULL AS duckgres_name) AS external_name,
  CASE WHEN p.prolang = 14 THEN 'SQL' ELSE 'C' END AS external_language, 'GENERAL' AS parameter_style,
  CASE WHEN p.provolatile = 'i' THEN 'YES' ELSE 'NO' END AS is_deterministic, 'MODIFIES' AS sql_data_access,
  'NO' AS is_null_call, 'INVOKER' AS security_type
FROM duckgres_catalog.pg_proc p JOIN duckgres_catalog.pg_namespace n ON n.oid = p.pronamespace;

-- The session's privileges on tables: an owner (or a role that sees everything) holds all of
-- them, as PostgreSQL's table owner does; other roles see the relations they may read.
CREATE VIEW duckgres_information_schema.table_privileges AS
SELECT CAST(duckgres_catalog.__user() AS duckgres_name) AS grantor, CAST(duckgres_catalog.__user() AS duckgres_name) AS grantee,
  CAST(duckgres_catalog.__database() AS duckgres_name) AS table_catalog, CAST(duckgres_catalog.__nspname(r.schema_name) AS duckgres_name) AS table_schema,
  CAST(r.name AS duckgres_name) AS table_name, CAST(p.privilege AS duckgres_varchar) AS privilege_type,
  CAST('YES' AS duckgres_yes_or_no) AS is_grantable, CAST(CASE WHEN p.privilege = 'SELECT' THEN 'YES' ELSE 'NO' END AS duckgres_yes_or_no) AS with_hierarchy
FROM duckgres_catalog.__relations r,
  (SELECT unnest(['INSERT', 'SELECT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS privilege) p
WHERE r.kind IN ('r', 'v') AND (coalesce(getvariable('duckgres_sees_all'), true) OR p.privilege = 'SELECT');
CREATE VIEW duckgres_information_schema.role_table_grants AS SELECT * FROM duckgres_information_schema.table_privileges;

CREATE VIEW duckgres_information_schema.character_sets AS
SELECT CAST(NULL AS duckgres_name) AS character_set_catalog, CAST(NULL AS duckgres_name) AS character_set_schema,
  CAST('UTF8' AS duckgres_name) AS character_set_name, CAST('UCS' AS duckgres_name) AS character_repertoire, CAST('UTF8' AS duckgres_name) AS form_of_use,
  CAST(duckgres_catalog.__database() AS duckgres_name) AS default_collate_catalog, CAST('pg_catalog' AS duckgres_name) AS default_collate_schema,
  CAST('C' AS duckgres_name) AS default_collate_name;
)SQL",
};

}  // namespace

const std::string& catalog_install_sql() {
  static const std::string sql = [] {
    std::string s;
    for (const char* piece : kInstallPieces) s += piece;
    // Lets the server see which version a database holds and skip reinstalling it.
    s += "CREATE VIEW duckgres_catalog.__version AS SELECT " + std::to_string(kCatalogVersion) +
         " AS version;";
    return s;
  }();
  return sql;
}

const std::string& catalog_snapshot_sql() {
  static const std::string sql = [] {
    std::string s;
    for (const char* name : kSnapshotViews) {
      s += std::string("CREATE OR REPLACE TEMP TABLE __duckgres_snap_") + name +
           " AS SELECT * FROM duckgres_catalog.__live_" + name + ";";
    }
    return s;
  }();
  return sql;
}

bool is_catalog_relation(std::string_view name) {
  return contains(kCatalogRelations, name);
}

bool is_information_schema_relation(std::string_view name) {
  return contains(kInformationSchemaRelations, name);
}

bool is_information_schema_function(std::string_view name) {
  return contains(kInformationSchemaFunctions, name);
}

bool is_catalog_function(std::string_view name) {
  return contains(kCatalogFunctions, name);
}

int32_t catalog_table_oid(std::string_view schema, std::string_view name) {
  if (!schema.empty() && schema != "pg_catalog") return 0;
  static const std::pair<std::string_view, int32_t> tables[] = {
      {"pg_am", 2601},         {"pg_attrdef", 2604}, {"pg_attribute", 1249}, {"pg_class", 1259},
      {"pg_collation", 3456},  {"pg_constraint", 2606}, {"pg_database", 1262}, {"pg_depend", 2608},
      {"pg_description", 2609}, {"pg_enum", 3501},   {"pg_extension", 3079}, {"pg_index", 2610},
      {"pg_inherits", 2611},   {"pg_namespace", 2615}, {"pg_proc", 1255},     {"pg_rewrite", 2618},
      {"pg_sequence", 2224},   {"pg_tablespace", 1213}, {"pg_trigger", 2620}, {"pg_type", 1247},
  };
  for (const auto& [table, oid] : tables) {
    if (table == name) return oid;
  }
  return 0;
}

namespace {

void add_builtin_function_oids(std::string_view rows, std::unordered_map<std::string, int64_t>& m) {
  size_t at = 0;
  while (at < rows.size()) {
    size_t end = rows.find('\n', at);
    if (end == std::string_view::npos) end = rows.size();
    std::string_view line = rows.substr(at, end - at);
    at = end + 1;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    size_t name_end = line.find('\t', tab + 1);
    if (name_end == std::string_view::npos) continue;
    int64_t oid = 0;
    bool digits = true;
    for (char c : line.substr(0, tab)) {
      if (c < '0' || c > '9') digits = false;
      oid = oid * 10 + (c - '0');
    }
    if (!digits) continue;
    std::string name(line.substr(tab + 1, name_end - tab - 1));
    auto [it, inserted] = m.emplace(name, oid);
    if (!inserted && oid < it->second) it->second = oid;
  }
}

}  // namespace

int64_t builtin_function_oid(std::string_view proname) {
  static const std::unordered_map<std::string, int64_t> oids = [] {
    std::unordered_map<std::string, int64_t> m;
    for (std::string_view rows : kInstallPieces) {
      if (rows.find("INSERT INTO duckgres_catalog.__pg_proc_builtin") == std::string_view::npos) continue;
      // The generated rows: oid TAB proname TAB …, one a line.
      add_builtin_function_oids(rows, m);
    }
    m.emplace("-", 0);
    return m;
  }();
  auto it = oids.find(std::string(proname));
  return it == oids.end() ? -1 : it->second;
}

}  // namespace ducklings::sql
