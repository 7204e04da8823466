-- dbt-postgres: the adapter's introspection (schemas, relations, columns, catalog, dependencies),
-- table and view materializations with renames, an incremental merge, and generic tests.
DROP SCHEMA IF EXISTS dbt_prod CASCADE;
select distinct nspname from pg_namespace where nspname like 'dbt_%' order by 1;
select count(*) from pg_namespace where nspname = 'dbt_prod';
create schema if not exists "dbt_prod";
select count(*) from pg_namespace where nspname = 'dbt_prod';
create table "duckgres"."dbt_prod"."raw_orders" (id int, customer_id int, status text, amount_cents bigint, ordered_at timestamp);
insert into "duckgres"."dbt_prod"."raw_orders" values (1, 10, 'placed', 1250, '2024-01-05 10:00'), (2, 10, 'shipped', 990, '2024-01-06 11:00'), (3, 11, 'returned', 5000, '2024-02-01 09:00'), (4, 12, 'placed', NULL, '2024-02-03 15:30'), (5, 11, 'shipped', 700, '2024-02-10 08:45');
select 'duckgres' as database, tablename as name, schemaname as schema, 'table' as type from pg_tables where schemaname ilike 'dbt_prod'
union all
select 'duckgres' as database, viewname as name, schemaname as schema, 'view' as type from pg_views where schemaname ilike 'dbt_prod'
union all
select 'duckgres' as database, matviewname as name, schemaname as schema, 'materialized_view' as type from pg_matviews where schemaname ilike 'dbt_prod'
order by name;
create view "duckgres"."dbt_prod"."stg_orders__dbt_tmp" as (
    select id as order_id, customer_id, status, amount_cents / 100.0 as amount, ordered_at::date as order_date from "duckgres"."dbt_prod"."raw_orders"
);
alter table "duckgres"."dbt_prod"."stg_orders__dbt_tmp" rename to "stg_orders";
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'stg_orders' and table_schema = 'dbt_prod' order by ordinal_position;
create table "duckgres"."dbt_prod"."customer_totals__dbt_tmp" as (
    select customer_id, count(*) as orders, sum(amount) as total, min(order_date) as first_order from "duckgres"."dbt_prod"."stg_orders" group by customer_id
);
alter table "duckgres"."dbt_prod"."customer_totals__dbt_tmp" rename to "customer_totals";
select customer_id, orders, total, first_order from "duckgres"."dbt_prod"."customer_totals" order by customer_id;
select column_name, data_type, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'customer_totals' and table_schema = 'dbt_prod' order by ordinal_position;
create table "duckgres"."dbt_prod"."customer_totals__dbt_tmp" as (
    select customer_id, count(*) as orders, sum(amount) as total, min(order_date) as first_order, max(order_date) as last_order from "duckgres"."dbt_prod"."stg_orders" group by customer_id
);
alter table "duckgres"."dbt_prod"."customer_totals" rename to "customer_totals__dbt_backup";
alter table "duckgres"."dbt_prod"."customer_totals__dbt_tmp" rename to "customer_totals";
drop table if exists "duckgres"."dbt_prod"."customer_totals__dbt_backup" cascade;
comment on table "duckgres"."dbt_prod"."customer_totals" is 'One row per customer';
comment on column "duckgres"."dbt_prod"."customer_totals"."total" is 'Sum of order amounts';
create table "duckgres"."dbt_prod"."fct_orders" as (select order_id, customer_id, status, amount, order_date from "duckgres"."dbt_prod"."stg_orders" where order_date < '2024-02-01');
create temporary table "fct_orders__dbt_tmp102030" as (select order_id, customer_id, status, amount, order_date from "duckgres"."dbt_prod"."stg_orders" where order_date >= '2024-01-06');
select column_name, data_type from INFORMATION_SCHEMA.columns where table_name = 'fct_orders__dbt_tmp102030' order by ordinal_position;
delete from "duckgres"."dbt_prod"."fct_orders" where (order_id) in (select (order_id) from "fct_orders__dbt_tmp102030");
insert into "duckgres"."dbt_prod"."fct_orders" ("order_id", "customer_id", "status", "amount", "order_date") (select "order_id", "customer_id", "status", "amount", "order_date" from "fct_orders__dbt_tmp102030");
select order_id, status, amount, order_date from "duckgres"."dbt_prod"."fct_orders" order by order_id;
merge into "duckgres"."dbt_prod"."fct_orders" as DBT_INTERNAL_DEST using "fct_orders__dbt_tmp102030" as DBT_INTERNAL_SOURCE on (DBT_INTERNAL_SOURCE.order_id = DBT_INTERNAL_DEST.order_id) when matched then update set "status" = DBT_INTERNAL_SOURCE."status" when not matched then insert ("order_id", "customer_id", "status", "amount", "order_date") values ("order_id", "customer_id", "status", "amount", "order_date");
select count(*) from "duckgres"."dbt_prod"."fct_orders";
select count(*) as failures, count(*) != 0 as should_warn, count(*) != 0 as should_error from (select order_id from "duckgres"."dbt_prod"."fct_orders" where order_id is null) dbt_internal_test;
select count(*) as failures, count(*) != 0 as should_warn, count(*) != 0 as should_error from (select order_id as unique_field, count(*) as n_records from "duckgres"."dbt_prod"."fct_orders" where order_id is not null group by order_id having count(*) > 1) dbt_internal_test;
select count(*) as failures, count(*) != 0 as should_warn, count(*) != 0 as should_error from (with all_values as (select status as value_field, count(*) as n_records from "duckgres"."dbt_prod"."fct_orders" group by status) select * from all_values where value_field not in ('placed', 'shipped', 'completed')) dbt_internal_test;
select count(*) as failures from (with child as (select customer_id as from_field from "duckgres"."dbt_prod"."fct_orders" where customer_id is not null), parent as (select customer_id as to_field from "duckgres"."dbt_prod"."customer_totals") select from_field from child left join parent on child.from_field = parent.to_field where parent.to_field is null) dbt_internal_test;
with relation as (
    select pg_rewrite.ev_class as class, pg_rewrite.oid as id from pg_rewrite
),
class as (
    select oid as id, relname as name, relnamespace as schema, relkind as kind from pg_class
),
dependency as (
    select distinct pg_depend.objid as id, pg_depend.refobjid as ref from pg_depend
),
schema as (
    select pg_namespace.oid as id, pg_namespace.nspname as name from pg_namespace where nspname != 'information_schema' and nspname not like 'pg\_%'
),
referenced as (
    select relation.id as id, referenced_class.name, referenced_class.schema, referenced_class.kind from relation join class as referenced_class on relation.class = referenced_class.id where referenced_class.kind in ('r', 'v', 'm')
),
relationships as (
    select referenced.name as referenced_name, referenced.schema as referenced_schema_id, dependent_class.name as dependent_name, dependent_class.schema as dependent_schema_id, referenced.kind as kind from referenced join dependency on referenced.id = dependency.id join class as dependent_class on dependency.ref = dependent_class.id where (referenced.name != dependent_class.name or referenced.schema != dependent_class.schema)
)
select referenced_schema.name as referenced_schema, relationships.referenced_name as referenced_name, dependent_schema.name as dependent_schema, relationships.dependent_name as dependent_name
from relationships
join schema as dependent_schema on relationships.dependent_schema_id = dependent_schema.id
join schema as referenced_schema on relationships.referenced_schema_id = referenced_schema.id
where referenced_schema.name = 'dbt_prod'
group by referenced_schema, referenced_name, dependent_schema, dependent_name
order by referenced_schema, referenced_name, dependent_schema, dependent_name;
select 'duckgres' as table_database, sch.nspname as table_schema, tbl.relname as table_name, case tbl.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'BASE TABLE' end as table_type, tbl_desc.description as table_comment, col.attname as column_name, col.attnum as column_index, pg_catalog.format_type(col.atttypid, col.atttypmod) as column_type, col_desc.description as column_comment, pg_get_userbyid(tbl.relowner) = current_user as table_owner_is_me
from pg_catalog.pg_namespace sch
join pg_catalog.pg_class tbl on tbl.relnamespace = sch.oid
join pg_catalog.pg_attribute col on col.attrelid = tbl.oid
left outer join pg_catalog.pg_description tbl_desc on (tbl_desc.objoid = tbl.oid and tbl_desc.objsubid = 0)
left outer join pg_catalog.pg_description col_desc on (col_desc.objoid = tbl.oid and col_desc.objsubid = col.attnum)
where (upper(sch.nspname) = upper('dbt_prod'))
  and not pg_is_other_temp_schema(sch.oid)
  and tbl.relpersistence in ('p', 'u')
  and tbl.relkind in ('r', 'v', 'f', 'p', 'm')
  and col.attnum > 0
  and not col.attisdropped
order by sch.nspname, tbl.relname, col.attnum;
select max(ordered_at) as max_loaded_at, now() is not null as snapshotted, max(ordered_at) < now() as stale from "duckgres"."dbt_prod"."raw_orders";
create table "duckgres"."dbt_prod"."snap" as (select *, md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(ordered_at as varchar), '')) as dbt_scd_id, ordered_at as dbt_valid_from, nullif(ordered_at, ordered_at) as dbt_valid_to from "duckgres"."dbt_prod"."raw_orders");
select id, dbt_scd_id, dbt_valid_from, dbt_valid_to from "duckgres"."dbt_prod"."snap" order by id;
select date_trunc('month', order_date)::date as month, count(*) as orders, round(sum(amount), 2) as revenue from "duckgres"."dbt_prod"."stg_orders" group by 1 order by 1;
select cast(amount as numeric(16,2)), cast(order_date as varchar), cast(customer_id as bigint) from "duckgres"."dbt_prod"."stg_orders" order by order_id;
drop view if exists "duckgres"."dbt_prod"."stg_orders" cascade;
drop schema if exists "dbt_prod" cascade;
select count(*) from pg_namespace where nspname = 'dbt_prod';
