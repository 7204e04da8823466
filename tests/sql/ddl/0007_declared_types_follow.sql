-- Declared types and constraint names DuckDB does not keep follow the relation: through
-- ALTER TABLE … RENAME (dbt renames every model), RENAME COLUMN, ADD COLUMN, ALTER COLUMN
-- TYPE and SET SCHEMA; views and CREATE TABLE … AS take the varchar(n)/char(n) of the columns
-- they select; regclass and regtype values print as names.
DROP SCHEMA IF EXISTS dtf CASCADE;
DROP SCHEMA IF EXISTS dtf_archive CASCADE;
CREATE SCHEMA dtf;
CREATE SCHEMA dtf_archive;
CREATE TABLE dtf.accounts (id int CONSTRAINT accounts_id_pk PRIMARY KEY, code varchar(8) NOT NULL, region char(2), note varchar, amount numeric(38,17));
INSERT INTO dtf.accounts VALUES (1, 'A-1', 'eu', 'first', 1.5), (2, 'B-22', 'us', NULL, 2);
ALTER TABLE dtf.accounts RENAME TO accounts_v2;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.accounts_v2'::regclass AND attnum > 0 ORDER BY attnum;
SELECT conname, contype FROM pg_constraint WHERE conrelid = 'dtf.accounts_v2'::regclass ORDER BY conname;
ALTER TABLE dtf.accounts_v2 RENAME COLUMN code TO account_code;
ALTER TABLE dtf.accounts_v2 ADD COLUMN tier varchar(5);
ALTER TABLE dtf.accounts_v2 ADD COLUMN flag char(1);
SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = 'dtf' AND table_name = 'accounts_v2' ORDER BY ordinal_position;
ALTER TABLE dtf.accounts_v2 ALTER COLUMN tier TYPE varchar(12);
ALTER TABLE dtf.accounts_v2 ALTER COLUMN region TYPE text;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.accounts_v2'::regclass AND attnum > 0 ORDER BY attnum;
ALTER TABLE dtf.accounts_v2 DROP COLUMN flag;
ALTER TABLE dtf.accounts_v2 ADD COLUMN flag text;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.accounts_v2'::regclass AND attname = 'flag';
CREATE VIEW dtf.account_codes AS SELECT id, account_code, region, note, account_code AS code_again FROM dtf.accounts_v2;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.account_codes'::regclass AND attnum > 0 ORDER BY attnum;
SELECT id, account_code, code_again FROM dtf.account_codes ORDER BY id;
CREATE VIEW dtf.renamed_cols (k, c) AS SELECT id, account_code FROM dtf.accounts_v2;
SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = 'dtf' AND table_name = 'renamed_cols' ORDER BY ordinal_position;
CREATE TABLE dtf.code_copy AS SELECT id, account_code, amount FROM dtf.accounts_v2;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.code_copy'::regclass AND attnum > 0 ORDER BY attnum;
DROP VIEW dtf.account_codes;
CREATE VIEW dtf.account_codes AS SELECT id, account_code, region, note, 'x'::text AS code_again FROM dtf.accounts_v2;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'dtf.account_codes'::regclass AND attnum > 0 ORDER BY attnum;
SELECT 'dtf.accounts_v2'::regclass, 'dtf.code_copy'::regclass::text, to_regclass('dtf.renamed_cols'), to_regclass('dtf.nosuch');
SELECT c.oid::regclass, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'dtf' ORDER BY c.relname;
SELECT 'varchar'::regtype, 'int8'::regtype::oid, atttypid::regtype FROM pg_attribute WHERE attrelid = 'dtf.accounts_v2'::regclass AND attname = 'id';
SELECT pg_typeof('dtf.accounts_v2'::regclass), pg_typeof(1::oid), pg_typeof(relname) FROM pg_class WHERE relname = 'accounts_v2';
SELECT setseed(0.25), pg_typeof(setseed(0.25));
DROP SCHEMA dtf CASCADE;
DROP SCHEMA dtf_archive CASCADE;
