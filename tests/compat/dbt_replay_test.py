# dbt-postgres, replayed: the statements two `dbt run`s of a view model, a table model and an
# incremental model (delete+insert, then merge) send, in dbt's order, with its comment headers,
# its "db"."schema"."name" quoting, its transactions (psycopg2 without autocommit, plus dbt's
# own BEGIN/COMMIT) and its multi-statement scripts — as dbt-postgres 1.7 renders them.
# PG* variables come from with_server.py (or --external for a real PostgreSQL).
import json
import os
import sys

import psycopg2
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import case, check, failures  # noqa: E402,F401  (tests/harness.py)

DB = os.environ.get("PGDATABASE", "duckgres")
SCHEMA = "analytics"


def header(node):
    return "/* %s */\n" % json.dumps({"app": "dbt", "dbt_version": "1.7.4", "profile_name": "ducklings",
                                      "target_name": "dev", "node_id": node})


def rel(name):
    return '"%s"."%s"."%s"' % (DB, SCHEMA, name)


conn = psycopg2.connect("")  # dbt-postgres leaves autocommit off and adds its own BEGIN
cur = conn.cursor()


def run(node, sql):
    cur.execute(header(node) + sql)
    return cur.fetchall() if cur.description else None


def begin(node):
    run(node, "BEGIN")


def commit(node):
    run(node, "COMMIT")
    conn.commit()


def list_relations():
    rows = run("list_" + SCHEMA, """select
      '%(db)s' as database,
      tablename as name,
      schemaname as schema,
      'table' as type
    from pg_tables
    where schemaname ilike '%(s)s'
    union all
    select
      '%(db)s' as database,
      viewname as name,
      schemaname as schema,
      'view' as type
    from pg_views
    where schemaname ilike '%(s)s'
    union all
    select
      '%(db)s' as database,
      matviewname as name,
      schemaname as schema,
      'materialized_view' as type
    from pg_matviews
    where schemaname ilike '%(s)s'""" % {"db": DB, "s": SCHEMA})
    conn.commit()
    return sorted((r[1], r[3]) for r in rows)


def columns_of(node, name, schema=SCHEMA):
    where = "table_name = '%s'" % name + ("\n        and table_schema = '%s'" % schema if schema else "")
    return run(node, """select
          column_name,
          data_type,
          character_maximum_length,
          numeric_precision,
          numeric_scale

      from "%s".INFORMATION_SCHEMA.columns
      where %s
      order by ordinal_position""" % (DB, where))


def materialize_view(node, name, body, existing):
    begin(node)
    run(node, "\n  create view %s\n  as (\n    %s\n  );" % (rel(name + "__dbt_tmp"), body))
    if existing:
        run(node, "alter table %s rename to \"%s__dbt_backup\"" % (rel(name), name))
    run(node, "alter table %s rename to \"%s\"" % (rel(name + "__dbt_tmp"), name))
    commit(node)
    begin(node)
    run(node, "drop view if exists %s cascade" % rel(name + "__dbt_backup"))
    commit(node)


def materialize_table(node, name, body, existing):
    begin(node)
    run(node, "\n\n  create  table %s\n  \n  \n    as\n  \n  (\n    %s\n  );" % (rel(name + "__dbt_tmp"), body))
    if existing:
        run(node, "alter table %s rename to \"%s__dbt_backup\"" % (rel(name), name))
    run(node, "alter table %s rename to \"%s\"" % (rel(name + "__dbt_tmp"), name))
    commit(node)
    begin(node)
    run(node, "drop table if exists %s cascade" % rel(name + "__dbt_backup"))
    commit(node)


# Sources dbt reads (loaded outside dbt).
setup = psycopg2.connect("")
setup.autocommit = True
with setup.cursor() as s:
    s.execute("DROP SCHEMA IF EXISTS %s CASCADE" % SCHEMA)
    s.execute("DROP SCHEMA IF EXISTS raw CASCADE")
    s.execute("CREATE SCHEMA raw")
    s.execute("CREATE TABLE raw.events (id integer, event varchar(40), amount numeric(10,2), ts timestamp)")
    s.execute("INSERT INTO raw.events SELECT g, CASE WHEN g % 3 = 0 THEN 'purchase' ELSE 'pageview' END,"
              " g * 1.5, TIMESTAMP '2024-01-01' + g * INTERVAL '6 hours' FROM generate_series(1, 20) g")

STG = "select id, event, amount, ts from \"%s\".\"raw\".\"events\" where event is not null" % DB
DAILY = ("select date_trunc('day', ts) as day, event, count(*) as events, sum(amount) as amount\n"
         "    from %s\n    group by 1, 2" % rel("stg_events"))
INC_BODY = "select id, event, amount, ts from %s" % rel("stg_events")

# ---- first dbt run ----
schemas = [r[0] for r in run("list_schemas", "select distinct nspname from pg_namespace")]
check("raw" in schemas and SCHEMA not in schemas, "schema list %r" % schemas)
begin("create_analytics")
run("create_analytics", 'create schema if not exists "%s"' % SCHEMA)
commit("create_analytics")
check(list_relations() == [], "no relations yet")
run("get_relations", """with relation as (
        select
            pg_rewrite.ev_class as class,
            pg_rewrite.oid as id
        from pg_rewrite
    ),
    class as (
        select
            oid as id,
            relname as name,
            relnamespace as schema,
            relkind as kind
        from pg_class
    ),
    dependency as (
        select distinct
            pg_depend.objid as id,
            pg_depend.refobjid as ref
        from pg_depend
    ),
    schema as (
        select
            pg_namespace.oid as id,
            pg_namespace.nspname as name
        from pg_namespace
        where nspname != 'information_schema' and nspname not like 'pg\\_%'
    ),
    referenced as (
        select
            relation.id AS id,
            referenced_class.name ,
            referenced_class.schema ,
            referenced_class.kind
        from relation
        join class as referenced_class on relation.class=referenced_class.id
        where referenced_class.kind in ('r', 'v', 'm')
    ),
    relationships as (
        select
            referenced.name as referenced_name,
            referenced.schema as referenced_schema_id,
            dependent_class.name as dependent_name,
            dependent_class.schema as dependent_schema_id,
            referenced.kind as kind
        from referenced
        join dependency on referenced.id=dependency.id
        join class as dependent_class on dependency.ref=dependent_class.id
        where
            (referenced.name != dependent_class.name or
             referenced.schema != dependent_class.schema)
    )

    select
        referenced_schema.name as referenced_schema,
        relationships.referenced_name as referenced_name,
        dependent_schema.name as dependent_schema,
        relationships.dependent_name as dependent_name
    from relationships
    join schema as dependent_schema on relationships.dependent_schema_id=dependent_schema.id
    join schema as referenced_schema on relationships.referenced_schema_id=referenced_schema.id
    group by referenced_schema, referenced_name, dependent_schema, dependent_name
    order by referenced_schema, referenced_name, dependent_schema, dependent_name;""")
conn.commit()

materialize_view("model.stg_events", "stg_events", STG, existing=False)
materialize_table("model.daily_counts", "daily_counts", DAILY, existing=False)
materialize_table("model.events_inc", "events_inc", INC_BODY + " where id <= 10", existing=False)
check(list_relations() == [("daily_counts", "table"), ("events_inc", "table"), ("stg_events", "view")],
      "relations after run 1: %r" % list_relations())
cols = columns_of("model.daily_counts", "daily_counts")
check([c[0] for c in cols] == ["day", "event", "events", "amount"], "daily_counts columns %r" % cols)

# ---- second dbt run: views and tables are swapped in, the incremental model merges ----
with setup.cursor() as s:
    s.execute("INSERT INTO raw.events VALUES (5, 'refund', -7.50, TIMESTAMP '2024-01-02 06:00:00')")
materialize_view("model.stg_events", "stg_events", STG + " and amount <> 0", existing=True)
materialize_table("model.daily_counts", "daily_counts", DAILY, existing=True)

node = "model.events_inc"
tmp = "events_inc__dbt_tmp101112131415"
begin(node)
run(node, '\n\n  create temporary table "%s"\n  \n  \n    as\n  \n  (\n    %s\n    where id > 8\n  );'
    % (tmp, INC_BODY))
tmp_cols = columns_of(node, tmp, schema=None)
target_cols = columns_of(node, "events_inc")
check([c[0] for c in tmp_cols] == [c[0] for c in target_cols] == ["id", "event", "amount", "ts"],
      "incremental columns %r / %r" % (tmp_cols, target_cols))
dest = ", ".join('"%s"' % c[0] for c in target_cols)
run(node, """
    delete from %(t)s
            where (
                id) in (
                select (id)
                from "%(s)s"
            );

    insert into %(t)s (%(c)s)
    (
        select %(c)s
        from "%(s)s"
    )
  """ % {"t": rel("events_inc"), "s": tmp, "c": dest})
commit(node)

# merge strategy (dbt 1.6+): a later batch with an updated row and new ones
node = "model.events_merge"
materialize_table(node, "events_merge", INC_BODY + " where id <= 3", existing=False)
tmp = "events_merge__dbt_tmp161718192021"
begin(node)
run(node, 'create temporary table "%s" as (%s where id between 3 and 6)' % (tmp, INC_BODY))
run(node, """merge into %(t)s as DBT_INTERNAL_DEST
        using "%(s)s" as DBT_INTERNAL_SOURCE
        on (
                DBT_INTERNAL_SOURCE.id = DBT_INTERNAL_DEST.id
            )

    when matched then update set
        "event" = DBT_INTERNAL_SOURCE."event","amount" = DBT_INTERNAL_SOURCE."amount"

    when not matched then insert
        ("id", "event", "amount", "ts")
    values
        ("id", "event", "amount", "ts")
""" % {"t": rel("events_merge"), "s": tmp})
commit(node)

# ---- what the warehouse holds afterwards ----
check(list_relations() == [("daily_counts", "table"), ("events_inc", "table"), ("events_merge", "table"),
                           ("stg_events", "view")], "relations after run 2: %r" % list_relations())
with setup.cursor() as s:
    s.execute("SELECT count(*), count(DISTINCT id), max(id) FROM analytics.events_inc")
    check(s.fetchone() == (20, 20, 20), "events_inc rows (ids 1-20, 9 and 10 replaced)")
    s.execute("SELECT count(*), sum(amount) FROM analytics.stg_events WHERE event = 'refund'")
    row = s.fetchone()
    check(row[0] == 1 and float(row[1]) == -7.5, "stg_events sees the new source row %r" % (row,))
    s.execute("SELECT sum(events) FROM analytics.daily_counts")
    check(s.fetchone()[0] == 21, "daily_counts rebuilt")
    s.execute("SELECT id, event FROM analytics.events_merge ORDER BY id, event")
    got = s.fetchall()
    check([r[0] for r in got] == [1, 2, 3, 4, 5, 5, 6], "events_merge ids %r" % got)
    s.execute("SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_\\_dbt\\_%' AND relpersistence <> 't'")
    check(s.fetchone()[0] == 0, "no __dbt_tmp/__dbt_backup relations left")
    s.execute("DROP SCHEMA %s CASCADE" % SCHEMA)
    s.execute("DROP SCHEMA raw CASCADE")

if failures:
    print("%d dbt replay check(s) failed" % len(failures), file=sys.stderr)
    sys.exit(1)
print("all dbt replay checks passed")
