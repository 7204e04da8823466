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
-- The pg_type name a type's SQL spelling stands for (text::regtype reads 'integer', 'character
-- varying', 'integer[]'), by a table rather than format_type of every type (seconds a lookup).
CREATE MACRO duckgres_catalog.__typname_base(p_s) AS coalesce(map_extract_value(MAP {'integer': 'int4', 'int': 'int4',
  'smallint': 'int2', 'bigint': 'int8', 'boolean': 'bool', 'real': 'float4', 'double precision': 'float8', 'float': 'float8',
  'character varying': 'varchar', 'character': 'bpchar', 'char': 'bpchar', 'decimal': 'numeric',
  'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamptz', 'time without time zone': 'time',
  'time with time zone': 'timetz', 'bit varying': 'varbit'}, p_s), p_s);
CREATE MACRO duckgres_catalog.__typname_of(p_s) AS CASE WHEN ends_with(p_s, '[]')
  THEN '_' || duckgres_catalog.__typname_base(left(p_s, length(p_s) - 2)) ELSE duckgres_catalog.__typname_base(p_s) END;

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
-- A view's query, or a materialized view's (duckgres_meta.matviews).
CREATE MACRO duckgres_catalog.pg_get_viewdef(p_o) AS coalesce((SELECT max(' ' || regexp_extract(m_v.m_sql,
    '(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+.*?\s+AS\s+(.*)$', 1))
  FROM (SELECT view_oid AS m_view_oid, sql AS m_sql FROM duckdb_views()) m_v WHERE m_v.m_view_oid = p_o),
  (SELECT max(' ' || m_m.definition || ';') FROM duckdb_tables() m_t JOIN duckgres_meta.matviews m_m
    ON lower(m_m.schema_name) = lower(m_t.schema_name) AND lower(m_m.view_name) = lower(m_t.table_name) WHERE m_t.table_oid = p_o)),
  (p_o, p_p) AS coalesce((SELECT max(' ' || regexp_extract(m_v.m_sql,
    '(?is)^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?VIEW\s+.*?\s+AS\s+(.*)$', 1))
  FROM (SELECT view_oid AS m_view_oid, sql AS m_sql FROM duckdb_views()) m_v WHERE m_v.m_view_oid = p_o),
  (SELECT max(' ' || m_m.definition || ';') FROM duckdb_tables() m_t JOIN duckgres_meta.matviews m_m
    ON lower(m_m.schema_name) = lower(m_t.schema_name) AND lower(m_m.view_name) = lower(m_t.table_name) WHERE m_t.table_oid = p_o));
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
SELECT CAST(duckgres_catalog.__nspname(r.schema_name) AS duckgres_name) AS schemaname, CAST(r.name AS duckgres_name) AS matviewname,
  CAST(duckgres_catalog.__user() AS duckgres_name) AS matviewowner, CAST(NULL AS duckgres_name) AS tablespace,
  r.hasindex AS hasindexes, m.populated AS ispopulated, ' ' || m.definition || ';' AS definition
FROM duckgres_catalog.__relations r JOIN duckgres_meta.matviews m
  ON lower(m.schema_name) = lower(r.schema_name) AND lower(m.view_name) = lower(r.name)
WHERE r.kind = 'm';

CREATE VIEW duckgres_catalog.pg_indexes AS
SELECT CAST(duckgres_catalog.__nspname(i.schema_name) AS duckgres_name) AS schemaname, CAST(i.table_name AS duckgres_name) AS tablename,
  CAST(i.name AS duckgres_name) AS indexname, CAST(NULL AS duckgres_name) AS tablespace, duckgres_catalog.__indexdef(i.oid, false) AS indexdef
FROM duckgres_catalog.__indexes i;
