-- dbt-postgres' catalog and relation introspection (dbt docs generate's catalog query,
-- list_relations_without_caching, get_columns_in_relation) and persist_docs' comments.
DROP SCHEMA IF EXISTS dbt2 CASCADE;
CREATE SCHEMA dbt2;
create table "duckgres"."dbt2"."stg_orders__dbt_tmp" as (select 1 as order_id, 'new'::text as status, 9.5::numeric(8,2) as amount);
alter table "duckgres"."dbt2"."stg_orders__dbt_tmp" rename to "stg_orders";
create view "duckgres"."dbt2"."orders_v" as (select order_id, status from "duckgres"."dbt2"."stg_orders");
comment on table "duckgres"."dbt2"."stg_orders" is 'Staged orders';
comment on column "duckgres"."dbt2"."stg_orders"."status" is 'Order status';
select 'duckgres' as database, tablename as name, schemaname as schema, 'table' as type from pg_tables where schemaname ilike 'dbt2' union all select 'duckgres' as database, viewname as name, schemaname as schema, 'view' as type from pg_views where schemaname ilike 'dbt2' order by 2;
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'stg_orders' and table_schema = 'dbt2' order by ordinal_position;
with relations as (select c.relname as table_name, n.nspname as table_schema, c.relkind as table_kind, pg_catalog.obj_description(c.oid, 'pg_class') as table_comment from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = 'dbt2' and c.relkind in ('r', 'v', 'f', 'p')) select table_schema, table_name, case table_kind when 'v' then 'VIEW' else 'BASE TABLE' end as table_type, table_comment from relations order by 2;
select n.nspname as table_schema, tbl.relname as table_name, col.attname as column_name, col.attnum as column_index, pg_catalog.format_type(col.atttypid, col.atttypmod) as column_type, col_description(tbl.oid, col.attnum) as column_comment from pg_catalog.pg_namespace n join pg_catalog.pg_class tbl on n.oid = tbl.relnamespace join pg_catalog.pg_attribute col on col.attrelid = tbl.oid left outer join pg_catalog.pg_description tbl_desc on (tbl_desc.objoid = tbl.oid and tbl_desc.objsubid = 0) where n.nspname = 'dbt2' and tbl.relkind in ('r', 'v', 'f', 'p') and col.attnum > 0 and not col.attisdropped order by 2, 4;
select distinct nspname from pg_namespace where nspname = 'dbt2';
select count(*) from information_schema.views where table_schema = 'dbt2';
