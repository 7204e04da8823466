-- dbt-postgres 1.7/1.8: seeds, snapshots and the materialized_view materialization, as its macros
-- render them, in dbt's order, with its query comments and its BEGIN/COMMIT (the replay runs in
-- autocommit, so they are sent as statements). Where dbt sends several statements in one query
-- (snapshot_merge_sql, a materialized view with its indexes, get_replace_sql) they stay one query
-- here too. Seeds: create_csv_table, basic_load_csv_rows' insert (the values psycopg2 binds, as
-- literals), reset_csv_table's truncate on the second `dbt seed`. Snapshots: the timestamp strategy
-- (invalidate_hard_deletes) over a source table and the check strategy (check_cols 'all') over a
-- seed, built, then run again after updates, a delete and a new row: build_snapshot_table,
-- snapshot_staging_table's temporary table, get_columns_in_relation, snapshot_merge_sql, the drop of
-- the staging table. dbt's own clock (now()::timestamp without time zone) is replaced by fixed
-- times where its value would be shown. Materialized views: create with a unique index, describe
-- (get_show_indexes_sql), refresh, an index change (get_drop_index_sql, create index), the full
-- refresh through rename to backup and rename. Then generic tests (not_null, unique,
-- accepted_values, relationships) and a singular test.
drop schema if exists "dbt_snap" cascade;
select distinct nspname from pg_namespace where nspname like 'dbt\_snap%' order by 1;
select count(*) from pg_namespace where nspname = 'dbt_snap';
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "connection_name": "create_duckgres_dbt_snap"} */
create schema if not exists "dbt_snap";
select
      'duckgres' as database,
      tablename as name,
      schemaname as schema,
      'table' as type
    from pg_tables
    where schemaname ilike 'dbt_snap'
    union all
    select
      'duckgres' as database,
      viewname as name,
      schemaname as schema,
      'view' as type
    from pg_views
    where schemaname ilike 'dbt_snap'
    union all
    select
      'duckgres' as database,
      matviewname as name,
      schemaname as schema,
      'materialized_view' as type
    from pg_matviews
    where schemaname ilike 'dbt_snap';
-- The source the timestamp snapshot reads (loaded outside dbt).
create table "duckgres"."dbt_snap"."raw_subscriptions" (id integer, customer_id integer, plan text, status text, updated_at timestamp without time zone);
insert into "duckgres"."dbt_snap"."raw_subscriptions" values (1, 10, 'basic', 'active', '2024-01-01 09:00:00'), (2, 11, 'pro', 'active', '2024-01-02 10:30:00'), (3, 12, 'basic', 'trial', '2024-01-03 11:00:00'), (4, 13, 'team', 'active', '2024-01-04 08:15:00');

-- ---- dbt seed (first): seed_plans.csv and seed_customers.csv ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_plans"} */
create table "duckgres"."dbt_snap"."seed_plans" ("plan" text,"display_name" text,"monthly_price" float8,"seats" integer,"is_public" boolean,"launched_on" date);
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_plans"} */
insert into "duckgres"."dbt_snap"."seed_plans" ("plan", "display_name", "monthly_price", "seats", "is_public", "launched_on") values
            ('basic','Basic',9.99,1,true,'2023-01-15'::date),('pro','Pro',29.00,5,true,'2023-03-01'::date),('team','Team',99.5,20,true,'2023-06-10'::date),('legacy','Legacy',4.99,1,false,'2021-11-30'::date);
COMMIT;
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_customers"} */
create table "duckgres"."dbt_snap"."seed_customers" ("id" integer,"name" text,"country" text,"plan" text,"signed_up_at" timestamp without time zone);
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_customers"} */
insert into "duckgres"."dbt_snap"."seed_customers" ("id", "name", "country", "plan", "signed_up_at") values
            (10,'Ada','NL','pro','2023-02-01T08:00:00'::timestamp),(11,'Bo','DE','basic','2023-02-11T12:30:00'::timestamp),(12,'Cy','US','team','2023-07-01T00:00:00'::timestamp),(13,'Di','FR','basic',NULL),(14,'Ed','US','legacy','2022-01-05T16:45:10'::timestamp);
COMMIT;
select "plan", "display_name", "monthly_price", "seats", "is_public", "launched_on" from "duckgres"."dbt_snap"."seed_plans" order by 1;
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'seed_plans' and table_schema = 'dbt_snap' order by ordinal_position;

-- ---- dbt snapshot (first): the target does not exist yet ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.subscriptions_snapshot"} */
create  table "duckgres"."dbt_snap"."subscriptions_snapshot"
  as (
    select *,
        md5(coalesce(cast(id as varchar ), '')
         || '|' || coalesce(cast(updated_at as varchar ), '')
        ) as dbt_scd_id,
        updated_at as dbt_updated_at,
        updated_at as dbt_valid_from,
        nullif(updated_at, updated_at) as dbt_valid_to
    from (
        select * from "duckgres"."dbt_snap"."raw_subscriptions"
    ) sbq
  );
COMMIT;
-- The check strategy asks the database for the snapshot time, then uses it as a literal.
select count(*) from (select now()::timestamp without time zone as snapshot_start) t;
select * from (
        select * from "duckgres"."dbt_snap"."seed_plans"
    ) as __dbt_sbq
    where false
    limit 0;
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.plans_snapshot"} */
create  table "duckgres"."dbt_snap"."plans_snapshot"
  as (
    select *,
        md5(coalesce(cast(plan as varchar ), '')
         || '|' || coalesce(cast('2024-03-01 12:00:00.123456'::timestamp without time zone as varchar ), '')
        ) as dbt_scd_id,
        '2024-03-01 12:00:00.123456'::timestamp without time zone as dbt_updated_at,
        '2024-03-01 12:00:00.123456'::timestamp without time zone as dbt_valid_from,
        nullif('2024-03-01 12:00:00.123456'::timestamp without time zone, '2024-03-01 12:00:00.123456'::timestamp without time zone) as dbt_valid_to
    from (
        select * from "duckgres"."dbt_snap"."seed_plans"
    ) sbq
  );
COMMIT;
select id, plan, status, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_scd_id from "duckgres"."dbt_snap"."subscriptions_snapshot" order by id, dbt_valid_from;
select plan, monthly_price, seats, dbt_valid_from, dbt_valid_to, dbt_scd_id from "duckgres"."dbt_snap"."plans_snapshot" order by plan, dbt_valid_from;
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'subscriptions_snapshot' and table_schema = 'dbt_snap' order by ordinal_position;

-- ---- the materialized view model (first run): created with its unique index ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "model.shop.mv_plan_revenue"} */
create materialized view if not exists "duckgres"."dbt_snap"."mv_plan_revenue" as select c.plan, count(*) as customers, round(sum(p.monthly_price)::numeric, 2) as mrr
from "duckgres"."dbt_snap"."seed_customers" c
join "duckgres"."dbt_snap"."seed_plans" p on p.plan = c.plan
group by c.plan; create unique index if not exists
  "4a5bd2ad1b1b81cfd4e2a1c1c3cf5e6a"
  on "duckgres"."dbt_snap"."mv_plan_revenue"
  (plan);
COMMIT;
select plan, customers, mrr from "duckgres"."dbt_snap"."mv_plan_revenue" order by plan;

-- ---- source changes: updates (one without a new updated_at), a delete, a new row ----
update "duckgres"."dbt_snap"."raw_subscriptions" set plan = 'pro', updated_at = '2024-02-01 09:00:00' where id = 1;
update "duckgres"."dbt_snap"."raw_subscriptions" set status = 'active', updated_at = '2024-02-03 12:00:00' where id = 3;
update "duckgres"."dbt_snap"."raw_subscriptions" set status = 'canceled' where id = 4;
delete from "duckgres"."dbt_snap"."raw_subscriptions" where id = 2;
insert into "duckgres"."dbt_snap"."raw_subscriptions" values (5, 14, 'basic', 'trial', '2024-02-05 07:45:00');

-- ---- dbt seed (second): the CSVs changed; reset_csv_table truncates, then the rows load again ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_plans"} */
truncate table "duckgres"."dbt_snap"."seed_plans";
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "seed.shop.seed_plans"} */
insert into "duckgres"."dbt_snap"."seed_plans" ("plan", "display_name", "monthly_price", "seats", "is_public", "launched_on") values
            ('basic','Basic',12.99,1,true,'2023-01-15'::date),('pro','Pro',29.00,5,true,'2023-03-01'::date),('team','Team',99.5,25,true,'2023-06-10'::date),('enterprise','Enterprise',NULL,100,false,'2024-02-01'::date);
COMMIT;
select "plan", "monthly_price", "seats" from "duckgres"."dbt_snap"."seed_plans" order by 1;

-- ---- dbt snapshot (second): timestamp strategy ----
BEGIN;
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'subscriptions_snapshot' and table_schema = 'dbt_snap' order by ordinal_position;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.subscriptions_snapshot"} */
create temporary table "subscriptions_snapshot__dbt_tmp093015123456"
  as (
    with snapshot_query as (

        select * from "duckgres"."dbt_snap"."raw_subscriptions"

    ),

    snapshotted_data as (

        select *,
            id as dbt_unique_key

        from "duckgres"."dbt_snap"."subscriptions_snapshot"
        where dbt_valid_to is null

    ),

    insertions_source_data as (

        select
            *,
            id as dbt_unique_key,
            updated_at as dbt_updated_at,
            updated_at as dbt_valid_from,
            nullif(updated_at, updated_at) as dbt_valid_to,
            md5(coalesce(cast(id as varchar ), '')
         || '|' || coalesce(cast(updated_at as varchar ), '')
        ) as dbt_scd_id

        from snapshot_query
    ),

    updates_source_data as (

        select
            *,
            id as dbt_unique_key,
            updated_at as dbt_updated_at,
            updated_at as dbt_valid_from,
            updated_at as dbt_valid_to

        from snapshot_query
    ),

    deletes_source_data as (

        select
            *,
            id as dbt_unique_key
        from snapshot_query
    ),

    insertions as (

        select
            'insert' as dbt_change_type,
            source_data.*

        from insertions_source_data as source_data
        left outer join snapshotted_data on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
        where snapshotted_data.dbt_unique_key is null
           or (
                snapshotted_data.dbt_unique_key is not null
            and (
                (snapshotted_data.dbt_valid_from < source_data.updated_at)
            )
        )

    ),

    updates as (

        select
            'update' as dbt_change_type,
            source_data.*,
            snapshotted_data.dbt_scd_id

        from updates_source_data as source_data
        join snapshotted_data on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
        where (
            (snapshotted_data.dbt_valid_from < source_data.updated_at)
        )
    ),

    deletes as (

        select
            'delete' as dbt_change_type,
            source_data.*,
            now()::timestamp without time zone as dbt_valid_from,
            now()::timestamp without time zone as dbt_updated_at,
            now()::timestamp without time zone as dbt_valid_to,
            snapshotted_data.dbt_scd_id

        from snapshotted_data
        left join deletes_source_data as source_data on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
        where source_data.dbt_unique_key is null
    )

    select * from insertions
    union all
    select * from updates
    union all
    select * from deletes

  );
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from INFORMATION_SCHEMA.columns where table_name = 'subscriptions_snapshot__dbt_tmp093015123456' order by ordinal_position;
select dbt_change_type, id, plan, status, case when dbt_change_type = 'delete' then dbt_updated_at > '2024-12-31' end as deleted_now, nullif(dbt_valid_from, case when dbt_change_type = 'delete' then dbt_valid_from end) as dbt_valid_from, case when dbt_change_type = 'delete' then dbt_valid_to > '2024-12-31' else dbt_valid_to is not null end as valid_to_set from "subscriptions_snapshot__dbt_tmp093015123456" order by dbt_change_type, dbt_scd_id;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.subscriptions_snapshot"} */
update "duckgres"."dbt_snap"."subscriptions_snapshot"
    set dbt_valid_to = DBT_INTERNAL_SOURCE.dbt_valid_to
    from "subscriptions_snapshot__dbt_tmp093015123456" as DBT_INTERNAL_SOURCE
    where DBT_INTERNAL_SOURCE.dbt_scd_id::text = "duckgres"."dbt_snap"."subscriptions_snapshot".dbt_scd_id::text
      and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)
      and "duckgres"."dbt_snap"."subscriptions_snapshot".dbt_valid_to is null; insert into "duckgres"."dbt_snap"."subscriptions_snapshot" ("id", "customer_id", "plan", "status", "updated_at", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id")
    select DBT_INTERNAL_SOURCE."id",DBT_INTERNAL_SOURCE."customer_id",DBT_INTERNAL_SOURCE."plan",DBT_INTERNAL_SOURCE."status",DBT_INTERNAL_SOURCE."updated_at",DBT_INTERNAL_SOURCE."dbt_updated_at",DBT_INTERNAL_SOURCE."dbt_valid_from",DBT_INTERNAL_SOURCE."dbt_valid_to",DBT_INTERNAL_SOURCE."dbt_scd_id"
    from "subscriptions_snapshot__dbt_tmp093015123456" as DBT_INTERNAL_SOURCE
    where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text;
COMMIT;
BEGIN;
drop table if exists "subscriptions_snapshot__dbt_tmp093015123456" cascade;
COMMIT;
select id, plan, status, dbt_updated_at, dbt_valid_from, case when id = 2 then dbt_valid_to > '2024-12-31' else dbt_valid_to is null end as valid_to, dbt_scd_id = md5(coalesce(cast(id as varchar ), '') || '|' || coalesce(cast(dbt_updated_at as varchar ), '')) as scd_id_matches from "duckgres"."dbt_snap"."subscriptions_snapshot" order by id, dbt_valid_from;
select id, dbt_valid_from, dbt_valid_to from "duckgres"."dbt_snap"."subscriptions_snapshot" where id <> 2 order by id, dbt_valid_from;

-- ---- dbt snapshot (second): check strategy over the reloaded seed ----
select count(*) from (select now()::timestamp without time zone as snapshot_start) t;
select * from (
        select * from "duckgres"."dbt_snap"."seed_plans"
    ) as __dbt_sbq
    where false
    limit 0;
select * from (
        select * from "duckgres"."dbt_snap"."plans_snapshot"
    ) as __dbt_sbq
    where false
    limit 0;
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.plans_snapshot"} */
create temporary table "plans_snapshot__dbt_tmp093020654321"
  as (
    with snapshot_query as (

        select * from "duckgres"."dbt_snap"."seed_plans"

    ),

    snapshotted_data as (

        select *,
            plan as dbt_unique_key

        from "duckgres"."dbt_snap"."plans_snapshot"
        where dbt_valid_to is null

    ),

    insertions_source_data as (

        select
            *,
            plan as dbt_unique_key,
            '2024-03-08 06:30:00.654321'::timestamp without time zone as dbt_updated_at,
            '2024-03-08 06:30:00.654321'::timestamp without time zone as dbt_valid_from,
            nullif('2024-03-08 06:30:00.654321'::timestamp without time zone, '2024-03-08 06:30:00.654321'::timestamp without time zone) as dbt_valid_to,
            md5(coalesce(cast(plan as varchar ), '')
         || '|' || coalesce(cast('2024-03-08 06:30:00.654321'::timestamp without time zone as varchar ), '')
        ) as dbt_scd_id

        from snapshot_query
    ),

    updates_source_data as (

        select
            *,
            plan as dbt_unique_key,
            '2024-03-08 06:30:00.654321'::timestamp without time zone as dbt_updated_at,
            '2024-03-08 06:30:00.654321'::timestamp without time zone as dbt_valid_from,
            '2024-03-08 06:30:00.654321'::timestamp without time zone as dbt_valid_to

        from snapshot_query
    ),

    insertions as (

        select
            'insert' as dbt_change_type,
            source_data.*

        from insertions_source_data as source_data
        left outer join snapshotted_data on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
        where snapshotted_data.dbt_unique_key is null
           or (
                snapshotted_data.dbt_unique_key is not null
            and (
                (snapshotted_data.plan != source_data.plan
        or
        (
            ((snapshotted_data.plan is null) and not (source_data.plan is null))
            or
            ((not snapshotted_data.plan is null) and (source_data.plan is null))
        ) or snapshotted_data.display_name != source_data.display_name
        or
        (
            ((snapshotted_data.display_name is null) and not (source_data.display_name is null))
            or
            ((not snapshotted_data.display_name is null) and (source_data.display_name is null))
        ) or snapshotted_data.monthly_price != source_data.monthly_price
        or
        (
            ((snapshotted_data.monthly_price is null) and not (source_data.monthly_price is null))
            or
            ((not snapshotted_data.monthly_price is null) and (source_data.monthly_price is null))
        ) or snapshotted_data.seats != source_data.seats
        or
        (
            ((snapshotted_data.seats is null) and not (source_data.seats is null))
            or
            ((not snapshotted_data.seats is null) and (source_data.seats is null))
        ) or snapshotted_data.is_public != source_data.is_public
        or
        (
            ((snapshotted_data.is_public is null) and not (source_data.is_public is null))
            or
            ((not snapshotted_data.is_public is null) and (source_data.is_public is null))
        ) or snapshotted_data.launched_on != source_data.launched_on
        or
        (
            ((snapshotted_data.launched_on is null) and not (source_data.launched_on is null))
            or
            ((not snapshotted_data.launched_on is null) and (source_data.launched_on is null))
        ))
            )
        )

    ),

    updates as (

        select
            'update' as dbt_change_type,
            source_data.*,
            snapshotted_data.dbt_scd_id

        from updates_source_data as source_data
        join snapshotted_data on snapshotted_data.dbt_unique_key = source_data.dbt_unique_key
        where (
            (snapshotted_data.plan != source_data.plan
        or
        (
            ((snapshotted_data.plan is null) and not (source_data.plan is null))
            or
            ((not snapshotted_data.plan is null) and (source_data.plan is null))
        ) or snapshotted_data.display_name != source_data.display_name
        or
        (
            ((snapshotted_data.display_name is null) and not (source_data.display_name is null))
            or
            ((not snapshotted_data.display_name is null) and (source_data.display_name is null))
        ) or snapshotted_data.monthly_price != source_data.monthly_price
        or
        (
            ((snapshotted_data.monthly_price is null) and not (source_data.monthly_price is null))
            or
            ((not snapshotted_data.monthly_price is null) and (source_data.monthly_price is null))
        ) or snapshotted_data.seats != source_data.seats
        or
        (
            ((snapshotted_data.seats is null) and not (source_data.seats is null))
            or
            ((not snapshotted_data.seats is null) and (source_data.seats is null))
        ) or snapshotted_data.is_public != source_data.is_public
        or
        (
            ((snapshotted_data.is_public is null) and not (source_data.is_public is null))
            or
            ((not snapshotted_data.is_public is null) and (source_data.is_public is null))
        ) or snapshotted_data.launched_on != source_data.launched_on
        or
        (
            ((snapshotted_data.launched_on is null) and not (source_data.launched_on is null))
            or
            ((not snapshotted_data.launched_on is null) and (source_data.launched_on is null))
        ))
        )
    )

    select * from insertions
    union all
    select * from updates

  );
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from INFORMATION_SCHEMA.columns where table_name = 'plans_snapshot__dbt_tmp093020654321' order by ordinal_position;
select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale from "duckgres".INFORMATION_SCHEMA.columns where table_name = 'plans_snapshot' and table_schema = 'dbt_snap' order by ordinal_position;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "snapshot.shop.plans_snapshot"} */
update "duckgres"."dbt_snap"."plans_snapshot"
    set dbt_valid_to = DBT_INTERNAL_SOURCE.dbt_valid_to
    from "plans_snapshot__dbt_tmp093020654321" as DBT_INTERNAL_SOURCE
    where DBT_INTERNAL_SOURCE.dbt_scd_id::text = "duckgres"."dbt_snap"."plans_snapshot".dbt_scd_id::text
      and DBT_INTERNAL_SOURCE.dbt_change_type::text in ('update'::text, 'delete'::text)
      and "duckgres"."dbt_snap"."plans_snapshot".dbt_valid_to is null; insert into "duckgres"."dbt_snap"."plans_snapshot" ("plan", "display_name", "monthly_price", "seats", "is_public", "launched_on", "dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to")
    select DBT_INTERNAL_SOURCE."plan",DBT_INTERNAL_SOURCE."display_name",DBT_INTERNAL_SOURCE."monthly_price",DBT_INTERNAL_SOURCE."seats",DBT_INTERNAL_SOURCE."is_public",DBT_INTERNAL_SOURCE."launched_on",DBT_INTERNAL_SOURCE."dbt_scd_id",DBT_INTERNAL_SOURCE."dbt_updated_at",DBT_INTERNAL_SOURCE."dbt_valid_from",DBT_INTERNAL_SOURCE."dbt_valid_to"
    from "plans_snapshot__dbt_tmp093020654321" as DBT_INTERNAL_SOURCE
    where DBT_INTERNAL_SOURCE.dbt_change_type::text = 'insert'::text;
COMMIT;
BEGIN;
drop table if exists "plans_snapshot__dbt_tmp093020654321" cascade;
COMMIT;
select plan, monthly_price, seats, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_scd_id from "duckgres"."dbt_snap"."plans_snapshot" order by plan, dbt_valid_from;
select count(*) as tmp_tables from pg_class where relname like '%\_\_dbt\_tmp%';

-- ---- the materialized view model (second run): no configuration change, so a refresh ----
select
        i.relname                                   as name,
        m.amname                                    as method,
        ix.indisunique                              as "unique",
        array_to_string(array_agg(a.attname), ',')  as column_names
    from pg_index ix
    join pg_class i
        on i.oid = ix.indexrelid
    join pg_am m
        on m.oid=i.relam
    join pg_class t
        on t.oid = ix.indrelid
    join pg_namespace n
        on n.oid = t.relnamespace
    join pg_attribute a
        on a.attrelid = t.oid
        and a.attnum = ANY(ix.indkey)
    where t.relname = 'mv_plan_revenue'
      and n.nspname = 'dbt_snap'
      and t.relkind in ('r', 'm')
    group by 1, 2, 3
    order by 1, 2, 3;
select plan, customers, mrr from "duckgres"."dbt_snap"."mv_plan_revenue" order by plan;
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "model.shop.mv_plan_revenue"} */
refresh materialized view "duckgres"."dbt_snap"."mv_plan_revenue";
COMMIT;
select plan, customers, mrr from "duckgres"."dbt_snap"."mv_plan_revenue" order by plan;

-- ---- third run: the model's indexes changed (on_configuration_change apply) ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "model.shop.mv_plan_revenue"} */
drop index if exists "dbt_snap"."4a5bd2ad1b1b81cfd4e2a1c1c3cf5e6a"; create  index if not exists
  "9f2e2b1c6d0e4f8a7b3c5d9e1f0a2b4c"
  on "duckgres"."dbt_snap"."mv_plan_revenue"
  (customers);
COMMIT;
select
        i.relname                                   as name,
        m.amname                                    as method,
        ix.indisunique                              as "unique",
        array_to_string(array_agg(a.attname), ',')  as column_names
    from pg_index ix
    join pg_class i
        on i.oid = ix.indexrelid
    join pg_am m
        on m.oid=i.relam
    join pg_class t
        on t.oid = ix.indrelid
    join pg_namespace n
        on n.oid = t.relnamespace
    join pg_attribute a
        on a.attrelid = t.oid
        and a.attnum = ANY(ix.indkey)
    where t.relname = 'mv_plan_revenue'
      and n.nspname = 'dbt_snap'
      and t.relkind in ('r', 'm')
    group by 1, 2, 3
    order by 1, 2, 3;

-- ---- fourth run, --full-refresh: get_replace_sql (intermediate, backup, rename, drop backup) ----
BEGIN;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "model.shop.mv_plan_revenue"} */
create materialized view if not exists "duckgres"."dbt_snap"."mv_plan_revenue__dbt_tmp" as select c.plan, count(*) as customers, round(sum(p.monthly_price)::numeric, 2) as mrr, max(c.signed_up_at) as last_signup
from "duckgres"."dbt_snap"."seed_customers" c
join "duckgres"."dbt_snap"."seed_plans" p on p.plan = c.plan
group by c.plan; create  index if not exists
  "c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5"
  on "duckgres"."dbt_snap"."mv_plan_revenue__dbt_tmp"
  (customers); alter materialized view "duckgres"."dbt_snap"."mv_plan_revenue" rename to "mv_plan_revenue__dbt_backup"; alter materialized view "duckgres"."dbt_snap"."mv_plan_revenue__dbt_tmp" rename to "mv_plan_revenue"; drop materialized view if exists "duckgres"."dbt_snap"."mv_plan_revenue__dbt_backup" cascade;
COMMIT;
select plan, customers, mrr, last_signup from "duckgres"."dbt_snap"."mv_plan_revenue" order by plan;
select schemaname, matviewname, hasindexes, ispopulated, definition like '%dbt_snap.seed_plans p%' as reads_seed_plans from pg_matviews where schemaname = 'dbt_snap' order by matviewname;
select
        i.relname                                   as name,
        m.amname                                    as method,
        ix.indisunique                              as "unique",
        array_to_string(array_agg(a.attname), ',')  as column_names
    from pg_index ix
    join pg_class i
        on i.oid = ix.indexrelid
    join pg_am m
        on m.oid=i.relam
    join pg_class t
        on t.oid = ix.indrelid
    join pg_namespace n
        on n.oid = t.relnamespace
    join pg_attribute a
        on a.attrelid = t.oid
        and a.attnum = ANY(ix.indkey)
    where t.relname = 'mv_plan_revenue'
      and n.nspname = 'dbt_snap'
      and t.relkind in ('r', 'm')
    group by 1, 2, 3
    order by 1, 2, 3;
select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname = 'dbt_snap' order by indexname;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "model.shop.mv_plan_revenue"} */
comment on materialized view "duckgres"."dbt_snap"."mv_plan_revenue" is $dbt_comment_literal_block$Monthly recurring revenue per plan$dbt_comment_literal_block$;
select
      'duckgres' as database,
      tablename as name,
      schemaname as schema,
      'table' as type
    from pg_tables
    where schemaname ilike 'dbt_snap'
    union all
    select
      'duckgres' as database,
      viewname as name,
      schemaname as schema,
      'view' as type
    from pg_views
    where schemaname ilike 'dbt_snap'
    union all
    select
      'duckgres' as database,
      matviewname as name,
      schemaname as schema,
      'materialized_view' as type
    from pg_matviews
    where schemaname ilike 'dbt_snap'
    order by name;
select 'duckgres' as table_database, sch.nspname as table_schema, tbl.relname as table_name, case tbl.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'BASE TABLE' end as table_type, tbl_desc.description as table_comment, col.attname as column_name, col.attnum as column_index, pg_catalog.format_type(col.atttypid, col.atttypmod) as column_type
from pg_catalog.pg_namespace sch
join pg_catalog.pg_class tbl on tbl.relnamespace = sch.oid
join pg_catalog.pg_attribute col on col.attrelid = tbl.oid
left outer join pg_catalog.pg_description tbl_desc on (tbl_desc.objoid = tbl.oid and tbl_desc.objsubid = 0)
where sch.nspname = 'dbt_snap'
  and tbl.relkind in ('r', 'v', 'f', 'p', 'm')
  and tbl.relname in ('mv_plan_revenue', 'plans_snapshot')
  and col.attnum > 0
  and not col.attisdropped
order by sch.nspname, tbl.relname, col.attnum;

-- ---- dbt test: generic tests on the seeds, the snapshot and the materialized view, and a singular test ----
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.not_null_seed_customers_id.4b9c6e4d1f"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

select id
from "duckgres"."dbt_snap"."seed_customers"
where id is null



    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.unique_seed_customers_id.7b1a3f2c9e"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

select
    id as unique_field,
    count(*) as n_records

from "duckgres"."dbt_snap"."seed_customers"
where id is not null
group by id
having count(*) > 1



    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.accepted_values_seed_customers_country__NL__DE__US.5d2c1a0b9f"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

with all_values as (

    select
        country as value_field,
        count(*) as n_records

    from "duckgres"."dbt_snap"."seed_customers"
    group by country

)

select *
from all_values
where value_field not in (
    'NL','DE','US'
)



    ) dbt_internal_test;
select *
from (with all_values as (
    select country as value_field, count(*) as n_records from "duckgres"."dbt_snap"."seed_customers" group by country
)
select * from all_values where value_field not in ('NL','DE','US')) failures order by 1;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.relationships_seed_customers_plan__plan__ref_seed_plans_.3e8f7a6b5c"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

with child as (
    select plan as from_field
    from "duckgres"."dbt_snap"."seed_customers"
    where plan is not null
),

parent as (
    select plan as to_field
    from "duckgres"."dbt_snap"."seed_plans"
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null



    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.unique_subscriptions_snapshot_dbt_scd_id.0a1b2c3d4e"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

select
    dbt_scd_id as unique_field,
    count(*) as n_records

from "duckgres"."dbt_snap"."subscriptions_snapshot"
where dbt_scd_id is not null
group by dbt_scd_id
having count(*) > 1



    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.unique_mv_plan_revenue_plan.6f5e4d3c2b"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (

select
    plan as unique_field,
    count(*) as n_records

from "duckgres"."dbt_snap"."mv_plan_revenue"
where plan is not null
group by plan
having count(*) > 1



    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.one_open_row_per_subscription"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      -- a singular test: at most one current row per subscription in the snapshot
select id, count(*) as open_rows
from "duckgres"."dbt_snap"."subscriptions_snapshot"
where dbt_valid_to is null
group by id
having count(*) > 1

    ) dbt_internal_test;
/* {"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings", "target_name": "dev", "node_id": "test.shop.mrr_is_positive"} */
select
      count(*) as failures,
      count(*) != 0 as should_warn,
      count(*) != 0 as should_error
    from (
      select plan, mrr from "duckgres"."dbt_snap"."mv_plan_revenue" where mrr <= 0 or mrr is null
    ) dbt_internal_test;

-- ---- cleanup ----
drop materialized view if exists "duckgres"."dbt_snap"."mv_plan_revenue" cascade;
select count(*) from pg_matviews where schemaname = 'dbt_snap';
drop schema if exists "dbt_snap" cascade;
select count(*) from pg_namespace where nspname = 'dbt_snap';
