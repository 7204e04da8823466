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
