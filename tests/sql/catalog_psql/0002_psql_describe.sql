-- More of psql 15's backslash commands (as psql -E prints them) over a schema with named
-- constraints, comments, a view and an index: \dt+ \d+ \dn+ \dT \dx \dp \dconfig-like reads.
DROP SCHEMA IF EXISTS psql2 CASCADE;
CREATE SCHEMA psql2;
SET search_path = psql2, public;
CREATE TABLE psql2.customers (id int CONSTRAINT customers_pk PRIMARY KEY, email varchar(120) NOT NULL CONSTRAINT customers_email_uq UNIQUE, tier text DEFAULT 'free', created date);
CREATE TABLE psql2.orders (id int PRIMARY KEY, customer_id int CONSTRAINT orders_customer_fk REFERENCES psql2.customers (id), amount numeric(10,2) CONSTRAINT orders_amount_positive CHECK (amount > 0), placed timestamp);
CREATE INDEX orders_placed_idx ON psql2.orders (placed);
CREATE VIEW psql2.big_orders AS SELECT id, amount FROM psql2.orders WHERE amount > 100;
COMMENT ON TABLE psql2.customers IS 'People who buy';
COMMENT ON COLUMN psql2.customers.email IS 'Login address';
SELECT n.nspname as "Schema", c.relname as "Name", CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type", pg_catalog.pg_get_userbyid(c.relowner) as "Owner", CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' END as "Persistence", pg_catalog.obj_description(c.oid, 'pg_class') as "Description"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;
SELECT c.oid::pg_catalog.regclass::text, c.relname, n.nspname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(customers)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;
SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  a.attidentity,
  a.attgenerated,
  a.attstorage,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = 'psql2.customers'::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;
SELECT c2.relname, i.indisprimary, i.indisunique, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_constraintdef(con.oid, true), contype
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = 'psql2.customers'::regclass AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;
SELECT c2.relname, i.indisprimary, i.indisunique, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true)
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
WHERE c.oid = 'psql2.orders'::regclass AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;
SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = 'psql2.orders'::regclass AND r.contype = 'c'
ORDER BY 1;
SELECT true as sametable, conname,
  pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
  conrelid::pg_catalog.regclass::text AS ontable
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = 'psql2.orders'::regclass AND r.contype = 'f'
     AND conparentid = 0
ORDER BY conname;
SELECT conname, conrelid::pg_catalog.regclass::text AS ontable,
       pg_catalog.pg_get_constraintdef(oid, true) AS condef
  FROM pg_catalog.pg_constraint c
 WHERE confrelid = 'psql2.customers'::pg_catalog.regclass
       AND contype = 'f' AND conparentid = 0
ORDER BY conname;
SELECT n.nspname AS "Name", pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner", pg_catalog.obj_description(n.oid, 'pg_namespace') AS "Description"
FROM pg_catalog.pg_namespace n
WHERE n.nspname = 'psql2'
ORDER BY 1;
SELECT n.nspname as "Schema", c.relname as "Name", CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'i' THEN 'index' END as "Type", pg_catalog.pg_get_userbyid(c.relowner) as "Owner", c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
      AND n.nspname = 'psql2'
ORDER BY 1,2;
SELECT pg_catalog.pg_get_viewdef('psql2.big_orders'::pg_catalog.regclass, true) IS NOT NULL AS has_definition;
SELECT c.relname, c.relkind, c.relhasindex, c.relnatts, c.relchecks FROM pg_catalog.pg_class c WHERE c.relnamespace = 'psql2'::regnamespace AND c.relkind IN ('r', 'v') ORDER BY 1;
SELECT c.relname, pg_catalog.obj_description(c.oid, 'pg_class') FROM pg_catalog.pg_class c WHERE c.relnamespace = 'psql2'::regnamespace AND c.relkind = 'r' ORDER BY 1;
SELECT pg_catalog.col_description('psql2.customers'::regclass, 2), pg_catalog.col_description('psql2.customers'::regclass, 1);
SELECT c.relname, d.description, d.objsubid FROM pg_catalog.pg_description d JOIN pg_catalog.pg_class c ON c.oid = d.objoid WHERE d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass AND c.relnamespace = 'psql2'::regnamespace ORDER BY 1, 3;
SELECT n.nspname, c.relname, pg_catalog.pg_table_is_visible(c.oid) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'psql2' AND c.relkind = 'r' ORDER BY 2;
SELECT current_schema(), current_schemas(false);
SELECT pg_catalog.pg_get_userbyid(d.datdba) AS "Owner", pg_catalog.pg_encoding_to_char(d.encoding) AS "Encoding", d.datcollate AS "Collate" FROM pg_catalog.pg_database d WHERE d.datname = current_database();
SELECT t.typname, t.typtype, t.typcategory, t.typlen FROM pg_catalog.pg_type t WHERE t.typname IN ('int4', 'text', 'name', 'bool', 'numeric', 'timestamptz') ORDER BY 1;
SELECT pg_catalog.format_type('pg_catalog.numeric'::regtype, 655366), pg_catalog.format_type(1043, 104), pg_catalog.format_type(1184, -1), pg_catalog.format_type(1007, -1);
-- Leave nothing behind for the areas that run later (their answers were made without it).
DROP SCHEMA psql2 CASCADE;
