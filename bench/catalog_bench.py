#!/usr/bin/python3
"""Catalog introspection speed: what a BI tool asks when it lists a schema of many tables.

    catalog_bench.py [--tables 500] [--columns 20] [--runs 5]

Creates schema bench_many with TABLES tables of COLUMNS columns (primary keys, varchar(n),
numeric(p,s), timestamps) on the server the PG* variables name (a duckgres from
with_server.py, or --external against PostgreSQL 15 to compare), then times, warm, the median
of RUNS: information_schema.columns for the schema, the pg_attribute/pg_class/pg_type join
pgjdbc's getColumns sends, psql's \\dt listing, and SQLAlchemy's get_columns for every table.
Prints one line per measurement: name, median ms, min ms, max ms.
"""
import argparse
import statistics
import time

import psycopg2

ap = argparse.ArgumentParser()
ap.add_argument("--tables", type=int, default=500)
ap.add_argument("--columns", type=int, default=20)
ap.add_argument("--runs", type=int, default=5)
args = ap.parse_args()

conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
cur.execute("DROP SCHEMA IF EXISTS bench_many CASCADE")
cur.execute("CREATE SCHEMA bench_many")
types = ["integer", "varchar(20)", "numeric(10,2)", "timestamp", "text"]
for t in range(args.tables):
    cols = ", ".join("c%d %s" % (c, types[c % len(types)]) for c in range(args.columns - 1))
    cur.execute("CREATE TABLE bench_many.t%d (id integer PRIMARY KEY, %s)" % (t, cols))

JDBC_GET_COLUMNS = """SELECT * FROM (SELECT n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE 'bench_many') c WHERE true  ORDER BY nspname,c.relname,attnum"""
PSQL_DT = """SELECT n.nspname as "Schema", c.relname as "Name", CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as "Type", pg_catalog.pg_get_userbyid(c.relowner) as "Owner" FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p','') AND n.nspname ~ '^(bench_many)$' ORDER BY 1,2"""
INFO_COLUMNS = """SELECT table_name, column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable FROM information_schema.columns WHERE table_schema = 'bench_many' ORDER BY table_name, ordinal_position"""
SQLA_COLUMNS = """SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef) AS DEFAULT, a.attnotnull, a.attrelid as table_oid, pgd.description as comment, a.attgenerated as generated, (SELECT json_build_object('always', a.attidentity = 'a', 'start', s.seqstart) FROM pg_catalog.pg_sequence s, pg_catalog.pg_class c WHERE s.seqrelid = c.oid AND c.relkind = 'S' AND a.attidentity != '' AND s.seqrelid = CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(a.attrelid AS REGCLASS) AS TEXT), a.attname) AS REGCLASS)) as identity_options FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_description pgd ON (pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum) WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""


def timed(name, fn, expect_rows):
    times = []
    rows = None
    for i in range(args.runs + 1):
        start = time.perf_counter()
        rows = fn()
        if i:  # the first run warms up
            times.append((time.perf_counter() - start) * 1000)
    assert rows == expect_rows, "%s returned %s rows, expected %s" % (name, rows, expect_rows)
    print("%-38s %9.1f %9.1f %9.1f" % (name, statistics.median(times), min(times), max(times)))


def query(sql):
    def run():
        cur.execute(sql)
        return len(cur.fetchall())
    return run


cur.execute("SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'bench_many' AND c.relkind = 'r' ORDER BY c.relname")
oids = [r[0] for r in cur.fetchall()]


def sqlalchemy_all_tables():
    n = 0
    for oid in oids:
        cur.execute(SQLA_COLUMNS, (oid,))
        n += len(cur.fetchall())
    return n


total = args.tables * args.columns
print("%-38s %9s %9s %9s" % ("measurement (%d tables x %d columns)" % (args.tables, args.columns), "median", "min", "max"))
timed("information_schema.columns", query(INFO_COLUMNS), total)
timed("pgjdbc getColumns", query(JDBC_GET_COLUMNS), total)
timed("psql \\dt", query(PSQL_DT), args.tables)
timed("SQLAlchemy get_columns x tables", sqlalchemy_all_tables, total)
cur.execute("DROP SCHEMA bench_many CASCADE")
