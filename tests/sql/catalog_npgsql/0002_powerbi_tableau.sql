-- Power BI (Npgsql) and Tableau (psqlODBC/JDBC) introspection: schema and table lists with
-- comments, key columns for relationships, the column metadata their navigators read.
DROP SCHEMA IF EXISTS bi2 CASCADE;
CREATE SCHEMA bi2;
CREATE TABLE bi2.dim_product (product_key int CONSTRAINT dim_product_pk PRIMARY KEY, sku varchar(20) NOT NULL, category text);
CREATE TABLE bi2.fact_sales (sale_id bigint PRIMARY KEY, product_key int CONSTRAINT fact_sales_product_fk REFERENCES bi2.dim_product (product_key), qty int, amount numeric(12,2), sold_at timestamptz);
COMMENT ON TABLE bi2.fact_sales IS 'Sales lines';
select TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE from INFORMATION_SCHEMA.tables where TABLE_SCHEMA = 'bi2' order by TABLE_SCHEMA, TABLE_NAME;
select pkcol.TABLE_SCHEMA, pkcol.TABLE_NAME, pkcol.COLUMN_NAME, pk.CONSTRAINT_NAME from INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk join INFORMATION_SCHEMA.KEY_COLUMN_USAGE pkcol on pk.CONSTRAINT_SCHEMA = pkcol.CONSTRAINT_SCHEMA and pk.CONSTRAINT_NAME = pkcol.CONSTRAINT_NAME where pk.CONSTRAINT_TYPE = 'PRIMARY KEY' and pk.TABLE_SCHEMA = 'bi2' order by 1, 2, 3;
select fk.CONSTRAINT_NAME, fkcol.TABLE_NAME as FK_TABLE, fkcol.COLUMN_NAME as FK_COLUMN, rc.UNIQUE_CONSTRAINT_NAME from INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc join INFORMATION_SCHEMA.TABLE_CONSTRAINTS fk on fk.CONSTRAINT_NAME = rc.CONSTRAINT_NAME and fk.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA join INFORMATION_SCHEMA.KEY_COLUMN_USAGE fkcol on fkcol.CONSTRAINT_NAME = fk.CONSTRAINT_NAME and fkcol.CONSTRAINT_SCHEMA = fk.CONSTRAINT_SCHEMA where fk.TABLE_SCHEMA = 'bi2' order by 1;
select COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE from INFORMATION_SCHEMA.COLUMNS where TABLE_SCHEMA = 'bi2' and TABLE_NAME = 'fact_sales' order by ORDINAL_POSITION;
SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'bi2' AND c.relkind = 'r' ORDER BY 1;
SELECT a.attname, t.typname, a.attnum, a.attnotnull FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = 'bi2.fact_sales'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%' AND nspname <> 'information_schema' AND nspname = 'bi2' ORDER BY 1;
SELECT schema_name, schema_owner IS NOT NULL FROM information_schema.schemata WHERE schema_name IN ('bi2', 'public') ORDER BY 1;
